"""`/s/<code>`: the page a shelter's QR poster opens, served as plain HTML that works with
JavaScript turned off (WeChat's in-app browser: no service worker, no camera, downloads blocked,
sometimes an old WebView). Its form posts to the same service, schema and rate limits as the JSON
door, and answers with a receipt page whose personal QR is a real PNG a person can long-press to
save.

There is no session and no cookie here, so there is nothing for a cross-site form to ride on; what
a forged or repeated post could do is check a family in twice, and the client id minted into each
rendered form is what stops that: the same id again answers the same receipt and moves nothing."""

import io
import uuid
from datetime import UTC, timedelta, timezone

import segno
import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from ..core.schemas import UNSTORABLE, unstorable_text
from ..errors import ApiProblem
from ..extensions import db
from . import checkins, service
from .limits import checkin_limits
from .models import NEEDS, ShelterCheckin
from .schemas import PublicCheckinSchema

bp = Blueprint("shelter_page", __name__, template_folder="templates")

CHINA = timezone(timedelta(hours=8), "CST")  # China keeps one time, no daylight saving
MAX_HOUSEHOLD = 50  # as PublicCheckinSchema's range
NAME_MAX = 60
STATES = {
    "open": ("开放", "Open"),
    "full": ("已满", "Full"),
    "closed": ("关闭", "Closed"),
}
NEED_LABELS = {
    "elderly": ("老人", "Elderly"),
    "children": ("儿童", "Children"),
    "disabled": ("残障人士", "Disabled"),
    "pregnant": ("孕妇", "Pregnant"),
    "medical": ("需要医疗", "Medical needs"),
}
# What each field's refusal says in Chinese; the schema's own English message goes beneath.
FIELD_ZH = {
    "name": "请填写姓名（最多60个字）。",
    "phone": "手机号码应为11位、以1开头；也可以不填。",
    "household_size": "人数应为1到50之间的整数。",
    "needs": "请只勾选列表中的选项。",
    "id": "表单已过期，请检查后再按一次“登记入住”。",
}
# No script, nothing from elsewhere: styles inline, images and form posts to this server only.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
assert tuple(NEED_LABELS) == NEEDS


def _headers(resp, cache: str = "no-store"):
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Cache-Control"] = cache
    return resp


def _page(template: str, status: int = 200, cache: str = "no-store", **context):
    resp = current_app.response_class(render_template(template, **_common(), **context), status=status)
    resp.mimetype = "text/html"
    return _headers(resp, cache)


def _common() -> dict:
    return {"states": STATES, "need_labels": NEED_LABELS, "name_max": NAME_MAX, "max_size": MAX_HOUSEHOLD}


def _message(status: int, zh: str, en: str, **extra):
    return _page("shelters/public_message.html", status, zh=zh, en=en, **extra)


# --- refusals as pages ------------------------------------------------------------------------


@bp.errorhandler(ApiProblem)
def _problem(exc: ApiProblem):
    if exc.status == 404:
        return _not_found()
    return _message(
        exc.status, "无法完成登记，请向现场工作人员登记。", "Could not check in; ask the staff on site."
    )


def _not_found():
    return _message(
        404,
        "找不到这个安置场所。请再扫一次门口的二维码，或向现场工作人员登记。",
        "No such shelter. Scan the poster at the door again, or ask the staff on site.",
    )


@bp.errorhandler(RateLimitExceeded)
def _rate_limited(_exc):
    # The form again with everything typed in it, so pressing the button later is all it takes.
    # flask-limiter puts the limit's own reset time into Retry-After (RATELIMIT_HEADERS_ENABLED).
    try:
        shelter = service.by_code((request.view_args or {}).get("code", ""))
    except ApiProblem:
        resp = _message(
            429, "请求太多，请等一分钟再试。", "Too many requests; wait a minute and try again.", back=True
        )
    else:
        resp = _form_page(shelter, _typed(), 429, refusal="rate-limited")
    resp.headers["Retry-After"] = "60"
    return resp


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc):
    return _message(
        413,
        "填写的内容太长，没有登记。请返回修改后再提交。",
        "What was sent is too long; nothing was saved. Go back, shorten it and send again.",
        back=True,
    )


# --- the form ---------------------------------------------------------------------------------


def _fresh_form() -> dict:
    return {"id": "", "name": "", "phone": "", "household_size": "1", "needs": []}


ECHO_MAX = 200  # longer than any field may be; a 2 MB name is refused, not sent back whole


def _typed() -> dict:
    """What the form sent, as typed (strings), so a refusal shows it back unchanged."""
    form = request.form
    return {
        "id": form.get("id", "")[:ECHO_MAX],
        "name": form.get("name", "")[:ECHO_MAX],
        "phone": form.get("phone", "")[:ECHO_MAX],
        "household_size": form.get("household_size", "")[:ECHO_MAX],
        "needs": [n for n in form.getlist("needs") if n in NEED_LABELS],
    }


def _as_int(text: str):
    try:
        return int(text.strip())
    except (ValueError, AttributeError):
        return None


def _stepped(typed: dict, step: str) -> dict:
    size = _as_int(typed["household_size"]) or 1
    delta = 1 if step == "+1" else -1 if step == "-1" else 0
    return {**typed, "household_size": str(min(max(size + delta, 1), MAX_HOUSEHOLD))}


def _to_load() -> dict:
    """The form whole, as the JSON door would get it: a number where one was typed, no empty phone."""
    form = request.form
    size_typed = form.get("household_size", "")
    size = _as_int(size_typed)
    return {
        "id": form.get("id", ""),
        "name": form.get("name", ""),
        "phone": form.get("phone", "").strip() or None,
        "household_size": size if size is not None else size_typed,
        "needs": request.form.getlist("needs"),
    }


def _errors_of(messages: dict) -> dict:
    """{field: (zh, en)}: our Chinese line and the schema's English message."""
    out = {}
    for field, msgs in messages.items():
        key = "name" if field == "_schema" else field
        english = msgs if isinstance(msgs, list) else [str(m) for m in dict(msgs).values()]
        flat = [m if isinstance(m, str) else " ".join(map(str, m)) for m in english]
        out[key] = (FIELD_ZH.get(key, "请检查这一项。"), " ".join(flat))
    return out


def _form_page(shelter, typed: dict, status: int = 200, errors=None, refusal=None):
    turned_away = refusal in ("shelter-full", "shelter-closed") or shelter.status != "open"
    alternatives = service.nearest_with_room(shelter) if turned_away else []
    return _page(
        "shelters/public_form.html",
        status,
        shelter=shelter,
        form=typed,
        errors=errors or {},
        refusal=refusal,
        alternatives=alternatives,
    )


def _form_id_arg():
    try:
        return uuid.UUID(request.args.get("f", ""))
    except ValueError:
        return None


@bp.get("/s/<code>")
def form(code):
    shelter = service.by_code(code)
    form_id = _form_id_arg()
    if form_id is None:
        # Each form's id lives in its address, so a back button (which reloads the page and puts
        # back what was typed, but never a hidden field) brings the same id back with the name.
        return _headers(redirect(url_for(".form", code=shelter.code, f=str(uuid.uuid4())), 303))
    used = db.session.get(ShelterCheckin, form_id)
    if used is not None and used.shelter_id == shelter.id:
        # Back on a form already sent: its receipt, or a new form for another household.
        token = checkins.receipt_token(used.id)
        return _page(
            "shelters/public_sent.html",
            shelter=shelter,
            receipt_url=url_for(".receipt", code=shelter.code, token=token),
        )
    return _form_page(shelter, {**_fresh_form(), "id": str(form_id)})


def _reused(data: dict) -> bool:
    """The id of a form sent before, now carrying another household (the form kept by the
    browser and filled again): not a resend, and not to be answered with their receipt."""
    existing = db.session.get(ShelterCheckin, data["id"])
    if existing is None:
        return False
    return (existing.name, existing.household_size) != (data["name"].strip(), data["household_size"])


def _stepping() -> bool:
    return "step" in request.form


@bp.post("/s/<code>")
@checkin_limits(exempt_when=_stepping)  # − / + only redraw the form: they check nobody in
def submit(code):
    shelter = service.by_code(code)
    typed = _typed()
    if _stepping():
        return _form_page(shelter, _stepped(typed, request.form.get("step", "")))
    data = _to_load()
    bad = unstorable_text(data)
    try:
        if bad is not None:
            raise ValidationError({bad.split(".")[0]: [UNSTORABLE]})
        loaded = PublicCheckinSchema().load(data)
    except ValidationError as exc:
        errors = _errors_of(exc.messages)
        if "id" in errors:
            # Not an id this page minted: a new one, so the corrected form can go through.
            typed = {**typed, "id": str(uuid.uuid4())}
        return _form_page(shelter, typed, 422, errors)
    if _reused(loaded):
        return _form_page(shelter, {**typed, "id": str(uuid.uuid4())}, 409, refusal="reused")
    try:
        item, _made = checkins.public_checkin(code, loaded)
    except ApiProblem as exc:
        if exc.slug in ("shelter-full", "shelter-closed"):
            db.session.refresh(shelter)
            return _form_page(shelter, typed, 409, refusal=exc.slug)
        if exc.slug == "conflict":
            return _form_page(shelter, {**typed, "id": str(uuid.uuid4())}, 409, refusal="conflict")
        raise
    # 303: a reload or a back button on the receipt never posts the form again.
    return redirect(url_for(".receipt", code=shelter.code, token=checkins.receipt_token(item.id)), 303)


# --- the receipt ------------------------------------------------------------------------------


def _checkin_for(code: str, token: str) -> ShelterCheckin:
    shelter = service.by_code(code)
    if len(token) > 200:
        raise ApiProblem(404, "not-found", "Not found")
    try:
        checkin_id = checkins.checkin_id_from_token(token)
    except ApiProblem:
        raise ApiProblem(404, "not-found", "Not found") from None
    item = db.session.scalar(
        sa.select(ShelterCheckin).where(
            ShelterCheckin.id == checkin_id, ShelterCheckin.shelter_id == shelter.id
        )
    )
    if item is None:
        raise ApiProblem(404, "not-found", "Not found")
    return item


def masked(name: str | None) -> str:
    return (name[0] + "*") if name else "—"


def china_time(at) -> str:
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(CHINA)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@bp.get("/s/<code>/r/<token>")
def receipt(code, token):
    item = _checkin_for(code, token)
    return _page(
        "shelters/public_receipt.html",
        shelter=item.shelter,
        item=item,
        masked_name=masked(item.name),
        checked_in=china_time(item.checked_in_at),
        checked_out=china_time(item.checked_out_at) if item.checked_out_at else None,
        needs=[NEED_LABELS[n] for n in item.needs or [] if n in NEED_LABELS],
        qr_src=url_for(".receipt_qr", code=item.shelter.code, token=token),
    )


@bp.get("/s/<code>/r/<token>/qr.png")
def receipt_qr(code, token):
    item = _checkin_for(code, token)
    # The token only: what the kiosk's shelter.checkout op accepts. M: a phone screen is clean.
    qr = segno.make_qr(checkins.receipt_token(item.id), error="m", boost_error=True)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=8, border=4)
    resp = current_app.response_class(out.getvalue(), mimetype="image/png")
    return _headers(resp, "private, max-age=86400")


@bp.route("/s", methods=["GET", "POST"])
@bp.route("/s/", methods=["GET", "POST"])
@bp.route("/s/<code>/<path:rest>", methods=["GET", "POST"])
def elsewhere(code=None, rest=None):
    # Not the app shell: a phone with the app would show its login to an evacuee.
    return _not_found()
