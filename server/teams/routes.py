"""Teams and members."""

from flask import Blueprint, g, request

from ..core.http import json_body, page_answer
from ..core.openapi import doc
from ..core.permissions import requires
from . import service
from .schemas import MemberSchema, TeamCreateSchema, TeamSchema, TeamUpdateSchema

bp = Blueprint("teams", __name__, url_prefix="/api/v1")
PAGE = {"cursor": "page cursor", "limit": "1–200"}


@bp.get("/teams")
@requires("teams.read")
@doc("Rescue teams in scope", response=TeamSchema, many=True, params={"region_id": "township", **PAGE})
def list_teams():
    return page_answer(service.list_teams(g.user, request.args), TeamSchema())


@bp.get("/teams/<uuid:team_id>")
@requires("teams.read")
@doc("One team", response=TeamSchema)
def get_team(team_id):
    return TeamSchema().dump(service.get_team(g.user, team_id))


@bp.post("/teams")
@requires("teams.manage")
@doc("Create a team", body=TeamCreateSchema, response=TeamSchema, status=201)
def create_team():
    return TeamSchema().dump(service.create_team(g.user, TeamCreateSchema().load(json_body()))), 201


@bp.patch("/teams/<uuid:team_id>")
@requires("teams.manage")
@doc("Change a team", body=TeamUpdateSchema, response=TeamSchema)
def update_team(team_id):
    team = service.update_team(g.user, team_id, TeamUpdateSchema().load(json_body()))
    return TeamSchema().dump(team)


@bp.get("/members")
@requires("members.read")
@doc(
    "Team members (captains and members) of the caller's region and below",
    response=MemberSchema,
    many=True,
    params={"team_id": "one team", "region_id": "one region", "active": "true (default) | false", **PAGE},
)
def list_members():
    return page_answer(service.list_members(g.user, request.args), MemberSchema())


@bp.get("/members/<uuid:member_id>")
@requires("members.read")
@doc("One team member", response=MemberSchema)
def get_member(member_id):
    return MemberSchema().dump(service.get_member(g.user, member_id))
