"""Hazard reports over REST: the online twin of report.create, and the desk's filters."""

import uuid

from ..sync.helpers import batch, report_op


def _body(**over):
    body = {
        "id": str(uuid.uuid4()),
        "category": "flood",
        "description": "桥下水位上涨",
        "location": {"lat": 25.05, "lon": 116.43},
    }
    body.update(over)
    return body


def test_the_same_report_posted_twice_is_created_once(auth):
    member = auth("member1")
    body = _body()
    assert member.post("/api/v1/reports", json=body).status_code == 201
    again = member.post("/api/v1/reports", json=body)
    assert again.status_code == 200 and again.json["id"] == body["id"]
    other = member.post("/api/v1/reports", json={**body, "description": "别的内容"})
    assert other.status_code == 409 and other.mimetype == "application/problem+json"
    assert auth("town1").get("/api/v1/reports").json["total"] == 1


def test_a_report_made_online_and_then_synced_with_another_op_id_is_not_doubled(auth):
    member = auth("member1")
    op = report_op()
    assert member.post("/api/v1/reports", json=op["data"]).status_code == 201
    (result,) = member.post("/api/v1/sync", json=batch(op)).json["results"]
    assert result["status"] == "applied" and result["entity"]["id"] == op["data"]["id"]
    assert auth("town1").get("/api/v1/reports").json["total"] == 1


def test_the_desk_filters_by_category_status_time_region_and_own(auth, ids):
    auth("member1").post("/api/v1/reports", json=_body(category="flood"))
    auth("member2").post("/api/v1/reports", json=_body(category="forest_fire"))
    auth("officer1").post("/api/v1/reports", json=_body(category="geological"))
    desk = auth("town1")
    assert desk.get("/api/v1/reports").json["total"] == 3
    assert desk.get("/api/v1/reports?category=forest_fire").json["total"] == 1
    assert desk.get("/api/v1/reports?status=reported").json["total"] == 3
    assert desk.get("/api/v1/reports?status=closed").json["total"] == 0
    village = ids["regions"]["城东村"]
    assert desk.get(f"/api/v1/reports?region_id={village}").json["total"] == 1
    assert desk.get("/api/v1/reports?since=2000-01-01T00:00:00%2B08:00").json["total"] == 3
    assert desk.get("/api/v1/reports?until=2000-01-01T00:00:00%2B08:00").json["total"] == 0
    assert auth("member1").get("/api/v1/reports?mine=true").json["total"] == 1


def test_bad_filters_are_422_problems(auth):
    desk = auth("town1")
    for query in (
        "category=volcano",
        "status=lost",
        "since=yesterday",
        "since=2026-01-01T00:00:00",
        "region_id=x",
    ):
        resp = desk.get(f"/api/v1/reports?{query}")
        assert resp.status_code == 422, query
        assert resp.mimetype == "application/problem+json"


def test_bad_reports_are_refused_field_by_field(auth):
    resp = auth("member1").post(
        "/api/v1/reports",
        json=_body(id="nope", category="x", description="", location={"lat": 91, "lon": 0}, severity="pink"),
    )
    assert resp.status_code == 422
    assert {"id", "category", "description", "location", "severity"} <= set(resp.json["errors"])
