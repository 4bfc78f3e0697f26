"""Push subscriptions, and the signed webhooks of the SMS and voice gateways."""

import hmac

import sqlalchemy as sa
from flask import Blueprint, current_app, g, request
from marshmallow import fields, validate

from ..core.http import json_body
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import REGION_ID, BaseSchema, QuerySchema, load_query, reject_unstorable
from ..errors import ApiProblem, validation_problem
from ..extensions import db, limiter
from ..regions.models import Region
from . import channels, service
from .models import PushSubscription

bp = Blueprint("delivery", __name__, url_prefix="/api/v1")


class KeysSchema(BaseSchema):
    p256dh = fields.String(required=True, validate=validate.Length(min=20, max=200))
    auth = fields.String(required=True, validate=validate.Length(min=8, max=100))


class SubscriptionSchema(BaseSchema):
    endpoint = fields.Url(
        required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=1000)
    )
    keys = fields.Nested(KeysSchema, required=True)
    expirationTime = fields.Raw(load_default=None, allow_none=True)  # noqa: N815 - the browser's name


class PublicSubscriptionSchema(BaseSchema):
    subscription = fields.Nested(SubscriptionSchema, required=True)
    region_id = fields.Integer(required=True, strict=True, validate=REGION_ID)


class EndpointSchema(BaseSchema):
    endpoint = fields.String(required=True, validate=validate.Length(max=1000))


class InboundSmsSchema(BaseSchema):
    id = fields.String(required=True, validate=validate.Length(max=100))
    to = fields.String(load_default=None)
    text = fields.String(required=True, validate=validate.Length(max=500))
    from_ = fields.String(required=True, data_key="from", validate=validate.Length(max=30))


class InboundVoiceSchema(BaseSchema):
    id = fields.String(required=True, validate=validate.Length(max=100))
    digits = fields.String(required=True, validate=validate.Length(max=10))
    from_ = fields.String(required=True, data_key="from", validate=validate.Length(max=30))


class StatusReportSchema(BaseSchema):
    id = fields.String(required=True, validate=validate.Length(max=100))
    status = fields.String(required=True, validate=validate.OneOf(["delivered", "failed"]))


def _save(data: dict, user_id=None, region_id=None) -> PushSubscription:
    try:
        channels.check_endpoint(data["endpoint"])
    except channels.EndpointRefused as exc:
        raise validation_problem({"endpoint": [str(exc)]}) from None
    sub = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == data["endpoint"]))
    if sub is None:
        sub = PushSubscription(endpoint=data["endpoint"])
        db.session.add(sub)
    # The same browser re-subscribing (or passed to another user) keeps one row.
    sub.user_id, sub.region_id = user_id, region_id
    sub.p256dh, sub.auth, sub.failures = data["keys"]["p256dh"], data["keys"]["auth"], 0
    return sub


@bp.get("/push/vapid-public-key")
@doc("The server's VAPID public key (base64url, uncompressed P-256 point)", public=True)
def vapid_public_key():
    return {"public_key": channels.vapid_public_key()}


@bp.post("/push/subscriptions")
@requires("push.subscribe")
@doc("Register this device's push subscription for the signed-in user", body=SubscriptionSchema, status=201)
def subscribe():
    sub = _save(SubscriptionSchema().load(json_body()), user_id=g.user.id)
    return {"id": str(sub.id)}, 201


@bp.delete("/push/subscriptions")
@requires("push.subscribe")
@doc("Remove one of the signed-in user's push subscriptions", body=EndpointSchema, status=204)
def unsubscribe():
    data = EndpointSchema().load(json_body())
    db.session.execute(
        sa.delete(PushSubscription).where(
            PushSubscription.endpoint == data["endpoint"], PushSubscription.user_id == g.user.id
        )
    )
    return "", 204


@bp.post("/public/push/subscriptions")
@limiter.limit("20 per hour")
@doc(
    "Subscribe a resident, without an account, to a region's warnings",
    body=PublicSubscriptionSchema,
    status=201,
    public=True,
)
def subscribe_resident():
    data = PublicSubscriptionSchema().load(json_body())
    if db.session.get(Region, data["region_id"]) is None:
        raise validation_problem({"region_id": ["No such region."]})
    sub = _save(data["subscription"], region_id=data["region_id"])
    return {"id": str(sub.id)}, 201


def _signed_body(schema):
    raw = request.get_data(cache=True)
    if not channels.signature_ok(raw, request.headers.get("X-Signature")):
        raise ApiProblem(
            401, "bad-signature", "Bad signature", "Missing or wrong X-Signature; nothing changed."
        )
    return schema.load(json_body())


@bp.post("/delivery/sms/inbound")
@doc(
    "An SMS reply from a gateway (signed): 1/接受 accepts, 2/拒绝 declines the sender's open order",
    body=InboundSmsSchema,
    public=True,
)
def sms_inbound():
    data = _signed_body(InboundSmsSchema())
    return {"answer": service.answer_from(data["from_"], data["text"])}


@bp.post("/delivery/voice/inbound")
@doc("A key press during a call (signed): 1 accepts, 2 declines", body=InboundVoiceSchema, public=True)
def voice_inbound():
    data = _signed_body(InboundVoiceSchema())
    return {"answer": service.answer_from(data["from_"], data["digits"], channel="voice")}


@bp.post("/delivery/status")
@doc("A gateway's delivery report for a message sent earlier (signed)", body=StatusReportSchema, public=True)
def delivery_status():
    data = _signed_body(StatusReportSchema())
    if not service.record_status(data["id"], data["status"]):
        raise validation_problem({"id": ["Not one of our message ids."]})
    return {"ok": True}


# ---- the providers' own callbacks -------------------------------------------------------------
# Aliyun and Tencent post replies and delivery reports in their own shapes and sign nothing, so
# the address itself carries a secret, `?token=` (PROVIDER_CALLBACK_TOKEN): a wrong one changes
# nothing. In the query string, which the access log leaves out, never in the path.


class CallbackQuerySchema(QuerySchema):
    token = fields.String(metadata={"description": "PROVIDER_CALLBACK_TOKEN"})


def _provider_token_ok() -> None:
    # Loaded like every query string; a string field never fails, so the token is never echoed
    # in an error (nor logged: the access log leaves query strings out).
    token = load_query(CallbackQuerySchema(), request.args).get("token") or ""
    expected = current_app.config.get("PROVIDER_CALLBACK_TOKEN") or ""
    if not expected or not hmac.compare_digest(expected.encode(), token.encode()):
        raise ApiProblem(
            401, "bad-token", "Unknown callback", "Wrong or unset callback token; nothing changed."
        )


def _provider_items(kind: type) -> list:
    """The callback's items: Aliyun posts a list of them, Tencent one object (`kind` dict)."""
    body = request.get_json(silent=True)
    if kind is dict and isinstance(body, dict):
        body = [body]
    if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
        raise validation_problem({"_schema": ["Expected the provider's JSON."]})
    reject_unstorable(body)
    return body


@bp.post("/delivery/aliyun/sms-up")
@doc(
    "Aliyun SmsUp (HTTP batch push): replies from members' phones; 1/接受 accepts, 2/拒绝 declines",
    public=True,
    query=CallbackQuerySchema,
)
def aliyun_sms_up():
    _provider_token_ok()
    answers = [
        service.answer_from(str(item.get("phone_number") or ""), str(item.get("content") or ""))
        for item in _provider_items(list)
    ]
    return {"code": 0, "msg": "接收成功", "answers": answers}


@bp.post("/delivery/aliyun/sms-report")
@doc(
    "Aliyun SmsReport (HTTP batch push): delivery reports, matched by OutId",
    public=True,
    query=CallbackQuerySchema,
)
def aliyun_sms_report():
    _provider_token_ok()
    for item in _provider_items(list):
        out_id = str(item.get("out_id") or "")
        if out_id:
            service.record_status(out_id, "delivered" if item.get("success") is True else "failed")
    return {"code": 0, "msg": "接收成功"}


@bp.post("/delivery/tencent/sms-reply")
@doc(
    "Tencent Cloud SMS reply callback: 1/接受 accepts, 2/拒绝 declines",
    public=True,
    query=CallbackQuerySchema,
)
def tencent_sms_reply():
    _provider_token_ok()
    answers = []
    for item in _provider_items(dict):
        code = str(item.get("nationcode") or "86")
        answers.append(service.answer_from(f"+{code}{item.get('mobile') or ''}", str(item.get("text") or "")))
    return {"result": 0, "errmsg": "OK", "answers": answers}
