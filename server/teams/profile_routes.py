"""Members' profiles and path, the recruiting rules, their flags and teams' readiness."""

from flask import Blueprint, g, request

from ..core.http import json_body, no_store
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import profiles, readiness, rules
from .profile_schemas import (
    AreaQuerySchema,
    FlagListSchema,
    ProfilePutSchema,
    ProfileSchema,
    ReadinessSchema,
    RulesSchema,
    StepCreateSchema,
)

bp = Blueprint("team_profiles", __name__, url_prefix="/api/v1")


@bp.get("/members/<uuid:member_id>/profile")
@requires("profiles.read")
@no_store
@doc(
    "A member's profile: the personal part (birth date, education, phone, emergency contact, "
    "flags, path) for the member, their captain and their region's desk; the public part for others",
    response=ProfileSchema,
)
def get_profile(member_id):
    return ProfileSchema().dump(profiles.get_profile(g.user, member_id, utcnow()))


@bp.put("/members/<uuid:member_id>/profile")
@requires("profiles.manage")
@no_store
@doc(
    "Replace a member's profile (their captain or the desk); every field is required, null to "
    "clear; the member is checked against the recruiting rules at once",
    body=ProfilePutSchema,
    response=ProfileSchema,
)
def put_profile(member_id):
    data = ProfilePutSchema().load(json_body())
    return ProfileSchema().dump(profiles.put_profile(g.user, member_id, data, utcnow()))


@bp.post("/members/<uuid:member_id>/path")
@requires("members.path")
@no_store
@doc(
    "One step on a member's path (applicant, in_training, assessed, probation, active, "
    "inactive): allowed steps only (409 member-path otherwise), with its day and a note",
    body=StepCreateSchema,
    response=ProfileSchema,
    status=201,
)
def post_step(member_id):
    data = StepCreateSchema().load(json_body())
    return ProfileSchema().dump(profiles.step(g.user, member_id, data, utcnow())), 201


@bp.get("/teams/rules")
@requires("teams.readiness")
@doc("The county's recruiting rules (the source's defaults until saved)", response=RulesSchema)
def get_rules():
    return RulesSchema().dump(rules.rules_answer())


@bp.put("/teams/rules")
@requires("teams.rules")
@doc(
    "Replace the county's recruiting rules (county administrators); every team is checked again",
    body=RulesSchema,
    response=RulesSchema,
)
def put_rules():
    data = RulesSchema().load(json_body())
    return RulesSchema().dump(rules.put_rules(g.user, data, utcnow()))


@bp.get("/teams/flags")
@requires("teams.readiness")
@no_store
@doc(
    "Who breaks a recruiting rule, and why in words (the desk: its region; a captain: his team)",
    response=FlagListSchema,
    query=AreaQuerySchema,
)
def list_flags():
    args = load_query(AreaQuerySchema(), request.args)
    items = profiles.list_flags(g.user, args.get("region_id"))
    return FlagListSchema().dump({"items": items, "total": len(items), "next_cursor": None})


@bp.get("/teams/readiness")
@requires("teams.readiness")
@doc(
    "Readiness per township and for the area: size, captain, active and probation, certificates "
    "expiring within 30 days, flagged members; red where the standard is not met, with reasons",
    response=ReadinessSchema,
    query=AreaQuerySchema,
)
def get_readiness():
    args = load_query(AreaQuerySchema(), request.args)
    return ReadinessSchema().dump(readiness.readiness(g.user, args.get("region_id"), utcnow()))
