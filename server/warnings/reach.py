"""Who an issued message reaches and how: the area's responsible persons through the per-person
cascade (push, SMS with the one-tap link, a call), everyone else of the area by a notice (push,
then SMS); the signed link's token; the desk's live counts."""

import base64
import uuid
from datetime import timedelta, timezone

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from ..accounts.models import User
from ..core.schemas import dial_form
from ..delivery import channels
from ..delivery import service as delivery
from ..delivery.models import Notification
from ..extensions import db
from ..regions.models import Region
from .models import Warning, WarningAck, WarningRecipient

CHINA = timezone(timedelta(hours=8), "CST")
KIND = "warning"  # responsible persons: must acknowledge (SMS reply, key press, link, app)
NOTICE = "warning_notice"  # the others of the area: push, then SMS (registered quiet)
REPORT = "alert"  # the still-silent, told to the issuing desk
# Information officers, captains and duty officers of the area's regions and below.
RESPONSIBLE_ROLES = ("info_officer", "captain", "duty_officer")
# And the desks (admin, duty officer) of the townships the area covers.
TOWNSHIP_DESK = ("admin", "duty_officer")

LEVEL_WORDS = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
KIND_WORDS = {
    "typhoon": "台风",
    "rainstorm": "暴雨",
    "flood": "洪水",
    "geological": "地质灾害",
    "forest_fire": "森林火险",
    "heat": "高温",
    "cold_wave": "寒潮",
    "other": "其他",
}
MSG_WORDS = {"alert": "发布", "update": "更新", "cancel": "解除"}


def _covered_regions(region_ids) -> list[Region]:
    regions = db.session.scalars(sa.select(Region).where(Region.id.in_(list(region_ids)))).all()
    if not regions:
        return []
    return list(
        db.session.scalars(
            sa.select(Region).where(sa.or_(*(Region.path.startswith(r.path) for r in regions)))
        )
    )


def _townships(covered: list[Region]) -> set[int]:
    out = set()
    for region in covered:
        parts = [int(p) for p in region.path.strip("/").split("/") if p]
        if region.level == "township":
            out.add(region.id)
        elif region.level == "village" and len(parts) >= 2:
            out.add(parts[-2])
    return out


def covered_users(region_ids) -> dict[uuid.UUID, bool]:
    """Active users of the area's regions and below -> responsible or not; with the desks of
    the townships covered (responsible)."""
    covered = _covered_regions(region_ids)
    ids = {r.id for r in covered}
    towns = _townships(covered)
    out: dict[uuid.UUID, bool] = {}
    rows = db.session.execute(
        sa.select(User.id, User.role, User.region_id).where(
            User.active.is_(True), User.region_id.in_(ids | towns)
        )
    )
    for uid, role, rid in rows:
        if rid in ids:
            out[uid] = role in RESPONSIBLE_ROLES or (rid in towns and role in TOWNSHIP_DESK)
        elif role in TOWNSHIP_DESK:  # a covered village's township desk
            out[uid] = True
    return out


# ---- the link ----------------------------------------------------------------------------------


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt="warning-ack")


EXPIRED = "expired"  # read_token's answer for a link that was ours but is older than its lifetime


def link_token(user_id: uuid.UUID, warning_id: uuid.UUID) -> str:
    raw = base64.urlsafe_b64encode(user_id.bytes + warning_id.bytes).decode().rstrip("=")
    return _signer().sign(raw).decode()


def read_token(token: str) -> tuple[uuid.UUID, uuid.UUID] | str | None:
    """(user id, warning id) of a good link; EXPIRED for one of ours older than
    WARNING_LINK_TTL_H; None for anything else (tampered, cut short, made up)."""
    if not token or len(token) > 200:
        return None
    try:
        raw = _signer().unsign(token, max_age=current_app.config["WARNING_LINK_TTL_H"] * 3600).decode()
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except SignatureExpired:
        return EXPIRED  # only raised once the signature itself checked out
    except (BadSignature, ValueError, UnicodeError):
        return None
    if len(data) != 32:
        return None
    return uuid.UUID(bytes=data[:16]), uuid.UUID(bytes=data[16:])


def link(user_id, warning_id) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/w/{link_token(user_id, warning_id)}"


# ---- sending -----------------------------------------------------------------------------------


def _message(warning: Warning, user_id) -> tuple:
    word = LEVEL_WORDS[warning.level]
    what = MSG_WORDS[warning.msg_type]
    title = f"{word}预警{what}：{warning.title}"
    params = {"level": word, "title": warning.title[:40], "link": link(user_id, warning.id)}
    return title, warning.body[:200], params


def send(warning: Warning, covered: dict, actor) -> None:
    """Queue everyone's delivery in the issuing transaction. A cancel asks nothing back: a notice."""
    for uid, responsible in covered.items():
        if uid == actor.id:
            continue  # the desk that issued it knows
        responsible = responsible and warning.msg_type != "cancel"
        db.session.add(WarningRecipient(warning_id=warning.id, user_id=uid, responsible=responsible))
        title, body, params = _message(warning, uid)
        kind = KIND if responsible else NOTICE
        delivery.notify(uid, kind, warning.id, title, body, kind, params)
    db.session.flush()


def send_how_to_ack(user, warning: Warning) -> bool:
    """A short SMS to someone whose reply was not 收到, saying how to acknowledge (the generic
    `alert` template, which every deployment has a provider code for). Sent once, at once."""
    if not user.phone:
        return False
    detail = f"回复“收到”或1，即表示已收到{LEVEL_WORDS[warning.level]}预警“{warning.title[:40]}”"
    params = {"title": "预警确认", "detail": detail}
    return channels.send_sms(f"wh-{uuid.uuid4()}", user.phone, "alert", params)


def restart(warning: Warning, user_id) -> None:
    title, body, params = _message(warning, user_id)
    delivery.restart(user_id, KIND, warning.id, title, body, KIND, params)


def stop(user_id, warning_id) -> None:
    delivery.mark_answered(user_id, KIND, warning_id)
    delivery.mark_answered(user_id, NOTICE, warning_id)


def push_payload(ref_id: str, title: str, body: str, params: dict) -> dict:
    level = next((code for code, word in LEVEL_WORDS.items() if word == params.get("level")), None)
    return {
        "type": "warning",
        "id": ref_id,
        "title": title,
        "body": body,
        "level": level,
        "url": f"/warnings/{ref_id}",
    }


# ---- the desk's counts -------------------------------------------------------------------------


def delivery_counts(warning: Warning, audiences: list) -> dict:
    recipients = db.session.execute(
        sa.select(WarningRecipient, User)
        .join(User, User.id == WarningRecipient.user_id)
        .where(WarningRecipient.warning_id == warning.id, WarningRecipient.responsible.is_(True))
        .order_by(User.display_name, User.id)
    ).all()
    acks = {
        uid: channel
        for uid, channel in db.session.execute(
            sa.select(WarningAck.user_id, WarningAck.channel).where(WarningAck.warning_id == warning.id)
        )
    }
    notes = delivery.deliveries_for(KIND, warning.id)
    reached = {"push": 0, "sms": 0, "voice": 0}
    by_channel = {"app": 0, "sms": 0, "voice": 0, "link": 0}
    silent = []
    names = dict(db.session.execute(sa.select(Region.id, Region.name)).all()) if recipients else {}
    for rec, user in recipients:
        tried = (notes.get(user.id) or {}).get("attempts", [])
        if any(a["channel"] == "push" and a["state"] == "accepted" for a in tried):
            reached["push"] += 1
        if any(a["channel"] == "sms" and a["state"] in ("sent", "delivered") for a in tried):
            reached["sms"] += 1
        if any(a["channel"] == "voice" and a["state"] in ("called", "delivered") for a in tried):
            reached["voice"] += 1
        if user.id in acks:
            by_channel[acks[user.id]] += 1
            continue
        entry = {
            "user_id": str(user.id),
            "display_name": user.display_name,
            "role": user.role,
            "region": names.get(user.region_id),
            "phone": user.phone,
            # As a person dials it (138 0000 5009), like the shelter poster prints it.
            "phone_dial": dial_form(user.phone),
        }
        if rec.reminded_at is not None:
            entry["reminded_at"] = rec.reminded_at.isoformat()
        if rec.replied_at is not None:
            # What they answered that was not 收到 (2, 拒绝, a question): the desk reads it.
            entry["reply"] = {"text": rec.reply_text or "", "at": rec.replied_at.isoformat()}
        silent.append(entry)
    responsible = {
        "targeted": len(recipients),
        "reached": reached,
        "acknowledged": sum(by_channel.values()),
        "by_channel": by_channel,
        "silent": silent,
    }
    if warning.reported_at is not None:
        responsible["reported_at"] = warning.reported_at.isoformat()
    zero = {"accepted": 0, "failed": 0, "pending": 0}
    residents = {"targeted": 0, "push": dict(zero), "sms": dict(zero)}
    if audiences:
        got = audiences[0].counts(warning.id) or {}
        residents = {
            "targeted": int(got.get("targeted", 0)),
            "push": {**zero, **(got.get("push") or {})},
            "sms": {**zero, **(got.get("sms") or {})},
        }
    queued = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(
            Notification.kind.in_((KIND, NOTICE)),
            Notification.ref_id == str(warning.id),
            Notification.state == "queued",
        )
    )
    going_out = bool(queued) or residents["push"]["pending"] + residents["sms"]["pending"] > 0
    return {"responsible": responsible, "residents": residents, "going_out": going_out}
