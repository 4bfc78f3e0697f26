"""A hazard report's life to closure (风险隐患 跟踪销号) over HTTP: every step by whom it may be
taken, in order, with what it needs; every refusal is problem+json and changes nothing."""

import uuid

import pytest
import sqlalchemy as sa

from server.core.audit import AuditEntry
from server.extensions import db

from ..dbstate import changed_tables, committed_rows
from .life import POINT, body_for, bring_to, file_report, now_iso, step, upload_photo

PROBLEM = "application/problem+json"


def _detail(client, report_id) -> dict:
    resp = client.get(f"/api/v1/reports/{report_id}")
    assert resp.status_code == 200, resp.json
    return resp.json


def _audit_actions(app, report_id) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.entity_id == report_id)
            .order_by(AuditEntry.created_at)
        ).all()
        db.session.remove()
    return list(rows)


def test_the_whole_life_through_the_api(app, auth, ids):
    officer, desk, worker, county = auth("officer1"), auth("town1"), auth("member2"), auth("duty")
    report_id = file_report(officer)
    first = _detail(desk, report_id)
    assert first["status"] == "reported" and first["steps"] == [] and first["step_count"] == 0

    verified = step(desk, report_id, "verify", {"severity": "orange", "comment": "核实属实"})
    assert verified.status_code == 200, verified.json
    assert verified.json["status"] == "verified" and verified.json["severity"] == "orange"

    deadline = now_iso(days=2)
    assigned = step(
        desk,
        report_id,
        "assign",
        {"responsible_unit": "临城镇国土所", "assignee_id": ids["users"]["member2"], "deadline_at": deadline},
    )
    assert assigned.status_code == 200, assigned.json
    body = assigned.json
    assert body["status"] == "assigned" and body["responsible_unit"] == "临城镇国土所"
    assert body["assignee_id"] == ids["users"]["member2"] and body["assignee_name"]
    assert body["deadline_at"] is not None

    assert step(worker, report_id, "start", {"comment": "到场"}).json["status"] == "rectifying"
    photo = upload_photo(worker)
    rectified = step(worker, report_id, "rectify", {"photos": [photo], "comment": "危石已清"})
    assert rectified.status_code == 200, rectified.json
    assert rectified.json["status"] == "rectified"

    closed = step(county, report_id, "close", {"comment": "复核合格，销号"})
    assert closed.status_code == 200, closed.json

    final = _detail(officer, report_id)
    assert final["status"] == "closed" and final["closed_at"] is not None
    assert [s["kind"] for s in final["steps"]] == ["verify", "assign", "start", "rectify", "close"]
    assert [s["seq"] for s in final["steps"]] == [1, 2, 3, 4, 5] and final["step_count"] == 5
    assert [(s["from_status"], s["to_status"]) for s in final["steps"]] == [
        ("reported", "verified"),
        ("verified", "assigned"),
        ("assigned", "rectifying"),
        ("rectifying", "rectified"),
        ("rectified", "closed"),
    ]
    by = [s["actor_id"] for s in final["steps"]]
    assert by == [ids["users"][u] for u in ("town1", "town1", "member2", "member2", "duty")]
    assert all(s["actor_name"] for s in final["steps"])
    assert final["steps"][0]["severity"] == "orange"
    assert final["steps"][1]["deadline_at"] is not None
    (after,) = final["steps"][3]["photos"]
    assert after["media_id"] == photo["media_id"]
    assert (after["location"]["lat"], after["location"]["lon"]) == (POINT["lat"], POINT["lon"])
    assert after["taken_at"] is not None
    # The desk that closes sees the after-photo; another township does not.
    with county.get(f"/api/v1/media/{photo['media_id']}") as served:
        assert served.status_code == 200
    assert auth("town2").get(f"/api/v1/media/{photo['media_id']}").status_code == 404
    assert _audit_actions(app, report_id) == [
        "report.create",
        "report.verify",
        "report.assign",
        "report.start",
        "report.rectify",
        "report.close",
    ]


def test_the_reporter_and_the_assignee_pull_each_step_from_the_feed(auth, ids):
    report_id = bring_to(auth, ids, "closed")
    for who in ("officer1", "member2"):
        changes = auth(who).get("/api/v1/sync").json["changes"]
        mine = [c for c in changes if c["entity"] == "report" and c["id"] == report_id]
        assert mine, who
        assert mine[-1]["data"]["status"] == "closed", who
    other = auth("member3").get("/api/v1/sync").json["changes"]
    assert not [c for c in other if c["entity"] == "report" and c["id"] == report_id]


def test_reopen_keeps_the_history_and_the_cycle_runs_again(auth, ids):
    report_id = bring_to(auth, ids, "closed")
    desk = auth("town1")
    reopened = step(desk, report_id, "reopen", {"reason": "雨后裂缝再次扩大"})
    assert reopened.status_code == 200, reopened.json
    body = reopened.json
    assert body["status"] == "verified" and body["closed_at"] is None
    assert body["assignee_id"] is None and body["responsible_unit"] is None and body["deadline_at"] is None
    assert body["severity"] == "red"  # the risk colour of the verification stands
    assert body["steps"][-1]["reason"] == "雨后裂缝再次扩大"
    # The cycle again, with another person this time.
    worker = auth("member3")
    assert step(desk, report_id, "assign", body_for("assign", ids, assignee="member3")).status_code == 200
    assert step(worker, report_id, "start").status_code == 200
    assert step(worker, report_id, "rectify", body_for("rectify", ids, worker)).status_code == 200
    assert step(desk, report_id, "close").status_code == 200
    kinds = [s["kind"] for s in _detail(desk, report_id)["steps"]]
    assert kinds == ["verify", "assign", "start", "rectify", "close", "reopen"] + [
        "assign",
        "start",
        "rectify",
        "close",
    ]


def test_a_rejected_report_reopened_goes_back_to_be_verified(auth, ids):
    report_id = bring_to(auth, ids, "rejected")
    desk = auth("town1")
    assert _detail(desk, report_id)["steps"][0]["rejection"] == "false"
    resp = step(desk, report_id, "reopen", {"reason": "村民补充了照片，确有裂缝"})
    assert resp.status_code == 200 and resp.json["status"] == "reported"
    assert step(desk, report_id, "verify", {"severity": "yellow"}).json["status"] == "verified"


def test_a_duplicate_names_the_report_it_repeats(auth, ids):
    officer, desk = auth("officer1"), auth("town1")
    original, again = file_report(officer), file_report(officer)
    resp = step(
        desk, again, "reject", {"rejection": "duplicate", "reason": "与前一条重复", "duplicate_of": original}
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["steps"][0]["duplicate_of"] == original


def test_the_desk_rectifies_for_an_assignee_and_another_officer_closes(auth, ids):
    report_id = bring_to(auth, ids, "assigned")
    desk = auth("town1")
    assert step(desk, report_id, "start").status_code == 200
    assert step(desk, report_id, "rectify", body_for("rectify", ids, desk)).status_code == 200
    own = step(desk, report_id, "close")
    assert own.status_code == 403 and own.json["type"].endswith("/own-work")
    assert step(auth("duty"), report_id, "close").status_code == 200


def test_the_same_step_id_again_is_one_step(auth, ids):
    report_id = file_report(auth("officer1"))
    desk = auth("town1")
    body = {"id": str(uuid.uuid4()), "severity": "blue"}
    assert step(desk, report_id, "verify", body).status_code == 200
    again = step(desk, report_id, "verify", body)
    assert again.status_code == 200 and again.json["step_count"] == 1
    # The same id for another step is not the same step.
    other = step(desk, report_id, "assign", {**body_for("assign", ids), "id": body["id"]})
    assert other.status_code == 409 and other.mimetype == PROBLEM
    assert _detail(desk, report_id)["step_count"] == 1


# (state to start from, who acts, step, body or fn(ids, client) -> body, status, problem type)
REFUSALS = [
    # Wrong role.
    ("reported", "member1", "verify", {"severity": "red"}, 403, "forbidden"),
    ("reported", "officer1", "reject", {"rejection": "false", "reason": "x"}, 403, "forbidden"),
    ("verified", "captain1", "assign", lambda ids, c: body_for("assign", ids), 403, "forbidden"),
    ("rectified", "shelter1", "close", {}, 403, "forbidden"),
    ("closed", "member2", "reopen", {"reason": "再次出现"}, 403, "forbidden"),
    ("assigned", "member3", "start", {}, 403, "not-assignee"),
    ("rectifying", "officer1", "rectify", lambda ids, c: body_for("rectify", ids, c), 403, "not-assignee"),
    # Wrong order.
    ("reported", "town1", "close", {}, 409, "report-state"),
    ("reported", "town1", "assign", lambda ids, c: body_for("assign", ids), 409, "report-state"),
    ("verified", "town1", "verify", {"severity": "red"}, 409, "report-state"),
    ("assigned", "member2", "rectify", lambda ids, c: body_for("rectify", ids, c), 409, "report-state"),
    ("rectifying", "town1", "close", {}, 409, "report-state"),
    ("closed", "member2", "start", {}, 409, "report-state"),
    ("verified", "town1", "reopen", {"reason": "x"}, 409, "report-state"),
    ("verified", "town1", "reject", {"rejection": "false", "reason": "x"}, 409, "report-state"),
    # Another region: as if there were no such report.
    ("reported", "town2", "verify", {"severity": "red"}, 404, "not-found"),
    ("rectified", "town2", "close", {}, 404, "not-found"),
    ("assigned", "officer2", "start", {}, 404, "not-found"),
    # The assignee who rectified has no right to close at all (the desk who did: own-work, below).
    ("rectified", "member2", "close", {}, 403, "forbidden"),
    # Missing what a step needs.
    ("reported", "town1", "verify", {}, 422, "validation"),
    ("reported", "town1", "verify", {"severity": "pink"}, 422, "validation"),
    ("reported", "town1", "reject", {"rejection": "false"}, 422, "validation"),
    ("reported", "town1", "reject", {"rejection": "false", "reason": "   "}, 422, "validation"),
    ("reported", "town1", "reject", {"rejection": "maybe", "reason": "x"}, 422, "validation"),
    (
        "reported",
        "town1",
        "reject",
        {"rejection": "false", "reason": "x", "duplicate_of": str(uuid.uuid4())},
        422,
        "validation",
    ),
    (
        "reported",
        "town1",
        "reject",
        {"rejection": "duplicate", "reason": "x", "duplicate_of": str(uuid.uuid4())},
        422,
        "validation",
    ),
    ("closed", "town1", "reopen", {}, 422, "validation"),
    ("closed", "town1", "reopen", {"reason": ""}, 422, "validation"),
    ("verified", "town1", "assign", {"deadline_at": now_iso(days=1)}, 422, "validation"),
    # No deadline is the county's rule (tests/reports/test_supervision.py); a bad one is refused.
    ("verified", "town1", "assign", {"responsible_unit": "国土所", "deadline_at": "明天"}, 422, "validation"),
    (
        "verified",
        "town1",
        "assign",
        {"responsible_unit": "国土所", "deadline_at": now_iso(days=-1)},
        422,
        "validation",
    ),
    (
        "verified",
        "town1",
        "assign",
        {"responsible_unit": "国土所", "deadline_at": "2026-12-01T08:00:00"},
        422,
        "validation",
    ),
    (
        "verified",
        "town1",
        "assign",
        lambda ids, c: {"assignee_id": ids["users"]["officer2"], "deadline_at": now_iso(days=1)},
        422,
        "validation",
    ),
    (
        "verified",
        "town1",
        "assign",
        lambda ids, c: {"assignee_id": str(uuid.uuid4()), "deadline_at": now_iso(days=1)},
        422,
        "validation",
    ),
    # The after-photo: required, with its time and its point, uploaded, new.
    ("rectifying", "member2", "rectify", {}, 422, "validation"),
    ("rectifying", "member2", "rectify", {"photos": []}, 422, "validation"),
    (
        "rectifying",
        "member2",
        "rectify",
        lambda ids, c: {"photos": [{k: v for k, v in upload_photo(c).items() if k != "taken_at"}]},
        422,
        "validation",
    ),
    (
        "rectifying",
        "member2",
        "rectify",
        lambda ids, c: {"photos": [{k: v for k, v in upload_photo(c).items() if k != "location"}]},
        422,
        "validation",
    ),
    (
        "rectifying",
        "member2",
        "rectify",
        lambda ids, c: {"photos": [upload_photo(c, location={"lat": 0, "lon": 0})]},
        422,
        "validation",
    ),
    (
        "rectifying",
        "member2",
        "rectify",
        lambda ids, c: {"photos": [upload_photo(c, location={"lat": 48.85, "lon": 2.35})]},
        422,
        "validation",
    ),
    (
        "rectifying",
        "member2",
        "rectify",
        lambda ids, c: {"photos": [upload_photo(c, taken_at=now_iso(hours=2))]},
        422,
        "validation",
    ),
    (
        "rectifying",
        "member2",
        "rectify",
        lambda ids, c: {"photos": [upload_photo(c, taken_at=now_iso(days=-3))]},
        422,
        "validation",
    ),
    (
        "rectifying",
        "member2",
        "rectify",
        lambda ids, c: {"photos": [upload_photo(c, taken_at="2026-12-01T08:00:00")]},
        422,
        "validation",
    ),
    (
        "rectifying",
        "member2",
        "rectify",
        lambda ids, c: {"photos": [dict(upload_photo(c), media_id=str(uuid.uuid4()))]},
        409,
        "media-missing",
    ),
    (
        "rectifying",
        "member2",
        "rectify",
        lambda ids, c: (lambda p: {"photos": [p, p]})(upload_photo(c)),
        422,
        "validation",
    ),
]


@pytest.mark.parametrize(("state", "who", "kind", "body", "status", "slug"), REFUSALS)
def test_a_refused_step_answers_a_problem_and_changes_nothing(
    app, auth, ids, state, who, kind, body, status, slug
):
    report_id = bring_to(auth, ids, state)
    client = auth(who)
    payload = body(ids, client) if callable(body) else body
    before = committed_rows(app)
    resp = step(client, report_id, kind, payload)
    assert resp.status_code == status, resp.json
    assert resp.mimetype == PROBLEM and resp.json["type"].endswith(f"/{slug}"), resp.json
    assert changed_tables(before, committed_rows(app)) == set()
    if slug == "report-state":
        assert resp.json["state"] == state
        assert resp.json["current"]["id"] == report_id and resp.json["current"]["status"] == state


def test_the_assignee_does_not_close_what_they_answer_for(auth, ids):
    # A township duty officer answers for it; the county desk does the work on their behalf:
    # still, the one who answers for it does not check it.
    report_id = bring_to(auth, ids, "assigned", desk="duty", assignee="town1")
    county = auth("duty")
    assert step(county, report_id, "start").status_code == 200
    assert step(county, report_id, "rectify", body_for("rectify", ids, county)).status_code == 200
    resp = step(auth("town1"), report_id, "close")
    assert resp.status_code == 403 and resp.json["type"].endswith("/own-work")
    assert step(auth("admin"), report_id, "close").status_code == 200


def test_an_after_photo_already_used_by_the_report_is_not_new_evidence(app, auth, ids):
    worker = auth("member2")
    report_id = bring_to(auth, ids, "rectifying")
    photo = upload_photo(worker)
    other = file_report(worker, media_ids=[photo["media_id"]])
    assert other
    before = committed_rows(app)
    resp = step(worker, report_id, "rectify", {"photos": [photo]})
    assert resp.status_code == 422 and "photos.0.media_id" in resp.json["errors"]
    assert changed_tables(before, committed_rows(app)) == set()


def test_a_step_on_no_report_is_404(auth):
    resp = step(auth("town1"), str(uuid.uuid4()), "verify", {"severity": "red"})
    assert resp.status_code == 404 and resp.mimetype == PROBLEM
