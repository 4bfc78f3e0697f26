"""Incidents and dispatch orders over REST; members' answers also come through the sync door."""

from flask import Blueprint, current_app, g, request

from ..core.http import json_body, page_answer
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import service
from .schemas import (
    DispatchCreateSchema,
    DispatchQuerySchema,
    DispatchSchema,
    IncidentCreateSchema,
    IncidentQuerySchema,
    IncidentSchema,
    PingSchema,
    RespondSchema,
    StatusSchema,
)

bp = Blueprint("dispatch", __name__, url_prefix="/api/v1")


@bp.post("/incidents")
@requires("dispatch.create")
@doc(
    "Open an incident (200: this client id was sent before)",
    body=IncidentCreateSchema,
    response=IncidentSchema,
    status=201,
    also=(200,),
)
def create_incident():
    incident = service.create_incident(g.user, IncidentCreateSchema().load(json_body()))
    return IncidentSchema().dump(incident), 200 if getattr(incident, "replayed", False) else 201


@bp.get("/incidents")
@requires("dispatch.read_region")
@doc(
    "Incidents of the caller's region and below",
    response=IncidentSchema,
    many=True,
    query=IncidentQuerySchema,
)
def list_incidents():
    args = load_query(IncidentQuerySchema(), request.args)
    return page_answer(service.list_incidents(g.user, args), IncidentSchema())


@bp.get("/incidents/<uuid:incident_id>")
@requires("dispatch.read_region")
@doc("One incident", response=IncidentSchema)
def get_incident(incident_id):
    return IncidentSchema().dump(service.get_incident(g.user, incident_id))


@bp.post("/dispatches")
@requires("dispatch.create")
@doc(
    "Send a dispatch order to teams and/or named members of the caller's area "
    "(200: this client id was sent before; nobody is called twice)",
    body=DispatchCreateSchema,
    response=DispatchSchema,
    status=201,
    also=(200,),
)
def create_dispatch():
    dispatch = service.create_dispatch(g.user, DispatchCreateSchema().load(json_body()))
    status = 200 if getattr(dispatch, "replayed", False) else 201
    return DispatchSchema().dump(service.get_dispatch(g.user, dispatch.id)), status


@bp.get("/dispatches")
@requires("dispatch.read")
@doc(
    "Dispatch orders: the desk's region's, or those naming the caller",
    response=DispatchSchema,
    many=True,
    query=DispatchQuerySchema,
)
def list_dispatches():
    args = load_query(DispatchQuerySchema(), request.args)
    return page_answer(service.list_dispatches(g.user, args), DispatchSchema())


@bp.get("/dispatches/<uuid:dispatch_id>")
@requires("dispatch.read")
@doc("One order with its targets (a member sees their own) and the board's counts", response=DispatchSchema)
def get_dispatch(dispatch_id):
    return DispatchSchema().dump(service.get_dispatch(g.user, dispatch_id))


def _answer(fn, schema, dispatch_id):
    data = schema.load({**json_body(), "dispatch_id": str(dispatch_id)})
    dispatch = fn(g.user, data, utcnow())
    return DispatchSchema().dump(dispatch)


@bp.post("/dispatches/<uuid:dispatch_id>/respond")
@requires("dispatch.respond")
@doc("Accept (with ETA) or decline one's order", body=RespondSchema, response=DispatchSchema)
def respond(dispatch_id):
    return _answer(service.respond, RespondSchema(), dispatch_id)


@bp.post("/dispatches/<uuid:dispatch_id>/status")
@requires("dispatch.respond")
@doc("Report en route, on scene or completed (never backwards)", body=StatusSchema, response=DispatchSchema)
def status(dispatch_id):
    return _answer(service.set_status, StatusSchema(), dispatch_id)


@bp.post("/dispatches/<uuid:dispatch_id>/ping")
@requires("dispatch.respond")
@doc("Accountability check-in from the scene", body=PingSchema, response=DispatchSchema)
def ping(dispatch_id):
    return _answer(service.ping, PingSchema(), dispatch_id)


@bp.post("/dispatches/<uuid:dispatch_id>/targets/<uuid:member_id>/notify")
@requires("dispatch.create")
@doc(
    "Chase one member who has not answered: their cascade (push, then SMS, then a call) begins "
    "again now; answers the order as GET does. 409 already-answered when they have answered; "
    "429 within NOTIFY_AGAIN_AFTER_S of the last time for this member and order",
    response=DispatchSchema,
)
def notify_again(dispatch_id, member_id):
    every = current_app.config["NOTIFY_AGAIN_AFTER_S"]
    service.notify_again(g.user, dispatch_id, member_id, utcnow(), every)
    # The board as GET /dispatches/<id> answers it, read in the request's one unit of work.
    return DispatchSchema().dump(service.get_dispatch(g.user, dispatch_id))
