"""Teams' equipment: registering items and kits, maintenance and its due dates, checking an item
out to one of the team's open orders and back. Never commits: the caller owns the transaction
(a REST request, or the sync batch)."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..accounts.models import User
from ..core.audit import record
from ..core.models import utcnow
from ..core.pagination import paginate
from ..dispatch.models import Dispatch, DispatchTarget
from ..errors import ApiProblem, forbidden, not_found, validation_problem
from ..extensions import db
from ..media.service import owned_media
from ..regions.service import get_scoped, require_in_scope, scoped, subtree_ids
from ..teams.models import Team
from .models import (
    CONDITION_LABELS,
    OUT_OF_SERVICE,
    EquipmentEvent,
    EquipmentEventMedia,
    EquipmentItem,
    EquipmentKit,
)
from .schemas import EquipmentItemSchema

CHINA = ZoneInfo("Asia/Shanghai")
DESK_ROLES = ("admin", "duty_officer")
# Not taken out to a scene: a damaged rope or harness hurts the one who trusts it.
NOT_FOR_USE = ("damaged", *OUT_OF_SERVICE)


def china_today(now: datetime) -> date:
    return now.astimezone(CHINA).date()


def next_due(item: EquipmentItem) -> date | None:
    """The day the next maintenance is due: an interval after the last one (or after the item
    was registered, when it never was)."""
    if not item.maintenance_interval_days:
        return None
    base = item.last_maintained_on or item.registered_on
    return base + timedelta(days=item.maintenance_interval_days)


def is_overdue(item: EquipmentItem, today: date) -> bool:
    return item.next_due_on is not None and item.next_due_on < today and item.condition not in OUT_OF_SERVICE


def _overdue_clause(today: date):
    return sa.and_(
        EquipmentItem.next_due_on.is_not(None),
        EquipmentItem.next_due_on < today,
        EquipmentItem.condition.not_in(OUT_OF_SERVICE),
    )


# -- who may do what ------------------------------------------------------------------------


def _reads(actor, team: Team) -> bool:
    """The desk of the region (scope already checked) and the team's own captain and members."""
    return actor.role in DESK_ROLES or (actor.team_id is not None and actor.team_id == team.id)


def _manages(actor, team: Team) -> bool:
    if actor.role in DESK_ROLES:
        return True
    return actor.role == "captain" and actor.team_id is not None and actor.team_id == team.id


def _team(actor, team_id, manage: bool = False) -> Team:
    team = get_scoped(Team, team_id, actor, what="team")
    if not _reads(actor, team):
        raise not_found("team")
    if manage and not _manages(actor, team):
        raise forbidden("Only the team's captain or the desk of its region manages its equipment.")
    return team


def _item(actor, item_id, manage: bool = False) -> EquipmentItem:
    item = get_scoped(EquipmentItem, item_id, actor, what="equipment item")
    _team(actor, item.team_id, manage)
    return item


def _current(item: EquipmentItem, today: date | None = None) -> dict:
    item.as_of = today
    return EquipmentItemSchema().dump(item)


def _refused(item, status: int, slug: str, title: str, detail: str) -> ApiProblem:
    """A step that the item's state makes impossible: the answer carries the item as it stands,
    so a phone whose queued op lost the race can show what happened instead."""
    db.session.refresh(item)
    return ApiProblem(status, slug, title, detail, current=_current(item))


# -- items and kits -------------------------------------------------------------------------


def list_items(actor, team_id, args, today: date) -> dict:
    team = _team(actor, team_id)
    stmt = sa.select(EquipmentItem).where(EquipmentItem.team_id == team.id)
    for key in ("condition", "category", "kit_id"):
        if args.get(key):
            stmt = stmt.where(getattr(EquipmentItem, key) == args[key])
    if args.get("overdue") is True:
        stmt = stmt.where(_overdue_clause(today))
    elif args.get("overdue") is False:
        stmt = stmt.where(sa.not_(_overdue_clause(today)))
    page = paginate(stmt, EquipmentItem, args)
    for item in page["rows"]:
        item.as_of = today
    return page


def _kit_of(team: Team, kit_id):
    if kit_id is None:
        return None
    kit = db.session.get(EquipmentKit, kit_id)
    if kit is None or kit.team_id != team.id:
        raise validation_problem({"kit_id": ["Not a kit of this team."]})
    return kit


def create_item(actor, team_id, data: dict, today: date) -> EquipmentItem:
    team = _team(actor, team_id, manage=True)
    data = dict(data)
    item_id = data.pop("id", None) or uuid.uuid4()
    existing = db.session.get(EquipmentItem, item_id)
    if existing is not None:
        # The same form sent again after a timeout: the item it made, not a second one.
        if existing.team_id == team.id and existing.name == data["name"]:
            existing.replayed = True
            existing.as_of = today
            return existing
        raise ApiProblem(409, "conflict", "Conflict", "This id belongs to another item.")
    _kit_of(team, data.get("kit_id"))
    if data.get("last_maintained_on") and data["last_maintained_on"] > today:
        raise validation_problem({"last_maintained_on": ["Not a day in the future."]})
    item = EquipmentItem(id=item_id, team_id=team.id, region_id=team.region_id, registered_on=today, **data)
    item.next_due_on = next_due(item)
    db.session.add(item)
    db.session.flush()
    record(actor, "equipment.create", "equipment", item.id, item.region_id, {"name": item.name})
    item.as_of = today
    return item


def get_item(actor, item_id, today: date) -> EquipmentItem:
    item = _item(actor, item_id)
    item.as_of = today
    item.events = events_of(item.id)
    return item


def update_item(actor, item_id, data: dict, at: datetime) -> EquipmentItem:
    today = china_today(at)
    item = _item(actor, item_id, manage=True)
    data = dict(data)
    note = data.pop("note", "") or ""
    team = db.session.get(Team, item.team_id)
    if "kit_id" in data:
        _kit_of(team, data["kit_id"])
    if data.get("last_maintained_on") and data["last_maintained_on"] > today:
        raise validation_problem({"last_maintained_on": ["Not a day in the future."]})
    before = item.condition
    if "condition" in data and data["condition"] != before:
        if item.out_dispatch_id is not None:
            raise _refused(
                item,
                409,
                "equipment-checked-out",
                "Checked out",
                "The item is out on an order: its condition is recorded when it is returned.",
            )
        if data["condition"] in ("damaged", "lost") and not note.strip():
            raise validation_problem({"note": ["Say what happened (损坏或遗失须填写说明)."]})
    for key, value in data.items():
        setattr(item, key, value)
    item.next_due_on = next_due(item)
    if item.condition != before:
        _event(
            actor, item, "condition", at, condition_before=before, condition_after=item.condition, note=note
        )
    db.session.flush()
    record(actor, "equipment.update", "equipment", item.id, item.region_id, {"fields": sorted(data)})
    item.as_of = today
    return item


def list_kits(actor, team_id) -> list[EquipmentKit]:
    team = _team(actor, team_id)
    return db.session.scalars(
        sa.select(EquipmentKit).where(EquipmentKit.team_id == team.id).order_by(EquipmentKit.name)
    ).all()


def create_kit(actor, team_id, data: dict) -> EquipmentKit:
    team = _team(actor, team_id, manage=True)
    kit_id = data.get("id") or uuid.uuid4()
    existing = db.session.get(EquipmentKit, kit_id)
    if existing is not None:
        # The same form sent again after no answer came: the kit it made, not a second one.
        if existing.team_id == team.id and existing.name == data["name"]:
            existing.replayed = True
            return existing
        raise ApiProblem(409, "conflict", "Conflict", "This id belongs to another kit.")
    kit = EquipmentKit(
        id=kit_id,
        team_id=team.id,
        region_id=team.region_id,
        name=data["name"],
        note=data.get("note") or "",
    )
    db.session.add(kit)
    db.session.flush()
    record(actor, "equipment.kit", "equipment_kit", kit.id, kit.region_id, {"name": kit.name})
    return kit


# -- the log ---------------------------------------------------------------------------------


def _event(actor, item, kind, at, event_id=None, **fields) -> EquipmentEvent:
    event = EquipmentEvent(
        id=event_id or uuid.uuid4(),
        item_id=item.id,
        region_id=item.region_id,
        kind=kind,
        by_id=actor.id,
        at=at,
        recorded_at=utcnow(),
        **fields,
    )
    db.session.add(event)
    return event


def events_of(item_id, limit: int = 50) -> list[dict]:
    rows = db.session.execute(
        sa.select(EquipmentEvent, User.display_name, Dispatch.title)
        .join(User, User.id == EquipmentEvent.by_id)
        .outerjoin(Dispatch, Dispatch.id == EquipmentEvent.dispatch_id)
        .where(EquipmentEvent.item_id == item_id)
        .order_by(EquipmentEvent.at.desc(), EquipmentEvent.recorded_at.desc())
        .limit(limit)
    ).all()
    return [
        {
            "id": e.id,
            "kind": e.kind,
            "at": e.at,
            "by_name": name,
            "dispatch_id": e.dispatch_id,
            "dispatch_title": title,
            "incident_id": e.incident_id,
            "condition_before": e.condition_before,
            "condition_after": e.condition_after,
            "condition_label": CONDITION_LABELS.get(e.condition_after) if e.condition_after else None,
            "done_on": e.done_on,
            "note": e.note,
            "media_ids": [str(m) for m in e.media_ids or []],
        }
        for e, name, title in rows
    ]


def _replayed(actor, event_id, item_id, kind: str) -> EquipmentItem | None:
    """The item, when this event was already recorded (the same step sent again, by any door);
    None when the id is new. An id already used for something else is a conflict."""
    if event_id is None:
        return None
    event = db.session.get(EquipmentEvent, event_id)
    if event is None:
        return None
    if event.kind != kind or event.item_id != item_id or event.by_id != actor.id:
        raise ApiProblem(409, "conflict", "Conflict", "This id belongs to another equipment record.")
    item = db.session.get(EquipmentItem, item_id)
    item.replayed = True
    return item


def record_maintenance(actor, item_id, data: dict, at: datetime) -> EquipmentItem:
    today = china_today(at)
    if (again := _replayed(actor, data.get("id"), item_id, "maintenance")) is not None:
        return again
    item = _item(actor, item_id, manage=True)
    if item.condition in OUT_OF_SERVICE:
        raise _refused(
            item,
            409,
            "equipment-out-of-service",
            "Out of service",
            f"The item is {item.condition}; change its condition first.",
        )
    if item.out_dispatch_id is not None:
        raise _refused(
            item, 409, "equipment-checked-out", "Checked out", "The item is out on an order; return it first."
        )
    done_on = data.get("done_on") or today
    if done_on > today:
        raise validation_problem({"done_on": ["Not a day in the future."]})
    before = item.condition
    # A later maintenance recorded late does not move the due date back.
    if item.last_maintained_on is None or done_on > item.last_maintained_on:
        item.last_maintained_on = done_on
    if data.get("condition"):
        item.condition = data["condition"]
    item.next_due_on = next_due(item)
    _event(
        actor,
        item,
        "maintenance",
        at,
        data.get("id"),
        done_on=done_on,
        note=data.get("note") or "",
        condition_before=before,
        condition_after=item.condition,
    )
    db.session.flush()
    record(actor, "equipment.maintenance", "equipment", item.id, item.region_id, {"done_on": done_on})
    item.as_of = today
    return item


# -- out to an order and back ----------------------------------------------------------------


def open_orders(actor, team_id) -> list[Dispatch]:
    """The team's open orders (those calling at least one of its members), newest first."""
    team = _team(actor, team_id, manage=True)
    return db.session.scalars(
        sa.select(Dispatch)
        .where(Dispatch.closed_at.is_(None), Dispatch.id.in_(_team_orders(team.id)))
        .order_by(Dispatch.created_at.desc())
        .limit(50)
    ).all()


def _team_orders(team_id):
    return (
        sa.select(DispatchTarget.dispatch_id)
        .join(User, User.id == DispatchTarget.member_id)
        .where(User.team_id == team_id)
    )


def checkout(actor, data: dict, at: datetime) -> EquipmentItem:
    """Take an item out to one of the team's open orders (领用); a second checkout of an item
    already out is refused (409), however the two race."""
    if (again := _replayed(actor, data.get("id"), data["item_id"], "checkout")) is not None:
        return again
    item = _item(actor, data["item_id"], manage=True)
    if item.condition in NOT_FOR_USE:
        label = CONDITION_LABELS[item.condition]
        raise _refused(
            item,
            409,
            "equipment-out-of-service",
            "Not fit for use",
            f"The item is {item.condition} ({label}); it cannot be checked out.",
        )
    order = db.session.get(Dispatch, data["dispatch_id"])
    is_team_order = order is not None and db.session.scalar(
        sa.select(_team_orders(item.team_id).where(DispatchTarget.dispatch_id == order.id).exists())
    )
    if not is_team_order:
        raise validation_problem({"dispatch_id": ["Not an order of this team."]})
    if order.closed_at is not None:
        raise _refused(
            item, 409, "order-closed", "Order closed", "The order is closed; nothing goes out on it."
        )
    # One conditional UPDATE: of two checkouts at once, exactly one finds the item in.
    taken = db.session.execute(
        sa.update(EquipmentItem)
        .where(EquipmentItem.id == item.id, EquipmentItem.out_dispatch_id.is_(None))
        .values(out_dispatch_id=order.id, out_incident_id=order.incident_id, out_at=at, out_by=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise _refused(
            item, 409, "equipment-checked-out", "Already checked out", "The item is already out on an order."
        )
    db.session.refresh(item)
    _event(
        actor,
        item,
        "checkout",
        at,
        data.get("id"),
        dispatch_id=order.id,
        incident_id=order.incident_id,
        condition_before=item.condition,
        condition_after=item.condition,
    )
    db.session.flush()
    record(actor, "equipment.checkout", "equipment", item.id, item.region_id, {"dispatch_id": order.id})
    item.as_of = china_today(at)
    return item


def return_item(actor, data: dict, at: datetime) -> EquipmentItem:
    """Bring an item back (归还) with the condition it is in; damage or loss needs a note."""
    if (again := _replayed(actor, data.get("id"), data["item_id"], "return")) is not None:
        return again
    item = _item(actor, data["item_id"], manage=True)
    note = (data.get("note") or "").strip()
    if data["condition"] in ("damaged", "lost") and not note:
        raise validation_problem({"note": ["Say what happened (损坏或遗失须填写说明)."]})
    media_ids = list(data.get("media_ids") or [])
    missing = owned_media(actor, media_ids)
    if missing:
        raise ApiProblem(
            409,
            "media-missing",
            "Photos not uploaded yet",
            "Upload the photos first, then send the return again.",
            retryable=True,
            media_ids=[str(m) for m in missing],
        )
    order_id, out_at, before = item.out_dispatch_id, item.out_at, item.condition
    if order_id is None:
        raise _refused(item, 409, "equipment-not-out", "Not checked out", "The item is not out on an order.")
    back = db.session.execute(
        sa.update(EquipmentItem)
        .where(EquipmentItem.id == item.id, EquipmentItem.out_dispatch_id == order_id)
        .values(
            out_dispatch_id=None, out_incident_id=None, out_at=None, out_by=None, condition=data["condition"]
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not back:
        raise _refused(item, 409, "equipment-not-out", "Not checked out", "The item is not out on an order.")
    db.session.refresh(item)
    event = _event(
        actor,
        item,
        "return",
        # A phone's clock may run behind the server's time of the checkout: never back before out.
        max(at, out_at),
        data.get("id"),
        dispatch_id=order_id,
        incident_id=db.session.scalar(sa.select(Dispatch.incident_id).where(Dispatch.id == order_id)),
        condition_before=before,
        condition_after=item.condition,
        note=note,
        media_ids=[str(m) for m in media_ids],
    )
    db.session.flush()
    for m in dict.fromkeys(media_ids):
        db.session.add(EquipmentEventMedia(event_id=event.id, media_id=m))
    db.session.flush()
    record(
        actor,
        "equipment.return",
        "equipment",
        item.id,
        item.region_id,
        {"dispatch_id": order_id, "condition": item.condition},
    )
    item.as_of = china_today(at)
    return item


def media_regions(media_id) -> list[int]:
    """The regions of the returns a photo shows damage on: media asks, to decide who sees it."""
    return list(
        db.session.scalars(
            sa.select(EquipmentEvent.region_id)
            .join(EquipmentEventMedia, EquipmentEventMedia.event_id == EquipmentEvent.id)
            .where(EquipmentEventMedia.media_id == media_id)
        )
    )


# -- overdue ---------------------------------------------------------------------------------


def overdue(actor, region_id: int | None, today: date) -> list[EquipmentItem]:
    """Every item of the desk's region (or of `region_id` below it) whose maintenance is
    overdue, the longest overdue first."""
    stmt = scoped(sa.select(EquipmentItem, Team.name), EquipmentItem.region_id, actor)
    stmt = stmt.join(Team, Team.id == EquipmentItem.team_id).where(_overdue_clause(today))
    if region_id is not None:
        require_in_scope(actor, region_id)
        stmt = stmt.where(EquipmentItem.region_id.in_(subtree_ids(region_id)))
    rows = db.session.execute(stmt.order_by(EquipmentItem.next_due_on, EquipmentItem.name)).all()
    items = []
    for item, team_name in rows:
        item.as_of, item.team_name = today, team_name
        items.append(item)
    return items


def equipment_overdue_by_team(team_ids, today: date) -> dict:
    """{team_id: {"items": registered items in service, "overdue": of them overdue}} for the
    teams that registered any; a team missing here registered none (readiness says 未登记)."""
    if not team_ids:
        return {}
    in_service = EquipmentItem.condition.not_in(OUT_OF_SERVICE)
    rows = db.session.execute(
        sa.select(
            EquipmentItem.team_id,
            sa.func.count(),
            sa.func.count().filter(_overdue_clause(today)),
        )
        .where(EquipmentItem.team_id.in_(list(team_ids)), in_service)
        .group_by(EquipmentItem.team_id)
    ).all()
    return {team_id: {"items": n, "overdue": late} for team_id, n, late in rows}
