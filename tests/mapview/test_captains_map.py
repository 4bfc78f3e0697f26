"""A captain's map shows the orders their team is on, also those the county sent (above the
captain's region), with only the team's own people from such an order."""

MAP = "/api/v1/map"


def _county_order(auth, ids, *towns):
    body = {
        "title": "县城河堤管涌，增援",
        "location": {"lat": 25.06, "lon": 116.43},
        "team_ids": [ids["teams"][ids["regions"][town]] for town in towns],
    }
    resp = auth("duty").post("/api/v1/dispatches", json=body)
    assert resp.status_code == 201, resp.json
    assert resp.json["region_id"] == ids["regions"]["上杭县"]
    return resp.json


def _team_size(auth, ids, town):
    return auth("duty").get(f"/api/v1/teams/{ids['teams'][ids['regions'][town]]}").json["size"]


def test_a_captain_sees_the_county_order_his_team_is_on(auth, ids):
    order = _county_order(auth, ids, "临城镇", "古田镇")
    url = f"/api/v1/dispatches/{order['id']}"
    scene = {"status": "on_scene", "location": {"lat": 25.06, "lon": 116.43}}
    for username in ("member2", "t2member2"):
        assert auth(username).post(f"{url}/status", json=scene).status_code == 200
    answer = auth("captain1").get(MAP).json
    (line,) = [o for o in answer["orders"] if o["id"] == order["id"]]
    # His team's part of the order: its people, not the other township's.
    own = _team_size(auth, ids, "临城镇")
    assert own < len(order["targets"])
    assert (line["on_scene"], line["silent"], line["headcount"]) == (1, own - 1, own)
    on_map = {m["id"] for m in answer["members"]}
    assert ids["users"]["member2"] in on_map and ids["users"]["t2member2"] not in on_map


def test_a_captain_does_not_see_a_county_order_naming_only_other_teams(auth, ids):
    order = _county_order(auth, ids, "古田镇")
    assert order["id"] not in {o["id"] for o in auth("captain1").get(MAP).json["orders"]}
    # The desk that sent it sees it whole.
    (line,) = [o for o in auth("duty").get(MAP).json["orders"] if o["id"] == order["id"]]
    assert line["silent"] == len(order["targets"])
