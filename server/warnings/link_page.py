"""`/w/<token>`: the one-tap page the SMS links to. Plain HTML that works with JavaScript off
(WeChat's browser), no login: the signed token names the person and the message. Its form posts
back to the same address and answers with the acknowledged page (303, so a reload posts nothing)."""

from datetime import UTC

from flask import Blueprint, current_app, redirect, render_template, request

from ..errors import ApiProblem
from ..extensions import db
from . import reach, service
from .models import WarningAck

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


def _page(status=200, **context):
    resp = current_app.response_class(render_template("warnings/link.html", **context), status=status)
    resp.mimetype = "text/html"
    return _headers(resp)


def _target(token: str):
    """(user, warning) the token names, when the person may still read it; else None."""
    read = reach.read_token(token)
    if read is None:
        return None
    user = service.user_of(read[0])
    if user is None or not user.active:
        return None
    try:
        return user, service.get_warning(user, read[1])
    except ApiProblem:
        return None


def _show(user, warning):
    ack = db.session.get(WarningAck, (warning.id, user.id))
    return _page(
        w=warning,
        level_word=reach.LEVEL_WORDS[warning.level],
        kind_word=reach.KIND_WORDS[warning.kind],
        msg_word=reach.MSG_WORDS[warning.msg_type],
        issued=_china(warning.issued_at),
        expires=_china(warning.expires_at),
        areas="、".join(r.name for r in warning.regions),
        cancelled=warning.cancelled_at is not None,
        superseded=warning.superseded_by_id is not None,
        acked=ack is not None,
        acked_at=_china(ack.acked_at) if ack else None,
    )


@bp.get("/w/<token>")
def show(token):
    found = _target(token)
    if found is None:
        return _page(404, w=None)
    return _show(*found)


@bp.post("/w/<token>")
def acknowledge(token):
    found = _target(token)
    if found is None:
        return _page(404, w=None)
    user, warning = found
    service.acknowledge(user, warning.id, "link")
    return _headers(redirect(request.path, 303))
