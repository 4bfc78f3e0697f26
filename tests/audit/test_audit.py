"""The audit log: who changed what, written with each change, readable by administrators for
their own region and below, and by nobody else."""

import uuid

from ..conftest import ApiClient

T1, T2 = "临城镇", "古田镇"


def _admin_of(app, auth, ids, town):
    username = f"admin-{uuid.uuid4().hex[:6]}"
    body = {
        "username": username,
        "password": "long-enough-1",
        "display_name": "乡镇管理员",
        "role": "admin",
        "region_id": ids["regions"][town],
    }
    assert auth("admin").post("/api/v1/users", json=body).status_code == 201
    login = app.test_client().post(
        "/api/v1/auth/login", json={"username": username, "password": "long-enough-1"}
    )
    return ApiClient(app, login.json["access_token"])


def _actions(client, **filters):
    query = "&".join(f"{k}={v}" for k, v in {"limit": 200, **filters}.items())
    resp = client.get(f"/api/v1/audit?{query}")
    assert resp.status_code == 200, resp.json
    return resp.json["items"]


def test_team_shelter_and_order_changes_are_each_written_with_who_did_them(auth, ids):
    admin = auth("admin")
    team = admin.post("/api/v1/teams", json={"name": "突击队", "region_id": ids["regions"][T1]}).json
    admin.patch(f"/api/v1/teams/{team['id']}", json={"name": "防汛突击队"})
    shelter = admin.post(
        "/api/v1/shelters",
        json={
            "name": "村委会避灾点",
            "kind": "village",
            "region_id": ids["regions"][T1],
            "location": {"lat": 25.05, "lon": 116.43},
            "capacity": 30,
        },
    ).json
    order = (
        auth("town1")
        .post(
            "/api/v1/dispatches",
            json={
                "title": "转移群众",
                "location": {"lat": 25.05, "lon": 116.43},
                "member_ids": [ids["users"]["member2"]],
            },
        )
        .json
    )
    auth("member2").post(f"/api/v1/dispatches/{order['id']}/respond", json={"response": "accept"})

    team_log = _actions(admin, entity_id=team["id"])
    assert [e["action"] for e in team_log] == ["team.update", "team.create"]
    assert team_log[0]["changes"] == {"name": "防汛突击队"}
    assert all(e["actor_id"] == ids["users"]["admin"] for e in team_log)
    (made,) = _actions(admin, entity_type="shelter", entity_id=shelter["id"])
    assert made["action"] == "shelter.create" and made["region_id"] == ids["regions"][T1]
    order_log = _actions(admin, entity_type="dispatch", entity_id=order["id"])
    assert [(e["action"], e["actor_id"]) for e in order_log] == [
        ("dispatch.respond", ids["users"]["member2"]),
        ("dispatch.create", ids["users"]["town1"]),
    ]


def test_an_administrator_of_a_township_reads_only_that_townships_log(app, auth, ids):
    admin = auth("admin")
    mine = admin.post("/api/v1/teams", json={"name": "一队", "region_id": ids["regions"][T1]}).json
    theirs = admin.post("/api/v1/teams", json={"name": "二队", "region_id": ids["regions"][T2]}).json
    township = _admin_of(app, auth, ids, T1)
    seen = {e["entity_id"] for e in _actions(township)}
    assert mine["id"] in seen and theirs["id"] not in seen
    assert all(e["region_id"] != ids["regions"][T2] for e in _actions(township))
    assert _actions(township, entity_id=theirs["id"]) == []
    county = {e["entity_id"] for e in _actions(admin)}
    assert {mine["id"], theirs["id"]} <= county


def test_members_captains_and_desks_cannot_read_the_log(auth):
    for username in ("member1", "captain1", "duty", "town1", "officer1", "shelter1"):
        resp = auth(username).get("/api/v1/audit")
        assert resp.status_code == 403 and resp.mimetype == "application/problem+json", username
