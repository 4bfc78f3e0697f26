"""The residents' sender, a delivery sweeper: the one-time codes first, then the warnings' rows in
batches. Each batch is claimed with a lease and committed before anything is sent (as delivery's
claim()), sent by threads with the delivery channels, and its outcome written in one commit. A
row accepted is never claimed again; a crash mid-batch leaves leases that run out."""

import logging
import threading
import time
from collections import deque
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app

from ..core.models import utcnow
from ..delivery import channels
from ..delivery.models import PushSubscription
from ..extensions import db
from ..regions.models import Region
from . import service
from .models import ResidentCode, ResidentDelivery, ResidentMessage, ResidentSubscription

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=120)
RETRY_S = (10, 60)  # the waits before a second and a third try of a transient failure
BUDGET_S = 10.0  # one sweep's time for warnings, so dispatch orders are not held up longer

LEVEL_WORDS = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
KIND_WORDS = {
    "typhoon": "台风",
    "rainstorm": "暴雨",
    "flood": "洪水",
    "geological": "地质灾害",
    "forest_fire": "森林火险",
    "heat": "高温",
    "cold_wave": "寒潮",
    "other": "",
}
ACTION_WORDS = {"alert": "发布", "update": "更新", "cancel": "解除"}


def _parallel(jobs, work, cfg) -> list:
    app = current_app._get_current_object()  # noqa: SLF001 - werkzeug's documented way
    pending, outcomes = deque(jobs), []

    def sender():
        with app.app_context():
            while True:
                try:
                    job = pending.popleft()
                except IndexError:
                    return
                try:
                    outcomes.append(work(job))
                except Exception:  # noqa: BLE001 - one bad send must not stop the others
                    log.exception("resident send failed for %s", job.id)

    threads = [threading.Thread(target=sender) for _ in range(min(len(jobs), cfg["DELIVERY_CONCURRENCY"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _pg() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


# ---- codes ----------------------------------------------------------------------------------


def send_codes(now) -> int:
    c = ResidentCode.__table__.c
    stmt = (
        sa.select(c.id)
        .where(c.outbox_code.is_not(None), sa.or_(c.lease_until.is_(None), c.lease_until < now))
        .limit(200)
    )
    if _pg():
        stmt = stmt.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(stmt))
    if not ids:
        return 0
    db.session.execute(sa.update(ResidentCode).where(c.id.in_(ids)).values(lease_until=now + LEASE))
    db.session.commit()  # worker unit of work: the claim stands before any send
    rows = db.session.execute(
        sa.select(c.id, c.outbox_code, c.region_id, ResidentSubscription.phone)
        .join(ResidentSubscription, ResidentSubscription.id == c.subscription_id)
        .where(c.id.in_(ids), c.outbox_code.is_not(None))
    ).all()
    names = _area_names({r.region_id for r in rows})
    db.session.rollback()
    minutes = current_app.config["RESIDENT_CODE_TTL_MIN"]

    def work(row):
        params = {"code": row.outbox_code, "minutes": minutes, "area": names.get(row.region_id, "")}
        return row.id, channels.send_sms(f"rc-{row.id}", row.phone, "resident_code", params)

    outcomes = _parallel(rows, work, current_app.config)
    for ok in (True, False):
        done = [i for i, sent in outcomes if sent is ok]
        if done:
            values = {"outbox_code": None, "lease_until": None}
            values.update({"sent_at": utcnow()} if ok else {"send_failed": True})
            db.session.execute(sa.update(ResidentCode).where(c.id.in_(done)).values(**values))
    db.session.commit()  # worker unit of work: the codes' outcome; the code itself is erased
    return len(rows)


def _area_names(region_ids) -> dict:
    out = {}
    for region in db.session.scalars(sa.select(Region).where(Region.id.in_(region_ids or [0]))):
        out[region.id] = service.area_name(region)
    return out


# ---- warnings -------------------------------------------------------------------------------


def claim(now, limit: int) -> list[int]:
    d = ResidentDelivery.__table__.c
    stmt = (
        sa.select(d.id)
        .where(
            d.state == "pending",
            d.next_at <= now,
            sa.or_(d.lease_until.is_(None), d.lease_until < now),
        )
        .order_by(d.next_at, d.id)
        .limit(limit)
    )
    if _pg():
        stmt = stmt.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(stmt))
    if ids:
        db.session.execute(sa.update(ResidentDelivery).where(d.id.in_(ids)).values(lease_until=now + LEASE))
    db.session.commit()  # worker unit of work: the claim stands before any send
    return ids


def _load(ids) -> list[SimpleNamespace]:
    d = ResidentDelivery.__table__.c
    m = ResidentMessage.__table__.c
    ps = PushSubscription.__table__.c
    rs = ResidentSubscription.__table__.c
    rows = db.session.execute(
        sa.select(
            d.id,
            d.channel,
            d.tries,
            d.warning_id,
            m.msg_type,
            m.kind,
            m.level,
            m.title,
            ps.id.label("push_id"),
            ps.endpoint,
            ps.p256dh,
            ps.auth,
            rs.id.label("resident_id"),
            rs.phone,
            rs.state.label("resident_state"),
            rs.region_id,
        )
        .join(ResidentMessage, m.warning_id == d.warning_id)
        .outerjoin(PushSubscription, ps.id == d.push_subscription_id)
        .outerjoin(ResidentSubscription, rs.id == d.resident_id)
        .where(d.id.in_(ids), d.state == "pending")
    ).all()
    names = _area_names({r.region_id for r in rows if r.region_id})
    return [SimpleNamespace(**row._asdict(), area=names.get(row.region_id, "")) for row in rows]


def _send(job, cfg) -> SimpleNamespace:
    if job.channel == "push":
        if job.push_id is None:
            return SimpleNamespace(id=job.id, outcome="failed", gone=None, tries=job.tries)
        payload = {
            "type": "warning",
            "id": str(job.warning_id),
            "title": job.title,
            "level": job.level,
            "msg_type": job.msg_type,
            "url": "/r",
        }
        urgency = "high" if job.level in ("red", "orange") or job.msg_type == "cancel" else "normal"
        result = channels.send_push(
            SimpleNamespace(endpoint=job.endpoint, p256dh=job.p256dh, auth=job.auth),
            payload,
            topic=f"warning-{job.warning_id.hex[:20]}",
            ttl=cfg["PUSH_TTL_S"],
            urgency=urgency,
        )
        outcome = "accepted" if result.ok else "retry" if result.retry else "failed"
        return SimpleNamespace(
            id=job.id, outcome=outcome, gone=job.push_id if result.gone else None, tries=job.tries
        )
    if job.resident_id is None or job.resident_state != "active":
        return SimpleNamespace(id=job.id, outcome="failed", gone=None, tries=job.tries)  # stopped since
    params = {
        "area": job.area,
        "action": ACTION_WORDS.get(job.msg_type, ""),
        "level": LEVEL_WORDS.get(job.level, ""),
        "kind": KIND_WORDS.get(job.kind, ""),
        "title": job.title,
        "stop_url": service.stop_url("s", job.resident_id),
    }
    ok = channels.send_sms(f"rw-{job.id}", job.phone, "resident_warning", params)
    # The gateway says yes or no only: a no is tried again, a bounded number of times.
    return SimpleNamespace(id=job.id, outcome="accepted" if ok else "retry", gone=None, tries=job.tries)


def _record(outcomes, now, cfg) -> None:
    d = ResidentDelivery.__table__
    tries_max = cfg["RESIDENT_SEND_TRIES"]
    updates = []
    for out in outcomes:
        tries = out.tries + 1
        state, next_at = out.outcome, now
        if state == "retry":
            if tries >= tries_max:
                state = "failed"
            else:
                state, next_at = "pending", now + timedelta(seconds=RETRY_S[min(tries - 1, len(RETRY_S) - 1)])
        updates.append(
            {
                "_id": out.id,
                "state": state,
                "tries": tries,
                "next_at": next_at,
                "sent_at": utcnow() if state == "accepted" else None,
            }
        )
    if updates:
        db.session.execute(
            d.update()
            .where(d.c.id == sa.bindparam("_id"), d.c.state == "pending")
            .values(
                state=sa.bindparam("state"),
                tries=sa.bindparam("tries"),
                next_at=sa.bindparam("next_at"),
                sent_at=sa.bindparam("sent_at"),
                lease_until=None,
            ),
            updates,
        )
    gone = [out.gone for out in outcomes if out.gone]
    if gone:
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(gone)))  # 404/410
    db.session.commit()  # worker unit of work: what the sends did, all of it or none


def send_batch(now) -> int:
    cfg = current_app.config
    ids = claim(now, cfg["RESIDENT_BATCH"])
    if not ids:
        return 0
    jobs = _load(ids)
    db.session.rollback()  # nothing held while sending
    _record(_parallel(jobs, lambda job: _send(job, cfg), cfg), now, cfg)
    return len(ids)


def sweep(now) -> None:
    """Registered with delivery.register_sweeper: codes, then warnings until none is due or
    this round's time is spent (the next round goes on)."""
    send_codes(now)
    service.forget_unconfirmed(now)
    db.session.commit()  # worker unit of work: the unconfirmed numbers forgotten
    started = time.monotonic()
    while send_batch(max(now, utcnow())) and time.monotonic() - started < BUDGET_S:
        pass
