"""The demo county a fresh `make run` shows: hazard reports along their life and a typhoon event
with an initial report, loaded through the same services the API uses, and loaded once."""

import sqlalchemy as sa

from server.demo.load import load_demo
from server.disasters.models import DisasterEvent, SituationReport
from server.extensions import db
from server.reports.models import Report


def _state():
    reports = {
        r.description[:6]: (r.status, r.severity, r.responsible_unit)
        for r in db.session.scalars(sa.select(Report))
    }
    events = [(e.name, e.closed_at) for e in db.session.scalars(sa.select(DisasterEvent))]
    filed = db.session.scalar(sa.select(sa.func.count()).select_from(SituationReport))
    return reports, events, filed


def test_the_demo_stories_load_once_through_the_services(app, auth):
    with app.app_context():
        counts = load_demo()
        first = _state()
        again = load_demo()
        assert _state() == first and again == counts
        db.session.remove()
    reports, events, filed = first
    assert sorted(reports.values(), key=str) == sorted(
        [("reported", None, None), ("rectifying", "orange", "临城镇水利站"), ("verified", "yellow", None)],
        key=str,
    )
    assert [name for name, closed in events if closed is None] == ["第22号台风“山竹”"] and filed == 1
    # What the people they belong to see through the API.
    mine = auth("officer1").get("/api/v1/reports").json["items"]
    assert {r["status"] for r in mine} == {"reported", "rectifying"}
    assert auth("town2").get("/api/v1/reports").json["total"] == 1
    event = auth("officer1").get("/api/v1/disaster-events").json["items"][0]
    detail = auth("duty").get(f"/api/v1/disaster-events/{event['id']}").json
    assert [r["kind"] for r in detail["reports"]] == ["initial"]
