"""Planning a drill of township 1's team and marking it the way the captain's phone does."""

import uuid
from datetime import UTC, datetime, timedelta

SYNC = "/api/v1/sync"


def when(days=0, hours=0.0) -> str:
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days, hours=hours)
    return base.isoformat()


def plan_body(ids, members=("member1", "member2", "member3"), **over) -> dict:
    body = {
        "kind": "exercise",
        "title": "防汛抢险模拟演练",
        "place": "临城镇水库大坝",
        "starts_at": when(hours=-2),
        "ends_at": when(hours=1),
        "planned_hours": "3.0",
        "member_ids": [ids["users"][m] for m in members],
    }
    body.update(over)
    return body


def team1(ids) -> str:
    return ids["teams"][ids["regions"]["临城镇"]]


def plan(auth, ids, who="captain1", **over) -> dict:
    resp = auth(who).post(f"/api/v1/teams/{team1(ids)}/trainings", json=plan_body(ids, **over))
    assert resp.status_code == 201, resp.json
    return resp.json


def attend_op(training_id, member_id=None, status="present", at=None, **data) -> dict:
    body = {"id": str(uuid.uuid4()), "training_id": training_id, "status": status, **data}
    if member_id is not None:
        body["member_id"] = member_id
    return {
        "op_id": str(uuid.uuid4()),
        "type": "training.attend",
        "at": at or when(hours=-5 / 60),
        "data": body,
    }


def push(client, *ops) -> list[dict]:
    resp = client.post(SYNC, json={"device_id": "captain-phone", "ops": list(ops)})
    assert resp.status_code == 200, resp.json
    return resp.json["results"]
