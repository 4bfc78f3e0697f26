"""`/r`: the page a QR code or a link opens to subscribe to an area's warnings, plain HTML that
works with JavaScript off (WeChat's browser). Its forms post to the same services and the same
per-address limit as the JSON door. Where the browser has JavaScript and PushManager, a small
script (r-push.js) offers web push too, through the contract's public push subscription."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from marshmallow import ValidationError

from ..core.schemas import normalise_phone
from ..errors import ApiProblem
from ..extensions import db
from . import service
from .models import ResidentSubscription
from .routes import code_limit

bp = Blueprint("resident_page", __name__, template_folder="templates")

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
    "worker-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
ECHO_MAX = 40


def _page(template: str, status: int = 200, **context):
    body = render_template(
        template,
        ttl=current_app.config["RESIDENT_CODE_TTL_MIN"],
        per_hour=current_app.config["RESIDENT_CODE_MAX_PER_HOUR"],
        **context,
    )
    resp = current_app.response_class(body, status=status, mimetype="text/html")
    return _headers(resp)


def _headers(resp):
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _message(status: int, zh: str, en: str, back: bool = False):
    return _page("residents/message.html", status, zh=zh, en=en, back=back)


@bp.errorhandler(RateLimitExceeded)
def _rate_limited(_exc):
    resp = _message(
        429, "请求太多，请过一会儿再试。", "Too many requests; wait a while and try again.", back=True
    )
    resp.headers["Retry-After"] = "600"
    return resp


@bp.errorhandler(ApiProblem)
def _problem(exc: ApiProblem):
    token = (request.view_args or {}).get("token", "")
    if exc.slug in CODE_ERRORS and request.endpoint == "resident_page.confirm":
        return _confirm_page(_pending(token), token, 422, CODE_ERRORS[exc.slug])
    if exc.status == 404:
        return _message(404, "链接无效或已失效。", "This link is not valid.")
    return _message(exc.status, "没有完成，请稍后再试。", "Not done; try again later.", back=True)


def _form(status=200, errors=None, phone="", region_id=None):
    return _page(
        "residents/form.html",
        status,
        towns=service.region_choices(),
        errors=errors or {},
        phone=phone,
        region_id=region_id,
    )


@bp.get("/r")
def form():
    return _form()


@bp.post("/r")
@code_limit()
def ask_code():
    typed_phone = request.form.get("phone", "")[:ECHO_MAX]
    typed_region = request.form.get("region_id", "")[:ECHO_MAX]
    region_id = int(typed_region) if typed_region.isdigit() and len(typed_region) < 10 else None
    errors = {}
    try:
        phone = normalise_phone(typed_phone)
    except ValidationError:
        phone = None
    if phone is None or not phone.startswith("+861"):
        errors["phone"] = ("请填写11位手机号码。", "An 11-digit mobile number.")
    if region_id is None:
        errors["region_id"] = ("请选择所在的乡镇或村。", "Pick your township or village.")
    if errors:
        return _form(422, errors, typed_phone, region_id)
    try:
        sub, _code = service.request_code(phone, region_id)
    except ApiProblem as exc:
        if exc.status == 429:
            errors["phone"] = (
                f"这个号码一小时内已收到{current_app.config['RESIDENT_CODE_MAX_PER_HOUR']}条验证码，请一小时后再试。",
                "This number had its codes for this hour; try again in an hour.",
            )
            return _form(429, errors, typed_phone, region_id)
        if exc.status == 422:
            key = "phone" if "phone" in (exc.errors or {}) else "region_id"
            errors[key] = (
                "请填写11位手机号码。" if key == "phone" else "请选择所在的乡镇或村。",
                "Check this field.",
            )
            return _form(422, errors, typed_phone, region_id)
        raise
    # 303: a reload of the next page never asks for another code.
    return _headers(redirect(url_for(".confirm_form", token=service.token("c", sub.id)), 303))


def _pending(token: str) -> ResidentSubscription:
    read = service.read_token(token, "c")
    sub = db.session.get(ResidentSubscription, read[1]) if read else None
    if sub is None:
        raise ApiProblem(404, "not-found", "Not found")
    return sub


def _confirm_page(sub, token, status=200, error=None):
    return _page(
        "residents/confirm.html",
        status,
        sub=sub,
        token=token,
        phone=service.masked(sub.phone),
        sending=service.code_state(sub),
        error=error,
    )


@bp.get("/r/confirm/<token>")
def confirm_form(token):
    sub = _pending(token)
    return _confirm_page(sub, token)


CODE_ERRORS = {
    "wrong-code": ("验证码不对，请核对短信后再输入。", "That is not the code; check the SMS."),
    "code-burnt": (
        "输错次数太多，这个验证码已失效，请重新获取。",
        "Too many wrong tries; ask for a new code.",
    ),
    "code-expired": ("验证码已过期，请重新获取。", "The code has expired; ask for a new one."),
}


@bp.post("/r/confirm/<token>")
@code_limit()
def confirm(token):
    sub = _pending(token)
    code = request.form.get("code", "").strip()[:ECHO_MAX]
    if len(code) != 6 or not code.isdigit():
        return _confirm_page(sub, token, 422, ("请输入短信里的6位数字。", "The six digits in the SMS."))
    # A wrong try raises a problem that keeps its count (the unit of work commits it), and
    # _problem shows this page again with what went wrong.
    service.confirm(sub, code)
    return _headers(redirect(url_for(".done", token=service.token("s", sub.id)), 303))


@bp.get("/r/ok/<token>")
def done(token):
    read = service.read_token(token, "s")
    sub = db.session.get(ResidentSubscription, read[1]) if read else None
    if sub is None:
        raise ApiProblem(404, "not-found", "Not found")
    region = db.session.get(service.Region, sub.region_id)
    return _page(
        "residents/done.html",
        sub=sub,
        phone=service.masked(sub.phone),
        area=service.area_name(region),
        stop_url=url_for(".stop_form", token=token),
    )


@bp.get("/r/td/<token>")
def stop_form(token):
    if service.read_token(token, "sp") is None:
        raise ApiProblem(404, "not-found", "Not found")
    return _page("residents/stop.html", token=token, stopped=False)


@bp.post("/r/td/<token>")
def stop(token):
    service.stop_by_token(token)
    return _page("residents/stop.html", token=token, stopped=True)


def _script(name: str):
    body = render_template(f"residents/{name}")
    resp = current_app.response_class(body, mimetype="text/javascript")
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get("/r/r-push.js")
def push_script():
    return _script("r-push.js")


@bp.get("/r/sw.js")
def service_worker():
    return _script("sw.js")
