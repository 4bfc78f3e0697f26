"""Equipment fixtures: the clock under the test's control, items and orders of township 1's team."""

import uuid
from datetime import UTC, datetime

import pytest

T1, T2 = "临城镇", "古田镇"


@pytest.fixture()
def clock(monkeypatch):
    """China 2026-12-02 10:00 unless a test moves it."""
    state = {"now": datetime(2026, 12, 2, 2, 0, tzinfo=UTC)}
    monkeypatch.setattr("server.equipment.routes.utcnow", lambda: state["now"])
    monkeypatch.setattr("server.teams.profile_routes.utcnow", lambda: state["now"])
    return state


@pytest.fixture()
def team1(ids):
    return ids["teams"][ids["regions"][T1]]


@pytest.fixture()
def team2(ids):
    return ids["teams"][ids["regions"][T2]]


@pytest.fixture()
def make_item(auth, team1):
    def make(team=None, by="captain1", **over):
        body = {
            "name": "救生衣",
            "category": "water",
            "standard": "GB/T 32227",
            "serial": f"LJ-{uuid.uuid4().hex[:6]}",
            "maintenance_interval_days": 90,
            **over,
        }
        resp = auth(by).post(f"/api/v1/teams/{team or team1}/equipment", json=body)
        assert resp.status_code == 201, resp.json
        return resp.json

    return make


@pytest.fixture()
def make_order(auth, ids):
    def make(town=T1, desk="town1"):
        team = ids["teams"][ids["regions"][town]]
        body = {
            "title": "城东村山体滑坡，转移群众",
            "location": {"lat": 25.056, "lon": 116.442},
            "region_id": ids["regions"][town],
            "team_ids": [team],
        }
        resp = auth(desk).post("/api/v1/dispatches", json=body)
        assert resp.status_code == 201, resp.json
        return resp.json["id"]

    return make
