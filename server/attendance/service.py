"""Checking in and out. Never commits: the caller owns the transaction."""

import uuid

import sqlalchemy as sa

from ..core.audit import record
from ..core.changes import emit
from ..core.pagination import paginate
from ..core.permissions import can
from ..errors import ApiProblem, not_found
from ..extensions import db
from ..regions.service import get_scoped, scoped
from .models import Checkin
from .schemas import CheckinSchema

_DUMP = CheckinSchema()


def _publish(actor, checkin: Checkin, action: str) -> None:
    emit("checkin", checkin.id, _DUMP.dump(checkin), user_id=checkin.user_id)
    record(actor, action, "checkin", checkin.id, checkin.region_id)


def open_checkin(user_id, dispatch_id=None) -> Checkin | None:
    """The person's open duty check-in, or (with a dispatch id) their open time on that task."""
    task = Checkin.dispatch_id.is_(None) if dispatch_id is None else Checkin.dispatch_id == dispatch_id
    return db.session.scalar(
        sa.select(Checkin).where(Checkin.user_id == user_id, Checkin.open_flag.is_(True), task)
    )


def checkin(actor, data: dict, at) -> Checkin:
    existing = db.session.get(Checkin, data["id"])
    if existing is not None:
        if existing.user_id == actor.id and existing.dispatch_id == data.get("dispatch_id"):
            return existing
        raise ApiProblem(409, "conflict", "Conflict", "Another check-in already has this id.")
    current = open_checkin(actor.id, data.get("dispatch_id"))
    if current is not None:
        raise ApiProblem(
            409,
            "already-checked-in",
            "Already checked in",
            "已在签到中，请先签退 / You are already checked in; check out first.",
            current=CheckinSchema().dump(current),
        )
    loc = data.get("location") or {}
    item = Checkin(
        id=data["id"],
        user_id=actor.id,
        region_id=actor.region_id,
        dispatch_id=data.get("dispatch_id"),
        checkin_at=at,
        checkin_lat=loc.get("lat"),
        checkin_lon=loc.get("lon"),
        checkin_accuracy_m=loc.get("accuracy"),
        open_flag=True,
    )
    db.session.add(item)
    _publish(actor, item, "attendance.checkin")
    return item


def checkout(actor, data: dict, at) -> Checkin:
    item = db.session.get(Checkin, data["id"])
    if item is None or item.user_id != actor.id:
        raise not_found("check-in")
    if item.checkout_at is not None:
        raise ApiProblem(
            409,
            "already-checked-out",
            "Already checked out",
            "This check-in is already closed.",
            current=CheckinSchema().dump(item),
        )
    loc = data.get("location") or {}
    # A phone's clock may run behind the server's time of the check-in: never end before start.
    item.checkout_at = max(at, item.checkin_at)
    item.checkout_lat, item.checkout_lon = loc.get("lat"), loc.get("lon")
    item.open_flag = None
    _publish(actor, item, "attendance.checkout")
    return item


def list_checkins(actor, args):
    if can(actor, "attendance.read_region"):
        stmt = scoped(sa.select(Checkin), Checkin.region_id, actor)
        if args.get("user_id"):
            stmt = stmt.where(Checkin.user_id == args["user_id"])
    else:
        stmt = sa.select(Checkin).where(Checkin.user_id == actor.id)
    if args.get("open"):
        stmt = stmt.where(Checkin.open_flag.is_(True))
    return paginate(stmt, Checkin, args)


def get_checkin(actor, checkin_id) -> Checkin:
    item = db.session.get(Checkin, checkin_id)
    if item is None:
        raise not_found("check-in")
    if item.user_id == actor.id:
        return item
    if can(actor, "attendance.read_region"):
        return get_scoped(Checkin, checkin_id, actor, what="check-in")
    raise not_found("check-in")


def open_task_time(member, dispatch_id, at, location=None) -> Checkin:
    """A member arrived on a dispatched task: their time on it starts. A duty check-in that is
    open stays open (duty and task time are separate records); time on another task ends here,
    since one person is on one scene at a time."""
    current = open_checkin(member.id, dispatch_id)
    if current is not None:
        return current
    others = db.session.scalars(
        sa.select(Checkin).where(
            Checkin.user_id == member.id, Checkin.open_flag.is_(True), Checkin.dispatch_id.is_not(None)
        )
    ).all()
    for other in others:
        checkout(member, {"id": other.id, "location": location}, at)
    if others:
        db.session.flush()
    return checkin(member, {"id": uuid.uuid4(), "dispatch_id": dispatch_id, "location": location}, at)


def close_task_time(member, dispatch_id, at, location=None) -> Checkin | None:
    """The task is completed: its time ends, and nothing else (a duty check-in stays open)."""
    current = open_checkin(member.id, dispatch_id)
    if current is None:
        return None
    return checkout(member, {"id": current.id, "location": location}, at)
