"""`/w/<token>`: the one-tap page the SMS links to. Plain HTML that works with JavaScript off
(WeChat's browser), no login: the signed token names the person and the message. Its form posts
back to the same address and answers with the acknowledged page (303, so a reload posts nothing)."""

from datetime import UTC

from flask import Blueprint, current_app, redirect, render_template, request

from ..core.models import utcnow
from ..errors import ApiProblem
from ..extensions import db
from . import reach, service
from .models import WarningAck, WarningRecipient

bp = Blueprint("warning_link", __name__, template_folder="templates")

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def _headers(resp):
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _china(at) -> str:
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(reach.CHINA)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _china_en(at) -> str:
    return f"{(at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(reach.CHINA):%Y-%m-%d %H:%M}"


def _page(status=200, **context):
    resp = current_app.response_class(render_template("warnings/link.html", **context), status=status)
    resp.mimetype = "text/html"
    return _headers(resp)


CHANNEL_WORDS = {
    "app": ("应用", "in the app"),
    "sms": ("短信回复", "by SMS reply"),
    "voice": ("电话按键", "by a key in the call"),
    "link": ("此链接", "on this page"),
}


def _target(token: str):
    """(user, warning) the token names when the person may still read it; else the refusal
    page's state: "invalid" (tampered, made up, not theirs: 404) or "link-expired" (410)."""
    read = reach.read_token(token)
    if read is None:
        return "invalid"
    if read == reach.EXPIRED:
        return "link-expired"
    user = service.user_of(read[0])
    if user is None or not user.active:
        return "invalid"
    try:
        return user, service.get_warning(user, read[1])
    except ApiProblem:
        return "invalid"


def _refused(state: str):
    return _page(410 if state == "link-expired" else 404, w=None, state=state)


def _state(user, warning):
    """What the page says and offers: acked (with when), cancelled (已解除), expired (已过期),
    notice (sent to read, not to acknowledge) or open (the 收到 button)."""
    ack = db.session.get(WarningAck, (warning.id, user.id))
    recipient = db.session.get(WarningRecipient, (warning.id, user.id))
    if ack is not None:
        return "acked", ack
    if warning.cancelled_at is not None:
        return "cancelled", None
    if warning.expires_at <= utcnow():
        return "expired", None
    if recipient is None or not recipient.responsible:
        return "notice", None
    return "open", None


def _show(user, warning, status=200):
    state, ack = _state(user, warning)
    return _page(
        status,
        w=warning,
        state=state,
        level_word=reach.LEVEL_WORDS[warning.level],
        kind_word=reach.KIND_WORDS[warning.kind],
        msg_word=reach.MSG_WORDS[warning.msg_type],
        issued=_china(warning.issued_at),
        expires=_china(warning.expires_at),
        issued_en=_china_en(warning.issued_at),
        expires_en=_china_en(warning.expires_at),
        areas="、".join(r.name for r in warning.regions),
        cancelled=warning.cancelled_at is not None,
        cancelled_at=_china(warning.cancelled_at) if warning.cancelled_at else None,
        cancelled_at_en=_china_en(warning.cancelled_at) if warning.cancelled_at else None,
        expired=warning.expires_at <= utcnow(),
        superseded=warning.superseded_by_id is not None,
        acked=ack is not None,
        acked_at=_china(ack.acked_at) if ack else None,
        acked_at_en=_china_en(ack.acked_at) if ack else None,
        acked_by=CHANNEL_WORDS.get(ack.channel) if ack else None,
        refused=status != 200,
    )


@bp.get("/w/<token>")
def show(token):
    found = _target(token)
    if isinstance(found, str):
        return _refused(found)
    return _show(*found)


@bp.post("/w/<token>")
def acknowledge(token):
    """收到 from the page's form. An old form posted again (back button, a second tap, a page left
    open until the warning was lifted) counts nothing: acknowledged already → the page (303);
    cancelled or expired → the page saying so (409); sent only to read → 403."""
    found = _target(token)
    if isinstance(found, str):
        return _refused(found)
    user, warning = found
    state, _ = _state(user, warning)
    if state in ("cancelled", "expired"):
        return _show(user, warning, 409)
    if state == "notice":
        return _show(user, warning, 403)
    if state == "open":
        service.acknowledge(user, warning.id, "link")
    return _headers(redirect(request.path, 303))
