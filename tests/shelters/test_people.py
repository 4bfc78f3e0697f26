"""Evacuees' names and phones: seen only by the shelter's managers and its region's desk, phones
masked in lists, every read audited, found by family lookup, erased after the retention time."""

import uuid
from datetime import timedelta

import sqlalchemy as sa

from server.core.audit import AuditEntry
from server.core.models import utcnow
from server.extensions import db
from server.shelters.models import Shelter, ShelterCheckin

from .helpers import EMPTY, GYM, OTHER_TOWN, family

PROBLEM = "application/problem+json"


def _checked_in(auth, shelter_id, who="town1", **over):
    resp = auth(who).post(f"/api/v1/shelters/{shelter_id}/checkins", json=family(**over))
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _audit(app, action):
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()
        db.session.remove()
    return rows


def test_the_shelters_list_of_people_masks_phones_and_the_read_is_audited(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    cid = _checked_in(auth, shelter, name="周小芳", phone="13812345678")
    resp = auth("shelter1").get(f"/api/v1/shelters/{shelter}/checkins?present=true")
    assert resp.status_code == 200
    (person,) = resp.json["items"]
    assert (person["name"], person["phone_masked"]) == ("周小芳", "138****5678")
    assert "phone" not in person and "13812345678" not in resp.get_data(as_text=True)
    (entry,) = _audit(app, "shelter.people.list")
    assert entry.changes == {"checkin_ids": [cid]} and entry.actor_id == uuid.UUID(ids["users"]["shelter1"])


def test_opening_one_persons_record_shows_the_phone_and_is_audited(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    cid = _checked_in(auth, shelter, phone="13812345678")
    resp = auth("town1").get(f"/api/v1/shelters/{shelter}/checkins/{cid}")
    assert resp.status_code == 200 and resp.json["phone"] == "+8613812345678"
    (entry,) = _audit(app, "shelter.people.read")
    assert entry.entity_id == cid and entry.actor_id == uuid.UUID(ids["users"]["town1"])


def test_people_are_seen_only_by_the_shelters_managers_and_its_regions_desk(app, auth, ids):
    mine = ids["shelters"][EMPTY]  # shelter1 runs it
    not_mine = ids["shelters"]["城东村文化礼堂"]  # township 1, nobody's
    cid = _checked_in(auth, mine)
    other = _checked_in(auth, not_mine)
    for who, expected in {
        "shelter1": 200,
        "town1": 200,
        "duty": 200,
        "admin": 200,
        "town2": 404,
        "captain1": 403,
        "member1": 403,
        "officer1": 403,
    }.items():
        listed = auth(who).get(f"/api/v1/shelters/{mine}/checkins")
        one = auth(who).get(f"/api/v1/shelters/{mine}/checkins/{cid}")
        assert (listed.status_code, one.status_code) == (expected, expected), who
        if expected != 200:
            assert listed.mimetype == one.mimetype == PROBLEM
    # A manager sees their own shelter's people, not a neighbouring shelter's in the same township.
    assert auth("shelter1").get(f"/api/v1/shelters/{not_mine}/checkins").status_code == 403
    assert auth("shelter1").get(f"/api/v1/shelters/{not_mine}/checkins/{other}").status_code == 403
    # And a record is not reached through another shelter's address.
    assert auth("town1").get(f"/api/v1/shelters/{mine}/checkins/{other}").status_code == 404


def test_family_lookup_finds_a_person_by_part_of_a_name_or_the_last_four_digits(app, auth, ids):
    gym, empty = ids["shelters"][GYM], ids["shelters"][EMPTY]
    first = _checked_in(auth, empty, name="欧阳娜娜", phone="13955551234", household_size=4)
    second = _checked_in(auth, gym, name="欧阳明", phone=None)
    by_name = auth("town1").get("/api/v1/shelters/people?q=欧阳").json
    assert {p["id"] for p in by_name["items"]} == {first, second} and by_name["total"] == 2
    found = {p["id"]: p for p in by_name["items"]}[first]
    assert (found["shelter_name"], found["household_size"], found["phone_masked"]) == (
        EMPTY,
        4,
        "139****1234",
    )
    assert found["checked_in_at"]
    by_phone = auth("duty").get("/api/v1/shelters/people?q=1234").json
    assert [p["id"] for p in by_phone["items"]] == [first]
    page = auth("town1").get("/api/v1/shelters/people?q=欧阳&limit=1").json
    rest = auth("town1").get(f"/api/v1/shelters/people?q=欧阳&limit=1&cursor={page['next_cursor']}").json
    assert {page["items"][0]["id"], rest["items"][0]["id"]} == {first, second} and rest["next_cursor"] is None
    assert len(_audit(app, "shelter.people.search")) == 4


def test_family_lookup_of_one_township_does_not_reach_anothers_shelters(app, auth, ids):
    auth("admin").post(f"/api/v1/shelters/{ids['shelters'][OTHER_TOWN]}/open")
    theirs = _checked_in(auth, ids["shelters"][OTHER_TOWN], who="town2", name="钟离")
    assert auth("town1").get("/api/v1/shelters/people?q=钟离").json["items"] == []
    assert [p["id"] for p in auth("town2").get("/api/v1/shelters/people?q=钟离").json["items"]] == [theirs]
    assert auth("shelter1").get("/api/v1/shelters/people?q=钟离").status_code == 403


def test_family_lookup_refuses_an_empty_query_or_a_phone_fragment_that_is_not_four_digits(auth):
    for q in ("", "%20", "123", "12345", "1" * 40):
        resp = auth("town1").get(f"/api/v1/shelters/people?q={q}")
        assert resp.status_code == 422 and resp.mimetype == PROBLEM and "q" in resp.json["errors"], q
    assert auth("town1").get("/api/v1/shelters/people").status_code == 422
    assert auth("town1").get("/api/v1/shelters/people?q=王&limit=0").status_code == 422


def _close_days_ago(app, shelter_id, days):
    with app.app_context():
        db.session.execute(
            sa.update(Shelter)
            .where(Shelter.id == uuid.UUID(shelter_id))
            .values(status="closed", closed_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()
        db.session.remove()


def _record(app, cid) -> ShelterCheckin:
    with app.app_context():
        row = db.session.get(ShelterCheckin, uuid.UUID(cid))
        db.session.expunge(row)
        db.session.remove()
    return row


def test_names_and_phones_are_purged_after_the_retention_days_and_counts_stay(app, auth, ids):
    from server.shelters.checkins import purge_personal_data

    old, recent = ids["shelters"][EMPTY], ids["shelters"][GYM]
    gone = _checked_in(auth, old, name="孙悦", phone="13812340000", household_size=3, needs=["elderly"])
    kept = _checked_in(auth, recent, name="孙丽", phone="13812340001")
    _close_days_ago(app, old, app.config["SHELTER_RETENTION_DAYS"] + 1)
    _close_days_ago(app, recent, app.config["SHELTER_RETENTION_DAYS"] - 1)
    with app.app_context():
        assert purge_personal_data() == 1
        db.session.commit()
        assert purge_personal_data() == 0
        db.session.remove()
    purged = _record(app, gone)
    assert (purged.name, purged.phone, purged.household_size, purged.needs) == (None, None, 3, ["elderly"])
    assert purged.purged_at is not None
    assert _record(app, kept).name == "孙丽"
    listed = auth("town1").get(f"/api/v1/shelters/{old}/checkins").json["items"]
    assert listed[0]["purged"] is True and listed[0]["name"] is None and listed[0]["phone_masked"] is None
    assert auth("town1").get("/api/v1/shelters/people?q=孙").json["total"] == 1


def test_the_purge_runs_from_the_command_line_and_in_the_delivery_workers_sweep(app, auth, ids):
    from server.delivery import service as delivery

    first = _checked_in(auth, ids["shelters"][EMPTY], name="吴桐")
    _close_days_ago(app, ids["shelters"][EMPTY], 31)
    result = app.test_cli_runner().invoke(args=["purge-shelters"])
    assert result.exit_code == 0 and "1" in result.output
    assert _record(app, first).name is None

    second = _checked_in(auth, ids["shelters"][GYM], name="吴江")
    _close_days_ago(app, ids["shelters"][GYM], 31)
    with app.app_context():
        delivery.run_once()
        db.session.remove()
    assert _record(app, second).name is None


def test_answers_with_peoples_names_and_phones_are_never_kept_in_a_cache(auth, ids):
    """The desk's browser keeps GET answers on disk unless told not to: a family lookup read at
    3 a.m. must not stay on the duty officer's phone after the screen is gone."""
    shelter = ids["shelters"][EMPTY]
    cid = _checked_in(auth, shelter, name="司马青", phone="13812349876")
    for path in (
        "/api/v1/shelters/people?q=司马",
        "/api/v1/shelters/people?q=9876",
        f"/api/v1/shelters/{shelter}/checkins",
        f"/api/v1/shelters/{shelter}/checkins/{cid}",
    ):
        resp = auth("town1").get(path)
        assert resp.status_code == 200 and resp.json, path
        assert resp.headers["Cache-Control"] == "no-store", path
    # The shelter registry itself carries no personal data and is not marked.
    assert "no-store" not in auth("town1").get(f"/api/v1/shelters/{shelter}").headers.get("Cache-Control", "")
