"""Teams and the members list, within the caller's region."""

import sqlalchemy as sa

from ..accounts.models import User
from ..accounts.passwords import UNUSABLE, hash_password
from ..accounts.service import temporary_password
from ..core.audit import record
from ..core.pagination import paginate
from ..errors import not_found
from ..extensions import db
from ..regions.service import get_scoped, require_in_scope, scoped
from .models import Team
from .profile_models import MemberProfile

MEMBER_ROLES = ("captain", "member")


def list_teams(actor, args):
    stmt = scoped(sa.select(Team), Team.region_id, actor)
    if args.get("region_id"):
        stmt = stmt.where(Team.region_id == args["region_id"])
    page = paginate(stmt, Team, args)
    sizes = team_sizes([team.id for team in page["rows"]])
    for team in page["rows"]:
        team.size_known = sizes.get(team.id, 0)
    return page


def get_team(actor, team_id) -> Team:
    return get_scoped(Team, team_id, actor, what="team")


def create_team(actor, data: dict) -> Team:
    require_in_scope(actor, data["region_id"])
    team = Team(**data)
    db.session.add(team)
    db.session.flush()
    record(actor, "team.create", "team", team.id, team.region_id, data)
    db.session.flush()
    return team


def update_team(actor, team_id, data: dict) -> Team:
    team = get_team(actor, team_id)
    if "region_id" in data:
        require_in_scope(actor, data["region_id"])
    for key, value in data.items():
        setattr(team, key, value)
    record(actor, "team.update", "team", team.id, team.region_id, data)
    db.session.flush()
    return team


def team_region(team_id):
    """Where a team lies (None: no such team); accounts asks it when a user is put in a team."""
    return db.session.scalar(sa.select(Team.region_id).where(Team.id == team_id))


def team_size(team_id) -> int:
    return team_sizes([team_id]).get(team_id, 0)


def team_sizes(team_ids) -> dict:
    """Active members per team, for a page of teams in one query."""
    if not team_ids:
        return {}
    rows = db.session.execute(
        sa.select(User.team_id, sa.func.count())
        .where(User.team_id.in_(team_ids), User.active.is_(True))
        .group_by(User.team_id)
    )
    return dict(rows.all())


def _members_stmt(actor):
    return scoped(
        sa.select(User).where(User.team_id.is_not(None), User.role.in_(MEMBER_ROLES)),
        User.region_id,
        actor,
    )


def list_members(actor, args):
    stmt = _members_stmt(actor)
    if args.get("team_id"):
        stmt = stmt.where(User.team_id == args["team_id"])
    if args.get("region_id"):
        stmt = stmt.where(User.region_id == args["region_id"])
    stmt = stmt.where(User.active.is_(bool(args.get("active", True))))
    page = paginate(stmt, User, args)
    from .insurance import attach_cover

    attach_cover(page["rows"])
    return page


def get_member(actor, member_id) -> User:
    member = get_scoped(User, member_id, actor, what="member")
    if member.team_id is None or member.role not in MEMBER_ROLES:
        raise not_found("member")
    return member


def issue_first_passwords(actor, team_id) -> dict:
    """A temporary password for each active member of the team who has none (imported from a
    roster and given none since; not one who left the team), answered once and stored as its
    hash; each must choose their own at the first login. A member who has one (issued before, or
    reset) gets none: theirs is reset one by one (POST /users/<id>/reset-password). Each claim is
    one UPDATE guarded on the member still having none, so two desks at once never give one
    member two."""
    team = get_team(actor, team_id)
    members = db.session.execute(
        sa.select(User.id, User.display_name, User.username, User.region_id)
        .outerjoin(MemberProfile, MemberProfile.user_id == User.id)
        .where(
            User.team_id == team.id,
            User.active.is_(True),
            User.role.in_(MEMBER_ROLES),
            User.password_hash.startswith(UNUSABLE, autoescape=True),
            # One who left the team (离队) is handed no credential in a batch.
            sa.or_(MemberProfile.stage.is_(None), MemberProfile.stage != "inactive"),
        )
        .order_by(User.display_name, User.username)
    ).all()
    issued = []
    for member in members:
        password = temporary_password()
        claimed = db.session.execute(
            sa.update(User)
            .where(User.id == member.id, User.password_hash.startswith(UNUSABLE, autoescape=True))
            .values(password_hash=hash_password(password), must_change_password=True)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        record(actor, "user.first_password", "user", member.id, member.region_id, {"team_id": str(team.id)})
        issued.append(
            {
                "user_id": member.id,
                "display_name": member.display_name,
                "username": member.username,
                "temporary_password": password,
            }
        )
    db.session.flush()
    return {"team_id": team.id, "issued": issued}
