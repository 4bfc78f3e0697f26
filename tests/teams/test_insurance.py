"""Members' accident insurance: policies kept by the member's captain and the desk of the
member's region, the cover shown on members' lists (today in China time), readiness counting
the uninsured, and bad input refused as problem+json with nothing changed."""

import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from server.teams.insurance import cover_until

T1 = "临城镇"


@pytest.fixture()
def clock(monkeypatch):
    state = {"now": datetime(2026, 12, 2, 2, 0, tzinfo=UTC)}
    for where in ("insurance_routes", "insurance", "profile_routes"):
        monkeypatch.setattr(f"server.teams.{where}.utcnow", lambda: state["now"])
    return state


def policy(**over):
    body = {
        "insurer": "中国人寿上杭支公司",
        "number": f"PICC-{uuid.uuid4().hex[:8]}",
        "cover_yuan": 500000,
        "starts_on": "2026-03-02",
        "ends_on": "2027-03-01",
        "note": "县应急局统一投保",
    }
    return {**body, **over}


def _count(app) -> int:
    from server.extensions import db
    from server.teams.insurance_models import InsurancePolicy

    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(InsurancePolicy))
        db.session.remove()
    return n


def test_the_captain_records_a_policy_and_the_member_shows_as_covered(auth, ids, clock):
    captain = auth("captain1")
    member3, member4 = ids["users"]["member3"], ids["users"]["member4"]
    resp = captain.post(f"/api/v1/members/{member3}/insurance", json=policy())
    assert resp.status_code == 201, resp.json
    assert resp.json["state"] == "valid" and resp.json["cover_yuan"] == 500000
    listed = captain.get(f"/api/v1/members/{member3}/insurance").json
    assert listed["insured"] is True and listed["insurance_until"] == "2027-03-01"
    assert [p["number"] for p in listed["items"]] == [resp.json["number"]]
    team = ids["teams"][ids["regions"][T1]]
    members = {m["id"]: m for m in captain.get(f"/api/v1/members?team_id={team}&limit=200").json["items"]}
    assert members[member3]["insured"] is True and members[member3]["insurance_until"] == "2027-03-01"
    assert members[member4]["insured"] is False and members[member4]["insurance_until"] is None
    one = auth("town1").get(f"/api/v1/members/{member3}").json
    assert one["insured"] is True and one["insurance_until"] == "2027-03-01"


def test_a_renewal_is_a_new_policy_and_the_history_stays(auth, ids, clock):
    desk = auth("town1")
    member = ids["users"]["member5"]
    old = desk.post(
        f"/api/v1/members/{member}/insurance", json=policy(starts_on="2025-12-03", ends_on="2026-12-20")
    )
    new = desk.post(
        f"/api/v1/members/{member}/insurance", json=policy(starts_on="2026-12-21", ends_on="2027-12-20")
    )
    assert old.status_code == new.status_code == 201
    listed = desk.get(f"/api/v1/members/{member}/insurance").json
    # One unbroken cover: the renewal starts the day after the old policy's last day.
    assert listed["insurance_until"] == "2027-12-20"
    assert [p["state"] for p in listed["items"]] == ["future", "valid"]
    clock["now"] = datetime(2026, 12, 21, 2, 0, tzinfo=UTC)
    listed = desk.get(f"/api/v1/members/{member}/insurance").json
    assert [p["state"] for p in listed["items"]] == ["valid", "expired"] and listed["insured"] is True


def test_cover_is_counted_in_china_time(auth, ids, clock):
    desk = auth("town1")
    member = ids["users"]["member6"]
    assert (
        desk.post(f"/api/v1/members/{member}/insurance", json=policy(ends_on="2026-12-31")).status_code == 201
    )
    clock["now"] = datetime(2026, 12, 31, 15, 59, tzinfo=UTC)  # 23:59 on the 31st in China
    assert desk.get(f"/api/v1/members/{member}").json["insured"] is True
    clock["now"] = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # midnight of 1 January in China
    assert desk.get(f"/api/v1/members/{member}").json["insured"] is False
    assert desk.get(f"/api/v1/members/{member}/insurance").json["items"][0]["state"] == "expired"


def test_cover_until_follows_an_unbroken_chain_only():
    d = date
    today = d(2026, 12, 2)
    assert cover_until([], today) is None
    assert cover_until([(d(2026, 1, 1), d(2026, 12, 1))], today) is None
    assert cover_until([(d(2026, 12, 3), d(2027, 1, 1))], today) is None  # not started yet
    chain = [
        (d(2026, 1, 1), d(2026, 12, 31)),
        (d(2027, 1, 1), d(2027, 6, 30)),
        (d(2027, 7, 2), d(2028, 1, 1)),
    ]
    assert cover_until(chain, today) == d(2027, 6, 30)  # a day's gap ends the cover
    overlap = [(d(2026, 6, 1), d(2027, 1, 31)), (d(2026, 1, 1), d(2026, 12, 31))]
    assert cover_until(overlap, today) == d(2027, 1, 31)
    assert cover_until([(today, today)], today) == today


def test_the_desk_corrects_and_removes_a_policy(auth, ids, clock, app):
    desk = auth("town1")
    member = ids["users"]["member7"]
    made = desk.post(f"/api/v1/members/{member}/insurance", json=policy()).json
    resp = desk.patch(f"/api/v1/members/{member}/insurance/{made['id']}", json={"cover_yuan": 600000})
    assert resp.status_code == 200 and resp.json["cover_yuan"] == 600000
    assert desk.delete(f"/api/v1/members/{member}/insurance/{made['id']}").status_code == 204
    assert desk.get(f"/api/v1/members/{member}/insurance").json["items"] == []
    assert desk.delete(f"/api/v1/members/{member}/insurance/{made['id']}").status_code == 404
    assert _count(app) == 0


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"starts_on": "2026-03-02", "ends_on": "2026-03-01"}, "ends_on"),
        ({"cover_yuan": -1}, "cover_yuan"),
        ({"cover_yuan": 0}, "cover_yuan"),
        ({"cover_yuan": "500000"}, "cover_yuan"),
        ({"cover_yuan": 10**30}, "cover_yuan"),
        ({"insurer": ""}, "insurer"),
        ({"number": "x" * 61}, "number"),
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"ends_on": "9999-12-31"}, "ends_on"),
        ({"note": "村口\x00"}, "note"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(auth, ids, app, over, field, clock):
    desk = auth("town1")
    resp = desk.post(f"/api/v1/members/{ids['users']['member3']}/insurance", json=policy(**over))
    assert resp.status_code == 422, resp.json
    assert resp.mimetype == "application/problem+json" and field in resp.json["errors"]
    assert _count(app) == 0


def test_a_correction_that_puts_the_end_before_the_start_is_refused(auth, ids, clock):
    desk = auth("town1")
    member = ids["users"]["member3"]
    made = desk.post(f"/api/v1/members/{member}/insurance", json=policy()).json
    resp = desk.patch(f"/api/v1/members/{member}/insurance/{made['id']}", json={"ends_on": "2026-01-01"})
    assert resp.status_code == 422 and "ends_on" in resp.json["errors"]
    assert desk.get(f"/api/v1/members/{member}/insurance").json["items"][0]["ends_on"] == "2027-03-01"
    resp = desk.patch(f"/api/v1/members/{member}/insurance/{made['id']}", json={"cover_yuan": -5})
    assert resp.status_code == 422


def test_the_same_policy_twice_is_a_409_and_kept_once(auth, ids, app, clock):
    desk = auth("town1")
    member = ids["users"]["member3"]
    body = policy()
    assert desk.post(f"/api/v1/members/{member}/insurance", json=body).status_code == 201
    resp = desk.post(f"/api/v1/members/{member}/insurance", json=body)
    assert resp.status_code == 409 and resp.json["type"].endswith("/policy-exists")
    assert _count(app) == 1


def test_who_may_keep_a_members_insurance(auth, ids, app, clock):
    member = ids["users"]["member3"]
    for username, status in (
        ("member1", 403),  # a member: not even his teammates'
        ("officer1", 403),
        ("town2", 404),  # another township's desk
        ("captain2", 404),  # another township's captain
    ):
        client = auth(username)
        assert client.post(f"/api/v1/members/{member}/insurance", json=policy()).status_code == status, (
            username
        )
        assert client.get(f"/api/v1/members/{member}/insurance").status_code == status, username
    assert auth("town1").get(f"/api/v1/members/{uuid.uuid4()}/insurance").status_code == 404
    assert auth("town1").post(f"/api/v1/members/{uuid.uuid4()}/insurance", json=policy()).status_code == 404
    # The desk's own account is no team member.
    assert (
        auth("duty").post(f"/api/v1/members/{ids['users']['town1']}/insurance", json=policy()).status_code
        == 404
    )
    made = auth("town1").post(f"/api/v1/members/{member}/insurance", json=policy()).json
    # A policy reached through another member's path is not there.
    other = ids["users"]["member4"]
    assert (
        auth("town1").patch(f"/api/v1/members/{other}/insurance/{made['id']}", json={"note": "x"}).status_code
        == 404
    )
    assert auth("town2").delete(f"/api/v1/members/{member}/insurance/{made['id']}").status_code == 404
    assert auth("captain1").delete(f"/api/v1/members/{member}/insurance/{made['id']}").status_code == 204
    assert _count(app) == 0


def _town(body, name):
    return next(t for t in body["townships"] if t["region_name"] == name)


def test_readiness_counts_the_uninsured_and_cover_ending_within_30_days_in_words(auth, ids, clock):
    desk = auth("town1")
    before = _town(desk.get("/api/v1/teams/readiness").json, T1)["teams"][0]
    assert before["insurance"] == {"count": 13, "expiring": 0, "label": "13 名队员无有效保险"}
    assert "13 名队员无有效保险" in before["reasons"]
    assert desk.post(f"/api/v1/members/{ids['users']['member3']}/insurance", json=policy()).status_code == 201
    ending = policy(ends_on="2027-01-01")  # 30 days from 2 December
    assert desk.post(f"/api/v1/members/{ids['users']['member4']}/insurance", json=ending).status_code == 201
    later = policy(ends_on="2027-01-02")  # 31 days
    assert desk.post(f"/api/v1/members/{ids['users']['member5']}/insurance", json=later).status_code == 201
    body = desk.get("/api/v1/teams/readiness").json
    team = _town(body, T1)["teams"][0]
    assert team["insurance"]["count"] == 10 and team["insurance"]["expiring"] == 1
    assert "10 名队员无有效保险" in team["reasons"] and "1 名队员的保险 30 天内到期" in team["reasons"]
    assert team["status"] in ("red", "yellow")
    summary = body["summary"]["insurance"]
    assert summary["count"] == 10 and summary["expiring"] == 1
