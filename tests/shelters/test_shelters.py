"""The shelter registry: made by an administrator, seen within one's region with its capacity
and how many people are in, each with a poster code."""

import re

T1, T2 = "临城镇", "古田镇"


def _shelter(ids, town=T1, **over):
    return {
        "name": "城东村村委会避灾点",
        "kind": "village",
        "region_id": ids["regions"][town],
        "address": "城东村村委会二楼",
        "location": {"lat": 25.0525, "lon": 116.4251},
        "capacity": 80,
        **over,
    }


def test_an_admin_registers_a_shelter_with_a_poster_code_and_nobody_in_it(app, auth, ids):
    resp = auth("admin").post("/api/v1/shelters", json=_shelter(ids))
    assert resp.status_code == 201, resp.json
    shelter = resp.json
    assert (shelter["capacity"], shelter["occupancy"], shelter["status"]) == (80, 0, "closed")
    assert shelter["location"] == {"lat": 25.0525, "lon": 116.4251}
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{9}", shelter["code"])
    assert shelter["checkin_url"] == f"{app.config['PUBLIC_BASE_URL']}/s/{shelter['code']}"
    again = auth("town1").get(f"/api/v1/shelters/{shelter['id']}").json
    assert again["occupancy"] == 0 and again["code"] == shelter["code"]


def test_each_shelter_gets_its_own_code(auth, ids):
    codes = {
        auth("admin").post("/api/v1/shelters", json=_shelter(ids, name=f"避灾点{n}")).json["code"]
        for n in range(5)
    }
    listed = auth("admin").get("/api/v1/shelters?limit=200").json["items"]
    assert len(codes) == 5 and len({s["code"] for s in listed}) == len(listed)


def test_the_list_holds_ones_own_townships_shelters_with_their_occupancy(auth, ids):
    mine = auth("admin").post("/api/v1/shelters", json=_shelter(ids)).json
    theirs = auth("admin").post("/api/v1/shelters", json=_shelter(ids, town=T2, name="古田村避灾点")).json
    listed = auth("town1").get("/api/v1/shelters?limit=200").json
    shown = {s["id"]: s for s in listed["items"]}
    assert mine["id"] in shown and theirs["id"] not in shown
    assert all(s["region_id"] != ids["regions"][T2] for s in listed["items"])
    assert all({"capacity", "occupancy"} <= set(s) for s in listed["items"])
    assert auth("town1").get(f"/api/v1/shelters/{theirs['id']}").status_code == 404
    # The county desk, above both townships, sees it.
    assert auth("duty").get(f"/api/v1/shelters/{theirs['id']}").status_code == 200


def test_admins_and_duty_officers_register_and_change_the_shelters_of_their_region_only(auth, ids):
    for username in ("shelter1", "captain1", "member1", "officer1"):
        assert auth(username).post("/api/v1/shelters", json=_shelter(ids)).status_code == 403, username
    assert auth("town1").post("/api/v1/shelters", json=_shelter(ids, town=T2)).status_code in (403, 404, 422)
    made = auth("town1").post("/api/v1/shelters", json=_shelter(ids))
    assert made.status_code == 201, made.json
    made = made.json
    opened = auth("admin").patch(f"/api/v1/shelters/{made['id']}", json={"status": "open", "capacity": 120})
    assert opened.status_code == 200 and (opened.json["status"], opened.json["capacity"]) == ("open", 120)
    assert auth("shelter1").patch(f"/api/v1/shelters/{made['id']}", json={"capacity": 1}).status_code == 403
    assert auth("town2").patch(f"/api/v1/shelters/{made['id']}", json={"capacity": 1}).status_code == 404
    assert auth("town1").get(f"/api/v1/shelters/{made['id']}").json["capacity"] == 120


def test_a_bad_shelter_is_refused_field_by_field(auth, ids):
    resp = auth("admin").post(
        "/api/v1/shelters", json=_shelter(ids, kind="castle", capacity=-1, location={"lat": 25.05})
    )
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert set(resp.json["errors"]) == {"kind", "capacity", "location"}
    assert "lon" in resp.json["errors"]["location"]
