"""What the warnings tests share: a warning body, issuing one, the sync door."""

import uuid

T1, T2 = "临城镇", "古田镇"
SYNC = "/api/v1/sync"


def body(ids, **over):
    data = {
        "title": "台风“海葵”蓝色预警",
        "body": "预计未来24小时内受台风影响，平均风力可达6级以上。",
        "kind": "typhoon",
        "level": "blue",
        "region_ids": [ids["regions"][T1]],
        "instructions": "加固门窗，危房人员转移。",
    }
    data.update(over)
    return data


def issue(auth, ids, who="town1", **over):
    resp = auth(who).post("/api/v1/warnings", json=body(ids, **over))
    assert resp.status_code == 201, resp.json
    return resp.json


def ack_op(warning_id, op_id=None):
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "type": "warning.ack",
        "at": "2026-12-02T08:00:00+08:00",
        "data": {"warning_id": warning_id},
    }


def pulled(client, warning_id=None):
    changes = client.get(SYNC).json["changes"]
    return [c for c in changes if c["entity"] == "warning" and (warning_id is None or c["id"] == warning_id)]
