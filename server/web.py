"""Health, the OpenAPI document, and the PWA's files (with the app shell for its routes)."""

import mimetypes
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text

from .core.openapi import build_spec, doc
from .errors import ApiProblem
from .extensions import db

bp = Blueprint("web", __name__)


@bp.get("/healthz")
@doc("200 when the database answers, 503 otherwise", public=True)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure is "not healthy", never a 500
        db.session.rollback()
        raise ApiProblem(
            503, "unavailable", "Database unavailable", "The database does not answer."
        ) from None
    return {"status": "ok"}


@bp.get("/api/v1/config")
@doc("What the app needs before login: the map's tiles and their coordinate system", public=True)
def client_config():
    cfg = current_app.config
    return {
        "map": {
            "tile_url": cfg["MAP_TILE_URL"],
            "subdomains": cfg["MAP_TILE_SUBDOMAINS"],
            "crs": cfg["MAP_TILE_CRS"] if cfg["MAP_TILE_CRS"] in ("wgs84", "gcj02") else "wgs84",
            "attribution": cfg["MAP_ATTRIBUTION"],
        },
        "public_base_url": cfg["PUBLIC_BASE_URL"],
    }


@bp.get("/api/v1/openapi.json")
@doc("This document (OpenAPI 3.1)", public=True)
def openapi():
    spec = current_app.extensions.get("openapi_spec")
    if spec is None:
        spec = current_app.extensions["openapi_spec"] = build_spec(current_app)
    return jsonify(spec)


# The PWA's files. A build leaves `name.br` (brotli, max quality) and `name.gz` beside each text
# file (pwa/scripts/compress.mjs); the request's Accept-Encoding picks one, the way nginx's
# gzip_static/brotli_static would, so a weak phone gets the app in a third of the bytes.
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # in order of preference when q-values tie
_IMMUTABLE = "public, max-age=31536000, immutable"
_TYPES = {".webmanifest": "application/manifest+json", ".js": "text/javascript", ".txt": "text/plain"}


def _encoding_for(path: Path) -> tuple[Path, str | None]:
    """The file to send and its Content-Encoding: the best-rated precompressed copy that exists."""
    accept = request.accept_encodings
    best, best_q = (path, None), 0.0
    for name, suffix in _ENCODINGS:
        q = accept[name]  # 0 when absent or refused (q=0); `*` counts
        candidate = path.with_name(path.name + suffix)
        if q > best_q and candidate.is_file():
            best, best_q = (candidate, name), q
    return best


def _send_pwa_file(path: Path, cache_control: str):
    mimetype = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    body, encoding = _encoding_for(path)
    stat = body.stat()
    # Read whole (the largest file is a few hundred KiB) so no file stays open; make_conditional
    # answers If-None-Match/If-Modified-Since with 304 and Range with 206 over the bytes sent (the
    # encoded ones, as RFC 9110 has it); HEAD drops the body. The ETag names the copy, so a
    # cached gzip answer never validates the brotli one.
    resp = current_app.response_class(body.read_bytes(), mimetype=mimetype)
    resp.set_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}-{encoding or 'identity'}")
    resp.last_modified = int(stat.st_mtime)
    if encoding:
        resp.headers["Content-Encoding"] = encoding
    resp.vary.add("Accept-Encoding")
    resp.headers["Cache-Control"] = cache_control
    return resp.make_conditional(request, accept_ranges=True, complete_length=stat.st_size)


def serve_shell():
    dist = current_app.config["PWA_DIST"]
    if not (dist / "index.html").exists():
        raise ApiProblem(503, "pwa-not-built", "App not built", "Run `make run` (it builds pwa/dist).")
    return _send_pwa_file(dist / "index.html", "no-cache")


@bp.get("/")
def index():
    return serve_shell()


@bp.get("/<path:path>")
def static_or_shell(path: str):
    from werkzeug.exceptions import NotFound

    dist = current_app.config["PWA_DIST"]
    # A NUL byte (/api/v1/x/%00/cap) is no file name: resolve() would raise ValueError, a 500.
    if path.startswith("api/") or "\x00" in path:
        raise NotFound()
    target = (dist / path).resolve()
    if not target.is_relative_to(dist.resolve()):
        raise NotFound()
    if target.is_file() and target.suffix not in (".br", ".gz"):
        # Hashed assets never change; the worker, manifest and shell must revalidate.
        resp = _send_pwa_file(target, _IMMUTABLE if path.startswith("assets/") else "no-cache")
        if path == "sw.js":
            resp.headers["Service-Worker-Allowed"] = "/"
        return resp
    return serve_shell()
