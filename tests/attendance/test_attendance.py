"""Check-in and check-out over REST."""

import uuid

CHECKINS = "/api/v1/attendance/checkins"


def test_check_in_and_out_with_the_time_on_duty(auth):
    member = auth("member1")
    cid = str(uuid.uuid4())
    opened = member.post(CHECKINS, json={"id": cid, "location": {"lat": 25.05, "lon": 116.42, "accuracy": 8}})
    assert opened.status_code == 201 and opened.json["open"] is True
    assert opened.json["checkin_location"] == {"lat": 25.05, "lon": 116.42, "accuracy": 8.0}
    again = member.post(CHECKINS, json={"id": str(uuid.uuid4())})
    assert again.status_code == 409 and again.json["current"]["id"] == cid
    closed = member.post(f"{CHECKINS}/{cid}/checkout", json={})
    assert closed.status_code == 200 and closed.json["open"] is False and closed.json["minutes"] >= 0
    twice = member.post(f"{CHECKINS}/{cid}/checkout", json={})
    assert twice.status_code == 409
    assert member.post(CHECKINS, json={"id": str(uuid.uuid4())}).status_code == 201


def test_nobody_checks_out_for_someone_else(auth):
    cid = str(uuid.uuid4())
    auth("member1").post(CHECKINS, json={"id": cid})
    assert auth("member2").post(f"{CHECKINS}/{cid}/checkout", json={}).status_code == 404
    assert auth("town1").post(f"{CHECKINS}/{cid}/checkout", json={}).status_code == 404


def test_members_list_their_own_and_the_desk_its_region(auth):
    auth("member1").post(CHECKINS, json={"id": str(uuid.uuid4())})
    auth("member2").post(CHECKINS, json={"id": str(uuid.uuid4())})
    auth("t2member1").post(CHECKINS, json={"id": str(uuid.uuid4())})
    assert auth("member1").get("/api/v1/attendance").json["total"] == 1
    assert auth("town1").get("/api/v1/attendance?open=true").json["total"] == 2
    assert auth("captain1").get("/api/v1/attendance").json["total"] == 2
    assert auth("duty").get("/api/v1/attendance").json["total"] == 3
    assert auth("town1").get("/api/v1/attendance?user_id=x").status_code == 422
