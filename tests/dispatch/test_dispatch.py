"""Dispatch orders: who may send them to whom, members' answers (online and through the sync
door, in any order), time on the task, accountability check-ins, and the desk's board."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

SYNC = "/api/v1/sync"


def _order(ids, town="临城镇", **over):
    body = {
        "title": "城东村山体滑坡，转移群众",
        "description": "村口道路被埋，需人员协助转移三户群众",
        "location": {"lat": 25.056, "lon": 116.442},
        "team_ids": [ids["teams"][ids["regions"][town]]],
        "headcount": 8,
        "muster_point": "临城镇政府大院",
        "bring": "铁锹、雨衣、头灯",
    }
    body.update(over)
    return body


def _op(kind, at, **data):
    return {"op_id": str(uuid.uuid4()), "type": kind, "at": at.isoformat(), "data": data}


@pytest.fixture()
def order(auth, ids):
    resp = auth("town1").post("/api/v1/dispatches", json=_order(ids))
    assert resp.status_code == 201, resp.json
    return resp.json


def test_a_township_desk_calls_out_its_team_and_sees_everyone_silent(order):
    assert len(order["targets"]) == 13
    assert order["board"]["silent"] == 13 and order["board"]["short_by"] == 8
    assert {t["response"] for t in order["targets"]} == {"pending"}
    assert not any(t["cross_township"] for t in order["targets"])


def test_a_township_desk_cannot_call_a_neighbouring_townships_members(auth, ids):
    resp = auth("town1").post(
        "/api/v1/dispatches", json=_order(ids, team_ids=[], member_ids=[ids["users"]["t2member1"]])
    )
    assert resp.status_code == 422 and "member_ids" in resp.json["errors"]
    resp = auth("town1").post("/api/v1/dispatches", json=_order(ids, town="古田镇"))
    assert resp.status_code == 422 and "team_ids" in resp.json["errors"]


def test_help_from_another_township_goes_through_the_county_desk_and_is_recorded(auth, ids):
    body = _order(
        ids,
        region_id=ids["regions"]["临城镇"],
        team_ids=[],
        member_ids=[ids["users"]["member1"], ids["users"]["t2member1"]],
    )
    resp = auth("duty").post("/api/v1/dispatches", json=body)
    assert resp.status_code == 201
    cross = {t["member_id"]: t["cross_township"] for t in resp.json["targets"]}
    assert cross == {ids["users"]["member1"]: False, ids["users"]["t2member1"]: True}


def test_an_order_needs_someone_and_valid_fields(auth, ids):
    resp = auth("town1").post("/api/v1/dispatches", json=_order(ids, headcount=0, location={"lat": 100}))
    assert resp.status_code == 422
    assert {"headcount", "location"} <= set(resp.json["errors"])
    nobody = auth("town1").post("/api/v1/dispatches", json=_order(ids, team_ids=[]))
    assert nobody.status_code == 422 and "member_ids" in nobody.json["errors"]
    assert auth("member1").post("/api/v1/dispatches", json=_order(ids)).status_code == 403


def test_a_member_sees_their_own_line_only_and_others_do_not_see_the_order(auth, order, ids):
    mine = auth("member1").get(f"/api/v1/dispatches/{order['id']}").json
    assert [t["member_id"] for t in mine["targets"]] == [ids["users"]["member1"]]
    assert mine["board"] is None
    assert auth("t2member1").get(f"/api/v1/dispatches/{order['id']}").status_code == 404
    assert auth("officer1").get(f"/api/v1/dispatches/{order['id']}").status_code == 404
    listed = auth("member1").get("/api/v1/dispatches").json["items"]
    assert [d["id"] for d in listed] == [order["id"]]
    assert auth("t2member1").get("/api/v1/dispatches").json["items"] == []


def test_answers_online_move_the_board(auth, order):
    url = f"/api/v1/dispatches/{order['id']}"
    assert (
        auth("member1").post(f"{url}/respond", json={"response": "accept", "eta_minutes": 15}).status_code
        == 200
    )
    auth("member2").post(f"{url}/respond", json={"response": "decline", "reason": "在外地"})
    auth("member3").post(f"{url}/status", json={"status": "en_route"})
    board = auth("town1").get(url).json["board"]
    assert board["accepted"] == 1 and board["declined"] == 1 and board["en_route"] == 1
    assert board["silent"] == 10 and board["coming"] == 2 and board["short_by"] == 6
    lines = {t["display_name"]: t for t in auth("town1").get(url).json["targets"]}
    assert any(t["eta_minutes"] == 15 for t in lines.values())


def test_late_or_reordered_ops_from_an_offline_phone_never_move_an_order_backwards(auth, order):
    t0 = datetime.now(UTC) - timedelta(hours=1)
    ops = [
        _op("dispatch.status", t0 + timedelta(minutes=30), dispatch_id=order["id"], status="on_scene"),
        _op("dispatch.respond", t0, dispatch_id=order["id"], response="accept", eta_minutes=20),
        _op("dispatch.status", t0 + timedelta(minutes=10), dispatch_id=order["id"], status="en_route"),
        _op("dispatch.respond", t0 + timedelta(minutes=5), dispatch_id=order["id"], response="decline"),
    ]
    results = auth("member4").post(SYNC, json={"ops": ops}).json["results"]
    assert [r["status"] for r in results] == ["applied"] * 4, results[-1]
    line = results[-1]["entity"]["targets"][0]
    assert line["status"] == "on_scene" and line["response"] == "accepted"


def test_a_decline_after_setting_out_is_refused(auth, order):
    url = f"/api/v1/dispatches/{order['id']}"
    auth("member5").post(f"{url}/status", json={"status": "en_route"})
    resp = auth("member5").post(f"{url}/respond", json={"response": "decline"})
    assert resp.status_code == 409


def test_arriving_opens_time_on_the_task_and_completing_closes_it(auth, order):
    member = auth("member6")
    duty = member.post("/api/v1/attendance/checkins", json={"id": str(uuid.uuid4())}).json
    url = f"/api/v1/dispatches/{order['id']}"
    member.post(f"{url}/status", json={"status": "on_scene", "location": {"lat": 25.056, "lon": 116.442}})
    items = member.get("/api/v1/attendance").json["items"]
    task = [c for c in items if c["dispatch_id"] == order["id"]]
    assert len(task) == 1 and task[0]["open"] is True
    assert [c for c in items if c["id"] == duty["id"]][0]["open"] is True  # duty goes on
    member.post(f"{url}/status", json={"status": "completed"})
    task = [c for c in member.get("/api/v1/attendance").json["items"] if c["dispatch_id"] == order["id"]]
    assert task[0]["open"] is False


def test_a_missed_accountability_checkin_shows_on_the_board(auth, ids):
    order = auth("town1").post("/api/v1/dispatches", json=_order(ids, checkin_interval_min=5)).json
    now = datetime.now(UTC)
    arrived = _op("dispatch.status", now - timedelta(minutes=20), dispatch_id=order["id"], status="on_scene")
    auth("member7").post(SYNC, json={"ops": [arrived]})
    auth("member8").post(SYNC, json={"ops": [{**arrived, "op_id": str(uuid.uuid4())}]})
    auth("member8").post(f"/api/v1/dispatches/{order['id']}/ping", json={})
    board = auth("town1").get(f"/api/v1/dispatches/{order['id']}").json
    assert board["board"]["overdue_checkins"] == 1
    overdue = [t["display_name"] for t in board["targets"] if t["checkin_overdue"]]
    assert len(overdue) == 1
    assert auth("member9").post(f"/api/v1/dispatches/{order['id']}/ping", json={}).status_code == 409


def test_a_member_pulls_their_order_through_the_feed(auth, order):
    changes = auth("member1").get(SYNC).json["changes"]
    orders = [c for c in changes if c["entity"] == "dispatch"]
    assert orders and orders[-1]["id"] == order["id"]
    assert len(orders[-1]["data"]["targets"]) == 1
    assert not [c for c in auth("t2member1").get(SYNC).json["changes"] if c["entity"] == "dispatch"]


def test_incidents_group_orders(auth, ids):
    incident = auth("town1").post(
        "/api/v1/incidents", json={"kind": "geological", "title": "城东村滑坡", "severity": "orange"}
    )
    assert incident.status_code == 201
    order = auth("town1").post("/api/v1/dispatches", json=_order(ids, incident_id=incident.json["id"])).json
    assert order["incident_id"] == incident.json["id"] and order["region_id"] == ids["regions"]["临城镇"]
    assert auth("town2").get(f"/api/v1/incidents/{incident.json['id']}").status_code == 404


def test_an_order_sent_again_after_a_timeout_calls_nobody_twice(app, auth, ids):
    from server.delivery.models import Notification
    from server.extensions import db

    desk = auth("town1")
    order_id = str(uuid.uuid4())
    first = desk.post("/api/v1/dispatches", json=_order(ids, id=order_id))
    again = desk.post("/api/v1/dispatches", json=_order(ids, id=order_id))
    assert (first.status_code, again.status_code) == (201, 200), again.json
    assert again.json["id"] == first.json["id"] == order_id
    with app.app_context():
        import sqlalchemy as sa

        queued = db.session.scalar(
            sa.select(sa.func.count()).select_from(Notification).where(Notification.ref_id == order_id)
        )
        db.session.remove()
    assert queued == len(first.json["targets"])
    listed = [d for d in desk.get("/api/v1/dispatches?limit=200").json["items"] if d["id"] == order_id]
    assert len(listed) == 1
    # The same id for something else, or by someone else, is refused and changes nothing.
    other = desk.post("/api/v1/dispatches", json=_order(ids, id=order_id, title="另一件事"))
    assert other.status_code == 409 and other.mimetype == "application/problem+json"
    county = auth("duty").post("/api/v1/dispatches", json=_order(ids, id=order_id))
    assert county.status_code == 409


def test_an_incident_sent_again_is_the_same_incident(auth):
    desk = auth("town1")
    body = {"id": str(uuid.uuid4()), "kind": "flood", "title": "城区内涝"}
    first, again = desk.post("/api/v1/incidents", json=body), desk.post("/api/v1/incidents", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json == again.json
    titles = [i["title"] for i in desk.get("/api/v1/incidents?limit=200").json["items"]]
    assert titles.count("城区内涝") == 1


def test_twin_orders_sent_at_once_make_one(app, auth, ids):
    """Two tabs, or a retry racing the first request: one order, one call-out."""
    import threading

    order_id = str(uuid.uuid4())
    desks = [auth("town1"), auth("town1")]
    codes = []

    def send(client):
        codes.append(client.post("/api/v1/dispatches", json=_order(ids, id=order_id)).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 201]
    listed = [d for d in desks[0].get("/api/v1/dispatches?limit=200").json["items"] if d["id"] == order_id]
    assert len(listed) == 1


def test_the_desk_can_list_only_open_incidents(app, auth):
    from server.dispatch.models import Incident
    from server.extensions import db

    desk = auth("town1")
    kept = desk.post("/api/v1/incidents", json={"kind": "flood", "title": "仍在处置"}).json
    done = desk.post("/api/v1/incidents", json={"kind": "flood", "title": "已结束"}).json
    with app.app_context():
        db.session.get(Incident, uuid.UUID(done["id"])).closed_at = datetime.now(UTC)
        db.session.commit()
        db.session.remove()
    open_ids = {i["id"] for i in desk.get("/api/v1/incidents?open=true&limit=200").json["items"]}
    all_ids = {i["id"] for i in desk.get("/api/v1/incidents?limit=200").json["items"]}
    assert kept["id"] in open_ids and done["id"] not in open_ids
    assert {kept["id"], done["id"]} <= all_ids
