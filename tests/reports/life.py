"""Driving a hazard report through its life over HTTP, the way the desk and the phones do."""

import uuid
from datetime import UTC, datetime, timedelta

from ..sync.helpers import jpeg

# The order of the life, and the body each step needs (photos are made per call).
LIFE = ("verify", "assign", "start", "rectify", "close")
POINT = {"lat": 25.057, "lon": 116.441, "accuracy": 8.0}


def now_iso(**delta) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


def file_report(client, **over) -> str:
    body = {
        "id": str(uuid.uuid4()),
        "category": "geological",
        "description": "村口山体有裂缝，雨后扩大",
        "location": {"lat": 25.056, "lon": 116.442},
        "people_at_risk": 12,
    }
    body.update(over)
    resp = client.post("/api/v1/reports", json=body)
    assert resp.status_code == 201, resp.json
    return body["id"]


def upload_photo(client, **over) -> dict:
    """An after-photo uploaded by `client`, as a step names it: id, when, where."""
    media_id = str(uuid.uuid4())
    resp = client.put(f"/api/v1/media/{media_id}", data=jpeg(), headers={"Content-Type": "image/jpeg"})
    assert resp.status_code == 201, resp.json
    photo = {"media_id": media_id, "taken_at": now_iso(minutes=-1), "location": dict(POINT)}
    photo.update(over)
    return photo


def body_for(kind: str, ids, client=None, assignee="member2") -> dict:
    """A valid body for `kind` (rectify uploads its photo as `client`)."""
    if kind == "verify":
        return {"severity": "red", "comment": "现场核实，裂缝长约20米"}
    if kind == "reject":
        return {"rejection": "false", "reason": "现场无裂缝"}
    if kind == "assign":
        return {
            "responsible_unit": "临城镇国土所",
            "assignee_id": ids["users"][assignee],
            "deadline_at": now_iso(days=3),
            "comment": "三日内完成排危",
        }
    if kind == "rectify":
        return {"photos": [upload_photo(client)], "comment": "已清理危石，设置警示牌"}
    if kind == "reopen":
        return {"reason": "雨后裂缝再次扩大"}
    return {}


def step(client, report_id: str, kind: str, body: dict | None = None):
    return client.post(f"/api/v1/reports/{report_id}/{kind}", json={} if body is None else body)


def bring_to(auth, ids, state: str, reporter="officer1", desk="town1", assignee="member2") -> str:
    """A new report, taken through its life over REST up to `state`."""
    report_id = file_report(auth(reporter))
    order = {"reported": 0, "verified": 1, "assigned": 2, "rectifying": 3, "rectified": 4, "closed": 5}
    if state == "rejected":
        resp = step(auth(desk), report_id, "reject", body_for("reject", ids))
        assert resp.status_code == 200, resp.json
        return report_id
    for kind in LIFE[: order[state]]:
        actor = auth(assignee) if kind in ("start", "rectify") else auth(desk)
        if kind == "close" and desk == assignee:
            actor = auth("duty")
        resp = step(actor, report_id, kind, body_for(kind, ids, actor, assignee))
        assert resp.status_code == 200, (kind, resp.json)
    return report_id
