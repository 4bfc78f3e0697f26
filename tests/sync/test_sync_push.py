"""POST /api/v1/sync: in order, each op on its own, each op_id at most once."""

import uuid

from .helpers import batch, checkin_op, checkout_op, report_op

SYNC = "/api/v1/sync"


def test_a_report_is_applied_and_then_listed(auth):
    member = auth("member1")
    op = report_op()
    resp = member.post(SYNC, json=batch(op))
    assert resp.status_code == 200
    (result,) = resp.json["results"]
    assert result["op_id"] == op["op_id"] and result["status"] == "applied"
    assert result["entity"]["id"] == op["data"]["id"]
    assert result["entity"]["status"] == "reported"
    assert result["entity"]["reported_at"].startswith("2026-11-29T00:00:00")
    listed = auth("town1").get("/api/v1/reports").json
    assert [r["id"] for r in listed["items"]] == [op["data"]["id"]]


def test_a_resend_is_a_duplicate_with_the_first_result_and_changes_nothing(auth):
    member = auth("member1")
    op = report_op()
    first = member.post(SYNC, json=batch(op)).json["results"][0]
    again = member.post(SYNC, json=batch(op, op)).json["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert again[0]["entity"] == first["entity"]
    assert auth("town1").get("/api/v1/reports").json["total"] == 1


def test_the_same_op_id_with_other_content_is_a_conflict(auth):
    member = auth("member1")
    op = report_op()
    member.post(SYNC, json=batch(op))
    changed = {**op, "data": {**op["data"], "description": "改过的内容"}}
    (result,) = member.post(SYNC, json=batch(changed)).json["results"]
    assert result["status"] == "rejected"
    assert result["error"]["type"].endswith("/op-conflict")
    report = auth("town1").get(f"/api/v1/reports/{op['data']['id']}").json
    assert report["description"] == op["data"]["description"]


def test_ops_apply_in_order_and_a_rejected_one_does_not_stop_the_rest(auth):
    member = auth("member2")
    cid = str(uuid.uuid4())
    ops = [
        checkout_op(cid),  # before its check-in: an error for this op only
        checkin_op(cid),
        report_op(category="volcano"),  # not a category
        report_op(),
        checkout_op(cid),
        {"op_id": str(uuid.uuid4()), "type": "teleport", "at": "2026-11-29T08:00:00+08:00", "data": {}},
    ]
    results = member.post(SYNC, json=batch(*ops)).json["results"]
    assert [r["op_id"] for r in results] == [o["op_id"] for o in ops]
    assert [r["status"] for r in results] == [
        "rejected",
        "applied",
        "rejected",
        "applied",
        "applied",
        "rejected",
    ]
    assert results[0]["error"]["status"] == 404
    assert "category" in results[2]["error"]["errors"]
    assert results[4]["entity"]["open"] is False
    assert results[4]["entity"]["minutes"] == 150.0
    assert results[5]["error"]["type"].endswith("/unknown-op")


def test_a_refused_op_is_remembered_but_a_not_yet_supported_one_is_not(auth, monkeypatch):
    from server.sync import handlers

    # An op type of the contract the server does not handle yet (none today: warning.ack was).
    monkeypatch.setattr(handlers, "NOT_YET", {"future.op"})
    monkeypatch.setattr("server.sync.service.NOT_YET", handlers.NOT_YET)
    member = auth("member1")
    bad = report_op(description="")
    later = {"op_id": str(uuid.uuid4()), "type": "future.op", "at": "2026-11-29T08:00:00+08:00", "data": {}}
    first = member.post(SYNC, json=batch(bad, later)).json["results"]
    again = member.post(SYNC, json=batch(bad, later)).json["results"]
    assert first[0]["status"] == "rejected"
    assert again[0]["status"] == "duplicate" and again[0]["error"] == first[0]["error"]
    assert first[1]["status"] == again[1]["status"] == "rejected"
    assert again[1]["error"]["type"].endswith("/op-not-supported")


def test_a_bug_in_checking_one_op_costs_that_op_alone(auth, monkeypatch):
    """The ops are checked before the batch's transaction; a check that fails with a bug (not a
    refusal) still refuses only its own op, retryably (not remembered), in the op's turn."""
    from server.sync import handlers

    schema = handlers.HANDLERS["attendance.checkin"].schema
    real_load = schema.load

    def broken(data, *args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(schema, "load", broken)
    member = auth("member4")
    report, checkin = report_op(), checkin_op()
    results = member.post(SYNC, json=batch(report, checkin)).json["results"]
    assert results[0]["status"] == "applied"
    assert results[1]["status"] == "rejected" and results[1]["error"]["type"].endswith("/internal")
    monkeypatch.setattr(schema, "load", real_load)
    again = member.post(SYNC, json=batch(report, checkin)).json["results"]
    assert [r["status"] for r in again] == ["duplicate", "applied"]


def test_only_one_open_checkin_per_person(auth):
    member = auth("member3")
    results = member.post(SYNC, json=batch(checkin_op(), checkin_op())).json["results"]
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["error"]["type"].endswith("/already-checked-in")
    assert results[1]["error"]["current"]["id"] == results[0]["entity"]["id"]


def test_one_cannot_check_out_someone_elses_checkin(auth):
    cid = str(uuid.uuid4())
    auth("member4").post(SYNC, json=batch(checkin_op(cid)))
    (result,) = auth("member5").post(SYNC, json=batch(checkout_op(cid))).json["results"]
    assert result["status"] == "rejected" and result["error"]["status"] == 404


def test_a_report_for_another_region_is_refused(auth, ids):
    op = report_op(region_id=ids["regions"]["古田镇"])
    (result,) = auth("member1").post(SYNC, json=batch(op)).json["results"]
    assert result["status"] == "rejected"
    assert "region_id" in result["error"]["errors"]


def test_times_need_an_offset_and_the_future_is_clamped(auth):
    member = auth("member6")
    naive = {**report_op(), "at": "2026-11-29T08:00:00"}
    future = {**report_op(), "at": "2099-01-01T00:00:00+08:00"}
    results = member.post(SYNC, json=batch(naive, future)).json["results"]
    assert results[0]["status"] == "rejected" and "at" in results[0]["error"]["errors"]
    assert results[1]["status"] == "applied"
    assert not results[1]["entity"]["reported_at"].startswith("2099")


def test_malformed_batches_answer_400_or_413_and_apply_nothing(app, auth):
    member = auth("member1")
    good = report_op()
    cases = [
        member.post(SYNC, data="{not json", content_type="application/json"),
        member.post(SYNC, json={"device_id": "x"}),
        member.post(SYNC, json={"ops": {"a": 1}}),
        member.post(SYNC, json={"ops": [good, "nope"]}),
        member.post(SYNC, json={"ops": [good, {**report_op(), "op_id": "not-a-uuid"}]}),
        member.post(SYNC, json=[good]),
    ]
    for resp in cases:
        assert resp.status_code in (400, 422), resp.json
        assert resp.mimetype == "application/problem+json"
    too_many = member.post(SYNC, json=batch(*([good] * (app.config["SYNC_MAX_OPS"] + 1))))
    assert too_many.status_code == 413
    assert auth("town1").get("/api/v1/reports").json["total"] == 0


def test_a_batch_of_the_documented_maximum_is_accepted(app, auth):
    ops = [report_op() for _ in range(app.config["SYNC_MAX_OPS"])]
    resp = auth("member7").post(SYNC, json=batch(*ops))
    assert resp.status_code == 200
    assert {r["status"] for r in resp.json["results"]} == {"applied"}


def test_sync_needs_a_login(client):
    assert client.post(SYNC, json=batch(report_op())).status_code == 401


def test_a_group_that_fails_in_the_database_falls_back_to_one_op_at_a_time(auth, monkeypatch):
    """Reports in a row go in with one INSERT; if that statement fails, each op is applied in
    its own savepoint instead, with the same answers."""
    from sqlalchemy.exc import IntegrityError

    from server.sync import handlers

    original = handlers.HANDLERS["report.create"]

    def broken(actor, items):
        raise IntegrityError("INSERT", {}, Exception("simulated"))

    monkeypatch.setitem(
        handlers.HANDLERS,
        "report.create",
        original.__class__(original.schema, original.action, original.apply, original.dump, broken),
    )
    ops = [report_op(), report_op(category="volcano"), report_op()]
    results = auth("member1").post(SYNC, json=batch(*ops)).json["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert auth("town1").get("/api/v1/reports").json["total"] == 2
