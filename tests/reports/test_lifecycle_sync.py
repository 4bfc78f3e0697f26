"""A report's steps from phones, offline, through the sync door: exactly once, in order; a step
that became impossible meanwhile is rejected with what happened and the current record; and no
body a client can send makes the server fail."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..dbstate import changed_tables, committed_rows
from ..sync.helpers import batch
from .life import body_for, bring_to, file_report, step, upload_photo

SYNC = "/api/v1/sync"


def _op(kind: str, report_id: str, minutes_ago: int = 1, **data) -> dict:
    at = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()
    return {
        "op_id": str(uuid.uuid4()),
        "type": f"report.{kind}",
        "at": at,
        "data": {"report_id": report_id, **data},
    }


def _results(client, *ops) -> list[dict]:
    resp = client.post(SYNC, json=batch(*ops))
    assert resp.status_code == 200, resp.json
    return resp.json["results"]


def test_the_whole_life_from_phones_offline(auth, ids):
    report_id = file_report(auth("officer1"))
    desk, worker, county = auth("town1"), auth("member2"), auth("duty")
    verify = _op("verify", report_id, 30, severity="red")
    assign = _op("assign", report_id, 29, **body_for("assign", ids))
    assert [r["status"] for r in _results(desk, verify, assign)] == ["applied", "applied"]
    # The assignee's phone queued both while in the hills; the photo went up first.
    start = _op("start", report_id, 20, comment="到场")
    rectify = _op("rectify", report_id, 5, **body_for("rectify", ids, worker))
    results = _results(worker, start, rectify)
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert results[-1]["entity"]["status"] == "rectified"
    (closed,) = _results(county, _op("close", report_id, 1))
    assert closed["status"] == "applied" and closed["entity"]["status"] == "closed"
    detail = county.get(f"/api/v1/reports/{report_id}").json
    assert [s["kind"] for s in detail["steps"]] == ["verify", "assign", "start", "rectify", "close"]
    # The phone's time is kept, not the server's arrival.
    assert detail["steps"][0]["at"] < detail["steps"][0]["created_at"]


def test_the_same_ops_again_are_duplicates_and_change_nothing(app, auth, ids):
    report_id = file_report(auth("officer1"))
    desk = auth("town1")
    ops = [
        _op("verify", report_id, 3, severity="yellow"),
        _op("assign", report_id, 2, **body_for("assign", ids)),
    ]
    first = _results(desk, *ops)
    before = committed_rows(app)
    again = _results(desk, *ops)
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert [r["entity"] for r in again] == [r["entity"] for r in first]
    assert committed_rows(app) == before


def test_a_step_sent_by_rest_and_then_by_the_outbox_is_one_step(auth, ids):
    report_id = file_report(auth("officer1"))
    desk = auth("town1")
    step_id = str(uuid.uuid4())
    assert step(desk, report_id, "verify", {"id": step_id, "severity": "blue"}).status_code == 200
    (result,) = _results(desk, _op("verify", report_id, 1, id=step_id, severity="blue"))
    assert result["status"] == "applied" and result["entity"]["step_count"] == 1
    assert len(desk.get(f"/api/v1/reports/{report_id}").json["steps"]) == 1


def test_a_stale_close_after_someone_else_closed_is_rejected_with_the_current_record(app, auth, ids):
    report_id = bring_to(auth, ids, "rectified")
    # town1's phone queued a close offline; meanwhile the county desk closed it.
    stale = _op("close", report_id, 10, comment="复核合格")
    assert step(auth("duty"), report_id, "close", {"comment": "已复核"}).status_code == 200
    before = committed_rows(app)
    (result,) = _results(auth("town1"), stale)
    assert result["status"] == "rejected"
    problem = result["error"]
    assert problem["type"].endswith("/report-state") and problem["state"] == "closed"
    current = problem["current"]
    assert current["id"] == report_id and current["status"] == "closed"
    assert current["steps"][-1]["kind"] == "close"
    assert current["steps"][-1]["actor_id"] == ids["users"]["duty"]
    # Only the ledger remembers the refusal; the report did not move.
    assert changed_tables(before, committed_rows(app)) == {"sync_ops"}
    (again,) = _results(auth("town1"), stale)
    assert again["status"] == "duplicate" and again["error"]["type"].endswith("/report-state")


def test_a_stale_rectify_after_the_report_was_handed_to_someone_else_is_rejected(auth, ids):
    report_id = bring_to(auth, ids, "rectifying")
    worker = auth("member2")
    stale = _op("rectify", report_id, 5, **body_for("rectify", ids, worker))
    reassigned = step(auth("town1"), report_id, "assign", body_for("assign", ids, assignee="member3"))
    assert reassigned.status_code == 200
    (result,) = _results(worker, stale)
    assert result["status"] == "rejected" and result["error"]["type"].endswith("/report-state")
    assert result["error"]["current"]["assignee_id"] == ids["users"]["member3"]


def test_a_rectify_before_its_photo_arrived_may_be_sent_again(auth, ids):
    report_id = bring_to(auth, ids, "rectifying")
    worker = auth("member2")
    photo = {**upload_photo(worker), "media_id": str(uuid.uuid4())}
    op = _op("rectify", report_id, 1, photos=[photo])
    (first,) = _results(worker, op)
    assert first["status"] == "rejected" and first["error"]["type"].endswith("/media-missing")
    # The upload goes through; the same op again now applies (the refusal was not remembered).
    from ..sync.helpers import jpeg

    uploaded = worker.put(
        f"/api/v1/media/{photo['media_id']}", data=jpeg(), headers={"Content-Type": "image/jpeg"}
    )
    assert uploaded.status_code == 201
    (second,) = _results(worker, op)
    assert second["status"] == "applied" and second["entity"]["status"] == "rectified"


def test_a_desk_op_from_a_member_is_rejected(auth, ids):
    report_id = file_report(auth("officer1"))
    (result,) = _results(auth("member1"), _op("verify", report_id, 1, severity="red"))
    assert result["status"] == "rejected" and result["error"]["type"].endswith("/forbidden")


_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
_times = st.sampled_from(
    [
        "2026-12-01T08:00:00+08:00",
        "2026-12-01T08:00:00",
        "9999-12-31T23:59:59+14:00",
        "0001-01-01T00:00:00-12:00",
        "x",
    ]
)
_photo = st.fixed_dictionaries(
    {},
    optional={
        "media_id": st.one_of(st.uuids().map(str), _junk),
        "taken_at": st.one_of(_times, _junk),
        "location": st.one_of(
            st.fixed_dictionaries({"lat": st.floats(-100, 100), "lon": st.floats(-200, 200)}), _junk
        ),
    },
)
_body = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.uuids().map(str), _junk),
        "comment": st.one_of(st.text(max_size=50), _junk),
        "severity": st.one_of(st.sampled_from(["red", "orange", "yellow", "blue", "pink"]), _junk),
        "rejection": st.one_of(st.sampled_from(["duplicate", "false", "not_ours"]), _junk),
        "reason": st.one_of(st.text(max_size=50), _junk),
        "duplicate_of": st.one_of(st.uuids().map(str), _junk),
        "responsible_unit": st.one_of(st.text(max_size=120), _junk),
        "assignee_id": st.one_of(st.uuids().map(str), _junk),
        "deadline_at": st.one_of(_times, _junk),
        "photos": st.one_of(st.lists(_photo, max_size=3), _junk),
        "extra": _junk,
    },
)
_KINDS = st.sampled_from(["verify", "reject", "assign", "start", "rectify", "close", "reopen"])


@pytest.fixture()
def filed(auth) -> str:
    # Made once for the whole property test: hypothesis runs its examples inside one test call.
    return file_report(auth("officer1"))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=_KINDS, body=_body, by_sync=st.booleans())
def test_no_step_body_makes_the_server_fail(auth, filed, kind, body, by_sync):
    report_id = filed
    desk = auth("town1")
    if by_sync:
        resp = desk.post(SYNC, json=batch(_op(kind, report_id, 1, **body)))
        assert resp.status_code == 200, resp.json
        (result,) = resp.json["results"]
        assert result["status"] in ("applied", "rejected"), result
        if result["status"] == "rejected":
            assert result["error"]["status"] < 500, result
    else:
        resp = step(desk, report_id, kind, body)
        assert resp.status_code < 500, resp.json
        if resp.status_code >= 400:
            assert resp.mimetype == "application/problem+json"


def test_two_desks_closing_at_once_close_it_once(auth, ids):
    """The county desk over REST and the township's phone through the outbox, at the same
    instant: one close is written, the other is told the report is closed."""
    import threading

    report_id = bring_to(auth, ids, "rectified")
    county, town = auth("duty"), auth("town1")
    answers, errors = [], []
    barrier = threading.Barrier(4)

    def by_rest(client):
        try:
            fresh = type(client)(client._client.application, client.token)
            barrier.wait()
            answers.append(("rest", step(fresh, report_id, "close").status_code))
        except Exception as exc:  # noqa: BLE001 - report any failure of a thread
            errors.append(exc)

    def by_sync(client):
        try:
            fresh = type(client)(client._client.application, client.token)
            barrier.wait()
            (result,) = fresh.post(SYNC, json=batch(_op("close", report_id, 1))).json["results"]
            answers.append(("sync", result["status"]))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [
        threading.Thread(target=by_rest, args=(county,)),
        threading.Thread(target=by_rest, args=(auth("admin"),)),
        threading.Thread(target=by_sync, args=(town,)),
        threading.Thread(target=by_sync, args=(auth("town1"),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    won = [a for a in answers if a[1] in (200, "applied")]
    assert len(won) == 1, answers
    assert all(a[1] in (409, "rejected") for a in answers if a not in won), answers
    detail = county.get(f"/api/v1/reports/{report_id}").json
    assert [s["kind"] for s in detail["steps"]].count("close") == 1 and detail["step_count"] == 5


def test_a_report_dated_at_the_first_instant_still_takes_its_after_photo(auth, ids):
    # A phone whose clock was reset to year 1 filed it: the photo's "not before the report"
    # check must not run off the calendar.
    from ..sync.helpers import report_op

    officer = auth("officer1")
    op = report_op()
    op["at"] = "0001-01-01T00:05:00+00:00"
    (filed,) = _results(officer, op)
    assert filed["status"] == "applied", filed
    report_id = op["data"]["id"]
    desk, worker = auth("town1"), auth("member2")
    for kind in ("verify", "assign"):
        assert step(desk, report_id, kind, body_for(kind, ids)).status_code == 200
    assert step(worker, report_id, "start").status_code == 200
    resp = step(worker, report_id, "rectify", body_for("rectify", ids, worker))
    assert resp.status_code == 200, resp.json
