"""The training.attend op: one member marked at one training, exactly once; a later mark (by the
time it was taken) corrects an earlier one; refusals name their problem and change nothing."""

import uuid

import sqlalchemy as sa

from server.extensions import db
from server.training.models import TrainingAttendance

from ..dbstate import committed_rows
from .helpers import attend_op, plan, push, when


def _marks(app):
    with app.app_context():
        rows = db.session.execute(
            sa.select(TrainingAttendance.user_id, TrainingAttendance.status, TrainingAttendance.hours)
        ).all()
        db.session.remove()
    return {str(u): (s, str(h)) for u, s, h in rows}


def test_a_mark_lands_once_and_a_resend_changes_nothing(app, auth, ids):
    drill = plan(auth, ids)
    captain = auth("captain1")
    m1, m2 = ids["users"]["member1"], ids["users"]["member2"]
    first, second = attend_op(drill["id"], m1), attend_op(drill["id"], m2, status="absent")
    results = push(captain, first, second)
    assert [r["status"] for r in results] == ["applied", "applied"], results
    assert results[0]["entity"]["status_label"] == "到" and results[0]["entity"]["hours"] == "3.0"
    assert _marks(app) == {m1: ("present", "3.0"), m2: ("absent", "0.0")}
    before = committed_rows(app)
    again = push(captain, first, second)
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert again[0]["entity"] == results[0]["entity"]
    assert committed_rows(app) == before
    # The same mark through another door (REST, a second phone's copy): still nothing changes.
    rest = captain.post(
        f"/api/v1/trainings/{drill['id']}/attendance", json={**first["data"], "training_id": None}
    )
    assert rest.status_code == 200 and rest.json["id"] == results[0]["entity"]["id"]
    assert committed_rows(app) == before
    roll = captain.get(f"/api/v1/trainings/{drill['id']}").json
    assert roll["counts"] == {"expected": 3, "present": 1, "late": 0, "absent": 1, "unmarked": 1}


def test_a_later_mark_corrects_and_an_older_one_arriving_late_is_refused(app, auth, ids):
    drill = plan(auth, ids)
    captain = auth("captain1")
    m1 = ids["users"]["member1"]
    tapped_absent = attend_op(drill["id"], m1, status="absent", at=when(hours=-0.5))
    tapped_present = attend_op(drill["id"], m1, status="late", at=when(hours=-0.25), hours="2.0")
    # Sent in the order tapped: the second corrects the first.
    assert [r["status"] for r in push(captain, tapped_absent, tapped_present)] == ["applied", "applied"]
    assert _marks(app) == {m1: ("late", "2.0")}
    # Another phone's older mark arrives after: refused, with the standing mark; nothing moves.
    older = attend_op(drill["id"], m1, status="absent", at=when(hours=-1))
    (refused,) = push(auth("town1"), older)
    assert refused["status"] == "rejected"
    assert refused["error"]["type"].endswith("/training-mark-superseded")
    assert refused["error"]["current"]["status"] == "late"
    assert _marks(app) == {m1: ("late", "2.0")}


def test_marks_for_a_cancelled_drill_or_a_member_not_expected_are_refused(app, auth, ids):
    drill = plan(auth, ids)
    captain = auth("captain1")
    (stranger,) = push(captain, attend_op(drill["id"], ids["users"]["member9"]))
    assert stranger["status"] == "rejected" and stranger["error"]["type"].endswith("/training-not-expected")
    (other_team,) = push(captain, attend_op(drill["id"], ids["users"]["t2member1"]))
    assert other_team["error"]["type"].endswith("/training-not-expected")
    (nobody,) = push(captain, attend_op(drill["id"], str(uuid.uuid4())))
    assert nobody["error"]["type"].endswith("/training-not-expected")
    assert auth("town1").post(f"/api/v1/trainings/{drill['id']}/cancel", json={}).status_code == 200
    (cancelled,) = push(captain, attend_op(drill["id"], ids["users"]["member1"]))
    assert cancelled["status"] == "rejected" and cancelled["error"]["type"].endswith("/training-cancelled")
    assert _marks(app) == {}


def test_who_may_mark(app, auth, ids):
    drill = plan(auth, ids)
    m1 = ids["users"]["member1"]
    (member,) = push(auth("member1"), attend_op(drill["id"], m1))
    assert member["status"] == "rejected" and member["error"]["status"] == 403
    (other_captain,) = push(auth("captain2"), attend_op(drill["id"], m1))
    assert other_captain["status"] == "rejected" and other_captain["error"]["status"] == 404
    assert _marks(app) == {}
    (desk,) = push(auth("town1"), attend_op(drill["id"], m1))
    assert desk["status"] == "applied"


def test_a_badge_names_the_member(app, auth, ids):
    drill = plan(auth, ids)
    captain = auth("captain1")
    m2 = ids["users"]["member2"]
    (scanned,) = push(captain, attend_op(drill["id"], badge=f"member:{m2}"))
    assert scanned["status"] == "applied", scanned
    assert scanned["entity"]["member_id"] == m2 and scanned["entity"]["method"] == "badge"
    (bare,) = push(captain, attend_op(drill["id"], badge=ids["users"]["member3"].upper()))
    assert bare["status"] == "applied"
    (unknown,) = push(captain, attend_op(drill["id"], badge="SHELTER-7Q2K"))
    assert unknown["status"] == "rejected" and unknown["error"]["type"].endswith("/badge-unknown")
    assert set(_marks(app)) == {m2, ids["users"]["member3"]}


def test_bad_marks_are_problems_that_change_nothing(app, auth, ids):
    drill = plan(auth, ids)
    captain = auth("captain1")
    m1 = ids["users"]["member1"]
    bad = [
        {"status": "sick"},
        {"hours": "30"},
        {"hours": "1.0", "status": "absent"},
        {"method": "telepathy"},
        {"badge": "member:" + m1},  # both a member and a badge
        {"id": "x"},
        {"training_id": "nope"},
    ]
    before = committed_rows(app)
    for over in bad:
        op = attend_op(drill["id"], m1)
        op["data"].update(over)
        (result,) = push(captain, op)
        assert result["status"] == "rejected" and result["error"]["status"] == 422, (over, result)
    neither = attend_op(drill["id"])
    (result,) = push(captain, neither)
    assert result["error"]["status"] == 422
    assert _marks(app) == {}
    rows = committed_rows(app)
    assert {k: v for k, v in rows.items() if k != "sync_ops"} == {
        k: v for k, v in before.items() if k != "sync_ops"
    }
    rest = captain.post(f"/api/v1/trainings/{drill['id']}/attendance", json={"status": "present"})
    assert rest.status_code == 422 and rest.mimetype == "application/problem+json"
    missing = captain.post(
        f"/api/v1/trainings/{uuid.uuid4()}/attendance", json=attend_op(drill["id"], m1)["data"]
    )
    assert missing.status_code == 404
