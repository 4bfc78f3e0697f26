"""Asking for someone to be reached, and the cascade that reaches them: web push where they have
a working subscription, SMS when push is not accepted or not answered in time, then a call."""

import contextvars
import logging
import re
import threading
import unicodedata
import uuid
from collections import deque
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.models import utcnow
from ..core.schemas import normalise_phone
from ..extensions import db
from . import channels
from .models import Notification, PushSubscription

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
# kind -> function(user_id, ref_id, answer) called when a person answers by SMS or key press.
RESPONDERS: dict = {}


# Kinds that tell and ask nothing back: push, then SMS, and no call. A call asks the person to
# press 1 or 2, which means nothing for a notice, and would wake a duty officer at 3 a.m. for a
# shelter at 90 % that the SMS has already said.
QUIET: set = set()


# Functions(now) the worker calls each round, so domains can ask for reminders and escalations.
SWEEPERS: list = []


# kind -> function(ref_id, title, body, params) -> the push payload, for a domain whose phone
# screen needs more than type, id, title and body (a warning's level and its page). Pure: it
# runs in the sending threads, without the database.
PUSH_PAYLOADS: dict = {}


def register_push_payload(kind: str, fn) -> None:
    PUSH_PAYLOADS[kind] = fn


# Set when this process commits new notifications, so its worker thread sends at once instead
# of at its next poll.
WAKE = threading.Event()


# Functions(sender_phone, text) -> an answer word or None, asked before a reply is read as an
# answer: a resident's TD / 退订 stops their warnings whatever else that number is sent.
INBOUND: list = []


# How to reach people and who a phone number belongs to: accounts (above) tells delivery.
DIRECTORY = SimpleNamespace(phones_of=None, user_by_phone=None)


# kind -> function(word) -> an answer or None: how a reply to that kind is read (default: the
# order's 1 accept / 2 decline). kind -> function(user, ref_id, text) -> an answer word: what a
# reply no answer fits does (a warning keeps it for the desk); without one it is ignored.
READERS: dict = {}
OTHER_REPLIES: dict = {}


def register_responder(kind: str, fn, words=None, other=None) -> None:
    RESPONDERS[kind] = fn
    if words is not None:
        READERS[kind] = words
    if other is not None:
        OTHER_REPLIES[kind] = other


def register_quiet(kind: str) -> None:
    QUIET.add(kind)


def register_directory(phones_of, user_by_phone) -> None:
    """phones_of(user_ids) -> {user_id: phone}; user_by_phone(e164) -> an active user or None."""
    DIRECTORY.phones_of, DIRECTORY.user_by_phone = phones_of, user_by_phone


def register_inbound(fn) -> None:
    if fn not in INBOUND:
        INBOUND.append(fn)


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
    db.session.info["wake_worker"] = True
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


RESTART = "restart"  # the attempts entry that marks a cascade begun again; not a channel


def last_restart(user_id, kind: str, ref_id):
    """When this person's cascade about this thing was last begun again (None: never)."""
    note = _note(user_id, kind, ref_id)
    marks = [a["at"] for a in (note.attempts if note else []) if a.get("channel") == RESTART]
    return datetime.fromisoformat(marks[-1]) if marks else None


def restart(user_id, kind: str, ref_id, title: str, body: str, template: str, params: dict) -> None:
    """Reach the person again now, from the first step (push, then SMS, then a call): the desk
    chasing someone silent. Queued in the caller's transaction like `notify`."""
    note = _note(user_id, kind, ref_id)
    if note is None:
        notify(user_id, kind, ref_id, title, body, template, params)
        note = _note(user_id, kind, ref_id)
    db.session.info["wake_worker"] = True
    note.state, note.next_at, note.lease_until, note.answered_at = "queued", utcnow(), None, None
    note.attempts = [*note.attempts, attempt(RESTART, "requested")]


def _note(user_id, kind: str, ref_id):
    db.session.flush()
    return db.session.scalar(
        sa.select(Notification).where(
            Notification.user_id == user_id, Notification.kind == kind, Notification.ref_id == str(ref_id)
        )
    )


def _since_restart(attempts) -> list:
    marks = [i for i, a in enumerate(attempts or []) if a.get("channel") == RESTART]
    return list(attempts or [])[marks[-1] + 1 :] if marks else list(attempts or [])


def deliveries_for(kind: str, ref_id) -> dict:
    return deliveries_for_many(kind, [ref_id]).get(str(ref_id), {})


def deliveries_for_many(kind: str, ref_ids) -> dict[str, dict]:
    """Each record's deliveries per person, for many records in one query (a list of orders)."""
    refs = [str(r) for r in ref_ids]
    if not refs:
        return {}
    rows = db.session.execute(
        sa.select(Notification.ref_id, Notification.user_id, Notification.state, Notification.attempts).where(
            Notification.kind == kind, Notification.ref_id.in_(refs)
        )
    )
    out: dict[str, dict] = {}
    for row in rows:
        tried = [a for a in row.attempts or [] if a.get("channel") != RESTART]
        restarts = [a["at"] for a in row.attempts or [] if a.get("channel") == RESTART]
        out.setdefault(row.ref_id, {})[row.user_id] = {
            "state": row.state,
            "attempts": tried,
            "restarted_at": restarts[-1] if restarts else None,
        }
    return out


# ---- the worker's side ------------------------------------------------------------------------
# The worker is a background loop, not a request: it has its own units of work and commits them
# here, each one on purpose (the claim, each sweep, the outcome of a round). Nothing on a request's
# or a sync op's path calls these.


def claim(now, limit: int = 100) -> list[uuid.UUID]:
    """Take due notifications for this worker. On PostgreSQL several workers share the work
    with SKIP LOCKED and a lease; a crashed worker's lease runs out and another takes over."""
    stmt = (
        sa.select(Notification.id)
        .where(
            Notification.state.in_(("queued", "pushed", "sms_sent")),
            # After its SMS, a quiet kind has nothing left to send.
            sa.or_(Notification.state != "sms_sent", Notification.kind.not_in(list(QUIET))),
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
    # Worker unit of work: the claim stands before any send, so no other worker sends the same.
    db.session.commit()
    return ids


def _load(ids) -> list[SimpleNamespace]:
    """What the sends need, read in one go, as plain values: nothing is held while sending."""
    n = Notification.__table__.c
    rows = db.session.execute(
        sa.select(
            n.id,
            n.user_id,
            n.state,
            n.kind,
            n.ref_id,
            n.title,
            n.body,
            n.template,
            n.params,
            n.attempts,
        ).where(n.id.in_(ids), n.state.not_in(("answered", "failed")))
    ).all()
    phones = DIRECTORY.phones_of({row.user_id for row in rows})
    subs: dict = {}
    s = PushSubscription.__table__.c
    for sub in db.session.execute(
        sa.select(s.id, s.user_id, s.endpoint, s.p256dh, s.auth).where(
            s.user_id.in_({row.user_id for row in rows})
        )
    ):
        subs.setdefault(sub.user_id, []).append(
            SimpleNamespace(id=sub.id, endpoint=sub.endpoint, p256dh=sub.p256dh, auth=sub.auth)
        )
    return [
        SimpleNamespace(
            id=row.id,
            state=row.state,
            kind=row.kind,
            ref_id=row.ref_id,
            title=row.title,
            body=row.body,
            template=row.template,
            params=dict(row.params or {}),
            phone=phones.get(row.user_id),
            subs=subs.get(row.user_id, []),
            # Push rounds made so far (one round may try several of the person's devices); a
            # cascade begun again counts from its new start.
            push_rounds=max(
                (a.get("round", 1) for a in _since_restart(row.attempts) if a.get("channel") == "push"),
                default=0,
            ),
            seen=len(row.attempts or []),
        )
        for row in rows
    ]


def _send(job, now, cfg) -> SimpleNamespace:
    """One step of one person's cascade, talking only to the outside world."""
    attempts, push_results, state, next_at = [], [], job.state, now
    if job.state == "queued" and job.subs:
        payload = {"type": job.kind, "id": job.ref_id, "title": job.title, "body": job.body}
        if job.kind in PUSH_PAYLOADS:
            payload = PUSH_PAYLOADS[job.kind](job.ref_id, job.title, job.body, job.params)
        for sub in job.subs:
            topic = f"{job.kind}-{job.ref_id[:20]}"
            result = channels.send_push(sub, payload, topic=topic, ttl=cfg["PUSH_TTL_S"])
            push_results.append((sub.id, result))
            attempts.append(
                attempt(
                    "push",
                    "accepted" if result.ok else "refused",
                    status=result.status,
                    round=job.push_rounds + 1,
                )
            )
        if any(r.ok for _, r in push_results):
            state, next_at = "pushed", now + timedelta(seconds=cfg["DELIVERY_SMS_AFTER_S"])
        elif (wait := _push_backoff(job, push_results, cfg)) is not None:
            # Busy or failing push service (429, 5xx, no answer): push again shortly, and SMS
            # only once the retries are spent, still well inside the SMS wait.
            return SimpleNamespace(
                id=job.id,
                state="queued",
                next_at=now + timedelta(seconds=wait),
                attempts=attempts,
                push_results=push_results,
                seen=job.seen,
            )
    if (job.state == "queued" and state == "queued") or job.state == "pushed":
        # No working subscription, push refused, or pushed and not answered in time: SMS.
        ok = bool(job.phone) and channels.send_sms(str(job.id), job.phone, job.template, job.params)
        attempts.append(attempt("sms", "sent" if ok else "failed"))
        # A quiet kind's cascade ends here (claim() never takes it again once sms_sent).
        state = "sms_sent" if ok or job.kind not in QUIET else "failed"
        next_at = now + timedelta(seconds=cfg["DELIVERY_VOICE_AFTER_S"]) if ok else now
    elif job.state == "sms_sent":
        ok = bool(job.phone) and channels.call_voice(f"{job.id}-v", job.phone, job.template, job.params)
        attempts.append(attempt("voice", "called" if ok else "failed"))
        state = "called" if ok else "failed"
    return SimpleNamespace(
        id=job.id, state=state, next_at=next_at, attempts=attempts, push_results=push_results, seen=job.seen
    )


PUSH_BACKOFF_S = (5, 15)  # the waits before the second and the third push; then SMS


def _push_backoff(job, push_results, cfg) -> float | None:
    """How long to wait before pushing again, or None to go on to SMS now."""
    retryable = [r for _, r in push_results if r.retry]
    if not retryable:
        return None
    tries = job.push_rounds  # rounds already made before this one
    if tries >= len(PUSH_BACKOFF_S):
        return None
    wait = max([PUSH_BACKOFF_S[tries], *[r.after for r in retryable if r.after is not None]])
    # A push service asking for longer than the SMS wait loses to SMS.
    return None if wait > cfg["DELIVERY_SMS_AFTER_S"] else wait


def _record(outcomes) -> None:
    """Write what the sends did, in one transaction with one statement per kind of change."""
    if not outcomes:
        db.session.commit()  # worker unit of work: the round ends (nothing was sent)
        return
    table = Notification.__table__
    current = {
        row.id: row
        for row in db.session.execute(
            sa.select(table.c.id, table.c.state, table.c.next_at, table.c.attempts).where(
                table.c.id.in_([o.id for o in outcomes])
            )
        )
    }
    rows = []
    for out in outcomes:
        now_row = current[out.id]
        # An answer that came while we were sending wins; so does the desk beginning the
        # cascade again meanwhile (its fresh start must not be overwritten by an old step).
        kept = now_row.state == "answered" or any(
            a.get("channel") == RESTART for a in now_row.attempts[out.seen :]
        )
        rows.append(
            {
                "_id": out.id,
                "state": now_row.state if kept else out.state,
                "next_at": now_row.next_at if kept else out.next_at,
                "attempts": [*now_row.attempts, *out.attempts],
            }
        )
    db.session.execute(
        table.update()
        .where(table.c.id == sa.bindparam("_id"))
        .values(
            state=sa.bindparam("state"),
            next_at=sa.bindparam("next_at"),
            attempts=sa.bindparam("attempts"),
            lease_until=None,
        ),
        rows,
    )
    results = [(sub_id, r) for out in outcomes for sub_id, r in out.push_results]
    gone = [sub_id for sub_id, r in results if r.gone]
    if gone:
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(gone)))  # 404/410
    ok = [sub_id for sub_id, r in results if r.ok]
    if ok:
        db.session.execute(
            sa.update(PushSubscription)
            .where(PushSubscription.id.in_(ok))
            .values(last_success_at=utcnow(), failures=0)
        )
    failed = [sub_id for sub_id, r in results if not r.ok and not r.gone]
    if failed:
        db.session.execute(
            sa.update(PushSubscription)
            .where(PushSubscription.id.in_(failed))
            .values(failures=PushSubscription.failures + 1)
        )
    # Worker unit of work: what the sends did, all of it or (on a crash) none, then leases run out.
    db.session.commit()


def attempt(channel: str, state: str, **extra) -> dict:
    return {"channel": channel, "state": state, "at": utcnow().isoformat(), **extra}


def run_once(now=None) -> int:
    now = now or utcnow()
    for sweep in SWEEPERS:
        try:
            sweep(now)
            db.session.commit()  # worker unit of work: one sweep, kept or dropped on its own
        except Exception:  # noqa: BLE001 - a failed sweep must not stop deliveries
            db.session.rollback()
            log.exception("sweep %s failed", getattr(sweep, "__name__", sweep))
    ids = claim(now, limit=current_app.config["DELIVERY_BATCH"])
    if not ids:
        return 0
    jobs = _load(ids)
    # A worker unit of work ends with nothing to keep: end the read (SQLite's write lock,
    # PostgreSQL's snapshot) so nothing is held while sending.
    db.session.rollback()
    cfg = current_app.config
    app = current_app._get_current_object()  # noqa: SLF001 - werkzeug's documented way
    pending = deque(jobs)  # popleft is atomic: the senders share it without a lock
    outcomes: list[SimpleNamespace] = []

    def sender():
        # One app context per thread, not per message: a fan-out is thousands of messages.
        with app.app_context():
            while True:
                try:
                    job = pending.popleft()
                except IndexError:
                    return
                try:
                    outcomes.append(_send(job, now, cfg))
                except Exception:  # noqa: BLE001 - one bad send must not stop the others
                    log.exception("delivery send failed for %s", job.id)
                    # its lease runs out and the next round tries again

    # Sends wait on the network: many at once; the database is touched before and after only.
    threads = [threading.Thread(target=sender) for _ in range(min(len(jobs), cfg["DELIVERY_CONCURRENCY"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _record(outcomes)
    return len(ids)


# ---- answers coming back ----------------------------------------------------------------------

ACCEPT_WORDS = {"1", "接受", "是", "好", "y", "yes", "ok", "accept"}
DECLINE_WORDS = {"2", "拒绝", "不", "否", "n", "no", "decline"}


def record_status(message_id: str, status: str) -> bool:
    """A delivery report for an SMS (our id) or a call (our id + "-v"); False when not ours."""
    try:
        note_id = uuid.UUID(message_id.removesuffix("-v"))
    except ValueError:
        return False
    note = db.session.get(Notification, note_id)
    if note is None:
        return False
    channel = "voice" if message_id.endswith("-v") else "sms"
    note.attempts = [*note.attempts, attempt(channel, status)]
    return True


# Which way the answer being handled came in ("sms" or "voice"), for a responder that counts it.
_ANSWER_CHANNEL: contextvars.ContextVar[str] = contextvars.ContextVar("answer_channel", default="sms")


def answer_channel() -> str:
    return _ANSWER_CHANNEL.get()


def answer_from(sender_phone: str, text: str, channel: str = "sms") -> str | None:
    """An SMS reply or key press from a registered phone answers that person's open order."""
    for hook in INBOUND:
        said = hook(sender_phone, text)
        if said is not None:
            return said
    token = _ANSWER_CHANNEL.set(channel)
    try:
        return _answer_from(sender_phone, text)
    finally:
        _ANSWER_CHANNEL.reset(token)


def reply_word(text: str) -> str:
    """A reply as typed on any phone, made comparable: full-width digits and letters (１, ＯＫ) as
    half-width, no spaces (full-width ones too), no closing punctuation, lower case."""
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()
    return word.strip("。.!！~～,，、'\"“”")


def read_order_answer(word: str) -> str | None:
    return "accept" if word in ACCEPT_WORDS else "decline" if word in DECLINE_WORDS else None


def _answer_from(sender_phone: str, text: str) -> str | None:
    word = reply_word(text)
    if not word:
        return None
    try:
        phone = normalise_phone(sender_phone)
    except Exception:  # noqa: BLE001 - an unknown number format is simply nobody
        return None
    user = DIRECTORY.user_by_phone(phone)
    if user is None:
        return None
    note = db.session.scalar(
        sa.select(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.state != "answered",
            # Only what takes an answer: a notice that came after an order must not swallow
            # the "1" meant for the order.
            Notification.kind.in_(list(RESPONDERS)),
        )
        .order_by(Notification.created_at.desc())
        .limit(1)
    )
    if note is None or note.kind not in RESPONDERS:
        return None
    answer = READERS.get(note.kind, read_order_answer)(word)
    if answer is None:
        other = OTHER_REPLIES.get(note.kind)
        # Not an answer: the cascade goes on (a warning's person is still silent).
        return other(user, note.ref_id, (text or "").strip()) if other is not None else None
    RESPONDERS[note.kind](user, note.ref_id, answer)
    mark_answered(user.id, note.kind, note.ref_id)
    return answer


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session):
    if session.info.pop("wake_worker", False):
        WAKE.set()
