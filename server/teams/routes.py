"""Teams and members."""

import io

from flask import Blueprint, current_app, g, request, send_file

from ..core.http import json_body, no_store, page_answer
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import roster, service
from .schemas import (
    FirstPasswordsSchema,
    MemberQuerySchema,
    MemberSchema,
    RosterQuerySchema,
    RosterReportSchema,
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


def _upload() -> bytes:
    """The roster's bytes: a multipart form's `file`, or the raw body."""
    limit = current_app.config["ROSTER_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        raise roster.too_large()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise roster.not_a_spreadsheet("Send the roster as the form field `file`.")
        raw = upload.stream.read(limit + 1)
    else:
        raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise roster.too_large()
    return raw


@bp.post("/teams/<uuid:team_id>/roster")
@requires("teams.manage")
@doc(
    "Import a roster (XLSX, as multipart `file` or the raw body): every row checked and answered "
    "(taken or refused, with reasons in Chinese); confirm=true adds every good row as a member, "
    "all in one transaction. 415 or 422 not-a-spreadsheet, 413 too large: nothing changes",
    body={"type": "string", "contentMediaType": roster.XLSX},
    # Any bytes may be sent (the check is by content, as for media); the PWA sends the XLSX type.
    content_type="application/octet-stream",
    query=RosterQuerySchema,
    response=RosterReportSchema,
)
@no_store
def import_roster(team_id):
    args = load_query(RosterQuerySchema(), request.args)
    team = service.get_team(g.user, team_id)
    raw = _upload()
    return RosterReportSchema().dump(roster.import_roster(g.user, team, raw, args["confirm"]))


@bp.post("/teams/<uuid:team_id>/first-passwords")
@requires("users.manage")
@doc(
    "First passwords for the team's members who have none (imported from a roster): a temporary "
    "password each, answered once (name, username, password), never again; each must choose their "
    "own at the first login. Members who have one get none (reset them one by one)",
    response=FirstPasswordsSchema,
)
@no_store
def first_passwords(team_id):
    return FirstPasswordsSchema().dump(service.issue_first_passwords(g.user, team_id))


@bp.get("/teams/roster-template.xlsx")
@requires("teams.manage")
@doc(
    "An empty roster with the headers the import reads "
    "(姓名, 手机号, 身份/队内职务, 出生日期, 文化程度, 人员类别)",
    produces=roster.XLSX,
    response={"type": "string", "format": "binary"},
)
def roster_template():
    return send_file(
        io.BytesIO(roster.template()),
        mimetype=roster.XLSX,
        as_attachment=True,
        download_name="花名册模板.xlsx",
    )
