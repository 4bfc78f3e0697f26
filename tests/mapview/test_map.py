"""The desk's one map: what each layer holds, in the caller's region, with positions in WGS-84."""

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from server.extensions import db

MAP = "/api/v1/map"
SCENE = {"lat": 25.0561, "lon": 116.4423}


def _order(auth, ids, **over):
    body = {
        "title": "城东村山体滑坡，转移群众",
        "location": {"lat": 25.056, "lon": 116.442},
        "team_ids": [ids["teams"][ids["regions"]["临城镇"]]],
        "headcount": 4,
        "muster_point": "临城镇政府大院",
        **over,
    }
    resp = auth("town1").post("/api/v1/dispatches", json=body)
    assert resp.status_code == 201, resp.json
    return resp.json


def _by_id(items):
    return {item["id"]: item for item in items}


def test_an_order_shows_with_its_answers_and_its_incident(auth, ids):
    incident = (
        auth("town1")
        .post(
            "/api/v1/incidents",
            json={"kind": "geological", "title": "城东村滑坡", "location": {"lat": 25.05, "lon": 116.44}},
        )
        .json
    )
    order = _order(auth, ids, incident_id=incident["id"])
    url = f"/api/v1/dispatches/{order['id']}"
    answers = [
        auth("member1").post(f"{url}/respond", json={"response": "accept", "eta_minutes": 20}),
        auth("member2").post(f"{url}/respond", json={"response": "decline", "reason": "在外地"}),
        auth("member3").post(f"{url}/status", json={"status": "on_scene", "location": SCENE}),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200], [a.json for a in answers]

    answer = auth("town1").get(MAP).json
    line = _by_id(answer["orders"])[order["id"]]
    assert line["location"] == {"lat": 25.056, "lon": 116.442}
    assert (line["accepted"], line["on_scene"], line["declined"]) == (2, 1, 1)
    assert line["silent"] == len(order["targets"]) - 3
    assert line["headcount"] == 4 and line["incident_id"] == incident["id"]
    assert _by_id(answer["incidents"])[incident["id"]]["orders_open"] == 1
    assert _by_id(answer["incidents"])[incident["id"]]["location"] == {"lat": 25.05, "lon": 116.44}
    assert answer["truncated"] == []


def test_members_on_duty_stand_where_they_were_last_seen(auth, ids):
    member = auth("member4")
    member.post(
        "/api/v1/attendance/checkins",
        json={"id": str(uuid.uuid4()), "location": {"lat": 25.1, "lon": 116.5}},
    )
    mine = _by_id(auth("town1").get(MAP).json["members"])[ids["users"]["member4"]]
    assert mine["state"] == "on_duty" and mine["location"] == {"lat": 25.1, "lon": 116.5}
    assert mine["team_name"] and mine["display_name"]

    order = _order(auth, ids, checkin_interval_min=5)
    url = f"/api/v1/dispatches/{order['id']}"
    member.post(f"{url}/status", json={"status": "on_scene", "location": SCENE})
    later = {"lat": 25.0570, "lon": 116.4430}
    at = datetime.now(UTC) + timedelta(seconds=5)
    op = {
        "op_id": str(uuid.uuid4()),
        "type": "dispatch.ping",
        "at": at.isoformat(),
        "data": {"dispatch_id": order["id"], "location": later},
    }
    assert member.post("/api/v1/sync", json={"ops": [op]}).json["results"][0]["status"] == "applied"
    mine = _by_id(auth("town1").get(MAP).json["members"])[ids["users"]["member4"]]
    assert mine["state"] == "on_scene" and mine["dispatch_id"] == order["id"]
    assert mine["location"] == later and mine["overdue"] is False

    # Nobody off duty is on the map; a checked-out member leaves it.
    assert ids["users"]["member5"] not in _by_id(auth("town1").get(MAP).json["members"])


def test_an_overdue_accountability_checkin_is_red_on_the_map(auth, ids):
    order = _order(auth, ids, checkin_interval_min=5)
    arrived = {
        "op_id": str(uuid.uuid4()),
        "type": "dispatch.status",
        "at": (datetime.now(UTC) - timedelta(minutes=20)).isoformat(),
        "data": {"dispatch_id": order["id"], "status": "on_scene", "location": SCENE},
    }
    auth("member7").post("/api/v1/sync", json={"ops": [arrived]})
    answer = auth("town1").get(MAP).json
    assert _by_id(answer["orders"])[order["id"]]["overdue"] == 1
    assert _by_id(answer["members"])[ids["users"]["member7"]]["overdue"] is True


def test_closed_hazards_leave_the_map_and_shelters_show_occupancy(app, auth, ids):
    from server.reports.models import Report

    made = []
    for _ in range(2):
        rid = str(uuid.uuid4())
        resp = auth("officer1").post(
            "/api/v1/reports",
            json={
                "id": rid,
                "category": "geological",
                "description": "后山出现裂缝" * 20,
                "location": {"lat": 25.1, "lon": 116.5},
                "severity": "orange",
                "people_at_risk": 12,
            },
        )
        assert resp.status_code == 201
        made.append(rid)
    with app.app_context():
        db.session.execute(sa.update(Report).where(Report.id == uuid.UUID(made[1])).values(status="closed"))
        db.session.commit()
        db.session.remove()
    answer = auth("town1").get(MAP).json
    hazards = _by_id(answer["hazards"])
    assert made[0] in hazards and made[1] not in hazards
    assert len(hazards[made[0]]["description"]) == 80
    assert hazards[made[0]]["people_at_risk"] == 12
    shelter = _by_id(answer["shelters"])[ids["shelters"]["临城镇中心小学避灾安置点"]]
    assert shelter["capacity"] > 0 and shelter["occupancy"] == 0 and shelter["location"]


def test_layers_can_be_chosen_and_a_wrong_one_is_a_clear_error(auth):
    desk = auth("town1")
    only = desk.get(MAP + "?layers=shelters,incidents").json
    assert "shelters" in only and "incidents" in only and "hazards" not in only
    bad = desk.get(MAP + "?layers=shelters,tanks")
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    assert "incidents" in bad.json["detail"]


def test_a_layer_over_its_limit_is_cut_and_says_so(auth, monkeypatch):
    from server.mapview import service

    monkeypatch.setattr(service, "LIMIT", 3)
    answer = auth("duty").get(MAP + "?layers=shelters").json
    assert len(answer["shelters"]) == 3 and answer["truncated"] == ["shelters"]


def test_a_hazard_stays_on_the_map_in_every_state_of_its_life_until_closed_or_rejected(app, auth):
    """Walks the model's own list of states, so a state added later must be placed here."""
    from server.reports.models import STATUSES, Report

    rid = str(uuid.uuid4())
    body = {
        "id": rid,
        "category": "flood",
        "description": "河堤渗水",
        "location": {"lat": 25.1, "lon": 116.5},
    }
    assert auth("officer1").post("/api/v1/reports", json=body).status_code == 201
    seen = {}
    for status in STATUSES:
        with app.app_context():
            db.session.execute(sa.update(Report).where(Report.id == uuid.UUID(rid)).values(status=status))
            db.session.commit()
            db.session.remove()
        seen[status] = rid in _by_id(auth("town1").get(MAP + "?layers=hazards").json["hazards"])
    assert seen == {s: s not in ("closed", "rejected") for s in STATUSES}


def test_a_full_hazard_layer_keeps_the_gravest_colours_first(auth, monkeypatch):
    """Cut at its limit, the layer drops the newest blue ones, never an older red one."""
    from server.mapview import service

    from ..sync.helpers import batch, report_op

    member = auth("member1")
    # Oldest first: a red, an unrated, then blues and yellows.
    start = datetime.now(UTC) - timedelta(hours=1)
    for n, colour in enumerate(("red", None, "yellow", "blue", "blue", "orange", "blue")):
        op = report_op(severity=colour)
        op["at"] = (start + timedelta(minutes=n)).isoformat()
        assert member.post("/api/v1/sync", json=batch(op)).json["results"][0]["status"] == "applied"
    monkeypatch.setattr(service, "LIMIT", 4)
    answer = auth("town1").get(MAP + "?layers=hazards").json
    assert [h["severity"] for h in answer["hazards"]] == ["red", "orange", "yellow", "blue"]
    assert answer["truncated"] == ["hazards"]
    monkeypatch.setattr(service, "LIMIT", 500)
    answer = auth("town1").get(MAP + "?layers=hazards").json
    colours = [h["severity"] for h in answer["hazards"]]
    assert colours == ["red", "orange", "yellow", "blue", "blue", "blue", None]
    blues = [h["reported_at"] for h in answer["hazards"] if h["severity"] == "blue"]
    assert blues == sorted(blues, reverse=True) and answer["truncated"] == []
