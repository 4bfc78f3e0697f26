"""Trainings and drills over REST (offline, the sync door's training.attend calls the same
service as POST /trainings/<id>/attendance)."""

from flask import Blueprint, g, request

from ..core.http import json_body, no_store, page_answer
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import service
from .schemas import (
    AttendBodySchema,
    BadgeSchema,
    HoursQuerySchema,
    HoursSchema,
    MarkSchema,
    RollSchema,
    TrainingCancelSchema,
    TrainingCreateSchema,
    TrainingQuerySchema,
    TrainingSchema,
    TrainingUpdateSchema,
)

bp = Blueprint("training", __name__, url_prefix="/api/v1")
# Reading: whoever reads teams. Planning and marking: the leads (the desk, captains), and among
# captains only the team's own (service.py).
READ, MANAGE = "teams.read", "profiles.manage"


@bp.get("/teams/<uuid:team_id>/trainings")
@requires(READ)
@doc("A team's trainings and drills", response=TrainingSchema, many=True, query=TrainingQuerySchema)
def list_trainings(team_id):
    args = load_query(TrainingQuerySchema(), request.args)
    return page_answer(service.list_trainings(g.user, team_id, args), TrainingSchema())


@bp.post("/teams/<uuid:team_id>/trainings")
@requires(MANAGE)
@doc(
    "Plan a training or drill (理论, 体能, 技能, 模拟演练) with the members expected",
    body=TrainingCreateSchema,
    response=TrainingSchema,
    status=201,
)
def plan_training(team_id):
    training = service.plan(g.user, team_id, TrainingCreateSchema().load(json_body()))
    return TrainingSchema().dump(training), 201


@bp.get("/trainings/<uuid:training_id>")
@requires(READ)
@doc("A training with its roll: each member expected, with their mark", response=RollSchema)
@no_store
def get_training(training_id):
    return RollSchema().dump(service.roll(g.user, training_id))


@bp.patch("/trainings/<uuid:training_id>")
@requires(MANAGE)
@doc("Change a planned training", body=TrainingUpdateSchema, response=TrainingSchema)
def update_training(training_id):
    training = service.update(g.user, training_id, TrainingUpdateSchema().load(json_body()))
    return TrainingSchema().dump(training)


@bp.post("/trainings/<uuid:training_id>/cancel")
@requires(MANAGE)
@doc(
    "Cancel a training: it takes no more marks, and its hours count for nobody",
    body=TrainingCancelSchema,
    response=TrainingSchema,
)
def cancel_training(training_id):
    data = TrainingCancelSchema().load(json_body())
    return TrainingSchema().dump(service.cancel(g.user, training_id, data, utcnow()))


@bp.post("/trainings/<uuid:training_id>/attendance")
@requires(MANAGE)
@doc(
    "Mark one member at a training (the same as the training.attend op; the mark's id made by the "
    "client, so sending it again changes nothing)",
    body=AttendBodySchema,
    response=MarkSchema,
)
def attend(training_id):
    data = AttendBodySchema().load(json_body())
    mark = service.attend(g.user, {**data, "training_id": training_id}, utcnow())
    return MarkSchema().dump(mark)


@bp.get("/members/<uuid:member_id>/training-hours")
@requires(READ)
@doc("A member's training hours over a period of China days", response=HoursSchema, query=HoursQuerySchema)
@no_store
def training_hours(member_id):
    args = load_query(HoursQuerySchema(), request.args)
    return HoursSchema().dump(service.member_hours(g.user, member_id, args))


@bp.get("/me/badge")
@requires(READ)
@doc(
    "The caller's own member badge (captains and members): the code scanned at a roll, and its QR",
    response=BadgeSchema,
)
@no_store
def my_badge():
    return BadgeSchema().dump(service.badge(g.user))
