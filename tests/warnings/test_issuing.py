"""Issuing, reading and acknowledging warnings over REST and the sync door."""

from datetime import UTC, datetime, timedelta

import pytest

from .helpers import SYNC, T1, T2, ack_op, body, issue, pulled


def test_a_duty_officer_issues_a_warning_at_once_per_the_contract(auth, ids):
    w = issue(auth, ids, who="duty", region_ids=[ids["regions"][T1], ids["regions"][T2]])
    assert w["state"] == "issued" and w["msg_type"] == "alert" and w["active"] is True
    assert w["references_id"] is None and w["cancelled"] is False and w["superseded_by"] is None
    assert {r["name"] for r in w["regions"]} == {T1, T2}
    assert w["issued_by"]["display_name"] == "县值班员"
    onset = datetime.fromisoformat(w["onset_at"])
    assert datetime.fromisoformat(w["expires_at"]) - onset == timedelta(hours=24)
    assert len(w["identifier"]) <= 64 and w["identifier"].startswith("3508")


def test_field_users_see_the_warnings_whose_area_covers_their_region_and_no_other(auth, ids):
    w = issue(auth, ids)  # township 1
    for user in ("officer1", "member1", "captain1", "shelter1", "town1", "duty", "admin"):
        listed = auth(user).get("/api/v1/warnings").json
        assert [i["id"] for i in listed["items"]] == [w["id"]], user
        assert auth(user).get(f"/api/v1/warnings/{w['id']}").status_code == 200
    for user in ("officer2", "town2", "t2member1"):
        assert auth(user).get("/api/v1/warnings").json["total"] == 0, user
        assert auth(user).get(f"/api/v1/warnings/{w['id']}").status_code == 404


def test_a_county_warning_reaches_the_village_officers_list(auth, ids):
    w = issue(auth, ids, who="duty", region_ids=None)  # the caller's region: the county
    assert [i["id"] for i in auth("officer2").get("/api/v1/warnings").json["items"]] == [w["id"]]


def test_only_the_desk_issues(auth, ids):
    for user in ("member1", "captain1", "officer1", "shelter1"):
        resp = auth(user).post("/api/v1/warnings", json=body(ids))
        assert resp.status_code == 403, user
    assert auth("town1").get("/api/v1/warnings").json["total"] == 0


def test_a_township_desk_cannot_warn_another_township(auth, ids):
    resp = auth("town1").post("/api/v1/warnings", json=body(ids, region_ids=[ids["regions"][T2]]))
    assert resp.status_code == 422 and "region_ids" in resp.json["errors"]
    assert auth("duty").get("/api/v1/warnings").json["total"] == 0


def _in(hours):
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"level": "purple"}, "level"),
        ({"kind": "earthquake"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"body": "x" * 4001}, "body"),
        ({"instructions": "x" * 2001}, "instructions"),
        ({"polygon": [[25.0, 116.0], [25.1, 116.0]]}, "polygon"),
        ({"polygon": [[95.0, 116.0], [25.1, 116.0], [25.1, 116.1]]}, "polygon"),
        ({"polygon": [[25.0, 116.0]] * 4}, "polygon"),
        ({"region_ids": []}, "region_ids"),
        ({"region_ids": [2**40]}, "region_ids"),
        ({"onset_at": _in(2), "expires_at": _in(1)}, "expires_at"),
        ({"expires_at": "2020-01-01T00:00:00+08:00"}, "expires_at"),
        ({"onset_at": _in(1)[:19]}, "onset_at"),  # no offset: which time would it be?
        ({"onset_at": "0001-01-01T00:00:00+08:00"}, "onset_at"),
        ({"onset_at": "9999-12-31T23:00:00-08:00"}, "onset_at"),
        ({"expires_at": "9999-12-31T23:00:00-08:00"}, "expires_at"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_clear_problem_and_changes_nothing(auth, ids, over, field):
    resp = auth("town1").post("/api/v1/warnings", json=body(ids, **over))
    assert resp.status_code == 422, resp.json
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert field in resp.json["errors"]
    assert auth("town1").get("/api/v1/warnings").json["total"] == 0
    assert pulled(auth("officer1")) == []


def test_not_json_is_a_400(auth, ids):
    resp = auth("town1").post("/api/v1/warnings", data="x", headers={"Content-Type": "text/plain"})
    assert resp.status_code == 400 and resp.json["type"].endswith("/bad-json")


def test_a_polygon_is_kept_as_sent_closed_or_not(auth, ids):
    ring = [[25.05, 116.42], [25.10, 116.42], [25.10, 116.50], [25.05, 116.42]]
    w = issue(auth, ids, polygon=ring)
    assert w["polygon"] == ring


def test_a_draft_is_seen_by_the_desk_only_and_issued_later(auth, ids):
    w = issue(auth, ids, draft=True)
    assert w["state"] == "draft" and w["active"] is False
    assert auth("officer1").get("/api/v1/warnings").json["total"] == 0
    assert pulled(auth("officer1")) == []
    assert [i["id"] for i in auth("town1").get("/api/v1/warnings?state=draft").json["items"]] == [w["id"]]
    issued = auth("town1").post(f"/api/v1/warnings/{w['id']}/issue")
    assert issued.status_code == 200 and issued.json["state"] == "issued"
    assert auth("officer1").get("/api/v1/warnings").json["total"] == 1
    again = auth("town1").post(f"/api/v1/warnings/{w['id']}/issue")
    assert again.status_code == 409 and again.json["type"].endswith("/already-issued")


def test_two_person_approval_makes_every_warning_a_draft_issued_by_another(app, auth, ids):
    app.config["WARNING_TWO_PERSON"] = True
    try:
        w = issue(auth, ids)
        assert w["state"] == "draft"
        same = auth("town1").post(f"/api/v1/warnings/{w['id']}/issue")
        assert same.status_code == 403 and same.json["type"].endswith("/same-person")
        assert auth("officer1").get("/api/v1/warnings").json["total"] == 0
        other = auth("duty").post(f"/api/v1/warnings/{w['id']}/issue")
        assert other.status_code == 200 and other.json["state"] == "issued"
        assert auth("town1").get(f"/api/v1/warnings/{w['id']}").json["approved_by_id"] is not None
        assert auth("officer1").get("/api/v1/warnings").json["total"] == 1
    finally:
        app.config["WARNING_TWO_PERSON"] = False


def test_an_update_and_a_cancel_are_new_messages_referencing_the_first(auth, ids):
    first = issue(auth, ids)
    up = auth("town1").post(
        f"/api/v1/warnings/{first['id']}/update", json={"level": "orange", "reason": "风力加强"}
    )
    assert up.status_code == 201, up.json
    up = up.json
    assert up["msg_type"] == "update" and up["references_id"] == first["id"] and up["level"] == "orange"
    assert up["title"] == first["title"] and up["active"] is True
    old = auth("officer1").get(f"/api/v1/warnings/{first['id']}").json
    assert old["superseded_by"] == up["id"] and old["active"] is False
    active = auth("officer1").get("/api/v1/warnings?active=true").json["items"]
    assert [i["id"] for i in active] == [up["id"]]
    # The second update, sent with the update's id, still references the first.
    up2 = auth("town1").post(f"/api/v1/warnings/{up['id']}/update", json={"level": "red", "reason": "升级"})
    assert up2.json["references_id"] == first["id"]
    cancel = auth("town1").post(f"/api/v1/warnings/{first['id']}/cancel", json={"reason": "台风已远离"})
    assert cancel.status_code == 201
    assert cancel.json["msg_type"] == "cancel" and cancel.json["references_id"] == first["id"]
    assert auth("officer1").get("/api/v1/warnings?active=true").json["total"] == 0
    for message in (first, up, up2.json):
        assert auth("officer1").get(f"/api/v1/warnings/{message['id']}").json["cancelled"] is True
    listed = auth("officer1").get("/api/v1/warnings?active=false").json
    assert listed["total"] == 4
    late = auth("town1").post(f"/api/v1/warnings/{first['id']}/update", json={"reason": "x"})
    assert late.status_code == 409 and late.json["type"].endswith("/cancelled")
    twice = auth("town1").post(f"/api/v1/warnings/{first['id']}/cancel", json={"reason": "x"})
    assert twice.status_code == 409


def test_an_update_needs_a_reason_and_changes_nothing_without_one(auth, ids):
    first = issue(auth, ids)
    resp = auth("town1").post(f"/api/v1/warnings/{first['id']}/update", json={"level": "red"})
    assert resp.status_code == 422 and "reason" in resp.json["errors"]
    assert auth("town1").get("/api/v1/warnings").json["total"] == 1


def test_an_expired_warning_stops_showing_by_itself(app, auth, ids):
    from server.warnings import service

    w = issue(auth, ids, expires_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat())
    assert auth("officer1").get("/api/v1/warnings?active=true").json["total"] == 1
    later = datetime.now(UTC) + timedelta(hours=2)
    real = service.utcnow
    service.utcnow = lambda: later
    try:
        assert auth("officer1").get("/api/v1/warnings?active=true").json["total"] == 0
        assert auth("officer1").get(f"/api/v1/warnings/{w['id']}").json["active"] is False
    finally:
        service.utcnow = real


def test_a_warning_with_a_future_onset_is_listed_as_upcoming(auth, ids):
    soon = datetime.now(UTC) + timedelta(hours=3)
    w = issue(auth, ids, onset_at=soon.isoformat())
    assert w["active"] is False and w["upcoming"] is True
    assert [i["id"] for i in auth("officer1").get("/api/v1/warnings?active=true").json["items"]] == [w["id"]]


def test_the_feed_carries_the_warning_to_the_covered_users_only(auth, ids):
    w = issue(auth, ids)
    for user in ("officer1", "member1", "captain1"):
        mine = pulled(auth(user), w["id"])
        assert mine and mine[-1]["data"]["acked"] is False, user
    for user in ("officer2", "t2member1", "town2"):
        assert pulled(auth(user)) == [], user


def test_an_ack_counts_once_and_its_resend_changes_nothing(auth, ids):
    w = issue(auth, ids)
    officer = auth("officer1")
    op = ack_op(w["id"])
    first = officer.post(SYNC, json={"ops": [op]}).json["results"][0]
    assert first["status"] == "applied" and first["entity"]["acked"] is True
    before = pulled(officer, w["id"])
    again = officer.post(SYNC, json={"ops": [op]}).json["results"][0]
    assert again["status"] == "duplicate" and again["entity"] == first["entity"]
    other = officer.post(SYNC, json={"ops": [ack_op(w["id"])]}).json["results"][0]
    assert other["status"] == "applied" and other["entity"]["acked"] is True
    rest = officer.post(f"/api/v1/warnings/{w['id']}/ack")
    assert rest.status_code == 200 and rest.json["acked"] is True
    assert pulled(officer, w["id"]) == before  # nothing new in the feed
    assert officer.get(f"/api/v1/warnings/{w['id']}").json["acked"] is True
    d = auth("town1").get(f"/api/v1/warnings/{w['id']}/delivery").json["responsible"]
    assert d["acknowledged"] == 1 and d["by_channel"]["app"] == 1


def test_an_ack_of_a_warning_not_of_ones_area_is_rejected_and_recorded_nowhere(auth, ids):
    w = issue(auth, ids)
    res = auth("officer2").post(SYNC, json={"ops": [ack_op(w["id"])]}).json["results"][0]
    assert res["status"] == "rejected" and res["error"]["status"] == 404
    d = auth("town1").get(f"/api/v1/warnings/{w['id']}/delivery").json["responsible"]
    assert d["acknowledged"] == 0
    bad = auth("officer1").post(SYNC, json={"ops": [ack_op("not-a-uuid")]}).json["results"][0]
    assert bad["status"] == "rejected" and bad["error"]["status"] == 422
