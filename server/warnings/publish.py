"""The outside view of warnings, without an account: each issued message as CAP 1.2 and the Atom
feed of those in force, as alert hubs read them. Reads only; builds the plain values `cap` and
`atom` turn into XML."""

import hashlib
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app

from ..core.models import utcnow
from ..errors import not_found
from ..extensions import db
from ..regions.models import Region
from . import atom, cap
from .models import Warning

# The most entries the feed carries (newest first): a county has a handful in force; this only
# bounds what a runaway desk could make the feed weigh.
FEED_MAX_ENTRIES = 500
# When nothing was ever issued the feed still needs an `updated`.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def issued_warning(warning_id) -> Warning:
    """An issued message by id; a draft is not published (404 like an unknown id)."""
    warning = db.session.scalar(sa.select(Warning).where(Warning.id == warning_id, Warning.state == "issued"))
    if warning is None:
        raise not_found("warning")
    return warning


def _sender(message: Warning) -> str:
    # Kept at issue; for a message issued before it was kept: the setting, else its unit code.
    if message.cap_sender:
        return message.cap_sender
    region = db.session.get(Region, message.region_id)
    return current_app.config["WARNING_CAP_SENDER"] or cap.unit_code(
        region.code, current_app.config["WARNING_CAP_ORG_CODE"]
    )


def _sender_name(region: Region) -> str:
    """The issuing desk's region with those above it: 上杭县临城镇."""
    ids = [int(part) for part in region.path.strip("/").split("/") if part] or [region.id]
    names = dict(db.session.execute(sa.select(Region.id, Region.name).where(Region.id.in_(ids))).all())
    return "".join(names.get(i, "") for i in ids) or region.name


def earlier_messages(message: Warning) -> list[Warning]:
    """The issued messages of the chain before `message` (oldest first): what it references."""
    if message.references_id is None:
        return []
    root = message.references_id
    rows = db.session.scalars(
        sa.select(Warning)
        .where(
            sa.or_(Warning.id == root, Warning.references_id == root),
            Warning.state == "issued",
            Warning.id != message.id,
            Warning.issued_at <= message.issued_at,
        )
        .order_by(Warning.issued_at, Warning.id)
    )
    return list(rows)


def cap_message(message: Warning) -> cap.CapMessage:
    region = db.session.get(Region, message.region_id)
    area = message.regions
    return cap.CapMessage(
        identifier=message.identifier,
        sender=_sender(message),
        sent=message.issued_at,
        msg_type=message.msg_type,
        kind=message.kind,
        level=message.level,
        title=message.title,
        body=message.body,
        instructions=message.instructions or "",
        area_desc="、".join(r.name for r in area),
        onset=message.onset_at,
        expires=message.expires_at,
        sender_name=_sender_name(region),
        contact=current_app.config["WARNING_CAP_CONTACT"],
        references=tuple((_sender(m), m.identifier, m.issued_at) for m in earlier_messages(message)),
        polygon=tuple(tuple(p) for p in message.polygon) if message.polygon else None,
        geocodes=tuple(cap.region_geocode(r.code) for r in area),
    )


def cap_document(warning_id) -> tuple[bytes, Warning]:
    message = issued_warning(warning_id)
    return cap.to_xml(cap_message(message)), message


# ---- the feed --------------------------------------------------------------------------------


def _in_force(now):
    """Issued, not a cancel, not cancelled, not expired: a message leaves by itself at expiry."""
    return sa.and_(
        Warning.state == "issued",
        Warning.msg_type != "cancel",
        Warning.cancelled_at.is_(None),
        Warning.expires_at > now,
    )


def feed_changed_at(now) -> datetime:
    """When the feed last changed: the latest issue (an entry came, or a cancel took them
    away) or the latest expiry already past (an entry left). Its Last-Modified and updated."""
    issued = db.session.scalar(sa.select(sa.func.max(Warning.issued_at)).where(Warning.state == "issued"))
    expired = db.session.scalar(
        sa.select(sa.func.max(Warning.expires_at)).where(Warning.state == "issued", Warning.expires_at <= now)
    )
    times = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in (issued, expired) if t is not None]
    return max(times, default=_EPOCH)


def _entry(message: Warning, base: str, names: dict) -> atom.AtomEntry:
    event = cap.event_words(message.kind, message.level)
    word = {"alert": "发布", "update": "更新"}.get(message.msg_type, "")
    return atom.AtomEntry(
        id=message.id,
        title=f"{event}（{word}）：{message.title}" if word else f"{event}：{message.title}",
        updated=message.issued_at,
        published=message.issued_at,
        summary=message.body,
        author=names.get(message.region_id) or "应急管理部门",
        cap_url=atom.cap_url(base, message.id),
        category=message.kind,
        category_label=cap.KIND_WORDS[message.kind],
    )


def feed_document(now=None) -> tuple[bytes, datetime]:
    now = now or utcnow()
    base = current_app.config["PUBLIC_BASE_URL"]
    messages = list(
        db.session.scalars(
            sa.select(Warning)
            .where(_in_force(now))
            .order_by(Warning.issued_at.desc(), Warning.id.desc())
            .limit(FEED_MAX_ENTRIES)
        )
    )
    names = {}
    for region_id in {m.region_id for m in messages}:
        names[region_id] = _sender_name(db.session.get(Region, region_id))
    changed = feed_changed_at(now)
    self_url = f"{base}/api/v1/warnings/feed.atom"
    body = atom.feed(
        [_entry(m, base, names) for m in messages],
        feed_id=uuid.uuid5(uuid.NAMESPACE_URL, self_url),
        title="预警信息",
        updated=changed,
        self_url=self_url,
    )
    return body, changed


def etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]
