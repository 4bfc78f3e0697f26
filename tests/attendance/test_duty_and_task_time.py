"""Duty time (值班) and task time (任务) are separate records: the subsidy is paid from them, so
finishing a task ends the task's record only, and a duty check-in stays open through it."""

import uuid

CHECKINS = "/api/v1/attendance/checkins"


def _order_for(auth, ids, username, title="后山滑坡排查"):
    body = {
        "title": title,
        "location": {"lat": 25.056, "lon": 116.442},
        "member_ids": [ids["users"][username]],
    }
    resp = auth("town1").post("/api/v1/dispatches", json=body)
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _mine(member):
    return {c["id"]: c for c in member.get("/api/v1/attendance?limit=50").json["items"]}


def test_completing_a_task_ends_its_time_and_leaves_duty_open(auth, ids):
    member = auth("member7")
    duty = member.post(CHECKINS, json={"id": str(uuid.uuid4())}).json
    assert duty["kind"] == "duty"
    order = _order_for(auth, ids, "member7")
    url = f"/api/v1/dispatches/{order}/status"
    assert member.post(url, json={"status": "on_scene"}).status_code == 200
    on_task = [c for c in _mine(member).values() if c["dispatch_id"] == order]
    assert len(on_task) == 1 and on_task[0]["open"] is True and on_task[0]["kind"] == "task"
    assert _mine(member)[duty["id"]]["open"] is True

    assert member.post(url, json={"status": "completed"}).status_code == 200
    after = _mine(member)
    assert after[on_task[0]["id"]]["open"] is False and after[on_task[0]["id"]]["minutes"] >= 0
    assert after[duty["id"]]["open"] is True
    opened = member.get("/api/v1/attendance?open=true").json["items"]
    assert [c["id"] for c in opened] == [duty["id"]]
    # The duty check-in is still the one to check out of, and it is still refused twice.
    assert member.post(CHECKINS, json={"id": str(uuid.uuid4())}).status_code == 409
    assert member.post(f"{CHECKINS}/{duty['id']}/checkout", json={}).json["open"] is False


def test_a_member_not_on_duty_has_task_time_only(auth, ids):
    member = auth("member8")
    order = _order_for(auth, ids, "member8")
    url = f"/api/v1/dispatches/{order}/status"
    member.post(url, json={"status": "on_scene"})
    # Checking in for duty on scene is its own record, not a conflict with the task's.
    duty = member.post(CHECKINS, json={"id": str(uuid.uuid4())})
    assert duty.status_code == 201 and duty.json["kind"] == "duty"
    member.post(url, json={"status": "completed"})
    records = list(_mine(member).values())
    assert sorted(c["kind"] for c in records) == ["duty", "task"]
    assert {c["kind"]: c["open"] for c in records} == {"duty": True, "task": False}


def test_arriving_twice_and_at_a_second_task_keeps_one_open_record_per_task(auth, ids):
    member = auth("member9")
    first = _order_for(auth, ids, "member9", "第一处")
    second = _order_for(auth, ids, "member9", "第二处")
    member.post(f"/api/v1/dispatches/{first}/status", json={"status": "on_scene"})
    member.post(f"/api/v1/dispatches/{first}/status", json={"status": "on_scene"})
    assert [c["dispatch_id"] for c in member.get("/api/v1/attendance?open=true").json["items"]] == [first]
    member.post(f"/api/v1/dispatches/{second}/status", json={"status": "on_scene"})
    records = _mine(member).values()
    assert {c["dispatch_id"]: c["open"] for c in records} == {first: False, second: True}


def test_the_same_records_come_through_the_sync_door(auth, ids):
    member = auth("member10")
    order = _order_for(auth, ids, "member10")
    duty_id = str(uuid.uuid4())
    ops = [
        {
            "op_id": str(uuid.uuid4()),
            "type": "attendance.checkin",
            "at": "2026-12-01T08:00:00+08:00",
            "data": {"id": duty_id},
        },
        {
            "op_id": str(uuid.uuid4()),
            "type": "dispatch.status",
            "at": "2026-12-01T08:30:00+08:00",
            "data": {"dispatch_id": order, "status": "on_scene"},
        },
        {
            "op_id": str(uuid.uuid4()),
            "type": "dispatch.status",
            "at": "2026-12-01T09:30:00+08:00",
            "data": {"dispatch_id": order, "status": "completed"},
        },
    ]
    resp = member.post("/api/v1/sync", json={"device_id": str(uuid.uuid4()), "ops": ops})
    assert [r["status"] for r in resp.json["results"]] == ["applied"] * 3, resp.json
    records = _mine(member)
    assert records[duty_id]["open"] is True and records[duty_id]["kind"] == "duty"
    task = [c for c in records.values() if c["kind"] == "task"]
    assert len(task) == 1 and task[0]["dispatch_id"] == order and task[0]["open"] is False
