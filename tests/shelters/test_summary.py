"""The desk's shelter summary: open shelters, people sheltered, places left, full and nearly full,
for the caller's region and per region directly below it, summed up the tree; figures agree with
the registry the same caller lists, whatever the shelters hold."""

import uuid

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.shelters.models import Shelter

from .helpers import EMPTY, family

SUMMARY = "/api/v1/shelters/summary"
FIGURES = ("open", "people", "places_left", "full", "near_full")


def _expected(shelters: list[dict]) -> dict:
    """The figures counted the long way, shelter by shelter, from the registry's own answer."""
    out = dict.fromkeys(FIGURES, 0)
    for s in shelters:
        out["people"] += s["occupancy"]
        if s["status"] == "closed":
            continue
        out["open"] += 1
        is_full = s["status"] == "full" or s["occupancy"] >= s["capacity"]
        if s["status"] == "open":
            out["places_left"] += s["capacity"] - s["occupancy"]
        if is_full:
            out["full"] += 1
        elif s["occupancy"] * 10 >= s["capacity"] * 9:
            out["near_full"] += 1
    return out


def _registry(client) -> tuple[list[dict], dict[int, int | None]]:
    shelters = client.get("/api/v1/shelters?limit=200").json["items"]
    regions = {r["id"]: r["parent_id"] for r in client.get("/api/v1/regions").json["items"]}
    return shelters, regions


def _under(region_id, top, parents) -> bool:
    while region_id is not None:
        if region_id == top:
            return True
        region_id = parents.get(region_id)
    return False


def _check(client):
    resp = client.get(SUMMARY)
    assert resp.status_code == 200, resp.json
    body = resp.json
    shelters, parents = _registry(client)
    assert body["total"] == _expected(shelters)
    for child in body["regions"]:
        assert parents[child["id"]] == body["region"]["id"]
        mine = [s for s in shelters if _under(s["region_id"], child["id"], parents)]
        assert {k: child[k] for k in FIGURES} == _expected(mine), child["name"]
    assert {c["id"] for c in body["regions"]} == {r for r, p in parents.items() if p == body["region"]["id"]}
    return body


def test_the_county_desk_sees_every_township_and_a_township_desk_only_its_own(auth, ids):
    county = _check(auth("duty"))
    assert county["region"]["name"] == "上杭县"
    assert [c["name"] for c in county["regions"]] == ["临城镇", "古田镇", "才溪镇"]
    # The demo: township 1's three shelters are open, four families in the gym (10 people).
    assert county["total"]["open"] == 3 and county["total"]["people"] == 10
    town1 = next(c for c in county["regions"] if c["name"] == "临城镇")
    assert town1["open"] == 3 and town1["people"] == 10 and town1["places_left"] == 400 + 120 + 1500 - 10
    assert all(c["open"] == 0 for c in county["regions"] if c["name"] != "临城镇")

    township = _check(auth("town1"))
    assert township["region"]["name"] == "临城镇" and township["total"] == {k: town1[k] for k in FIGURES}
    assert _check(auth("town2"))["total"] == dict.fromkeys(FIGURES, 0)


def test_nearly_full_and_full_are_counted_apart_and_follow_check_ins(app, auth, ids):
    desk = auth("town1")
    shelter = ids["shelters"][EMPTY]
    with app.app_context():
        db.session.execute(sa.update(Shelter).where(Shelter.id == uuid.UUID(shelter)).values(capacity=10))
        db.session.commit()
        db.session.remove()
    before = _check(desk)["total"]
    assert desk.post(f"/api/v1/shelters/{shelter}/checkins", json=family(household_size=9)).status_code == 201
    near = _check(desk)["total"]
    assert (near["near_full"], near["full"], near["people"]) == (1, 0, before["people"] + 9)
    assert near["places_left"] == before["places_left"] - 9
    assert desk.post(f"/api/v1/shelters/{shelter}/checkins", json=family(household_size=1)).status_code == 201
    full = _check(desk)["total"]
    assert (full["near_full"], full["full"], full["open"]) == (0, 1, before["open"])


def test_only_the_desk_may_ask(auth):
    for username in ("member1", "captain1", "officer1", "shelter1"):
        resp = auth(username).get(SUMMARY)
        assert resp.status_code == 403 and resp.mimetype == "application/problem+json", username
    assert auth("duty").get(SUMMARY + "?region_id=9999&x=1").status_code == 200  # nothing to choose


STATE = st.tuples(
    st.sampled_from(["open", "closed"]),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=60),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=st.lists(STATE, min_size=6, max_size=6))
def test_the_summary_agrees_with_the_registry_whatever_the_shelters_hold(app, auth, ids, states):
    """Any capacities, occupancies and open/closed states (full where a check-in would leave it)."""
    with app.app_context():
        rows = db.session.scalars(sa.select(Shelter).order_by(Shelter.name)).all()
        for shelter, (state, capacity, occupancy) in zip(rows, states, strict=True):
            shelter.capacity, shelter.occupancy = capacity, min(occupancy, capacity)
            shelter.status = state if state == "closed" or shelter.occupancy < capacity else "full"
        db.session.commit()
        db.session.remove()
    for username in ("duty", "town1", "town2", "admin"):
        _check(auth(username))
