"""Check-in and check-out over REST (offline, the sync door calls the same service)."""

from flask import Blueprint, g, request

from ..core.http import json_body, page_answer
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import service
from .schemas import CheckinCreateSchema, CheckinQuerySchema, CheckinSchema, CheckoutBodySchema

bp = Blueprint("attendance", __name__, url_prefix="/api/v1")


@bp.get("/attendance")
@requires("attendance.read")
@doc(
    "Check-ins: one's own; the desk sees its region's",
    response=CheckinSchema,
    many=True,
    query=CheckinQuerySchema,
)
def list_checkins():
    args = load_query(CheckinQuerySchema(), request.args)
    return page_answer(service.list_checkins(g.user, args), CheckinSchema())


@bp.get("/attendance/<uuid:checkin_id>")
@requires("attendance.read")
@doc("One check-in", response=CheckinSchema)
def get_checkin(checkin_id):
    return CheckinSchema().dump(service.get_checkin(g.user, checkin_id))


@bp.post("/attendance/checkins")
@requires("attendance.checkin")
@doc("Check in (id made by the client)", body=CheckinCreateSchema, response=CheckinSchema, status=201)
def create_checkin():
    item = service.checkin(g.user, CheckinCreateSchema().load(json_body()), utcnow())
    return CheckinSchema().dump(item), 201


@bp.post("/attendance/checkins/<uuid:checkin_id>/checkout")
@requires("attendance.checkin")
@doc("Check out of one's open check-in", body=CheckoutBodySchema, response=CheckinSchema)
def checkout(checkin_id):
    data = CheckoutBodySchema().load(json_body())
    item = service.checkout(g.user, {"id": checkin_id, **data}, utcnow())
    return CheckinSchema().dump(item)
