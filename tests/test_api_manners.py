"""Errors as problem+json, the OpenAPI document, health, and the app shell."""

import pytest
from openapi_spec_validator import validate

from server import create_app
from server.config import TestConfig


def _is_problem(resp, status):
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"
    body = resp.json
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


def test_unknown_api_paths_and_wrong_methods_are_problems(client):
    _is_problem(client.get("/api/v1/no-such-thing"), 404)
    # A NUL byte in the path is no file name: 404, never the 500 Path.resolve() would raise.
    _is_problem(client.get("/api/v1/warnings/%00/cap"), 404)
    assert client.get("/desk/%00").status_code in (200, 404)  # the shell, or nothing; never a 500
    resp = client.delete("/healthz")
    _is_problem(resp, 405)
    assert "GET" in resp.headers["Allow"]


def test_a_body_over_the_limit_is_413_problem(app, client):
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    _is_problem(client.post("/api/v1/auth/login", data=big, content_type="application/json"), 413)


def test_an_unexpected_exception_is_a_500_problem_with_a_request_id_and_no_secret_logged(
    database_url, pwa_dist, caplog, make_app
):
    class Cfg(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        PWA_DIST = pwa_dist

    fresh = make_app(Cfg)

    @fresh.get("/api/v1/_boom_for_test")
    def _boom():
        raise RuntimeError("password=hunter2 phone=+8613800000000")

    @fresh.post("/api/v1/_media_for_test")
    def _media():
        from werkzeug.exceptions import UnsupportedMediaType

        raise UnsupportedMediaType()

    _is_problem(fresh.test_client().post("/api/v1/_media_for_test"), 415)
    resp = fresh.test_client().get("/api/v1/_boom_for_test")
    body = _is_problem(resp, 500)
    assert body["request_id"] == resp.headers["X-Request-Id"]
    assert "hunter2" not in caplog.text and "+8613800000000" not in caplog.text
    assert body["request_id"] in caplog.text


def test_health_is_503_when_the_database_does_not_answer(pwa_dist, make_app):
    class Broken(TestConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
        PWA_DIST = pwa_dist

    resp = make_app(Broken).test_client().get("/healthz")
    _is_problem(resp, 503)


def test_unknown_non_api_paths_serve_the_app_shell(client):
    for path in ("/", "/desk/map", "/dispatch/123"):
        resp = client.get(path)
        assert resp.status_code == 200
        assert "应急通" in resp.get_data(as_text=True)
    # A shelter's page is the server's own (tests/shelters/test_public_page.py), never the shell.
    resp = client.get("/s/ABCD2345")
    assert resp.status_code == 404 and "应急通" not in resp.get_data(as_text=True)
    with client.get("/manifest.webmanifest") as resp:
        assert resp.status_code == 200
    assert client.get("/../../etc/passwd").status_code in (200, 404)
    assert "root:" not in client.get("/../../etc/passwd").get_data(as_text=True)


def test_openapi_is_valid_3_1_and_covers_every_api_endpoint(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") and rule.rule != "/healthz":
            continue
        path = rule.rule
        for conv in ("uuid:", "int:", "string:", "path:"):
            path = path.replace("<" + conv, "<")
        path = path.replace("<", "{").replace(">", "}")
        assert path in spec["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], (method, path)
    assert "UserCreate" in spec["components"]["schemas"]


@pytest.mark.parametrize("secret", ["", "dev-only-insecure-secret-do-not-use-in-production", "short"])
def test_production_refuses_a_default_or_weak_secret(secret, monkeypatch):
    from server.config import ProductionConfig

    class Prod(ProductionConfig):
        SECRET_KEY = secret
        JWT_SECRET_KEY = "x" * 40
        VAPID_PRIVATE_KEY = "a-key"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Prod)


def test_production_never_loads_demo_data(database_url, pwa_dist, make_app):
    from server.config import ProductionConfig

    class Prod(ProductionConfig):
        SECRET_KEY = "s" * 40
        JWT_SECRET_KEY = "j" * 40
        VAPID_PRIVATE_KEY = "a-key"
        SQLALCHEMY_DATABASE_URI = database_url
        PWA_DIST = pwa_dist

    result = make_app(Prod).test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "production" in result.output


def test_demo_data_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data"])
    second = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert first.output == second.output
    assert "users=45" in first.output and "shelters=6" in first.output


def test_the_app_learns_its_map_tiles_before_login(client):
    body = client.get("/api/v1/config").json
    assert body["map"]["crs"] in ("wgs84", "gcj02")
    assert "{x}" in body["map"]["tile_url"] and "{z}" in body["map"]["tile_url"]
