"""Supervising the initial reports (初报督办): once an event's due time has passed, each village
still without an initial report is told to its information officers; after a grace, each
township still missing some is told to its desk. Each notice is a unique row written in a
savepoint before anyone is notified: a second worker sweeping at the same moment fails on it
(or waits for the first and then fails) and notifies nobody."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core.models import utcnow
from ..delivery import service as delivery
from ..extensions import db
from ..regions.models import Region
from .models import DisasterEvent, DisasterEventVillage, DisasterNotice, SituationReport

# A notice: push, then SMS, no call (registered quiet in create_app); a tap opens the event.
KIND = "disaster"


def _claim(event_id, stage: str, region_id: int, now: datetime) -> bool:
    try:
        with db.session.begin_nested():
            db.session.add(
                DisasterNotice(event_id=event_id, stage=stage, region_id=region_id, created_at=now)
            )
            db.session.flush()
        return True
    except IntegrityError:
        return False


def _people(role: str, region_ids) -> dict[int, list]:
    out: dict[int, list] = {}
    for uid, rid in db.session.execute(
        sa.select(User.id, User.region_id)
        .where(User.role == role, User.active.is_(True), User.region_id.in_(list(region_ids)))
        .order_by(User.id)
    ):
        out.setdefault(rid, []).append(uid)
    return out


def sweep(now: datetime | None = None) -> int:
    """Run by the delivery worker each round. Answers how many notices it wrote."""
    now = now or utcnow()
    grace = timedelta(minutes=current_app.config["DISASTER_ESCALATE_MIN"])
    has_initial = sa.select(SituationReport.id).where(
        SituationReport.event_id == DisasterEventVillage.event_id,
        SituationReport.region_id == DisasterEventVillage.region_id,
    )
    missing = db.session.execute(
        sa.select(
            DisasterEvent.id,
            DisasterEvent.name,
            DisasterEvent.initial_due_at,
            Region.id,
            Region.name,
            Region.parent_id,
        )
        .join(DisasterEventVillage, DisasterEventVillage.event_id == DisasterEvent.id)
        .join(Region, Region.id == DisasterEventVillage.region_id)
        .where(
            DisasterEvent.closed_at.is_(None),
            DisasterEvent.initial_due_at <= now,
            ~sa.exists(has_initial),
        )
        .order_by(DisasterEvent.id, Region.id)
    ).all()
    if not missing:
        return 0
    told = {
        (e, s, r)
        for e, s, r in db.session.execute(
            sa.select(DisasterNotice.event_id, DisasterNotice.stage, DisasterNotice.region_id).where(
                DisasterNotice.event_id.in_({row[0] for row in missing})
            )
        )
    }
    written = 0
    officers = _people("info_officer", {row[3] for row in missing})
    for event_id, event_name, _, village_id, village_name, _ in missing:
        if (event_id, "officer", village_id) in told or not _claim(event_id, "officer", village_id, now):
            continue
        written += 1
        for uid in officers.get(village_id, []):
            delivery.notify_once(
                uid,
                KIND,
                f"{event_id}:{village_id}",
                f"请报送初报：{event_name}",
                f"{village_name}的灾情初报已超时，请尽快报送。",
                "alert",
                {"title": "灾情初报超时", "detail": f"{village_name}：{event_name}"[:40]},
            )
    # The township desk, after the grace: one notice per township naming its silent villages.
    by_town: dict[tuple, list] = {}
    for event_id, event_name, due, _, village_name, town_id in missing:
        if due + grace <= now and town_id is not None:
            by_town.setdefault((event_id, event_name, town_id), []).append(village_name)
    desks = _people("duty_officer", {key[2] for key in by_town})
    for (event_id, event_name, town_id), names in by_town.items():
        if (event_id, "desk", town_id) in told or not _claim(event_id, "desk", town_id, now):
            continue
        written += 1
        listed = "、".join(names[:10]) + (f"等{len(names)}个村" if len(names) > 10 else "")
        for uid in desks.get(town_id, []):
            delivery.notify_once(
                uid,
                KIND,
                f"{event_id}:{town_id}",
                f"初报超时未报：{event_name}",
                f"{len(names)}个村未报初报：{listed}",
                "alert",
                {"title": f"{len(names)}个村灾情初报超时", "detail": listed[:40]},
            )
    return written
