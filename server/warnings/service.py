"""Issuing warnings (draft, two-person approval, update and cancel as new messages of one chain),
reading them within one's area, and acknowledging them once whichever way the 收到 comes. Never
commits: the caller owns the transaction (a REST route, the sync batch, the worker's sweep)."""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core.audit import record
from ..core.changes import emit
from ..core.models import utcnow
from ..core.pagination import paginate
from ..core.permissions import can
from ..errors import ApiProblem, not_found
from ..extensions import db
from ..regions.models import Region
from ..regions.service import in_scope, require_in_scope, subtree_ids
from . import cap, reach
from .models import Warning, WarningAck, WarningRecipient, WarningRegion
from .schemas import WarningSchema

_DUMP = WarningSchema()
DEFAULT_SPAN = timedelta(hours=24)

# Who else hears of each issued message (residents without an account: warn-residents). Each
# object has queue(warning, region_ids, polygon) -> int and counts(warning_id) -> dict.
AUDIENCES: list = []


def register_audience(obj) -> None:
    if obj not in AUDIENCES:
        AUDIENCES.append(obj)


# ---- reading ---------------------------------------------------------------------------------


def _ancestors_or_self(region: Region) -> list[int]:
    return [int(part) for part in region.path.strip("/").split("/") if part]


def _visible(actor):
    """The condition for the messages `actor` may read: issued ones whose area covers their
    region; for the desk also those issued or aimed within its region's subtree (drafts too)."""
    region = db.session.get(Region, actor.region_id)
    covers = Warning.id.in_(
        sa.select(WarningRegion.warning_id).where(WarningRegion.region_id.in_(_ancestors_or_self(region)))
    )
    field = sa.and_(Warning.state == "issued", covers)
    if not can(actor, "warnings.issue"):
        return field
    mine = subtree_ids(actor.region_id)
    desk = sa.or_(
        Warning.region_id.in_(mine),
        Warning.id.in_(sa.select(WarningRegion.warning_id).where(WarningRegion.region_id.in_(mine))),
    )
    return sa.or_(field, desk)


def _active_clause(now):
    return sa.and_(
        Warning.state == "issued",
        Warning.msg_type != "cancel",
        Warning.cancelled_at.is_(None),
        Warning.superseded_by_id.is_(None),
        Warning.expires_at > now,
    )


def annotate(warnings, user_id=None, now=None) -> None:
    """Set active/upcoming and, for `user_id`, acked, acked_at and responsible on each message
    (one query for the acks, one for the recipients)."""
    now = now or utcnow()
    acked: dict = {}
    responsible: set = set()
    if user_id is not None and warnings:
        ids = [w.id for w in warnings]
        acked = dict(
            db.session.execute(
                sa.select(WarningAck.warning_id, WarningAck.acked_at).where(
                    WarningAck.user_id == user_id, WarningAck.warning_id.in_(ids)
                )
            ).all()
        )
        responsible = set(
            db.session.scalars(
                sa.select(WarningRecipient.warning_id).where(
                    WarningRecipient.user_id == user_id,
                    WarningRecipient.warning_id.in_(ids),
                    WarningRecipient.responsible.is_(True),
                )
            )
        )
    for w in warnings:
        live = (
            w.state == "issued"
            and w.msg_type != "cancel"
            and w.cancelled_at is None
            and w.superseded_by_id is None
            and now < w.expires_at
        )
        w.is_active = live and w.onset_at <= now
        w.is_upcoming = live and now < w.onset_at
        w.acked = w.id in acked
        w.acked_at = acked.get(w.id)
        w.responsible = w.id in responsible


def get_warning(actor, warning_id) -> Warning:
    warning = db.session.scalar(sa.select(Warning).where(Warning.id == warning_id, _visible(actor)))
    if warning is None:
        raise not_found("warning")
    annotate([warning], actor.id)
    return warning


def list_warnings(actor, args) -> dict:
    now = utcnow()
    stmt = sa.select(Warning).where(_visible(actor))
    if args.get("active") is True:
        stmt = stmt.where(_active_clause(now))
    elif args.get("active") is False:
        stmt = stmt.where(~_active_clause(now))
    for key in ("state", "kind", "level"):
        if args.get(key):
            stmt = stmt.where(getattr(Warning, key) == args[key])
    page = paginate(stmt, Warning, args)
    annotate(page["rows"], actor.id, now)
    return page


# ---- issuing ---------------------------------------------------------------------------------


def desk_warning(actor, warning_id) -> Warning:
    """A message the desk may act on: issued by, or aimed within, its region's subtree."""
    warning = db.session.get(Warning, warning_id)
    if warning is None or not (
        in_scope(actor, warning.region_id) or any(in_scope(actor, r.id) for r in warning.regions)
    ):
        raise not_found("warning")
    return warning


# How many seconds past the issue time an identifier may be looked for: ten messages of one unit
# per second are what the form holds; sixty seconds of that is a desk gone wrong, not a storm.
IDENTIFIER_SECONDS = 60


def _taken_identifiers(prefix: str) -> set[str]:
    """The identifiers already given under `prefix` (one unit, one second): a guess of the free
    numbers that saves tries. Only the unique constraint decides."""
    return set(
        db.session.scalars(
            sa.select(Warning.identifier).where(Warning.identifier.startswith(prefix, autoescape=True))
        )
    )


def _allocate_identifier(warning: Warning, region: Region, at) -> str:
    """Give `warning` its CAP identifier (GB/T 35965.1 form: the issuing unit's code, the issue
    time in Beijing time, N 0-9), once. Each try is a savepoint that writes only the identifier:
    another worker issuing for the same unit in the same second (not yet committed, so not seen
    by `_taken_identifiers`) makes the unique constraint refuse it, and the next N is tried;
    when all ten of a second are taken, the next second's."""
    db.session.flush()  # everything else first, so a refused try rolls back only the identifier
    unit = cap.unit_code(region.code, current_app.config["WARNING_CAP_ORG_CODE"])
    for step in range(IDENTIFIER_SECONDS):
        second = at + timedelta(seconds=step)
        taken = _taken_identifiers(cap.identifier_prefix(unit, second))
        for seq in range(10):
            candidate = cap.identifier(unit, second, seq)
            if candidate in taken:
                continue
            try:
                with db.session.begin_nested():
                    warning.identifier = candidate
                    db.session.flush()
            except IntegrityError:
                taken.add(candidate)
                continue
            return candidate
    raise ApiProblem(
        503,
        "identifier-exhausted",
        "Too many warnings at once",
        "No warning number is free for this desk just now; issue it again in a minute.",
    )


def _area(actor, region_ids) -> list[int]:
    ids = list(dict.fromkeys(region_ids or [actor.region_id]))
    for rid in ids:
        require_in_scope(actor, rid, "region_ids")
    return ids


def _two_person() -> bool:
    return bool(current_app.config["WARNING_TWO_PERSON"])


def _new_message(
    actor, fields: dict, region_ids, msg_type="alert", references=None, draft=False, ident=None
) -> Warning:
    now = utcnow()
    onset = fields.get("onset_at") or now
    expires = fields.get("expires_at") or onset + DEFAULT_SPAN
    if expires <= onset:
        raise ApiProblem(
            422, "validation", "Invalid input", errors={"expires_at": ["Must be after onset_at."]}
        )
    if expires <= now:
        raise ApiProblem(422, "validation", "Invalid input", errors={"expires_at": ["Already past."]})
    ident = ident or uuid.uuid4()
    warning = Warning(
        id=ident,
        msg_type=msg_type,
        references_id=references.id if references is not None else None,
        state="draft",
        kind=fields["kind"],
        level=fields["level"],
        title=fields["title"],
        body=fields["body"],
        instructions=fields.get("instructions"),
        region_id=references.region_id if references is not None else actor.region_id,
        polygon=fields.get("polygon"),
        onset_at=onset,
        expires_at=expires,
        created_by_id=actor.id,
        reason=fields.get("reason"),
    )
    try:
        with db.session.begin_nested():
            db.session.add(warning)
            db.session.flush()
    except IntegrityError:
        # A twin request with the same client id got there first: answer with its warning.
        again = _replayed(actor, {"id": ident, "title": fields["title"]})
        if again is None:
            raise
        return again
    for rid in region_ids:
        db.session.add(WarningRegion(warning_id=warning.id, region_id=rid))
    db.session.flush()
    db.session.refresh(warning)
    record(
        actor,
        f"warning.{msg_type}",
        "warning",
        warning.id,
        warning.region_id,
        {"level": warning.level, "kind": warning.kind, "region_ids": region_ids, "draft": True},
    )
    if not (draft or _two_person()):
        _issue(actor, warning)
    return warning


def _replayed(actor, data: dict):
    """The warning a client already made under this id, when it sends it again; None if new."""
    if not data.get("id"):
        return None
    existing = db.session.get(Warning, data["id"])
    if existing is None:
        return None
    if existing.created_by_id != actor.id or existing.title != data["title"] or existing.msg_type != "alert":
        raise ApiProblem(409, "conflict", "Conflict", "This id belongs to another warning.")
    existing.replayed = True
    return existing


def create_warning(actor, data: dict) -> Warning:
    if (again := _replayed(actor, data)) is not None:
        return again
    regions = _area(actor, data.get("region_ids"))
    return _new_message(actor, data, regions, draft=data.get("draft", False), ident=data.get("id"))


def issue(actor, warning_id) -> Warning:
    warning = desk_warning(actor, warning_id)
    if warning.state != "draft":
        raise ApiProblem(409, "already-issued", "Already issued", "This warning has been issued already.")
    if _two_person() and warning.created_by_id == actor.id:
        raise ApiProblem(
            403,
            "same-person",
            "A second person must issue it",
            "Two-person approval is on: a colleague, not the author, issues this draft.",
        )
    if warning.expires_at <= utcnow():
        raise ApiProblem(409, "expired", "Expired", "This draft's expiry has passed; change it first.")
    _issue(actor, warning, approved=_two_person())
    return warning


def _chain(root_id) -> list[Warning]:
    return list(
        db.session.scalars(
            sa.select(Warning).where(
                sa.or_(Warning.id == root_id, Warning.references_id == root_id), Warning.state == "issued"
            )
        )
    )


def _issue(actor, warning: Warning, approved: bool = False) -> None:
    now = utcnow()
    root_id = warning.references_id
    if root_id is not None:
        chain = _chain(root_id)
        if any(m.cancelled_at is not None for m in chain):
            raise ApiProblem(409, "cancelled", "Cancelled", "This warning has been cancelled already.")
    warning.state = "issued"
    warning.issued_at = now
    warning.issued_by_id = actor.id
    if approved:
        warning.approved_by_id = actor.id
    if warning.identifier is None:  # never given twice: a message keeps the number it was issued with
        ident = _allocate_identifier(warning, db.session.get(Region, warning.region_id), now)
        # No sender set: the unit code the identifier begins with (unique in the country).
        warning.cap_sender = current_app.config["WARNING_CAP_SENDER"] or ident.split("_")[0]
    touched = []
    if root_id is not None:
        for message in chain:
            if warning.msg_type == "cancel":
                message.cancelled_at = now
            elif message.superseded_by_id is None:
                message.superseded_by_id = warning.id
            touched.append(message)
        if warning.msg_type == "cancel":
            warning.cancelled_at = now
    db.session.flush()
    db.session.refresh(warning)
    region_ids = [r.id for r in warning.regions]
    covered = reach.covered_users(region_ids)
    reach.send(warning, covered, actor)  # first: its recipients say who is responsible in the feed
    for message in touched:
        publish(message, covered)
    publish(warning, covered)
    for audience in AUDIENCES:
        audience.queue(warning, region_ids, warning.polygon)
    record(actor, "warning.issue", "warning", warning.id, warning.region_id, {"msg_type": warning.msg_type})


def _current(actor, warning_id) -> Warning:
    """The chain's message now in force (the latest issued one), reached from any of its ids."""
    warning = desk_warning(actor, warning_id)
    if warning.state != "issued":
        raise ApiProblem(409, "not-issued", "Not issued", "Issue the draft, or change it, instead.")
    root_id = warning.references_id or warning.id
    chain = _chain(root_id)
    if any(m.cancelled_at is not None for m in chain):
        raise ApiProblem(409, "cancelled", "Cancelled", "This warning has been cancelled already.")
    return next(m for m in chain if m.superseded_by_id is None)


def update_warning(actor, warning_id, data: dict) -> Warning:
    current = _current(actor, warning_id)
    fields = {
        key: data.get(key, getattr(current, key))
        for key in ("title", "body", "kind", "level", "instructions", "polygon", "onset_at", "expires_at")
    }
    fields["reason"] = data["reason"]
    if "expires_at" not in data and "onset_at" in data:
        fields["expires_at"] = data["onset_at"] + (current.expires_at - current.onset_at)
    regions = _area(actor, data["region_ids"]) if "region_ids" in data else [r.id for r in current.regions]
    root = db.session.get(Warning, current.references_id or current.id)
    return _new_message(actor, fields, regions, "update", root, data.get("draft", False))


def cancel_warning(actor, warning_id, data: dict) -> Warning:
    current = _current(actor, warning_id)
    root = db.session.get(Warning, current.references_id or current.id)
    fields = {
        key: getattr(current, key) for key in ("title", "body", "kind", "level", "instructions", "polygon")
    }
    now = utcnow()
    fields.update(onset_at=now, expires_at=max(current.expires_at, now + timedelta(hours=1)))
    fields["reason"] = data["reason"]
    regions = [r.id for r in current.regions]
    return _new_message(actor, fields, regions, "cancel", root, data.get("draft", False))


# ---- the feed --------------------------------------------------------------------------------


def publish(warning: Warning, user_ids) -> None:
    """Each covered person's copy (with their own `acked`) goes into the feed for their phone."""
    user_ids = list(user_ids)
    acked = dict(
        db.session.execute(
            sa.select(WarningAck.user_id, WarningAck.acked_at).where(WarningAck.warning_id == warning.id)
        ).all()
    )
    responsible = set(
        db.session.scalars(
            sa.select(WarningRecipient.user_id).where(
                WarningRecipient.warning_id == warning.id, WarningRecipient.responsible.is_(True)
            )
        )
    )
    annotate([warning])
    for uid in user_ids:
        warning.acked, warning.acked_at = uid in acked, acked.get(uid)
        warning.responsible = uid in responsible
        emit("warning", warning.id, _DUMP.dump(warning), user_id=uid)
    warning.acked, warning.acked_at, warning.responsible = False, None, False


# ---- acknowledging ---------------------------------------------------------------------------


def acknowledge(user, warning_id, channel: str, at=None) -> tuple[Warning, bool]:
    """收到 from `user` by `channel`; True when this was the first (a second changes nothing)."""
    warning = db.session.scalar(
        sa.select(Warning).where(Warning.id == warning_id, _visible(user), Warning.state == "issued")
    )
    if warning is None:
        raise not_found("warning")
    try:
        with db.session.begin_nested():
            db.session.add(
                WarningAck(warning_id=warning.id, user_id=user.id, channel=channel, acked_at=at or utcnow())
            )
            db.session.flush()
    except IntegrityError:
        annotate([warning], user.id)
        return warning, False
    reach.stop(user.id, warning.id)
    record(user, "warning.ack", "warning", warning.id, warning.region_id, {"channel": channel})
    annotate([warning], user.id)
    emit("warning", warning.id, _DUMP.dump(warning), user_id=user.id)
    return warning, True


def ack_op(actor, data: dict, at) -> Warning:
    """The `warning.ack` op and POST /warnings/<id>/ack: the app's 收到."""
    return acknowledge(actor, data["warning_id"], "app", min(at, utcnow()))[0]


# What a responsible person may reply to the warning's SMS (as delivery.reply_word makes it:
# full-width digits as half-width, no spaces, lower case) to say 收到. 2, 拒绝 or anything else
# is not an acknowledgement: reply_not_ack keeps it for the desk.
ACK_WORDS = {"收到", "已收到", "收到了", "1", "好", "好的", "ok", "确认"}


def read_reply(word: str) -> str | None:
    return "accept" if word in ACK_WORDS else None


def reply_not_ack(user, ref_id: str, text: str) -> str:
    """A reply that is not 收到: kept (the last one) for the desk's silent list; the person stays
    silent and the cascade goes on. The first such SMS reply is answered with how to acknowledge."""
    from ..delivery import service as delivery

    warning = db.session.get(Warning, uuid.UUID(ref_id))
    rec = db.session.get(WarningRecipient, (warning.id, user.id)) if warning is not None else None
    if rec is None:
        return "reply"
    first = rec.replied_at is None
    rec.reply_text, rec.replied_at = text[:160], utcnow()
    channel = delivery.answer_channel()
    record(user, "warning.reply", "warning", warning.id, warning.region_id, {"channel": channel})
    if first and channel == "sms":
        reach.send_how_to_ack(user, warning)
    db.session.flush()
    return "reply"


def ack_by_reply(user, ref_id: str, _answer: str) -> None:
    """An SMS reply or a key press in the call (delivery tells which)."""
    from ..delivery import service as delivery

    acknowledge(user, uuid.UUID(ref_id), delivery.answer_channel())


def user_of(user_id):
    return db.session.get(User, user_id)
