"""Locations that cannot be right (0,0, the poles, a point far outside the area) are refused by
every door that takes one, with a 422 that names the field; any point inside is taken."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.config import DEFAULT_LOCATION_BOUNDS, parse_bounds

from ..sync.helpers import batch, checkin_op, report_op

SOUTH, WEST, NORTH, EAST = DEFAULT_LOCATION_BOUNDS
_lat = st.floats(-90, 90, allow_nan=False)
_lon = st.floats(-180, 180, allow_nan=False)
OUTSIDE = st.one_of(
    st.tuples(st.floats(-90, SOUTH, exclude_max=True), _lon),
    st.tuples(st.floats(NORTH, 90, exclude_min=True), _lon),
    st.tuples(_lat, st.floats(-180, WEST, exclude_max=True)),
    st.tuples(_lat, st.floats(EAST, 180, exclude_min=True)),
)
INSIDE = st.tuples(st.floats(SOUTH, NORTH), st.floats(WEST, EAST))
HTTP_PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _report(lat, lon):
    return {
        "id": str(uuid.uuid4()),
        "category": "flood",
        "description": "桥下水位上涨",
        "location": {"lat": lat, "lon": lon},
    }


@HTTP_PROPERTY
@given(point=OUTSIDE)
def test_a_report_outside_the_area_is_refused_over_rest(auth, point):
    resp = auth("member1").post("/api/v1/reports", json=_report(*point))
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert list(resp.json["errors"]) == ["location"]


@HTTP_PROPERTY
@given(point=INSIDE)
def test_a_report_inside_the_area_is_taken_over_rest(auth, point):
    resp = auth("member1").post("/api/v1/reports", json=_report(*point))
    assert resp.status_code == 201, resp.json
    assert (resp.json["location"]["lat"], resp.json["location"]["lon"]) == point


@HTTP_PROPERTY
@given(outside=OUTSIDE, inside=INSIDE)
def test_a_synced_report_outside_the_area_is_rejected_and_the_next_op_still_applies(auth, outside, inside):
    bad = report_op(location={"lat": outside[0], "lon": outside[1]})
    good = report_op(location={"lat": inside[0], "lon": inside[1]})
    resp = auth("officer1").post("/api/v1/sync", json=batch(bad, good))
    assert resp.status_code == 200
    refused, taken = resp.json["results"]
    assert refused["status"] == "rejected" and list(refused["error"]["errors"]) == ["location"]
    assert taken["status"] == "applied", taken


def test_zero_zero_is_refused_as_no_position_fix_not_as_out_of_the_area(auth):
    resp = auth("member1").post("/api/v1/reports", json=_report(0, 0))
    assert resp.status_code == 422
    (message,) = resp.json["errors"]["location"]["_schema"]
    assert "0,0" in message and "outside" not in message
    elsewhere = auth("member1").post("/api/v1/reports", json=_report(-33.9, 151.2))
    assert "outside the area" in elsewhere.json["errors"]["location"]["_schema"][0]


def test_zero_zero_is_refused_even_where_the_area_would_hold_it(app, auth, monkeypatch):
    monkeypatch.setitem(app.config, "LOCATION_BOUNDS", (-10.0, -10.0, 60.0, 140.0))
    assert auth("member1").post("/api/v1/reports", json=_report(0.0, 0.0)).status_code == 422
    assert auth("member1").post("/api/v1/reports", json=_report(0.0, 0.5)).status_code == 201


def test_a_county_deployment_refuses_a_point_thousands_of_km_away(app, auth, monkeypatch):
    # 上杭县 and a margin: Beijing is inside the country's box but not the county's.
    monkeypatch.setitem(app.config, "LOCATION_BOUNDS", parse_bounds("24.4,116.1,25.6,116.9"))
    beijing = auth("member1").post("/api/v1/reports", json=_report(39.9, 116.4))
    assert beijing.status_code == 422 and "location" in beijing.json["errors"]
    assert auth("member1").post("/api/v1/reports", json=_report(25.05, 116.43)).status_code == 201


@pytest.mark.parametrize("raw", ["", "1,2,3", "a,b,c,d", "50,73,10,135", "3,140,50,73", "-91,0,10,10"])
def test_a_bad_bounds_setting_stops_the_app_instead_of_refusing_every_report(raw):
    with pytest.raises(RuntimeError, match="LOCATION_BOUNDS"):
        parse_bounds(raw)


NORTH_POLE, NULL_ISLAND = {"lat": 90, "lon": 0}, {"lat": 0, "lon": 0}


@pytest.mark.parametrize("where", [NORTH_POLE, NULL_ISLAND], ids=["north pole", "0,0"])
def test_every_door_that_takes_a_location_refuses_one_that_cannot_be_right(auth, ids, where):
    desk, member, town = auth("town1"), auth("member1"), ids["regions"]["临城镇"]
    team = ids["teams"][town]
    order = desk.post(
        "/api/v1/dispatches",
        json={"title": "转移群众", "location": {"lat": 25.05, "lon": 116.43}, "team_ids": [team]},
    )
    assert order.status_code == 201, order.json
    url = f"/api/v1/dispatches/{order.json['id']}"
    refused = {
        "incident": desk.post("/api/v1/incidents", json={"kind": "flood", "title": "涝", "location": where}),
        "order": desk.post("/api/v1/dispatches", json={"title": "t", "location": where, "team_ids": [team]}),
        "muster": desk.post(
            "/api/v1/dispatches",
            json={"title": "t", "location": {"lat": 25.05, "lon": 116.43}, "team_ids": [team]}
            | {"muster_location": where},
        ),
        "status": member.post(f"{url}/status", json={"status": "en_route", "location": where}),
        "ping": member.post(f"{url}/ping", json={"location": where}),
        "checkin": member.post(
            "/api/v1/attendance/checkins", json={"id": str(uuid.uuid4())} | {"location": where}
        ),
        "shelter": auth("admin").post(
            "/api/v1/shelters",
            json={"name": "新安置点", "kind": "village", "region_id": town, "location": where, "capacity": 5},
        ),
        "region": auth("admin").post(
            "/api/v1/regions",
            json={"parent_id": town, "code": "350823999001", "name": "新村", "level": "village"}
            | {"lat": where["lat"], "lon": where["lon"]},
        ),
    }
    field = {"muster": "muster_location", "region": "lat"}
    for door, resp in refused.items():
        assert resp.status_code == 422, (door, resp.status_code, resp.json)
        assert field.get(door, "location") in resp.json["errors"], (door, resp.json)
    (synced,) = member.post("/api/v1/sync", json=batch(checkin_op(location=where))).json["results"]
    assert synced["status"] == "rejected" and "location" in synced["error"]["errors"]
