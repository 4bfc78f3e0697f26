"""Administration by the county and by a township's duty officer: who may touch whom, a
deactivated user's token refused, a reset password that must be changed at the next login."""

from ..conftest import ApiClient

T1, T2 = "临城镇", "古田镇"


def _login(app, username, password):
    return app.test_client(use_cookies=False).post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )


def _body(ids, town=T1, **over):
    body = {
        "username": "newbie",
        "password": "long-enough-1",
        "display_name": "新队员",
        "role": "member",
        "region_id": ids["regions"][town],
    }
    body.update(over)
    return body


def test_a_township_officer_creates_users_in_their_township_only(auth, ids):
    town1 = auth("town1")
    before = auth("admin").get("/api/v1/users?limit=1").json["total"]
    assert town1.post("/api/v1/users", json=_body(ids, T2)).status_code == 422
    county = _body(ids, username="countyx", region_id=ids["regions"]["上杭县"])
    assert town1.post("/api/v1/users", json=county).status_code == 422
    assert auth("admin").get("/api/v1/users?limit=1").json["total"] == before
    made = town1.post("/api/v1/users", json=_body(ids))
    assert made.status_code == 201, made.json
    assert made.json["must_change_password"] is False


def test_a_township_officer_never_makes_or_touches_an_administrator(auth, ids):
    town1 = auth("town1")
    resp = town1.post("/api/v1/users", json=_body(ids, role="admin"))
    assert resp.status_code == 403 and resp.mimetype == "application/problem+json"
    member = ids["users"]["member2"]
    assert town1.patch(f"/api/v1/users/{member}", json={"role": "admin"}).status_code == 403
    assert auth("admin").get(f"/api/v1/users/{member}").json["role"] == "member"
    # An administrator placed in the township is still out of the officer's reach.
    boss = auth("admin").post("/api/v1/users", json=_body(ids, username="t1boss", role="admin")).json
    assert town1.patch(f"/api/v1/users/{boss['id']}", json={"display_name": "x"}).status_code == 403
    assert town1.patch(f"/api/v1/users/{boss['id']}", json={"active": False}).status_code == 403
    assert town1.post(f"/api/v1/users/{boss['id']}/reset-password").status_code == 403
    assert auth("admin").get(f"/api/v1/users/{boss['id']}").json["active"] is True


def test_a_township_officer_cannot_touch_the_neighbours_users(auth, ids):
    town1 = auth("town1")
    other = ids["users"]["t2member1"]
    assert town1.patch(f"/api/v1/users/{other}", json={"active": False}).status_code == 404
    assert town1.post(f"/api/v1/users/{other}/reset-password").status_code == 404
    assert auth("admin").get(f"/api/v1/users/{other}").json["active"] is True
    # Nor move one of their own above themselves.
    mine = ids["users"]["member2"]
    moved = town1.patch(f"/api/v1/users/{mine}", json={"region_id": ids["regions"]["上杭县"]})
    assert moved.status_code == 422
    assert auth("admin").get(f"/api/v1/users/{mine}").json["region_id"] == ids["regions"][T1]


def test_a_deactivated_users_token_is_refused_at_once(app, auth, ids):
    login = _login(app, "member4", "demo12345")
    member = ApiClient(app, login.json["access_token"])
    assert member.get("/api/v1/me").status_code == 200
    resp = auth("town1").patch(f"/api/v1/users/{ids['users']['member4']}", json={"active": False})
    assert resp.status_code == 200 and resp.json["active"] is False
    after = member.get("/api/v1/me")
    assert after.status_code == 401 and after.json["type"].endswith("/token-revoked")
    refresh = app.test_client(use_cookies=False).post(
        "/api/v1/auth/refresh", headers={"Authorization": f"Bearer {login.json['refresh_token']}"}
    )
    assert refresh.status_code == 401
    assert _login(app, "member4", "demo12345").status_code == 401


def test_a_reset_password_is_shown_once_and_must_be_changed_before_anything_else(app, auth, ids):
    old = ApiClient(app, _login(app, "member5", "demo12345").json["access_token"])
    reset = auth("town1").post(f"/api/v1/users/{ids['users']['member5']}/reset-password")
    assert reset.status_code == 200, reset.json
    assert reset.headers["Cache-Control"].startswith("no-store")
    temp = reset.json["temporary_password"]
    assert len(temp) >= 8 and reset.json["user"]["must_change_password"] is True
    # The old password and the old sessions are gone.
    assert old.get("/api/v1/me").status_code == 401
    assert _login(app, "member5", "demo12345").status_code == 401
    login = _login(app, "member5", temp)
    assert login.status_code == 200 and login.json["user"]["must_change_password"] is True
    member = ApiClient(app, login.json["access_token"])
    assert member.get("/api/v1/me").status_code == 200
    blocked = member.get("/api/v1/attendance")
    assert blocked.status_code == 403 and blocked.json["type"].endswith("/password-change-required")
    wrong = member.patch("/api/v1/me", json={"current_password": "nope", "password": "my-own-pass-9"})
    assert wrong.status_code == 422
    changed = member.patch("/api/v1/me", json={"current_password": temp, "password": "my-own-pass-9"})
    assert changed.status_code == 200 and changed.json["must_change_password"] is False
    assert member.get("/api/v1/attendance").status_code == 200
    assert _login(app, "member5", temp).status_code == 401
    # The temporary password is nowhere in the audit log.
    entries = auth("admin").get(f"/api/v1/audit?entity_id={ids['users']['member5']}").json["items"]
    assert "user.password_reset" in {e["action"] for e in entries}
    assert temp not in str(entries)


def test_nobody_resets_their_own_password_this_way(auth, ids):
    resp = auth("town1").post(f"/api/v1/users/{ids['users']['town1']}/reset-password")
    assert resp.status_code == 409


def test_a_team_has_one_captain_and_a_member_is_in_one_team(auth, ids):
    town1 = auth("town1")
    team1 = ids["teams"][ids["regions"][T1]]
    second = town1.post(
        "/api/v1/teams", json={"name": "临城镇第二分队", "region_id": ids["regions"][T1]}
    ).json
    member = ids["users"]["member6"]
    taken = town1.patch(f"/api/v1/users/{member}", json={"team_role": "captain"})
    assert taken.status_code == 409 and taken.json["type"].endswith("/team-captain-taken")
    moved = town1.patch(f"/api/v1/users/{member}", json={"team_id": second["id"], "team_role": "captain"})
    assert moved.status_code == 200 and moved.json["team_id"] == second["id"]
    assert town1.get(f"/api/v1/teams/{second['id']}").json["size"] == 1
    assert town1.get(f"/api/v1/teams/{team1}").json["size"] == 12
    vice = town1.patch(f"/api/v1/users/{ids['users']['member7']}", json={"team_id": second["id"]})
    assert vice.json["team_role"] == "member"
    out = town1.patch(f"/api/v1/users/{ids['users']['member7']}", json={"team_id": None})
    assert out.json["team_id"] is None and out.json["team_role"] is None
    # Not into the neighbour's team.
    theirs = ids["teams"][ids["regions"][T2]]
    assert town1.patch(f"/api/v1/users/{member}", json={"team_id": theirs}).status_code == 422
