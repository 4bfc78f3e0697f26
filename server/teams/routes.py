"""Teams and members."""

from flask import Blueprint, g, request

from ..core.http import json_body, page_answer
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import service
from .schemas import (
    MemberQuerySchema,
    MemberSchema,
    TeamCreateSchema,
    TeamQuerySchema,
    TeamSchema,
    TeamUpdateSchema,
)

bp = Blueprint("teams", __name__, url_prefix="/api/v1")


@bp.get("/teams")
@requires("teams.read")
@doc("Rescue teams in scope", response=TeamSchema, many=True, query=TeamQuerySchema)
def list_teams():
    args = load_query(TeamQuerySchema(), request.args)
    return page_answer(service.list_teams(g.user, args), TeamSchema())


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
    query=MemberQuerySchema,
)
def list_members():
    args = load_query(MemberQuerySchema(), request.args)
    return page_answer(service.list_members(g.user, args), MemberSchema())


@bp.get("/members/<uuid:member_id>")
@requires("members.read")
@doc("One team member", response=MemberSchema)
def get_member(member_id):
    return MemberSchema().dump(service.get_member(g.user, member_id))
