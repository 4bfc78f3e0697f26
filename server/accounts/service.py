"""Managing users: create, change, deactivate, list within the caller's region."""

import secrets
import uuid

import sqlalchemy as sa

from ..core.audit import record
from ..core.pagination import paginate
from ..errors import ApiProblem, validation_problem
from ..extensions import db
from ..regions.service import get_scoped, require_in_scope, scoped
from .auth import revoke_all
from .models import User
from .passwords import hash_password


def _current_sid() -> str | None:
    from flask_jwt_extended import get_jwt

    try:
        return get_jwt().get("sid")
    except RuntimeError:
        return None


def get_user(actor, user_id) -> User:
    return get_scoped(User, user_id, actor, what="user")


def list_users(actor, args):
    stmt = scoped(sa.select(User), User.region_id, actor)
    if args.get("role"):
        stmt = stmt.where(User.role == args["role"])
    if args.get("q"):
        like = f"%{args['q']}%"
        stmt = stmt.where(sa.or_(User.username.ilike(like), User.display_name.ilike(like)))
    if args.get("active") is not None:
        stmt = stmt.where(User.active.is_(args["active"]))
    return paginate(stmt, User, args)


# teams/ sits above accounts (a team is made of users); it tells accounts where a team lies.
_TEAM_REGION: list = []


def register_team_region(fn) -> None:
    """fn(team_id) -> the team's region id, or None when there is no such team."""
    _TEAM_REGION[:] = [fn]


def _check_team(actor, team_id, region_id):
    if team_id is None:
        return
    region = _TEAM_REGION[0](team_id)
    if region is None or not require_in_scope(actor, region, "team_id"):
        raise validation_problem({"team_id": ["No such team in your area."]})


def phones_of(user_ids) -> dict:
    """Each user's phone (E.164 or None), in one query: how delivery reaches people."""
    ids = list(user_ids)
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.phone).where(User.id.in_(ids))).all())


def active_user_by_phone(phone: str):
    """Who an SMS reply or a call came from: the active user with this (normalised) phone."""
    return db.session.scalar(sa.select(User).where(User.phone == phone, User.active.is_(True)))


# A temporary password a person can read out over the phone: no 0/O, 1/l/I.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEAM_ROLES = ("captain", "vice_captain", "member")


def temporary_password() -> str:
    return "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(10))


def _not_admin_work(actor, target_role: str | None, field: str = "role") -> None:
    """Only the county's administrators make, change or name administrators: a township's duty
    officer manages the people of their township, never someone who could manage them."""
    if actor.role != "admin" and target_role == "admin":
        raise ApiProblem(
            403,
            "forbidden",
            "Forbidden",
            "Only an administrator may create or change an administrator.",
            errors={field: ["Only an administrator may give or change this role."]},
        )


def _check_one_captain(team_id, team_role, user_id=None) -> None:
    """A team has one captain (队长); vice-captains as many as it likes."""
    if team_id is None or team_role != "captain":
        return
    stmt = sa.select(User.display_name).where(
        User.team_id == team_id, User.team_role == "captain", User.active.is_(True)
    )
    if user_id is not None:
        stmt = stmt.where(User.id != user_id)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise ApiProblem(
            409,
            "team-captain-taken",
            "The team has a captain",
            "This team already has a captain; make them vice-captain or member first.",
            errors={"team_role": ["This team already has a captain."]},
        )


def _team_fields(data: dict, user: User | None = None) -> None:
    """One team at a time: a user put in a team is a member unless named otherwise; one taken
    out of their team holds no team role."""
    team_id = data.get("team_id", user.team_id if user else None)
    if "team_id" in data and data["team_id"] is None:
        data["team_role"] = None
    elif team_id is not None and data.get("team_role", user.team_role if user else None) is None:
        data["team_role"] = "member"
    elif team_id is None and data.get("team_role") is not None:
        raise validation_problem({"team_role": ["Put the user in a team first."]})


def _check_username_free(username: str) -> None:
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise ApiProblem(409, "conflict", "Conflict", errors={"username": ["This username is taken."]})


def create_user(actor, data: dict) -> User:
    require_in_scope(actor, data["region_id"])
    _not_admin_work(actor, data["role"])
    _check_team(actor, data.get("team_id"), data["region_id"])
    _team_fields(data)
    _check_one_captain(data.get("team_id"), data.get("team_role"))
    _check_username_free(data["username"])
    password = data.pop("password")
    user = User(id=uuid.uuid4(), password_hash=hash_password(password), active=True, **data)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, user.region_id, data)
    db.session.flush()
    return user


def update_user(actor, user_id, data: dict) -> User:
    user = get_user(actor, user_id)
    if user.id != actor.id:
        _not_admin_work(actor, user.role)
        _not_admin_work(actor, data.get("role"))
    if user.id == actor.id and ("role" in data or data.get("active") is False):
        raise ApiProblem(
            409,
            "self-lockout",
            "Not on yourself",
            "You cannot change your own role or deactivate yourself; ask another administrator.",
        )
    if "region_id" in data:
        require_in_scope(actor, data["region_id"])
    if "team_id" in data:
        _check_team(actor, data["team_id"], data.get("region_id", user.region_id))
    if "team_id" in data or "team_role" in data:
        _team_fields(data, user)
        _check_one_captain(data.get("team_id", user.team_id), data.get("team_role", user.team_role), user.id)
    if "username" in data and data["username"] != user.username:
        _check_username_free(data["username"])
    changes = {key: value for key, value in data.items() if key != "password"}
    if "password" in data:
        user.password_hash = hash_password(data.pop("password"))
        # One's own new password ends the must-change; one set by someone else starts it.
        user.must_change_password = user.id != actor.id
        changes["password"] = "(changed)"
    for key, value in data.items():
        setattr(user, key, value)
    if data.get("active") is False or "password" in changes:
        # A deactivated user or a reset password ends every open session at once; one's own
        # new password ends the others, not the one it was typed on.
        revoke_all(user.id, _current_sid() if user.id == actor.id else None)
    record(actor, "user.update", "user", user.id, user.region_id, changes)
    db.session.flush()
    return user


def reset_password(actor, user_id) -> tuple[User, str]:
    """A temporary password, answered once and stored only as its hash; every session of the
    user ends, and their next login must choose a new password."""
    user = get_user(actor, user_id)
    if user.id == actor.id:
        raise ApiProblem(
            409, "self-lockout", "Not on yourself", "Change your own password from your profile."
        )
    _not_admin_work(actor, user.role)
    if not user.active:
        raise ApiProblem(
            409, "user-inactive", "User deactivated", "Reactivate the user before resetting their password."
        )
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    revoke_all(user.id)
    record(actor, "user.password_reset", "user", user.id, user.region_id)
    db.session.flush()
    return user, password
