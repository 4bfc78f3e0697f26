"""The residents' JSON door, without an account: the areas to pick, a code to a number, the
code back, and a signed link to stop."""

from flask import Blueprint, current_app
from marshmallow import fields, validate

from ..core.http import json_body
from ..core.openapi import doc
from ..core.schemas import REGION_ID, BaseSchema, Phone
from ..extensions import limiter
from . import service

bp = Blueprint("residents", __name__, url_prefix="/api/v1/public/residents")
ADDRESS_SCOPE = "resident-code-address"


def _address_limit() -> str:
    return current_app.config["RESIDENT_CODE_ADDRESS_RATE_LIMIT"]


def code_limit(exempt_when=None):
    """Per address, shared by the JSON door and the page, so a flood split over both still stops."""
    return limiter.shared_limit(_address_limit, ADDRESS_SCOPE, exempt_when=exempt_when)


class CodeRequestSchema(BaseSchema):
    phone = Phone(required=True, validate=validate.Length(max=20))
    region_id = fields.Integer(required=True, strict=True, validate=REGION_ID)


class ConfirmSchema(BaseSchema):
    phone = Phone(required=True, validate=validate.Length(max=20))
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="Six digits."))


class StopSchema(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(min=2, max=60))


def _answer(sub) -> dict:
    return {
        "phone": service.masked(sub.phone),
        "state": sub.state,
        "region_id": sub.region_id,
        "stop_url": service.stop_url("s", sub.id),
    }


@bp.get("/regions")
@doc("The townships and their villages a resident may subscribe to", public=True)
def regions():
    return {"items": service.region_choices()}


@bp.post("/codes")
@code_limit()
@doc(
    "Send a one-time code by SMS to a mainland mobile number, to subscribe it to an area's warnings",
    body=CodeRequestSchema,
    status=202,
    public=True,
)
def request_code():
    data = CodeRequestSchema().load(json_body())
    sub, code = service.request_code(data["phone"], data["region_id"])
    return {
        "phone": service.masked(sub.phone),
        "expires_at": code.expires_at.isoformat(),
        "confirm_token": service.token("c", sub.id),
    }, 202


@bp.post("/subscriptions")
@code_limit()
@doc("The code sent to the number: its subscription is active", body=ConfirmSchema, public=True)
def confirm():
    data = ConfirmSchema().load(json_body())
    return _answer(service.confirm(service.by_phone(data["phone"]), data["code"]))


@bp.post("/unsubscribe")
@limiter.limit("60 per hour")
@doc("Stop the SMS or push subscription a signed link names", body=StopSchema, public=True)
def unsubscribe():
    data = StopSchema().load(json_body())
    return {"state": service.stop_by_token(data["token"])}
