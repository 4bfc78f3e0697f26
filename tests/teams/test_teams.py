"""Rescue teams and their members: made by an administrator, seen within one's region, led by a
captain who reads their people but does not manage teams."""

import uuid

from ..conftest import ApiClient

T1, T2 = "临城镇", "古田镇"


def _team_of(ids, town):
    return ids["teams"][ids["regions"][town]]


def test_an_admin_makes_a_team_in_a_township_and_it_starts_empty(auth, ids):
    resp = auth("admin").post(
        "/api/v1/teams", json={"name": "临城镇防汛突击队", "region_id": ids["regions"][T1]}
    )
    assert resp.status_code == 201, resp.json
    team = resp.json
    assert team["size"] == 0 and team["kind"] == "comprehensive"
    assert auth("town1").get(f"/api/v1/teams/{team['id']}").json["name"] == "临城镇防汛突击队"
    listed = auth("town1").get(f"/api/v1/teams?region_id={ids['regions'][T1]}").json["items"]
    assert team["id"] in {t["id"] for t in listed}


def test_a_team_needs_a_name_and_a_region_of_ones_own(auth, ids):
    bad = auth("admin").post("/api/v1/teams", json={"name": "", "region_id": "2"})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"name", "region_id"}
    # A township's duty officer makes teams in their township, not in the neighbour's.
    town1 = auth("town1")
    assert (
        town1.post("/api/v1/teams", json={"name": "队", "region_id": ids["regions"][T1]}).status_code == 201
    )
    assert (
        town1.post("/api/v1/teams", json={"name": "队", "region_id": ids["regions"][T2]}).status_code == 422
    )


def test_a_township_sees_its_own_team_and_not_the_neighbours(auth, ids):
    listed = auth("town1").get("/api/v1/teams?limit=200").json
    assert {t["id"] for t in listed["items"]} == {_team_of(ids, T1)}
    assert listed["items"][0]["size"] == 13
    assert auth("town1").get(f"/api/v1/teams/{_team_of(ids, T2)}").status_code == 404
    county = {t["id"] for t in auth("duty").get("/api/v1/teams?limit=200").json["items"]}
    assert {_team_of(ids, T1), _team_of(ids, T2)} <= county


def test_the_members_list_is_the_team_with_its_captain_and_vice_captain(auth, ids):
    members = auth("captain1").get(f"/api/v1/members?team_id={_team_of(ids, T1)}&limit=200").json
    assert members["total"] == 13
    roles = {m["username"]: m["team_role"] for m in members["items"]}
    assert roles["captain1"] == "captain" and roles["member1"] == "vice_captain"
    assert all(m["team_id"] == _team_of(ids, T1) for m in members["items"])
    assert all(m["phone"].startswith("+86") for m in members["items"])


def test_a_captain_reads_his_people_but_not_the_neighbours_and_manages_no_team(auth, ids):
    captain = auth("captain1")
    assert captain.get(f"/api/v1/members/{ids['users']['member3']}").status_code == 200
    assert captain.get(f"/api/v1/members/{ids['users']['t2member1']}").status_code == 404
    theirs = captain.get(f"/api/v1/members?team_id={_team_of(ids, T2)}").json
    assert theirs["total"] == 0
    assert captain.patch(f"/api/v1/teams/{_team_of(ids, T1)}", json={"name": "改名"}).status_code == 403
    assert (
        captain.post("/api/v1/teams", json={"name": "队", "region_id": ids["regions"][T1]}).status_code == 403
    )


def test_a_member_sees_teams_but_not_the_member_list(auth, ids):
    member = auth("member2")
    assert member.get(f"/api/v1/teams/{_team_of(ids, T1)}").status_code == 200
    resp = member.get("/api/v1/members")
    assert resp.status_code == 403 and resp.mimetype == "application/problem+json"


def _township_admin(app, auth, ids, town):
    body = {
        "username": "t1desk",
        "password": "long-enough-1",
        "display_name": "乡镇管理员",
        "role": "admin",
        "region_id": ids["regions"][town],
    }
    assert auth("admin").post("/api/v1/users", json=body).status_code == 201
    login = app.test_client().post(
        "/api/v1/auth/login", json={"username": "t1desk", "password": "long-enough-1"}
    )
    return ApiClient(app, login.json["access_token"])


def test_a_user_can_only_be_put_in_a_team_of_the_admins_area(app, auth, ids):
    township_admin = _township_admin(app, auth, ids, T1)
    new = {
        "username": "crossteam",
        "password": "long-enough-1",
        "display_name": "跨乡队员",
        "role": "member",
        "region_id": ids["regions"][T1],
        "team_role": "member",
    }
    wrong = township_admin.post("/api/v1/users", json={**new, "team_id": _team_of(ids, T2)})
    assert wrong.status_code == 422 and "team_id" in wrong.json["errors"]
    unknown = township_admin.post("/api/v1/users", json={**new, "team_id": str(uuid.uuid4())})
    assert unknown.status_code == 422 and "team_id" in unknown.json["errors"]
    right = township_admin.post("/api/v1/users", json={**new, "team_id": _team_of(ids, T1)})
    assert right.status_code == 201, right.json
    assert auth("town1").get(f"/api/v1/teams/{_team_of(ids, T1)}").json["size"] == 14
