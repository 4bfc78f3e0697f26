"""Building disaster events and situation reports the way the desk and the phone do."""

import uuid

EVENTS = "/api/v1/disaster-events"
SYNC = "/api/v1/sync"
T1, T2 = "临城镇", "古田镇"
# officer1 sits in 城东村 (township 1), officer2 in 古田村 (township 2).
V1, V1B, V1C, V2 = "城东村", "紫金村", "浮竹村", "古田村"

ZERO = {
    "affected": 0,
    "dead": 0,
    "missing": 0,
    "injured": 0,
    "evacuated": 0,
    "resettled": 0,
    "houses_collapsed": 0,
    "houses_severe": 0,
    "houses_light": 0,
    "crops_affected_ha": "0.00",
    "crops_lost_ha": "0.00",
    "loss_10k_yuan": "0.00",
}


def figures(**over) -> dict:
    return {**ZERO, **over}


def report_body(kind="initial", report_id=None, **over) -> dict:
    extra = {k: over.pop(k) for k in ("region_id", "note", "reason") if k in over}
    return {"id": report_id or str(uuid.uuid4()), "kind": kind, **figures(**over), **extra}


def open_event(auth, ids, regions=(T1, T2), who="duty", **over) -> dict:
    body = {
        "kind": "typhoon",
        "name": "台风“海葵”",
        "region_ids": [ids["regions"][r] for r in regions],
        **over,
    }
    resp = auth(who).post(EVENTS, json=body)
    assert resp.status_code == 201, resp.json
    return resp.json


def file(client, event_id, **body):
    return client.post(f"{EVENTS}/{event_id}/reports", json=report_body(**body))


def report_op(event_id, at="2026-12-02T10:00:00+08:00", **body) -> dict:
    return {
        "op_id": str(uuid.uuid4()),
        "type": "disaster.report",
        "at": at,
        "data": {"event_id": event_id, **report_body(**body)},
    }
