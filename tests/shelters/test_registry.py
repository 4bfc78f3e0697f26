"""The registry's richer side: managers, contact phone, supplies, and opening and closing with
who and when; a manager runs their own shelter and nothing else."""

import sqlalchemy as sa

from server.core.audit import AuditEntry
from server.extensions import db
from server.shelters.models import ShelterEvent

from .helpers import EMPTY, family

T1 = "临城镇"


def _new(auth, ids, **over):
    body = {
        "name": "城东村村委会避灾点",
        "kind": "village",
        "region_id": ids["regions"][T1],
        "location": {"lat": 25.0525, "lon": 116.4251},
        "capacity": 10,
        **over,
    }
    resp = auth("town1").post("/api/v1/shelters", json=body)
    assert resp.status_code == 201, resp.json
    return resp.json


def test_a_shelter_has_managers_a_contact_phone_and_supplies_with_units(auth, ids):
    made = _new(
        auth,
        ids,
        manager_ids=[ids["users"]["shelter1"], ids["users"]["captain1"]],
        contact_phone="138 0000 5009",
        supplies={"water": 300, "food": 200, "bedding": 50, "medicine": 4},
    )
    assert set(made["manager_ids"]) == {ids["users"]["shelter1"], ids["users"]["captain1"]}
    assert made["manager_id"] in made["manager_ids"]
    assert made["contact_phone"] == "+8613800005009"
    assert made["supplies"]["water"] == {"quantity": 300, "unit": "L"}
    assert made["supplies"]["medicine"] == {"quantity": 4, "unit": "kits"}
    # The one-manager field still works, and replaces the list.
    again = auth("town1").patch(
        f"/api/v1/shelters/{made['id']}", json={"manager_id": ids["users"]["shelter1"]}
    )
    assert again.json["manager_ids"] == [ids["users"]["shelter1"]]


def test_a_manager_outside_the_area_or_a_negative_supply_is_refused(auth, ids):
    resp = auth("town1").post(
        "/api/v1/shelters",
        json={
            "name": "x",
            "kind": "village",
            "region_id": ids["regions"][T1],
            "location": {"lat": 25.05, "lon": 116.42},
            "capacity": 10,
            "manager_ids": [ids["users"]["captain2"]],
        },
    )
    assert resp.status_code == 422 and "manager_ids" in resp.json["errors"]
    made = _new(auth, ids)
    resp = auth("town1").patch(f"/api/v1/shelters/{made['id']}", json={"supplies": {"water": -1}})
    assert resp.status_code == 422 and "supplies" in resp.json["errors"]


def test_a_manager_opens_and_closes_their_shelter_and_each_step_is_recorded_with_who_and_when(app, auth, ids):
    made = _new(auth, ids, manager_ids=[ids["users"]["shelter1"]])
    manager = auth("shelter1")
    opened = manager.post(f"/api/v1/shelters/{made['id']}/open")
    assert opened.status_code == 200 and opened.json["status"] == "open"
    assert manager.post(f"/api/v1/shelters/{made['id']}/open").json["status"] == "open"  # no second event
    closed = manager.post(f"/api/v1/shelters/{made['id']}/close")
    assert closed.json["status"] == "closed" and closed.json["closed_at"]
    events = auth("town1").get(f"/api/v1/shelters/{made['id']}/events").json["items"]
    assert [e["kind"] for e in events] == ["close", "open"]
    assert {e["actor_id"] for e in events} == {ids["users"]["shelter1"]} and all(e["at"] for e in events)
    # The manager reads the same list, with who by name (they may not read the users list).
    own = manager.get(f"/api/v1/shelters/{made['id']}/events").json["items"]
    assert own == events
    name = auth("town1").get(f"/api/v1/users/{ids['users']['shelter1']}").json["display_name"]
    assert name and {e["actor_name"] for e in events} == {name}
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(
                AuditEntry.entity_id == made["id"], AuditEntry.action.like("shelter.%")
            )
        ).all()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ShelterEvent)) >= 2
        db.session.remove()
    assert {"shelter.open", "shelter.close"} <= set(actions)


def test_a_manager_updates_supplies_but_changes_nothing_else_and_not_another_shelter(auth, ids):
    mine = _new(auth, ids, manager_ids=[ids["users"]["shelter1"]])
    theirs = _new(auth, ids, name="别的避灾点")
    manager = auth("shelter1")
    resp = manager.put(f"/api/v1/shelters/{mine['id']}/supplies", json={"water": 80, "bedding": 12})
    assert resp.status_code == 200
    assert (resp.json["supplies"]["water"]["quantity"], resp.json["supplies"]["bedding"]["quantity"]) == (
        80,
        12,
    )
    assert manager.put(f"/api/v1/shelters/{mine['id']}/supplies", json={"water": "lots"}).status_code == 422
    assert manager.patch(f"/api/v1/shelters/{mine['id']}", json={"capacity": 9999}).status_code == 403
    assert manager.put(f"/api/v1/shelters/{theirs['id']}/supplies", json={"water": 1}).status_code == 403
    assert manager.post(f"/api/v1/shelters/{theirs['id']}/open").status_code == 403
    assert auth("captain1").post(f"/api/v1/shelters/{mine['id']}/open").status_code == 403


def test_capacity_cannot_go_below_the_people_inside_and_a_change_of_capacity_moves_the_state(auth, ids):
    shelter = ids["shelters"][EMPTY]
    auth("town1").post(f"/api/v1/shelters/{shelter}/checkins", json=family(household_size=6))
    low = auth("town1").patch(f"/api/v1/shelters/{shelter}", json={"capacity": 5})
    assert low.status_code == 422 and "capacity" in low.json["errors"]
    full = auth("town1").patch(f"/api/v1/shelters/{shelter}", json={"capacity": 6})
    assert (full.json["status"], full.json["places_left"]) == ("full", 0)
    roomy = auth("town1").patch(f"/api/v1/shelters/{shelter}", json={"capacity": 20})
    assert (roomy.json["status"], roomy.json["places_left"]) == ("open", 14)


def test_a_shelter_people_stayed_in_is_closed_not_deleted(auth, ids):
    made = _new(auth, ids, status="open")
    cid = (
        auth("town1")
        .post(f"/api/v1/shelters/{made['id']}/checkins", json=family(household_size=1))
        .json["id"]
    )
    occupied = auth("admin").delete(f"/api/v1/shelters/{made['id']}")
    assert occupied.status_code == 409 and occupied.json["type"].endswith("/shelter-occupied")
    auth("town1").post(f"/api/v1/shelters/{made['id']}/checkins/{cid}/checkout")
    had_people = auth("admin").delete(f"/api/v1/shelters/{made['id']}")
    assert had_people.status_code == 409 and had_people.json["type"].endswith("/shelter-has-records")
    assert auth("town1").delete(f"/api/v1/shelters/{made['id']}").status_code == 403
