"""The board's counts: who the desk still waits for (coming), who is done, who is silent; the
board and the map count from one rule, so they always agree."""

MAP = "/api/v1/map"


def _order(auth, ids, **over):
    body = {
        "title": "城东村山体滑坡，转移群众",
        "location": {"lat": 25.056, "lon": 116.442},
        "team_ids": [ids["teams"][ids["regions"]["临城镇"]]],
        "headcount": 4,
        **over,
    }
    resp = auth("town1").post("/api/v1/dispatches", json=body)
    assert resp.status_code == 201, resp.json
    return resp.json


def _move(auth, url, username, *statuses):
    for status in statuses:
        resp = auth(username).post(f"{url}/status", json={"status": status})
        assert resp.status_code == 200, resp.json


def test_a_member_who_completed_is_done_not_coming(auth, ids):
    order = _order(auth, ids)
    url = f"/api/v1/dispatches/{order['id']}"
    auth("member1").post(f"{url}/respond", json={"response": "accept"})
    _move(auth, url, "member2", "en_route")
    _move(auth, url, "member3", "on_scene", "completed")
    _move(auth, url, "member4", "completed")
    board = auth("town1").get(url).json["board"]
    assert (board["coming"], board["completed"], board["said_yes"]) == (2, 2, 4)
    assert (board["accepted"], board["en_route"], board["on_scene"]) == (1, 1, 0)
    assert board["silent"] == len(order["targets"]) - 4
    # Four wanted, two on their way and two done: nobody more is needed.
    assert board["short_by"] == 0


def test_the_map_counts_an_order_as_its_board_does(auth, ids):
    order = _order(auth, ids, headcount=6)
    url = f"/api/v1/dispatches/{order['id']}"
    auth("member1").post(f"{url}/respond", json={"response": "accept"})
    auth("member2").post(f"{url}/respond", json={"response": "decline"})
    _move(auth, url, "member3", "on_scene")
    _move(auth, url, "member4", "on_scene", "completed")
    board = auth("town1").get(url).json["board"]
    (line,) = [o for o in auth("town1").get(MAP).json["orders"] if o["id"] == order["id"]]
    assert line["coming"] == board["coming"] == 2
    assert line["completed"] == board["completed"] == 1
    assert line["accepted"] == board["said_yes"] == 3
    assert (line["on_scene"], line["declined"], line["silent"]) == (
        board["on_scene"],
        board["declined"],
        board["silent"],
    )
    assert line["headcount"] == board["headcount"] == 6
