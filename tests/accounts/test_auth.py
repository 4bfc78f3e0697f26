"""Login, rotating refresh, reuse detection, logout, deactivation, cookies with CSRF."""

from server.extensions import db

LOGIN = "/api/v1/auth/login"


def _login(client, username="member1", password="demo12345", **extra):
    return client.post(LOGIN, json={"username": username, "password": password, **extra})


def test_login_answers_tokens_and_the_user(client, demo):
    resp = _login(client)
    assert resp.status_code == 200
    body = resp.json
    assert body["access_token"] and body["refresh_token"]
    assert body["user"]["username"] == "member1"
    assert body["user"]["role"] == "member"
    assert body["user"]["phone"].startswith("+86")
    assert "password_hash" not in body["user"]


def test_wrong_password_and_unknown_user_answer_the_same_401_problem(client, demo):
    wrong = _login(client, password="nope-nope")
    unknown = _login(client, username="ghost")
    for resp in (wrong, unknown):
        assert resp.status_code == 401
        assert resp.mimetype == "application/problem+json"
        assert resp.json["type"].endswith("/bad-credentials")
    assert wrong.json["detail"] == unknown.json["detail"]


def test_login_with_a_malformed_body_is_a_clear_problem(client, demo):
    assert client.post(LOGIN, data="not json", content_type="application/json").status_code == 400
    resp = client.post(LOGIN, json={"username": "member1"})
    assert resp.status_code == 422
    assert "password" in resp.json["errors"]
    assert client.post(LOGIN, json=["member1"]).status_code == 422


def test_bearer_token_reads_me(auth):
    resp = auth("captain1").get("/api/v1/me")
    assert resp.status_code == 200
    me = resp.json
    assert {"id", "username", "display_name", "role", "region_id", "phone"} <= set(me)
    assert me["role"] == "captain"


def test_no_token_or_a_garbage_token_is_401_problem(app, client, demo):
    assert client.get("/api/v1/me").status_code == 401
    resp = client.get("/api/v1/me", headers={"Authorization": "Bearer not.a.jwt"})
    assert resp.status_code in (401, 422)
    assert resp.mimetype == "application/problem+json"


def test_refresh_rotates_and_the_old_refresh_token_then_ends_the_session(app, client, demo):
    app.config["REFRESH_REUSE_GRACE_S"] = 0
    first = _login(client).json
    nc = app.test_client(use_cookies=False)
    resp = nc.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {first['refresh_token']}"})
    assert resp.status_code == 200
    second = resp.json
    assert second["refresh_token"] != first["refresh_token"]
    me = nc.get("/api/v1/me", headers={"Authorization": f"Bearer {second['access_token']}"})
    assert me.status_code == 200

    # Someone replays the first refresh token: the whole device session ends.
    reuse = nc.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {first['refresh_token']}"})
    assert reuse.status_code == 401
    assert reuse.json["type"].endswith("/refresh-reuse")
    after = nc.get("/api/v1/me", headers={"Authorization": f"Bearer {second['access_token']}"})
    assert after.status_code == 401
    again = nc.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {second['refresh_token']}"})
    assert again.status_code == 401
    app.config["REFRESH_REUSE_GRACE_S"] = 20


def test_a_refresh_race_within_the_grace_is_not_taken_for_theft(app, client, demo):
    first = _login(client).json
    nc = app.test_client(use_cookies=False)
    hdr = {"Authorization": f"Bearer {first['refresh_token']}"}
    a = nc.post("/api/v1/auth/refresh", headers=hdr)
    b = nc.post("/api/v1/auth/refresh", headers=hdr)  # the service worker, a moment later
    assert a.status_code == 200 and b.status_code == 200
    for pair in (a.json, b.json):
        me = nc.get("/api/v1/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
        assert me.status_code == 200


def test_refresh_token_in_the_json_body_works_for_scripts(app, client, demo):
    first = _login(client).json
    nc = app.test_client(use_cookies=False)
    resp = nc.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert resp.status_code == 200


def test_an_access_token_cannot_be_used_to_refresh(app, client, demo):
    first = _login(client).json
    nc = app.test_client(use_cookies=False)
    resp = nc.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert resp.status_code in (401, 422)
    assert resp.mimetype == "application/problem+json"


def test_logout_revokes_the_tokens_of_that_device_only(app, client, demo):
    nc = app.test_client(use_cookies=False)
    phone = _login(nc).json
    laptop = _login(nc).json
    out = nc.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {phone['access_token']}"})
    assert out.status_code == 204

    def bearer(token):
        return {"Authorization": f"Bearer {token}"}

    assert nc.get("/api/v1/me", headers=bearer(phone["access_token"])).status_code == 401
    assert nc.post("/api/v1/auth/refresh", headers=bearer(phone["refresh_token"])).status_code == 401
    assert nc.get("/api/v1/me", headers=bearer(laptop["access_token"])).status_code == 200


def test_a_deactivated_users_tokens_stop_working_at_once(app, auth, ids):
    member = auth("member2")
    assert member.get("/api/v1/me").status_code == 200
    resp = auth("admin").patch(f"/api/v1/users/{ids['users']['member2']}", json={"active": False})
    assert resp.status_code == 200 and resp.json["active"] is False
    assert member.get("/api/v1/me").status_code == 401
    assert _login(app.test_client(), "member2").status_code == 401


def test_login_is_rate_limited_per_username(app, client, demo):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [_login(client, password="wrong-one").status_code for _ in range(4)]
        assert codes[:3] == [401, 401, 401]
        assert codes[3] == 429
        limited = _login(client, password="wrong-one")
        assert limited.mimetype == "application/problem+json"
        assert limited.json["status"] == 429
        assert limited.headers.get("Retry-After")
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute"


def test_login_is_rate_limited_per_address_across_usernames(app, client, demo):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "3 per minute"
    try:
        names = ["officer1", "member1", "member2", "town1"]
        codes = [_login(client, name, "wrong-one").status_code for name in names]
        assert codes == [401, 401, 401, 429]
        # Another address is not held back by this one.
        other = client.post(
            "/api/v1/auth/login",
            json={"username": "member3", "password": "demo12345"},
            environ_base={"REMOTE_ADDR": "10.9.8.7"},
        )
        assert other.status_code == 200
    finally:
        app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "60 per minute"


def test_the_pwa_uses_httponly_cookies_and_must_send_the_csrf_header(app, demo):
    browser = app.test_client()
    resp = _login(browser)
    cookies = resp.headers.getlist("Set-Cookie")
    access = next(c for c in cookies if c.startswith("access_token_cookie="))
    assert "HttpOnly" in access and "SameSite=Strict" in access
    assert browser.get("/api/v1/me").status_code == 200
    csrf = browser.get_cookie("csrf_access_token").value
    # A write without the double-submit header is refused; with it, it goes through.
    no_csrf = browser.patch("/api/v1/me", json={"display_name": "新名字"})
    assert no_csrf.status_code == 401
    assert no_csrf.json["type"].endswith("/csrf")
    ok = browser.patch("/api/v1/me", json={"display_name": "新名字"}, headers={"X-CSRF-TOKEN": csrf})
    assert ok.status_code == 200 and ok.json["display_name"] == "新名字"


def test_changing_ones_own_password_needs_the_current_one(auth, app):
    me = auth("officer1")
    bad = me.patch("/api/v1/me", json={"password": "a-new-password", "current_password": "wrong"})
    assert bad.status_code == 422 and "current_password" in bad.json["errors"]
    ok = me.patch("/api/v1/me", json={"password": "a-new-password", "current_password": "demo12345"})
    assert ok.status_code == 200
    assert _login(app.test_client(), "officer1", "a-new-password").status_code == 200
    assert _login(app.test_client(), "officer1", "demo12345").status_code == 401


def test_passwords_are_stored_as_argon2id(app, ids):
    from server.accounts.models import User

    with app.app_context():
        user = db.session.get(User, __import__("uuid").UUID(ids["users"]["member1"]))
        assert user.password_hash.startswith("$argon2id$")
        db.session.remove()


def test_the_login_limit_is_shared_by_several_workers_through_redis(app, database_url):
    """Two processes stand for two gunicorn workers: with Redis storage they share the count."""
    import os
    import subprocess
    import sys
    import uuid as _uuid

    script = """
import sys
from server import create_app
from server.config import TestConfig
class Cfg(TestConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/15"
    RATELIMIT_KEY_PREFIX = sys.argv[2]
    LOGIN_RATE_LIMIT = "2 per minute"
client = create_app(Cfg).test_client()
for _ in range(int(sys.argv[3])):
    print(client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"}).status_code)
"""
    prefix = f"test-{_uuid.uuid4().hex}"
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    codes = []
    for count in (1, 2):  # worker A tries once, worker B twice
        out = subprocess.run(
            [sys.executable, "-c", script, database_url, prefix, str(count)],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        codes += [int(c) for c in out]
    assert codes == [401, 401, 429]


def test_login_tells_the_csrf_values_a_service_worker_cannot_read_from_cookies(app, demo):
    browser = app.test_client()
    body = _login(browser).json
    assert body["csrf_access_token"] == browser.get_cookie("csrf_access_token").value
    assert body["csrf_refresh_token"] == browser.get_cookie("csrf_refresh_token").value


def test_an_expired_a_foreign_and_a_tampered_token_are_each_refused_as_such(app, client, demo):
    """The token is decoded once per request (server/extensions.py): the same refusals as the
    library's three decodes gave."""
    import jwt as pyjwt

    tokens = _login(app.test_client(use_cookies=False)).json
    claims = pyjwt.decode(tokens["access_token"], options={"verify_signature": False})
    key = app.config["JWT_SECRET_KEY"]

    def me(token):
        resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert resp.mimetype == "application/problem+json"
        return resp.status_code, resp.json["type"].rsplit("/", 1)[-1]

    assert me(pyjwt.encode({**claims, "exp": claims["iat"] - 10}, key, algorithm="HS256")) == (
        401,
        "token-expired",
    )
    assert me(pyjwt.encode(claims, "another-secret-that-is-long-enough-for-hs256", algorithm="HS256")) == (
        401,
        "token-invalid",
    )
    # A user's session with another user's id in it: refused, the session is not theirs.
    other = _login(app.test_client(use_cookies=False), "member2").json
    other_sub = pyjwt.decode(other["access_token"], options={"verify_signature": False})["sub"]
    assert me(pyjwt.encode({**claims, "sub": other_sub}, key, algorithm="HS256"))[0] == 401
    mine = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/me", headers=mine).status_code == 200
