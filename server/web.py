"""Health, the OpenAPI document, and the PWA's files (with the app shell for its routes)."""

from flask import Blueprint, current_app, jsonify, send_from_directory
from sqlalchemy import text

from .core.openapi import build_spec, doc
from .errors import ApiProblem
from .extensions import db

bp = Blueprint("web", __name__)

_NO_CACHE = {"Cache-Control": "no-cache"}


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


def serve_shell():
    dist = current_app.config["PWA_DIST"]
    if not (dist / "index.html").exists():
        raise ApiProblem(503, "pwa-not-built", "App not built", "Run `make run` (it builds pwa/dist).")
    # Read whole: the shell is small, and every unknown path answers with it.
    resp = current_app.response_class((dist / "index.html").read_bytes(), mimetype="text/html")
    resp.headers.update(_NO_CACHE)
    return resp


@bp.get("/")
def index():
    return serve_shell()


@bp.get("/<path:path>")
def static_or_shell(path: str):
    dist = current_app.config["PWA_DIST"]
    target = (dist / path).resolve()
    if path.startswith("api/") or not target.is_relative_to(dist.resolve()):
        from werkzeug.exceptions import NotFound

        raise NotFound()
    if target.is_file():
        # Hashed assets never change; the worker, manifest and shell must revalidate.
        immutable = path.startswith("assets/")
        resp = send_from_directory(dist, path, max_age=31536000 if immutable else 0)
        if not immutable:
            resp.headers.update(_NO_CACHE)
        if path in ("sw.js",):
            resp.headers["Service-Worker-Allowed"] = "/"
        return resp
    return serve_shell()
