"""First passwords for members imported from a roster (who have none): the township's desk gets
a temporary password for each, once; each must choose their own at the first login; a second call
issues none; another township's desk, a captain or a member gets none."""

import logging

from ..conftest import ApiClient
from .test_roster import SHEET, T2, _post, _team, _xlsx

IMPORTED = {"陈志强", "林海", "王强"}


def _login(app, username, password):
    return app.test_client().post("/api/v1/auth/login", json={"username": username, "password": password})


def _import(auth, ids) -> dict:
    resp = _post(auth("town1"), _team(ids), _xlsx(SHEET), confirm=True)
    assert resp.status_code == 200 and resp.json["imported"] == 3, resp.json
    return {r["name"]: r["username"] for r in resp.json["rows"] if r.get("username")}


def test_the_desk_issues_each_imported_member_a_first_password_once(app, auth, ids, caplog):
    caplog.set_level(logging.DEBUG)
    imported = _import(auth, ids)
    assert set(imported) == IMPORTED
    # Before: no password at all, so no login (whatever is tried).
    assert _login(app, imported["林海"], "").status_code in (401, 422)
    assert _login(app, imported["林海"], "demo12345").status_code == 401

    resp = auth("town1").post(f"/api/v1/teams/{_team(ids)}/first-passwords")
    assert resp.status_code == 200, resp.json
    assert resp.headers["Cache-Control"].startswith("no-store")
    issued = resp.json["issued"]
    # The imported three only: the demo members already have a password.
    assert {i["display_name"] for i in issued} == IMPORTED and resp.json["team_id"] == _team(ids)
    assert {i["display_name"]: i["username"] for i in issued} == imported
    assert len({i["temporary_password"] for i in issued}) == 3
    for item in issued:
        login = _login(app, item["username"], item["temporary_password"])
        assert login.status_code == 200 and login.json["user"]["must_change_password"] is True
    member = ApiClient(app, _login(app, imported["林海"], issued_for(issued, "林海")).json["access_token"])
    blocked = member.get("/api/v1/attendance")
    assert blocked.status_code == 403 and blocked.json["type"].endswith("/password-change-required")

    # Again: everyone has one now, so none is issued (and the ones given still work).
    again = auth("town1").post(f"/api/v1/teams/{_team(ids)}/first-passwords")
    assert again.status_code == 200 and again.json["issued"] == []
    assert _login(app, imported["王强"], issued_for(issued, "王强")).status_code == 200

    # Audited per member, without the password; and never in the logs.
    for item in issued:
        entries = auth("admin").get(f"/api/v1/audit?entity_id={item['user_id']}").json["items"]
        assert "user.first_password" in {e["action"] for e in entries}
        assert item["temporary_password"] not in str(entries)
        assert item["temporary_password"] not in caplog.text


def issued_for(issued, name) -> str:
    return next(i["temporary_password"] for i in issued if i["display_name"] == name)


def test_a_member_reset_one_by_one_gets_no_first_password(app, auth, ids):
    imported = _import(auth, ids)
    members = auth("town1").get(f"/api/v1/members?team_id={_team(ids)}&limit=200").json["items"]
    lin = next(m for m in members if m["username"] == imported["林海"])
    reset = auth("town1").post(f"/api/v1/users/{lin['id']}/reset-password")
    assert reset.status_code == 200
    assert _login(app, lin["username"], reset.json["temporary_password"]).status_code == 200
    resp = auth("admin").post(f"/api/v1/teams/{_team(ids)}/first-passwords")
    assert resp.status_code == 200
    assert {i["display_name"] for i in resp.json["issued"]} == IMPORTED - {"林海"}
    # The reset password still stands.
    assert _login(app, lin["username"], reset.json["temporary_password"]).status_code == 200


def test_only_the_desk_of_the_teams_region_issues_first_passwords(app, auth, ids):
    _import(auth, ids)
    url = f"/api/v1/teams/{_team(ids)}/first-passwords"
    denied = auth("town2").post(url)
    assert denied.status_code == 404 and denied.headers["Content-Type"].startswith("application/problem+json")
    for who in ("captain1", "member1", "officer1"):
        resp = auth(who).post(url)
        assert resp.status_code == 403, who
    assert (
        auth("town2").post("/api/v1/teams/00000000-0000-4000-8000-000000000000/first-passwords").status_code
        == 404
    )
    # Nothing was issued by the refusals: the desk of the team's township still gets all three.
    assert {i["display_name"] for i in auth("town1").post(url).json["issued"]} == IMPORTED
    # Another township's team: its own desk gets none of township 1's people.
    other = auth("town2").post(f"/api/v1/teams/{_team(ids, T2)}/first-passwords")
    assert other.status_code == 200 and other.json["issued"] == []


def test_a_member_who_left_the_team_gets_none(app, auth, ids):
    imported = _import(auth, ids)
    members = auth("town1").get(f"/api/v1/members?team_id={_team(ids)}&limit=200").json["items"]
    wang = next(m for m in members if m["username"] == imported["王强"])
    for to in ("active", "inactive"):
        step = auth("town1").post(f"/api/v1/members/{wang['id']}/path", json={"to": to, "note": "外出务工"})
        assert step.status_code == 201, step.json
    resp = auth("town1").post(f"/api/v1/teams/{_team(ids)}/first-passwords")
    assert {i["display_name"] for i in resp.json["issued"]} == IMPORTED - {"王强"}
