"""Asking for someone to be reached, and the cascade that reaches them: web push where they have
a working subscription, SMS when push is not accepted or not answered in time, then a call."""

import logging
import uuid
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..core.models import utcnow
from ..extensions import db
from . import channels
from .models import Notification, PushSubscription

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
# kind -> function(user_id, ref_id, answer) called when a person answers by SMS or key press.
RESPONDERS: dict = {}


# Functions(now) the worker calls each round, so domains can ask for reminders and escalations.
SWEEPERS: list = []


def register_responder(kind: str, fn) -> None:
    RESPONDERS[kind] = fn


def register_sweeper(fn) -> None:
    if fn not in SWEEPERS:
        SWEEPERS.append(fn)


def notify_once(user_id, kind: str, ref_id, title: str, body: str, template: str, params: dict) -> bool:
    """Like `notify`, but a second call for the same person and thing does nothing."""
    try:
        with db.session.begin_nested():
            notify(user_id, kind, ref_id, title, body, template, params)
            db.session.flush()
        return True
    except IntegrityError:
        return False


def notify(user_id, kind: str, ref_id, title: str, body: str, template: str, params: dict) -> None:
    """Queue one person's delivery in the caller's transaction: it commits with the order."""
    db.session.add(
        Notification(
            id=uuid.uuid4(),
            user_id=user_id,
            kind=kind,
            ref_id=str(ref_id),
            title=title[:200],
            body=body[:1000],
            template=template,
            params=params,
            state="queued",
            next_at=utcnow(),
            attempts=[],
        )
    )


def mark_answered(user_id, kind: str, ref_id) -> None:
    """The person answered (in the app, by SMS or by key press): the cascade stops."""
    db.session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.kind == kind,
            Notification.ref_id == str(ref_id),
            Notification.state != "answered",
        )
        .values(state="answered", answered_at=utcnow())
    )


def deliveries_for(kind: str, ref_id) -> dict:
    rows = db.session.scalars(
        sa.select(Notification).where(Notification.kind == kind, Notification.ref_id == str(ref_id))
    )
    return {row.user_id: {"state": row.state, "attempts": row.attempts} for row in rows}


# ---- the worker's side ------------------------------------------------------------------------


def claim(now, limit: int = 100) -> list[uuid.UUID]:
    """Take due notifications for this worker. On PostgreSQL several workers share the work
    with SKIP LOCKED and a lease; a crashed worker's lease runs out and another takes over."""
    stmt = (
        sa.select(Notification.id)
        .where(
            Notification.state.in_(("queued", "pushed", "sms_sent")),
            Notification.next_at <= now,
            sa.or_(Notification.lease_until.is_(None), Notification.lease_until < now),
        )
        .order_by(Notification.next_at)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(stmt))
    if ids:
        db.session.execute(
            sa.update(Notification).where(Notification.id.in_(ids)).values(lease_until=now + LEASE)
        )
    db.session.commit()
    return ids


def step(note_id, now) -> None:
    """Move one notification one step along the cascade. Nothing is held while sending: read,
    end the transaction (SQLite's write lock, PostgreSQL's row locks), send, then record."""
    from ..accounts.models import User

    note = db.session.get(Notification, note_id)
    if note is None or note.state in ("answered", "failed"):
        db.session.rollback()
        return
    user = db.session.get(User, note.user_id)
    job = SimpleNamespace(
        id=str(note.id),
        state=note.state,
        kind=note.kind,
        ref_id=note.ref_id,
        title=note.title,
        body=note.body,
        template=note.template,
        params=dict(note.params),
        phone=user.phone,
    )
    subs = [
        SimpleNamespace(id=s.id, endpoint=s.endpoint, p256dh=s.p256dh, auth=s.auth)
        for s in db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user.id))
    ]
    db.session.rollback()

    cfg = current_app.config
    attempts, push_results, state, next_at = [], [], job.state, now
    if job.state == "queued" and subs:
        payload = {"type": job.kind, "id": job.ref_id, "title": job.title, "body": job.body}
        for sub in subs:
            result = channels.send_push(
                sub, payload, topic=f"{job.kind}-{job.ref_id[:20]}", ttl=cfg["PUSH_TTL_S"]
            )
            push_results.append((sub.id, result))
            attempts.append(attempt("push", "accepted" if result.ok else "refused", status=result.status))
        if any(r.ok for _, r in push_results):
            state, next_at = "pushed", now + timedelta(seconds=cfg["DELIVERY_SMS_AFTER_S"])
    if (job.state == "queued" and state == "queued") or job.state == "pushed":
        # No working subscription, push refused, or pushed and not answered in time: SMS.
        ok = bool(job.phone) and channels.send_sms(job.id, job.phone, job.template, job.params)
        attempts.append(attempt("sms", "sent" if ok else "failed"))
        state = "sms_sent"
        next_at = now + timedelta(seconds=cfg["DELIVERY_VOICE_AFTER_S"]) if ok else now
    elif job.state == "sms_sent":
        ok = bool(job.phone) and channels.call_voice(job.id + "-v", job.phone, job.template, job.params)
        attempts.append(attempt("voice", "called" if ok else "failed"))
        state = "called" if ok else "failed"

    note = db.session.get(Notification, note_id)
    if note.state != "answered":  # an answer that came while we were sending wins
        note.state, note.next_at = state, next_at
    note.attempts = [*note.attempts, *attempts]
    note.lease_until = None
    for sub_id, result in push_results:
        sub = db.session.get(PushSubscription, sub_id)
        if sub is None:
            continue
        if result.ok:
            sub.last_success_at, sub.failures = utcnow(), 0
        elif result.gone:
            db.session.delete(sub)  # 404/410: the browser dropped it
        else:
            sub.failures += 1
    db.session.commit()


def attempt(channel: str, state: str, **extra) -> dict:
    return {"channel": channel, "state": state, "at": utcnow().isoformat(), **extra}


def run_once(now=None) -> int:
    now = now or utcnow()
    for sweep in SWEEPERS:
        try:
            sweep(now)
            db.session.commit()
        except Exception:  # noqa: BLE001 - a failed sweep must not stop deliveries
            db.session.rollback()
            log.exception("sweep %s failed", getattr(sweep, "__name__", sweep))
    ids = claim(now)
    for note_id in ids:
        try:
            step(note_id, now)
        except Exception:  # noqa: BLE001 - one bad send must not stop the others; the lease retries it
            db.session.rollback()
            log.exception("delivery step failed for %s", note_id)
    return len(ids)


# ---- answers coming back ----------------------------------------------------------------------

ACCEPT_WORDS = {"1", "接受", "是", "好", "y", "yes", "ok", "accept"}
DECLINE_WORDS = {"2", "拒绝", "不", "否", "n", "no", "decline"}


def answer_from(sender_phone: str, text: str) -> str | None:
    """An SMS reply or key press from a registered phone answers that person's open order."""
    word = (text or "").strip().lower().rstrip("。.!！")
    answer = "accept" if word in ACCEPT_WORDS else "decline" if word in DECLINE_WORDS else None
    if answer is None:
        return None
    from ..accounts.models import User
    from ..core.schemas import normalise_phone

    try:
        phone = normalise_phone(sender_phone)
    except Exception:  # noqa: BLE001 - an unknown number format is simply nobody
        return None
    user = db.session.scalar(sa.select(User).where(User.phone == phone, User.active.is_(True)))
    if user is None:
        return None
    note = db.session.scalar(
        sa.select(Notification)
        .where(Notification.user_id == user.id, Notification.state != "answered")
        .order_by(Notification.created_at.desc())
        .limit(1)
    )
    if note is None or note.kind not in RESPONDERS:
        return None
    RESPONDERS[note.kind](user, note.ref_id, answer)
    mark_answered(user.id, note.kind, note.ref_id)
    db.session.commit()
    return answer
