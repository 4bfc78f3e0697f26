"""Calling members out and following their answers. Never commits: the caller owns the
transaction (a REST route, or the sync batch)."""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..attendance import service as attendance
from ..core.audit import record
from ..core.changes import emit
from ..core.models import utcnow
from ..core.pagination import paginate
from ..core.permissions import can
from ..delivery import service as delivery
from ..errors import ApiProblem, not_found, validation_problem
from ..extensions import db
from ..regions.models import Region
from ..regions.service import in_scope, require_in_scope, scope_ids, scoped, subtree_ids
from ..teams.models import Team
from ..teams.service import MEMBER_ROLES
from .board import board_counts, checkin_due, checkin_overdue
from .models import PROGRESS, Dispatch, DispatchTarget, Incident
from .schemas import DispatchSchema, IncidentSchema

_DUMP = DispatchSchema()


def _replayed(model, actor, data: dict, what: str):
    """The record a client already made under this id, when it is sent again (a retry after a
    timeout must not call people out twice); None when the id is new."""
    if not data.get("id"):
        return None
    existing = db.session.get(model, data["id"])
    if existing is None:
        return None
    if existing.created_by != actor.id or existing.title != data["title"]:
        raise ApiProblem(409, "conflict", "Conflict", f"This id belongs to another {what}.")
    existing.replayed = True
    return existing


def _insert_once(model, actor, data: dict, what: str, record_):
    """Add `record_` under the client's id; a twin request that got there first wins."""
    try:
        with db.session.begin_nested():
            db.session.add(record_)
            db.session.flush()
    except IntegrityError:
        again = _replayed(model, actor, data, what)
        if again is None:
            raise
        return again
    return None


def create_incident(actor, data: dict) -> Incident:
    if (again := _replayed(Incident, actor, data, "incident")) is not None:
        return again
    region_id = data.get("region_id") or actor.region_id
    require_in_scope(actor, region_id)
    loc = data.pop("location", None) or {}
    incident = Incident(
        id=data.get("id") or uuid.uuid4(),
        region_id=region_id,
        kind=data["kind"],
        title=data["title"],
        place=data.get("place"),
        lat=loc.get("lat"),
        lon=loc.get("lon"),
        severity=data.get("severity"),
        occurred_at=data.get("occurred_at") or utcnow(),
        created_by=actor.id,
    )
    if (again := _insert_once(Incident, actor, data, "incident", incident)) is not None:
        return again
    record(actor, "incident.create", "incident", incident.id, region_id, IncidentSchema().dump(incident))
    return incident


def get_incident(actor, incident_id) -> Incident:
    incident = db.session.get(Incident, incident_id)
    if incident is None or not in_scope(actor, incident.region_id):
        raise not_found("incident")
    return incident


def list_incidents(actor, args):
    stmt = scoped(sa.select(Incident), Incident.region_id, actor)
    if args.get("open"):
        stmt = stmt.where(Incident.closed_at.is_(None))
    return paginate(stmt, Incident, args)


def _township_of(region_id: int) -> int:
    """The township a region lies in (itself for a township or the county)."""
    region = db.session.get(Region, region_id)
    while region is not None and region.level == "village":
        region = region.parent
    return region.id if region is not None else region_id


def _members(actor, data: dict) -> list[User]:
    wanted = set(data["member_ids"])
    scope = scope_ids(actor)  # one query, not one per team and member
    found: dict = {}
    if data["team_ids"]:
        teams = db.session.scalars(sa.select(Team).where(Team.id.in_(data["team_ids"]))).all()
        missing = set(data["team_ids"]) - {t.id for t in teams if t.region_id in scope}
        if missing:
            raise validation_problem(
                {"team_ids": [f"No such team in your area: {sorted(map(str, missing))}"]}
            )
        for user in db.session.scalars(
            sa.select(User).where(User.team_id.in_(data["team_ids"]), User.active.is_(True))
        ):
            if user.role in MEMBER_ROLES:
                found[user.id] = user
    if wanted:
        users = db.session.scalars(sa.select(User).where(User.id.in_(wanted))).all()
        ok = {u.id: u for u in users if u.role in MEMBER_ROLES and u.active and u.region_id in scope}
        if wanted - set(ok):
            bad = sorted(str(m) for m in wanted - set(ok))
            raise validation_problem({"member_ids": [f"Not an active team member in your area: {bad}"]})
        found.update(ok)
    return list(found.values())


def create_dispatch(actor, data: dict) -> Dispatch:
    if (again := _replayed(Dispatch, actor, data, "dispatch order")) is not None:
        return again
    incident = get_incident(actor, data["incident_id"]) if data.get("incident_id") else None
    region_id = data.get("region_id") or (incident.region_id if incident else actor.region_id)
    require_in_scope(actor, region_id)
    members = _members(actor, data)
    loc, muster = data["location"], data.get("muster_location") or {}
    dispatch = Dispatch(
        id=data.get("id") or uuid.uuid4(),
        incident_id=incident.id if incident else None,
        region_id=region_id,
        title=data["title"],
        description=data.get("description"),
        lat=loc["lat"],
        lon=loc["lon"],
        muster_point=data.get("muster_point"),
        muster_lat=muster.get("lat"),
        muster_lon=muster.get("lon"),
        bring=data.get("bring"),
        notes=data.get("notes"),
        headcount=data.get("headcount"),
        checkin_interval_min=data["checkin_interval_min"],
        weight_class=data.get("weight_class", "normal"),
        created_by=actor.id,
    )
    if (again := _insert_once(Dispatch, actor, data, "dispatch order", dispatch)) is not None:
        return again
    home = _township_of(region_id)
    for member in members:
        town = _township_of(member.region_id)
        db.session.add(
            DispatchTarget(
                dispatch_id=dispatch.id,
                member_id=member.id,
                member_region_id=town,
                # Help from another township's team (the source's 跨乡镇救援, owed compensation).
                cross_township=home not in _ancestors_or_self(town),
            )
        )
    db.session.flush()
    db.session.refresh(dispatch)
    for target in dispatch.targets:
        _publish(dispatch, target)
        # Queued with the order, sent by the worker: push, then SMS, then a call.
        delivery.notify(target.member_id, "dispatch", dispatch.id, *_call_out(dispatch))
    record(
        actor,
        "dispatch.create",
        "dispatch",
        dispatch.id,
        region_id,
        {"title": dispatch.title, "targets": len(members), "headcount": dispatch.headcount},
    )
    return dispatch


def _call_out(dispatch: Dispatch) -> tuple:
    """What reaching a member about an order says: title, body, template and its parameters."""
    muster = dispatch.muster_point or "见任务详情"
    return (
        f"调度任务：{dispatch.title}",
        f"集合：{muster}" + (f"；携带：{dispatch.bring}" if dispatch.bring else ""),
        "dispatch",
        {"title": dispatch.title[:40], "muster": muster[:40]},
    )


def notify_again(actor, dispatch_id, member_id, now, every_s: int) -> Dispatch:
    """The desk chases one silent member: their cascade begins again now, from push. Once per
    `every_s` per member and order, so a double tap or two desks at once call nobody twice."""
    dispatch = db.session.get(Dispatch, dispatch_id)
    if dispatch is None or not in_scope(actor, dispatch.region_id):
        raise not_found("dispatch order")
    target = next((t for t in dispatch.targets if t.member_id == member_id), None)
    if target is None:
        raise not_found("member on this order")
    if target.response != "pending":
        raise ApiProblem(
            409,
            "already-answered",
            "Already answered",
            f"This member has already answered ({target.response}); there is no one to chase.",
        )
    last = delivery.last_restart(member_id, "dispatch", dispatch.id)
    if last is not None and (wait := every_s - (now - last).total_seconds()) > 0:
        raise ApiProblem(
            429,
            "rate-limited",
            "Notified just now",
            f"This member was notified again {int(every_s - wait)} s ago; try again in {int(wait) + 1} s.",
            retry_after=int(wait) + 1,
        )
    delivery.restart(member_id, "dispatch", dispatch.id, *_call_out(dispatch))
    record(actor, "dispatch.notify", "dispatch", dispatch.id, dispatch.region_id, {"member_id": member_id})
    return dispatch


def _ancestors_or_self(region_id: int) -> set[int]:
    region = db.session.get(Region, region_id)
    return {int(part) for part in region.path.strip("/").split("/")} if region else {region_id}


def _publish(dispatch: Dispatch, target: DispatchTarget) -> None:
    """The member's copy of their order goes into the feed, for their phone to pull."""
    dispatch.visible_targets = [target]
    emit("dispatch", dispatch.id, _DUMP.dump(dispatch), user_id=target.member_id)
    del dispatch.visible_targets


def _target_of(actor, dispatch_id) -> tuple[Dispatch, DispatchTarget]:
    target = db.session.scalar(
        sa.select(DispatchTarget).where(
            DispatchTarget.dispatch_id == dispatch_id, DispatchTarget.member_id == actor.id
        )
    )
    if target is None:
        raise not_found("dispatch order")
    return db.session.get(Dispatch, dispatch_id), target


def _rank(status: str) -> int:
    return PROGRESS.index(status)


def respond(actor, data: dict, at) -> Dispatch:
    dispatch, target = _target_of(actor, data["dispatch_id"])
    if target.answered_at is not None and at <= target.answered_at:
        return _show(dispatch, target)  # an older answer that arrived late changes nothing
    if data["response"] == "accept":
        target.response = "accepted"
        target.eta_minutes = data.get("eta_minutes")
        target.decline_reason = None
        if target.status == "pending":
            target.status = "accepted"
    else:
        if _rank(target.status) > _rank("accepted"):
            raise ApiProblem(
                409,
                "already-under-way",
                "Already under way",
                "已在途中或到场，不能拒绝 / Already en route or on scene.",
            )
        target.response = "declined"
        target.decline_reason = data.get("reason")
        target.eta_minutes = None
        target.status = "pending"
    target.answered_at = at
    delivery.mark_answered(actor.id, "dispatch", dispatch.id)
    return _changed(actor, dispatch, target, "dispatch.respond", {"response": target.response})


def respond_by_reply(member, ref_id: str, answer: str) -> None:
    """An SMS reply or a key press answered the order (through delivery's signed webhooks)."""
    respond(member, {"dispatch_id": uuid.UUID(ref_id), "response": answer}, utcnow())


def set_status(actor, data: dict, at) -> Dispatch:
    dispatch, target = _target_of(actor, data["dispatch_id"])
    wanted = data["status"]
    if _rank(wanted) <= _rank(target.status):
        return _show(dispatch, target)  # never backwards: a late "en route" after "on scene"
    loc = data.get("location") or {}
    if target.response != "accepted":
        target.response = "accepted"  # moving on an order is answering it
        target.answered_at = max(at, target.answered_at or at)
    target.status = wanted
    target.status_at = at
    delivery.mark_answered(actor.id, "dispatch", dispatch.id)
    if loc:
        target.last_lat, target.last_lon = loc["lat"], loc["lon"]
    if wanted == "on_scene":
        target.last_ping_at = at
        attendance.open_task_time(actor, dispatch.id, at, data.get("location"))
    elif wanted == "completed":
        attendance.close_task_time(actor, dispatch.id, at, data.get("location"))
    return _changed(actor, dispatch, target, "dispatch.status", {"status": wanted})


def ping(actor, data: dict, at) -> Dispatch:
    """An accountability check-in from the scene."""
    dispatch, target = _target_of(actor, data["dispatch_id"])
    if target.status != "on_scene":
        raise ApiProblem(409, "not-on-scene", "Not on scene", "Only those on scene check in here.")
    if target.last_ping_at is None or at > target.last_ping_at:
        target.last_ping_at = at
        loc = data.get("location") or {}
        if loc:
            target.last_lat, target.last_lon = loc["lat"], loc["lon"]
    return _changed(actor, dispatch, target, "dispatch.ping", None)


def _changed(actor, dispatch, target, action, changes) -> Dispatch:
    db.session.flush()
    _publish(dispatch, target)
    record(actor, action, "dispatch", dispatch.id, dispatch.region_id, changes)
    return _show(dispatch, target)


def _show(dispatch: Dispatch, target: DispatchTarget) -> Dispatch:
    """The order as one member sees it: their own line, no board."""
    _annotate(dispatch, utcnow())
    dispatch.visible_targets = [target]
    dispatch.board = None
    return dispatch


def _annotate(dispatch: Dispatch, now, deliveries: dict | None = None) -> None:
    if deliveries is None:
        deliveries = delivery.deliveries_for("dispatch", dispatch.id)
    for target in dispatch.targets:
        target.delivery = deliveries.get(target.member_id, {"state": "none", "attempts": []})
        due = checkin_due(target, dispatch.checkin_interval_min)
        target.next_checkin_due = due.isoformat() if due else None
        target.checkin_overdue = bool(due and now > due)
    overdue = sum(1 for t in dispatch.targets if t.checkin_overdue)
    dispatch.board = board_counts(dispatch.targets, dispatch.headcount, overdue)


def get_dispatch(actor, dispatch_id) -> Dispatch:
    dispatch = db.session.get(Dispatch, dispatch_id)
    if dispatch is None:
        raise not_found("dispatch order")
    if can(actor, "dispatch.read_region") and in_scope(actor, dispatch.region_id):
        _annotate(dispatch, utcnow())
        return dispatch
    own = [t for t in dispatch.targets if t.member_id == actor.id]
    if not own:
        raise not_found("dispatch order")
    return _show(dispatch, own[0])


def list_dispatches(actor, args):
    if can(actor, "dispatch.read_region"):
        stmt = sa.select(Dispatch).where(
            sa.or_(
                Dispatch.region_id.in_(subtree_ids(actor.region_id)),
                Dispatch.id.in_(
                    sa.select(DispatchTarget.dispatch_id).where(DispatchTarget.member_id == actor.id)
                ),
            )
        )
    else:
        stmt = sa.select(Dispatch).where(
            Dispatch.id.in_(sa.select(DispatchTarget.dispatch_id).where(DispatchTarget.member_id == actor.id))
        )
    if args.get("open"):
        stmt = stmt.where(Dispatch.closed_at.is_(None))
    page = paginate(stmt, Dispatch, args)
    now = utcnow()
    scope = scope_ids(actor) if can(actor, "dispatch.read_region") else set()
    boards = [d.id for d in page["rows"] if d.region_id in scope]
    deliveries = delivery.deliveries_for_many("dispatch", boards)  # one query for the page
    for dispatch in page["rows"]:
        if dispatch.region_id in scope:
            _annotate(dispatch, now, deliveries.get(str(dispatch.id), {}))
        else:
            _show(dispatch, next(t for t in dispatch.targets if t.member_id == actor.id))
    return page


def _leaders(dispatch: Dispatch, members: list[User]) -> set:
    """Who is told about trouble with an order: the members' captains and whoever sent it."""
    team_ids = {m.team_id for m in members if m.team_id}
    captains = set(
        db.session.scalars(
            sa.select(User.id).where(
                User.team_id.in_(team_ids), User.team_role == "captain", User.active.is_(True)
            )
        )
    )
    return captains | {dispatch.created_by}


def sweep(now) -> None:
    """Run by the delivery worker: tell captains and the desk who is still silent after the
    escalation time, and who missed an accountability check-in on scene."""
    from flask import current_app

    silent_before = now - timedelta(seconds=current_app.config["DISPATCH_ESCALATE_S"])
    open_orders = db.session.scalars(
        sa.select(Dispatch).where(
            Dispatch.closed_at.is_(None), Dispatch.created_at >= now - timedelta(days=2)
        )
    ).all()
    for dispatch in open_orders:
        silent = [t for t in dispatch.targets if t.response == "pending"]
        if silent and dispatch.created_at <= silent_before:
            names = "、".join(t.member.display_name for t in silent[:10])
            for leader in _leaders(dispatch, [t.member for t in silent]):
                delivery.notify_once(
                    leader,
                    "alert",
                    f"{dispatch.id}:silent",
                    f"未响应：{dispatch.title}",
                    f"{len(silent)}人未响应：{names}",
                    "alert",
                    {"title": f"{len(silent)}人未响应调度", "detail": names[:40]},
                )
        for target in dispatch.targets:
            if checkin_overdue(target, dispatch.checkin_interval_min, now):
                ref = f"{dispatch.id}:missed:{target.member_id}:{int(target.last_ping_at.timestamp())}"
                for leader in _leaders(dispatch, [target.member]):
                    delivery.notify_once(
                        leader,
                        "alert",
                        ref[:64],
                        f"超时未报平安：{target.member.display_name}",
                        f"{dispatch.title}：现场签到已超时",
                        "alert",
                        {"title": "现场人员超时未签到", "detail": target.member.display_name},
                    )
