"""Warnings over REST: the desk issues, updates, cancels and follows delivery; everyone reads
their area's and acknowledges (the app's 收到 also comes through the sync door)."""

from flask import Blueprint, current_app, g, request

from ..core.http import json_body, no_store, page_answer
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import atom, cap, publish, reach, service
from .schemas import (
    NoQuerySchema,
    WarningAckSchema,
    WarningCancelSchema,
    WarningCreateSchema,
    WarningQuerySchema,
    WarningSchema,
    WarningUpdateSchema,
)

bp = Blueprint("warnings", __name__, url_prefix="/api/v1")


def _answer(warning, status=200):
    service.annotate([warning], g.user.id)
    return WarningSchema().dump(warning), status


@bp.post("/warnings")
@requires("warnings.issue")
@doc(
    "Issue a warning to regions of the caller's area (a draft with draft=true, or always when "
    "WARNING_TWO_PERSON is on); its responsible persons are reached through the cascade "
    "(200: this client id was sent before; nobody is reached twice)",
    body=WarningCreateSchema,
    response=WarningSchema,
    status=201,
    also=(200,),
)
def create_warning():
    warning = service.create_warning(g.user, WarningCreateSchema().load(json_body()))
    return _answer(warning, 200 if getattr(warning, "replayed", False) else 201)


@bp.get("/warnings")
@requires("warnings.read")
@doc(
    "Warnings whose area covers the caller's region (the desk: also those of its subtree, drafts too)",
    response=WarningSchema,
    many=True,
    query=WarningQuerySchema,
)
def list_warnings():
    args = load_query(WarningQuerySchema(), request.args)
    return page_answer(service.list_warnings(g.user, args), WarningSchema())


# ---- public, without an account: CAP 1.2 and the Atom feed, as alert hubs read them ----------

_XML_STRING = {"type": "string"}


def _xml(body: bytes, mimetype: str, max_age: int, validator: str | None = None, changed=None):
    resp = current_app.response_class(body, mimetype=f"{mimetype}; charset=utf-8")
    resp.headers["Cache-Control"] = f"public, max-age={max_age}"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    if validator:
        resp.set_etag(validator)
    if changed is not None:
        resp.last_modified = changed
    return resp.make_conditional(request)


@bp.get("/warnings/feed.atom")
@doc(
    "The Atom feed (application/atom+xml) of the warnings in force: issued, not cancelled, not "
    "expired; one entry per message (an alert and its updates), each linking its CAP file. "
    "ETag / Last-Modified: a conditional request is answered 304",
    response=_XML_STRING,
    produces=atom.ATOM_MIME,
    query=NoQuerySchema,
    public=True,
)
def feed():
    load_query(NoQuerySchema(), request.args)
    body, changed = publish.feed_document()
    # Short: a message leaves the feed at its expiry, and a reader should see that soon.
    return _xml(body, atom.ATOM_MIME, 60, publish.etag(body), changed)


@bp.get("/warnings/<uuid:warning_id>/cap")
@doc(
    "An issued message (alert, update or cancel) as CAP 1.2 XML (application/cap+xml); a draft "
    "or an unknown id is 404",
    response=_XML_STRING,
    produces=cap.CAP_MIME,
    query=NoQuerySchema,
    public=True,
)
def cap_file(warning_id):
    load_query(NoQuerySchema(), request.args)
    body, message = publish.cap_document(warning_id)
    # An issued message never changes (an update is a new message): readers may keep it a while.
    return _xml(body, cap.CAP_MIME, 300, publish.etag(body), message.issued_at)


@bp.get("/warnings/<uuid:warning_id>")
@requires("warnings.read")
@doc("One warning message, with acked for the caller", response=WarningSchema)
def get_warning(warning_id):
    return WarningSchema().dump(service.get_warning(g.user, warning_id))


@bp.post("/warnings/<uuid:warning_id>/issue")
@requires("warnings.issue")
@doc(
    "Issue a draft (with two-person approval: not by its author, 403 same-person)",
    response=WarningSchema,
)
def issue(warning_id):
    return _answer(service.issue(g.user, warning_id))


@bp.post("/warnings/<uuid:warning_id>/update")
@requires("warnings.issue")
@doc(
    "Issue an update: a new message referencing the first; fields not sent are kept",
    body=WarningUpdateSchema,
    response=WarningSchema,
    status=201,
)
def update(warning_id):
    data = WarningUpdateSchema().load(json_body())
    return _answer(service.update_warning(g.user, warning_id, data), 201)


@bp.post("/warnings/<uuid:warning_id>/cancel")
@requires("warnings.issue")
@doc(
    "Cancel (解除) a warning: a new message referencing the first",
    body=WarningCancelSchema,
    response=WarningSchema,
    status=201,
)
def cancel(warning_id):
    data = WarningCancelSchema().load(json_body())
    return _answer(service.cancel_warning(g.user, warning_id, data), 201)


@bp.post("/warnings/<uuid:warning_id>/ack")
@requires("warnings.ack")
@doc("收到: acknowledge a warning (a second time changes nothing)", response=WarningSchema)
def ack(warning_id):
    data = WarningAckSchema().load({"warning_id": str(warning_id)})
    return WarningSchema().dump(service.ack_op(g.user, data, utcnow()))


@bp.get("/warnings/<uuid:warning_id>/delivery")
@requires("warnings.issue")
@no_store
@doc(
    "Who was reached by which channel, who acknowledged, who is silent (with phones), residents' counts",
    query=NoQuerySchema,
)
def delivery(warning_id):
    warning = service.desk_warning(g.user, warning_id)
    return reach.delivery_counts(warning, service.AUDIENCES)
