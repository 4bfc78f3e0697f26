"""Out to an order and back: over REST and through the sync door, exactly once."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from ..dbstate import committed_rows
from ..sync.helpers import AT, batch

SYNC = "/api/v1/sync"


def _op(kind, **data):
    return {"op_id": str(uuid.uuid4()), "type": kind, "at": AT, "data": data}


def _checkout(item_id, order_id, event_id=None):
    return _op("equipment.checkout", id=event_id or str(uuid.uuid4()), item_id=item_id, dispatch_id=order_id)


def _return(item_id, condition="good", note="", event_id=None):
    return _op(
        "equipment.return", id=event_id or str(uuid.uuid4()), item_id=item_id, condition=condition, note=note
    )


def test_an_item_goes_out_to_the_teams_order_and_comes_back_damaged_with_a_note(
    auth, clock, make_item, make_order
):
    item, order = make_item(), make_order()
    captain = auth("captain1")
    orders = captain.get(f"/api/v1/teams/{item['team_id']}/equipment/orders").json["items"]
    assert order in {o["id"] for o in orders}
    out = captain.post(f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": order})
    assert out.status_code == 200, out.json
    assert out.json["out"]["dispatch_id"] == order
    bare = captain.post(f"/api/v1/equipment/{item['id']}/return", json={"condition": "damaged"})
    assert bare.status_code == 422 and "note" in bare.json["errors"]
    back = captain.post(
        f"/api/v1/equipment/{item['id']}/return", json={"condition": "damaged", "note": "救援中被钢筋划破"}
    )
    assert back.status_code == 200, back.json
    assert back.json["out"] is None and back.json["condition_label"] == "损坏"
    log = captain.get(f"/api/v1/equipment/{item['id']}").json["events"]
    assert [e["kind"] for e in log] == ["return", "checkout"]
    assert log[0]["note"] == "救援中被钢筋划破" and log[0]["dispatch_id"] == order
    # Damaged: it does not go out again until it is repaired.
    again = captain.post(f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": order})
    assert again.status_code == 409 and again.json["type"].endswith("/equipment-out-of-service")
    assert again.json["current"]["condition"] == "damaged"
    fixed = captain.post(
        f"/api/v1/equipment/{item['id']}/maintenance", json={"condition": "good", "note": "更换"}
    )
    assert fixed.status_code == 200
    assert (
        captain.post(f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": order}).status_code
        == 200
    )


def test_an_item_already_out_cannot_be_checked_out_twice(app, auth, clock, make_item, make_order):
    item, first, second = make_item(), make_order(), make_order()
    captain = auth("captain1")
    assert (
        captain.post(f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": first}).status_code
        == 200
    )
    before = committed_rows(app)
    resp = auth("town1").post(f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": second})
    assert resp.status_code == 409 and resp.mimetype == "application/problem+json"
    assert resp.json["type"].endswith("/equipment-checked-out")
    assert resp.json["current"]["out"]["dispatch_id"] == first
    assert committed_rows(app) == before


def test_two_checkouts_at_once_one_wins(app, auth, clock, make_item, make_order):
    item, first, second = make_item(), make_order(), make_order()
    clients = [auth("captain1"), auth("town1")]

    def go(args):
        client, order = args
        return client.post(
            f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": order}
        ).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(go, zip(clients, (first, second), strict=True)))
    assert codes == [200, 409]
    log = auth("town1").get(f"/api/v1/equipment/{item['id']}").json["events"]
    assert [e["kind"] for e in log] == ["checkout"]


def test_an_order_not_the_teams_or_closed_is_refused(auth, clock, make_item, make_order):
    item = make_item()
    theirs = make_order(town="古田镇", desk="town2")
    resp = auth("town1").post(f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": theirs})
    assert resp.status_code == 422 and "dispatch_id" in resp.json["errors"]
    missing = auth("captain1").post(
        f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": str(uuid.uuid4())}
    )
    assert missing.status_code == 422


def test_returning_an_item_that_is_not_out_is_refused_with_the_item(auth, clock, make_item):
    item = make_item()
    resp = auth("captain1").post(f"/api/v1/equipment/{item['id']}/return", json={"condition": "good"})
    assert resp.status_code == 409 and resp.json["type"].endswith("/equipment-not-out")
    assert resp.json["current"]["id"] == item["id"]


def test_the_checkout_op_applied_once_a_resend_changes_nothing(app, auth, clock, make_item, make_order):
    item, order = make_item(), make_order()
    captain = auth("captain1")
    op = _checkout(item["id"], order)
    (first,) = captain.post(SYNC, json=batch(op)).json["results"]
    assert first["status"] == "applied", first
    assert first["entity"]["out"]["dispatch_id"] == order
    after = committed_rows(app)
    (again,) = captain.post(SYNC, json=batch(op)).json["results"]
    assert again["status"] == "duplicate" and again["entity"] == first["entity"]
    assert committed_rows(app) == after
    # The same step under a new op id (the phone lost the ledger's answer): the same event.
    (twin,) = captain.post(SYNC, json=batch({**op, "op_id": str(uuid.uuid4())})).json["results"]
    assert twin["status"] == "applied" and twin["entity"]["out"] == first["entity"]["out"]
    log = captain.get(f"/api/v1/equipment/{item['id']}").json["events"]
    assert [e["kind"] for e in log] == ["checkout"]


def test_the_return_op_applied_once_and_an_impossible_one_is_rejected_with_the_item(
    app, auth, clock, make_item, make_order
):
    item, order = make_item(), make_order()
    captain = auth("captain1")
    back = _return(item["id"], "worn", "绳皮磨损")
    results = captain.post(SYNC, json=batch(_checkout(item["id"], order), back, back)).json["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "duplicate"], results
    assert results[1]["entity"]["condition"] == "worn" and results[1]["entity"]["out"] is None
    after = committed_rows(app)
    (dup,) = captain.post(SYNC, json=batch(back)).json["results"]
    assert dup["status"] == "duplicate" and committed_rows(app) == after
    # A second return, queued on another phone: the item is not out any more.
    (late,) = captain.post(SYNC, json=batch(_return(item["id"]))).json["results"]
    assert late["status"] == "rejected" and late["error"]["type"].endswith("/equipment-not-out")
    assert late["error"]["current"]["condition"] == "worn"


def test_a_checkout_op_that_became_impossible_is_rejected_with_the_current_item(
    auth, clock, make_item, make_order
):
    item, order = make_item(), make_order()
    auth("town1").post(f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": order})
    (out,) = auth("captain1").post(SYNC, json=batch(_checkout(item["id"], order))).json["results"]
    assert out["status"] == "rejected" and out["error"]["type"].endswith("/equipment-checked-out")
    assert out["error"]["current"]["out"]["dispatch_id"] == order
    retired = make_item(condition="retired")
    (gone,) = auth("captain1").post(SYNC, json=batch(_checkout(retired["id"], order))).json["results"]
    assert gone["status"] == "rejected" and gone["error"]["type"].endswith("/equipment-out-of-service")
    assert gone["error"]["current"]["condition_label"] == "报废"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"id": "x", "item_id": str(uuid.uuid4()), "dispatch_id": str(uuid.uuid4())},
        {"id": str(uuid.uuid4()), "item_id": str(uuid.uuid4())},
        {"id": str(uuid.uuid4()), "item_id": str(uuid.uuid4()), "dispatch_id": str(uuid.uuid4())},
    ],
)
def test_a_bad_checkout_op_is_rejected_and_the_batch_goes_on(auth, clock, data):
    op = {"op_id": str(uuid.uuid4()), "type": "equipment.checkout", "at": AT, "data": data}
    results = auth("captain1").post(SYNC, json=batch(op)).json["results"]
    assert results[0]["status"] == "rejected" and results[0]["error"]["status"] in (404, 422)


def test_a_member_may_not_take_equipment_out(auth, clock, make_item, make_order):
    item, order = make_item(), make_order()
    (res,) = auth("member1").post(SYNC, json=batch(_checkout(item["id"], order))).json["results"]
    assert res["status"] == "rejected" and res["error"]["status"] == 403
    resp = auth("member1").post(f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": order})
    assert resp.status_code == 403


def test_a_damaged_return_carries_photos_once_uploaded_and_only_the_region_sees_them(
    auth, clock, make_item, make_order
):
    from ..sync.helpers import jpeg

    item, order = make_item(), make_order()
    captain = auth("captain1")
    photo = str(uuid.uuid4())
    assert (
        captain.post(f"/api/v1/equipment/{item['id']}/checkout", json={"dispatch_id": order}).status_code
        == 200
    )
    body = {"condition": "damaged", "note": "浮力块破损", "media_ids": [photo]}
    early = captain.post(f"/api/v1/equipment/{item['id']}/return", json=body)
    assert early.status_code == 409 and early.json["type"].endswith("/media-missing")
    assert captain.get(f"/api/v1/equipment/{item['id']}").json["out"] is not None  # nothing changed
    put = captain.put(f"/api/v1/media/{photo}", data=jpeg(), headers={"Content-Type": "image/jpeg"})
    assert put.status_code == 201
    back = captain.post(f"/api/v1/equipment/{item['id']}/return", json=body)
    assert back.status_code == 200, back.json
    (event, _) = captain.get(f"/api/v1/equipment/{item['id']}").json["events"]
    assert event["media_ids"] == [photo]
    for who, status in (("town1", 200), ("town2", 404)):
        with auth(who).get(f"/api/v1/media/{photo}") as resp:
            assert resp.status_code == status, who
