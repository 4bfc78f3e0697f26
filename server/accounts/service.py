"""Managing users: create, change, deactivate, list within the caller's region."""

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


def _check_username_free(username: str) -> None:
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise ApiProblem(409, "conflict", "Conflict", errors={"username": ["This username is taken."]})


def create_user(actor, data: dict) -> User:
    require_in_scope(actor, data["region_id"])
    _check_team(actor, data.get("team_id"), data["region_id"])
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
    if "username" in data and data["username"] != user.username:
        _check_username_free(data["username"])
    changes = dict(data)
    if "password" in data:
        user.password_hash = hash_password(data.pop("password"))
    for key, value in data.items():
        setattr(user, key, value)
    if data.get("active") is False or "password" in changes:
        # A deactivated user or a reset password ends every open session at once.
        revoke_all(user.id)
    record(actor, "user.update", "user", user.id, user.region_id, changes)
    db.session.flush()
    return user
