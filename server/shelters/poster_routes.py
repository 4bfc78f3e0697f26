"""The QR poster of a shelter, for its region's desk and its managers to print."""

import io

from flask import Blueprint, current_app, g, send_file

from ..core.openapi import doc
from ..core.permissions import requires
from . import poster

bp = Blueprint("shelter_poster", __name__, url_prefix="/api/v1", template_folder="templates")

# The page runs no script and loads nothing: a poster opened from the desk can do no harm.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_STRING = {"type": "string"}


def _private(resp):
    resp.headers["Cache-Control"] = "private, no-cache"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get("/shelters/<uuid:shelter_id>/poster")
@requires("shelters.operate")
@doc(
    "The shelter's QR poster as an HTML page to print on A4 (text/html): the QR of "
    "PUBLIC_BASE_URL/s/<code>, name, address, how to check in; 404 unless one is the desk of its "
    "region or one of its managers",
    response=_STRING,
    produces="text/html",
)
def poster_page(shelter_id):
    shelter = poster.poster_shelter(g.user, shelter_id)
    resp = current_app.response_class(poster.poster_html(shelter), mimetype="text/html")
    resp.headers["Content-Security-Policy"] = _CSP
    return _private(resp)


def _download(data: bytes, mimetype: str, name: str):
    resp = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    return _private(resp)


@bp.get("/shelters/<uuid:shelter_id>/poster.svg")
@requires("shelters.operate")
@doc(
    "The same poster as an A4 SVG file (image/svg+xml, a download)",
    response=_STRING,
    produces="image/svg+xml",
)
def poster_svg(shelter_id):
    shelter = poster.poster_shelter(g.user, shelter_id)
    resp = _download(poster.poster_svg(shelter).encode(), "image/svg+xml", poster.filename(shelter, "svg"))
    resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return resp


@bp.get("/shelters/<uuid:shelter_id>/poster.pdf")
@requires("shelters.operate")
@doc(
    "The same poster as a one-page A4 PDF (application/pdf, a download)",
    response=_STRING,
    produces="application/pdf",
)
def poster_pdf(shelter_id):
    shelter = poster.poster_shelter(g.user, shelter_id)
    return _download(poster.poster_pdf(shelter), "application/pdf", poster.filename(shelter, "pdf"))
