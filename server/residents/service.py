"""Subscribing a resident's mobile number by a one-time code, stopping it (TD / 退订 or a signed
link), and the signed tokens the pages and the SMS carry. Services flush, never commit."""

import base64
import hashlib
import hmac
import re
import secrets
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..core.models import utcnow
from ..errors import ApiProblem, validation_problem
from ..extensions import db
from ..regions.models import Region
from .models import ResidentCode, ResidentSubscription

STOP_WORDS = {"td", "退订", "t", "取消订阅", "qx"}
SUBSCRIBABLE = ("township", "village")


# ---- signed tokens: kind letter, the record's id, a truncated HMAC; no personal data --------


def _mac(kind: str, raw: bytes) -> bytes:
    key = ("residents:" + current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, kind.encode() + raw, hashlib.sha256).digest()[:12]


def token(kind: str, ident: uuid.UUID) -> str:
    """`s`: stop an SMS subscription; `p`: stop a push subscription; `c`: confirm a code."""
    raw = ident.bytes
    return kind + base64.urlsafe_b64encode(raw + _mac(kind, raw)).decode().rstrip("=")


def read_token(text: str, kinds: str) -> tuple[str, uuid.UUID] | None:
    if not isinstance(text, str) or not 2 <= len(text) <= 60 or text[0] not in kinds:
        return None
    try:
        blob = base64.urlsafe_b64decode(text[1:] + "=" * (-len(text[1:]) % 4))
    except (ValueError, TypeError):
        return None
    if len(blob) != 28 or not hmac.compare_digest(blob[16:], _mac(text[0], blob[:16])):
        return None
    return text[0], uuid.UUID(bytes=blob[:16])


def stop_url(kind: str, ident: uuid.UUID) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/r/td/{token(kind, ident)}"


# ---- the area to pick -----------------------------------------------------------------------


def region_choices() -> list[dict]:
    """Townships, each with its villages, in code order: the two levels a resident picks from."""
    rows = db.session.execute(
        sa.select(Region.id, Region.parent_id, Region.name, Region.level)
        .where(Region.level.in_(SUBSCRIBABLE))
        .order_by(Region.code)
    ).all()
    towns = {r.id: {"id": r.id, "name": r.name, "villages": []} for r in rows if r.level == "township"}
    for r in rows:
        if r.level == "village" and r.parent_id in towns:
            towns[r.parent_id]["villages"].append({"id": r.id, "name": r.name})
    return list(towns.values())


def area_name(region: Region) -> str:
    if region.level == "village" and region.parent is not None:
        return region.parent.name + region.name
    return region.name


def _region(region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if region is None or region.level not in SUBSCRIBABLE:
        raise validation_problem({"region_id": ["Pick a township or a village."]})
    return region


# ---- codes ----------------------------------------------------------------------------------


def _code_hash(code_id: uuid.UUID, code: str) -> str:
    key = ("resident-code:" + current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, code_id.bytes + code.encode(), hashlib.sha256).hexdigest()


def masked(phone: str) -> str:
    local = phone.removeprefix("+86")
    return local[:3] + "****" + local[-4:] if len(local) == 11 else "****" + local[-4:]


def request_code(phone: str, region_id: int) -> tuple[ResidentSubscription, ResidentCode]:
    """Queue a one-time code to `phone` (E.164, mainland mobile) for `region_id`."""
    if not re.fullmatch(r"\+861[3-9]\d{9}", phone):
        raise validation_problem({"phone": ["A mainland mobile number: 11 digits starting with 1."]})
    region = _region(region_id)
    cfg = current_app.config
    now = utcnow()
    sub = db.session.scalar(sa.select(ResidentSubscription).where(ResidentSubscription.phone == phone))
    if sub is not None:
        sent = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ResidentCode)
            .where(ResidentCode.subscription_id == sub.id, ResidentCode.created_at > now - timedelta(hours=1))
        )
        if sent >= cfg["RESIDENT_CODE_MAX_PER_HOUR"]:
            raise ApiProblem(
                429,
                "too-many-codes",
                "Too many codes",
                f"At most {cfg['RESIDENT_CODE_MAX_PER_HOUR']} codes an hour to one number; nothing was sent.",
                retry_after=3600,
            )
    else:
        sub = ResidentSubscription(id=uuid.uuid4(), phone=phone, region_id=region.id, state="pending")
        db.session.add(sub)
    # Codes sent before are void: only the newest one confirms.
    db.session.execute(
        sa.update(ResidentCode)
        .where(ResidentCode.subscription_id == sub.id, ResidentCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    item = ResidentCode(id=uuid.uuid4(), subscription_id=sub.id, region_id=region.id, created_at=now)
    item.code_hash = _code_hash(item.id, code)
    item.outbox_code = code
    item.expires_at = now + timedelta(minutes=cfg["RESIDENT_CODE_TTL_MIN"])
    item.tries = 0
    item.send_failed = False
    db.session.add(item)
    db.session.flush()
    db.session.info["wake_worker"] = True  # the worker sends it at once
    return sub, item


def _latest_code(sub: ResidentSubscription) -> ResidentCode | None:
    return db.session.scalar(
        sa.select(ResidentCode)
        .where(ResidentCode.subscription_id == sub.id)
        .order_by(ResidentCode.created_at.desc())
        .limit(1)
    )


def code_state(sub: ResidentSubscription) -> str:
    """sending | sent | failed | none: what the confirm page tells the resident."""
    item = _latest_code(sub)
    if item is None or item.used_at is not None:
        return "none"
    if item.send_failed:
        return "failed"
    return "sent" if item.sent_at else "sending"


def _code_problem(slug: str, title: str, detail: str, keep: bool = False) -> ApiProblem:
    return ApiProblem(422, slug, title, detail, errors={"code": [title]}, keep_changes=keep)


def confirm(sub: ResidentSubscription | None, code: str) -> ResidentSubscription:
    """The code sent to the number: the subscription is active (for the code's region)."""
    now = utcnow()
    item = _latest_code(sub) if sub is not None else None
    if item is None or item.used_at is not None:
        raise _code_problem("code-expired", "No code waiting", "Ask for a new code; nothing changed.")
    if item.expires_at <= now:
        raise _code_problem("code-expired", "Code expired", "The code has expired; ask for a new one.")
    max_tries = current_app.config["RESIDENT_CODE_MAX_TRIES"]
    if not hmac.compare_digest(item.code_hash, _code_hash(item.id, code)):
        item.tries += 1
        if item.tries >= max_tries:
            item.used_at = now  # burnt: a six-digit code cannot be guessed in a few tries
            raise _code_problem(
                "code-burnt", "Too many wrong codes", "This code no longer works; ask for a new one.", True
            )
        # The wrong try is counted (kept), and nothing else changes.
        raise _code_problem("wrong-code", "Wrong code", "That is not the code sent; try again.", True)
    item.used_at = now
    sub.state, sub.region_id, sub.confirmed_at = "active", item.region_id, now
    db.session.flush()
    return sub


def by_phone(phone: str) -> ResidentSubscription | None:
    return db.session.scalar(sa.select(ResidentSubscription).where(ResidentSubscription.phone == phone))


# ---- stopping -------------------------------------------------------------------------------


def stop(sub: ResidentSubscription) -> None:
    """The number is forgotten: the row and its codes go (the warnings' delivery rows stay,
    without it, so the desk's counts do not change), and nothing more is sent to it."""
    db.session.delete(sub)
    db.session.flush()


def forget_unconfirmed(now) -> None:
    """A number that asked for a code and never confirmed it is forgotten a day after its last code."""
    recent = sa.select(ResidentCode.id).where(
        ResidentCode.subscription_id == ResidentSubscription.id,
        ResidentCode.created_at > now - timedelta(days=1),
    )
    db.session.execute(
        sa.delete(ResidentSubscription)
        .where(ResidentSubscription.state == "pending", ~sa.exists(recent))
        .execution_options(synchronize_session=False)
    )


def stop_push(sub_id: uuid.UUID) -> None:
    from ..delivery.models import PushSubscription

    db.session.execute(
        sa.delete(PushSubscription).where(PushSubscription.id == sub_id, PushSubscription.user_id.is_(None))
    )


def stop_by_token(text: str) -> str:
    """Stop what a signed link names; the same link again answers the same, changing nothing."""
    read = read_token(text, "sp")
    if read is None:
        raise ApiProblem(404, "not-found", "Not found", "No such unsubscribe link.")
    kind, ident = read
    if kind == "p":
        stop_push(ident)
        return "stopped"
    sub = db.session.get(ResidentSubscription, ident)
    if sub is not None:
        stop(sub)
    return "stopped"


def inbound(sender_phone: str, text: str) -> str | None:
    """delivery's inbound hook: TD / 退订 from a subscribed number stops it."""
    word = re.sub(r"[\s。.!！]", "", text or "").lower()
    if word not in STOP_WORDS:
        return None
    digits = re.sub(r"[\s\-()]", "", sender_phone or "")
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        digits = "+86" + digits
    elif re.fullmatch(r"861[3-9]\d{9}", digits):
        digits = "+" + digits
    sub = by_phone(digits)
    if sub is None:
        return None
    stop(sub)
    return "unsubscribed"
