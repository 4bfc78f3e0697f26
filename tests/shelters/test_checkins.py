"""Checking families in and out through the public page's JSON twin, the kiosk's sync ops and
the desk's REST door: counted once, never past capacity, never into a closed shelter."""

import uuid

import pytest
import sqlalchemy as sa

from server.core.audit import AuditEntry
from server.extensions import db
from server.shelters.models import ShelterCheckin

from ..dbstate import committed_rows
from ..sync.helpers import batch
from .helpers import (
    EMPTY,
    GYM,
    OTHER_TOWN,
    SYNC,
    code_of,
    family,
    kiosk_checkin,
    kiosk_checkout,
    people_in,
    set_capacity,
    shelter_row,
)

PROBLEM = "application/problem+json"


def _public(client, app, ids, where=EMPTY, **body):
    return client.post(f"/api/v1/public/shelters/{code_of(app, ids['shelters'][where])}/checkins", json=body)


def test_a_family_checks_in_without_an_account_and_the_same_id_again_counts_once(app, client, ids):
    shelter = ids["shelters"][EMPTY]
    body = family(household_size=4, needs=["elderly", "children"])
    first = _public(client, app, ids, **body)
    assert first.status_code == 201, first.json
    assert (first.json["id"], first.json["household_size"], first.json["occupancy"]) == (body["id"], 4, 4)
    assert "name" not in first.json and "phone" not in first.json and first.json["receipt_token"]
    again = _public(client, app, ids, **body)
    assert again.status_code == 200 and again.json == first.json
    assert shelter_row(app, shelter).occupancy == 4 == people_in(app, shelter)


def test_the_receipt_token_holds_the_check_in_id_and_no_personal_data(app, client, ids):
    import base64

    body = family(name="赵明", phone="13912345678")
    token = _public(client, app, ids, **body).json["receipt_token"]
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert body["id"] in decoded and "赵明" not in decoded and "5678" not in decoded


def test_the_desk_checks_a_family_in_and_out_and_a_second_check_out_changes_nothing(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    desk = auth("shelter1")
    made = desk.post(f"/api/v1/shelters/{shelter}/checkins", json=family(household_size=5))
    assert made.status_code == 201 and made.json["source"] == "rest"
    out = desk.post(f"/api/v1/shelters/{shelter}/checkins/{made.json['id']}/checkout")
    assert out.status_code == 200 and out.json["checked_out_at"] and out.json["occupancy"] == 0
    before = committed_rows(app)
    twice = desk.post(f"/api/v1/shelters/{shelter}/checkins/{made.json['id']}/checkout")
    assert twice.status_code == 200 and twice.json["checked_out_at"] == out.json["checked_out_at"]
    assert committed_rows(app) == before
    assert shelter_row(app, shelter).occupancy == 0


def test_checking_out_another_shelters_check_in_is_refused_and_changes_nothing(app, auth, ids):
    empty, gym = ids["shelters"][EMPTY], ids["shelters"][GYM]
    desk = auth("shelter1")
    made = desk.post(f"/api/v1/shelters/{gym}/checkins", json=family(household_size=2)).json
    before = committed_rows(app)
    wrong = desk.post(f"/api/v1/shelters/{empty}/checkins/{made['id']}/checkout")
    assert wrong.status_code == 409 and wrong.json["type"].endswith("/wrong-shelter")
    (result,) = desk.post(SYNC, json=batch(kiosk_checkout(checkin_id=made["id"], shelter_id=empty))).json[
        "results"
    ]
    assert result["status"] == "rejected" and result["error"]["type"].endswith("/wrong-shelter")
    assert changed_only_ledger(before, committed_rows(app))


def changed_only_ledger(before, after) -> bool:
    from ..dbstate import changed_tables

    return changed_tables(before, after) <= {"sync_ops"}


def test_a_manager_cannot_check_people_in_or_out_of_a_shelter_they_do_not_run(app, auth, ids):
    other = ids["shelters"]["城东村文化礼堂"]  # township 1, open, no manager
    resp = auth("shelter1").post(f"/api/v1/shelters/{other}/checkins", json=family())
    assert resp.status_code == 403 and resp.mimetype == PROBLEM
    (result,) = auth("shelter1").post(SYNC, json=batch(kiosk_checkin(other))).json["results"]
    assert result["status"] == "rejected" and result["error"]["status"] == 403
    made = auth("town1").post(f"/api/v1/shelters/{other}/checkins", json=family()).json
    (result,) = auth("shelter1").post(SYNC, json=batch(kiosk_checkout(checkin_id=made["id"]))).json["results"]
    assert result["status"] == "rejected" and result["error"]["status"] == 403
    assert people_in(app, other) == shelter_row(app, other).occupancy == 3


def test_a_check_in_into_a_closed_shelter_is_refused_as_shelter_closed(app, auth, client, ids):
    closed = ids["shelters"][OTHER_TOWN]
    desk = auth("town2")
    before = committed_rows(app)
    resp = _public(client, app, ids, where=OTHER_TOWN, **family())
    assert resp.status_code == 409 and resp.json["type"].endswith("/shelter-closed")
    resp = desk.post(f"/api/v1/shelters/{closed}/checkins", json=family())
    assert resp.status_code == 409 and resp.json["type"].endswith("/shelter-closed")
    assert committed_rows(app) == before


def test_a_shelter_turns_full_at_capacity_refuses_more_and_opens_again_below_it(app, auth, client, ids):
    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 6)
    first = _public(client, app, ids, **family(household_size=4))
    assert first.status_code == 201 and first.json["shelter_status"] == "open"
    too_many = _public(client, app, ids, **family(household_size=3))
    assert too_many.status_code == 409 and too_many.json["type"].endswith("/shelter-full")
    assert too_many.json["places_left"] == 2
    last = _public(client, app, ids, **family(household_size=2))
    assert last.status_code == 201 and last.json["shelter_status"] == "full"
    assert auth("town1").get(f"/api/v1/shelters/{shelter}").json["status"] == "full"
    full = _public(client, app, ids, **family(household_size=1))
    assert full.status_code == 409 and full.json["type"].endswith("/shelter-full")
    out = auth("shelter1").post(f"/api/v1/shelters/{shelter}/checkins/{last.json['id']}/checkout")
    assert out.json["shelter_status"] == "open" and out.json["occupancy"] == 4
    assert people_in(app, shelter) == shelter_row(app, shelter).occupancy == 4


def test_the_kiosk_checks_in_and_out_by_receipt_exactly_once_however_often_it_resends(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    kiosk = auth("shelter1")
    checkin = kiosk_checkin(shelter, household_size=3)
    (first,) = kiosk.post(SYNC, json=batch(checkin)).json["results"]
    assert first["status"] == "applied" and first["entity"]["source"] == "kiosk"
    token = first["entity"]["receipt_token"]
    checkout = kiosk_checkout(token=token)
    results = kiosk.post(SYNC, json=batch(checkin, checkout, checkout, checkin)).json["results"]
    assert [r["status"] for r in results] == ["duplicate", "applied", "duplicate", "duplicate"]
    assert results[1]["entity"]["checked_out_at"] and results[1]["entity"]["occupancy"] == 0
    # The same check-in sent again under a new op id (a second phone queued it): still one.
    again = {**checkin, "op_id": str(uuid.uuid4())}
    (result,) = kiosk.post(SYNC, json=batch(again)).json["results"]
    assert result["status"] == "applied" and result["entity"]["id"] == checkin["data"]["id"]
    assert shelter_row(app, shelter).occupancy == 0 == people_in(app, shelter)


def test_a_forged_receipt_is_refused(app, auth, ids):
    (result,) = (
        auth("shelter1").post(SYNC, json=batch(kiosk_checkout(token="eyJhIjoxfQ.forged"))).json["results"]
    )
    assert result["status"] == "rejected" and result["error"]["type"].endswith("/bad-receipt")


def test_one_id_used_for_two_shelters_is_a_conflict(app, auth, client, ids):
    body = family()
    assert _public(client, app, ids, **body).status_code == 201
    resp = _public(client, app, ids, where=GYM, **body)
    assert resp.status_code == 409 and resp.json["type"].endswith("/conflict")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"household_size": 0}, "household_size"),
        ({"household_size": -2}, "household_size"),
        ({"household_size": 51}, "household_size"),
        ({"household_size": "3"}, "household_size"),
        ({"name": None}, "name"),
        ({"name": "   "}, "name"),
        ({"phone": "0597-8881234"}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+12025550123"}, "phone"),
        ({"id": "not-a-uuid"}, "id"),
        ({"needs": ["wifi"]}, "needs"),
        ({"name": "王" * (2 * 1024 * 1024)}, "name"),
    ],
)
def test_bad_input_at_the_public_door_answers_422_and_changes_nothing(app, client, ids, change, field):
    body = {k: v for k, v in {**family(), **change}.items() if v is not None}
    before = committed_rows(app)
    resp = _public(client, app, ids, **body)
    assert resp.status_code == 422 and resp.mimetype == PROBLEM, resp.status_code
    assert field in resp.json["errors"]
    assert committed_rows(app) == before


def test_a_missing_name_or_household_is_refused_at_every_door(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    for missing in ("name", "household_size"):
        body = {k: v for k, v in family().items() if k != missing}
        resp = auth("shelter1").post(f"/api/v1/shelters/{shelter}/checkins", json=body)
        assert resp.status_code == 422 and missing in resp.json["errors"]
        op = kiosk_checkin(shelter)
        del op["data"][missing]
        (result,) = auth("shelter1").post(SYNC, json=batch(op)).json["results"]
        assert result["status"] == "rejected" and missing in result["error"]["errors"]
    assert shelter_row(app, shelter).occupancy == 0


def test_an_unknown_code_answers_404_and_a_body_that_is_not_an_object_422(app, client, ids):
    for code in ("NOSUCH22", "x" * 300, "%00"):
        resp = client.post(f"/api/v1/public/shelters/{code}/checkins", json=family())
        assert resp.status_code == 404 and resp.mimetype == PROBLEM
        assert client.get(f"/api/v1/public/shelters/{code}").status_code == 404
    resp = client.post(f"/api/v1/public/shelters/{code_of(app, ids['shelters'][EMPTY])}/checkins", json=[1])
    assert resp.status_code in (400, 422) and resp.mimetype == PROBLEM


def test_a_phone_is_kept_as_e164_whichever_way_it_was_typed(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    made = (
        auth("shelter1").post(f"/api/v1/shelters/{shelter}/checkins", json=family(phone="138 1234 5678")).json
    )
    with app.app_context():
        assert db.session.get(ShelterCheckin, uuid.UUID(made["id"])).phone == "+8613812345678"
        db.session.remove()


def test_the_public_door_is_rate_limited_per_address_and_per_shelter_as_problem_json(
    app, client, ids, monkeypatch
):
    monkeypatch.setitem(app.config, "SHELTER_CHECKIN_ADDRESS_RATE_LIMIT", "3/minute")
    monkeypatch.setitem(app.config, "SHELTER_CHECKIN_SHELTER_RATE_LIMIT", "5/minute")
    for _ in range(3):
        assert _public(client, app, ids, **family(household_size=1)).status_code == 201
    limited = _public(client, app, ids, **family(household_size=1))
    assert limited.status_code == 429 and limited.mimetype == PROBLEM and limited.headers["Retry-After"]
    assert limited.json["type"].endswith("/rate-limited")
    # Another address still gets in, until the shelter's own limit.
    path = f"/api/v1/public/shelters/{code_of(app, ids['shelters'][EMPTY])}/checkins"
    other = {"REMOTE_ADDR": "10.1.2.3"}
    answers = [
        client.post(path, json=family(household_size=1), environ_base=other).status_code for _ in range(5)
    ]
    assert answers[0] == 201 and 429 in answers and set(answers) == {201, 429}
    assert 3 + answers.count(201) <= 5
    assert shelter_row(app, ids["shelters"][EMPTY]).occupancy == 3 + answers.count(201)


def test_the_default_rate_limits_let_a_queue_of_families_behind_one_wifi_through(app):
    assert app.config["SHELTER_CHECKIN_ADDRESS_RATE_LIMIT"] == "30 per minute"
    assert app.config["SHELTER_CHECKIN_SHELTER_RATE_LIMIT"] == "600 per minute"


def test_the_public_page_of_a_full_or_closed_shelter_points_to_the_nearest_open_ones_with_room(
    app, client, ids
):
    closed = client.get(f"/api/v1/public/shelters/{code_of(app, ids['shelters'][OTHER_TOWN])}")
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    alternatives = closed.json["alternatives"]
    assert alternatives and all(a["places_left"] > 0 for a in alternatives)
    distances = [a["distance_km"] for a in alternatives]
    assert distances == sorted(distances) and distances[0] > 0
    assert {"name", "address", "code"} <= set(alternatives[0])
    open_one = client.get(f"/api/v1/public/shelters/{code_of(app, ids['shelters'][EMPTY])}").json
    assert open_one["status"] == "open" and open_one["places_left"] == 400 and open_one["alternatives"] == []
    assert "occupancy" not in open_one or open_one["capacity"] == 400


def test_each_check_in_and_check_out_is_in_the_audit_log_without_name_or_phone(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    made = auth("shelter1").post(f"/api/v1/shelters/{shelter}/checkins", json=family(name="钱多多")).json
    auth("shelter1").post(f"/api/v1/shelters/{shelter}/checkins/{made['id']}/checkout")
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_id == made["id"])).all()
        db.session.remove()
    assert {r.action for r in rows} == {"shelter.checkin", "shelter.checkout"}
    assert all("钱多多" not in str(r.changes) and "5678" not in str(r.changes) for r in rows)


def test_a_full_shelter_refuses_the_kiosk_too_and_its_public_page_sends_families_elsewhere(
    app, auth, client, ids
):
    gym = ids["shelters"][GYM]
    inside = shelter_row(app, gym).occupancy
    full = auth("town1").patch(f"/api/v1/shelters/{gym}", json={"capacity": inside})
    assert full.json["status"] == "full"
    (result,) = auth("shelter1").post(SYNC, json=batch(kiosk_checkin(gym, household_size=1))).json["results"]
    assert result["status"] == "rejected" and result["error"]["type"].endswith("/shelter-full")
    page = client.get(f"/api/v1/public/shelters/{code_of(app, gym)}").json
    assert (page["status"], page["places_left"]) == ("full", 0)
    assert page["alternatives"] and code_of(app, gym) not in {a["code"] for a in page["alternatives"]}
    assert shelter_row(app, gym).occupancy == inside == people_in(app, gym)
