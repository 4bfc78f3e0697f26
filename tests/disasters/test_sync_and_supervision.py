"""The phone's path (the sync op `disaster.report`, exactly once) and the supervision of late
initial reports (初报督办) with the time under the test's control, two workers at once included."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from server.accounts.models import User
from server.delivery.models import Notification
from server.disasters import supervision
from server.disasters.models import DisasterNotice
from server.extensions import db

from ..dbstate import committed_rows
from .helpers import EVENTS, SYNC, T1, V1, V1B, file, open_event, report_op


def _batch(*ops):
    return {"device_id": "2b6c1c7e-2a8f-4d8e-9a57-7d5f8f0e4c11", "ops": list(ops)}


def test_a_report_sent_offline_arrives_once_however_often_it_is_sent(app, auth, ids):
    event = open_event(auth, ids)
    officer = auth("officer1")
    op = report_op(event["id"], affected=25, evacuated=60, loss_10k_yuan="3.40")
    (first,) = officer.post(SYNC, json=_batch(op)).json["results"]
    assert first["status"] == "applied", first
    assert first["entity"]["kind"] == "initial" and first["entity"]["region_id"] == ids["regions"][V1]
    # Reported at the phone's time, not the server's.
    assert first["entity"]["reported_at"] == "2026-12-02T02:00:00+00:00"
    after = committed_rows(app)
    (again,) = officer.post(SYNC, json=_batch(op)).json["results"]
    assert again["status"] == "duplicate" and again["entity"] == first["entity"]
    # Twice in one batch, and the same report through REST after it: nothing moves.
    assert [r["status"] for r in officer.post(SYNC, json=_batch(op, op)).json["results"]] == [
        "duplicate",
        "duplicate",
    ]
    body = {k: v for k, v in op["data"].items() if k != "event_id"}
    rest = officer.post(f"{EVENTS}/{event['id']}/reports", json=body)
    assert rest.status_code == 200 and rest.json["id"] == first["entity"]["id"]
    assert committed_rows(app)["situation_reports"] == after["situation_reports"]
    assert len(after["situation_reports"]) == 1


def test_a_refused_op_says_why_and_the_next_op_still_applies(auth, ids):
    event = open_event(auth, ids)
    officer = auth("officer1")
    first = report_op(event["id"], affected=50, missing=3)
    lower = report_op(event["id"], kind="follow_up", affected=50, missing=1)
    fine = report_op(event["id"], kind="follow_up", affected=55, missing=3)
    results = officer.post(SYNC, json=_batch(first, lower, fine)).json["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["error"]["type"].endswith("/figure-lowered")
    assert results[1]["error"]["fields"] == ["missing"]
    assert results[2]["entity"]["seq"] == 2


# ---- supervision ---------------------------------------------------------------------------------


def _notices(app):
    with app.app_context():
        rows = db.session.execute(
            sa.select(User.username, Notification.ref_id, Notification.title)
            .join(User, User.id == Notification.user_id)
            .where(Notification.kind == "disaster")
            .order_by(User.username, Notification.ref_id)
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def _sweep(app, now):
    with app.app_context():
        written = supervision.sweep(now)
        db.session.commit()
        db.session.remove()
    return written


def _opened(auth, ids, regions=(V1, V1B)):
    at = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    event = open_event(auth, ids, regions=regions, opened_at=at.isoformat())
    return event, at


def test_no_notice_before_the_due_time_then_one_to_the_village_officer(app, auth, ids):
    event, opened = _opened(auth, ids)
    due = opened + timedelta(minutes=120)
    assert _sweep(app, due - timedelta(seconds=1)) == 0
    assert _notices(app) == []
    # 紫金村 reported in time; 城东村 did not.
    assert file(auth("town1"), event["id"], region_id=ids["regions"][V1B], affected=3).status_code == 201
    assert _sweep(app, due) == 1
    (notice,) = _notices(app)
    assert notice[:2] == ("officer1", f"{event['id']}:{ids['regions'][V1]}")
    assert "请报送初报" in notice[2]
    assert _sweep(app, due + timedelta(minutes=5)) == 0  # told once
    assert len(_notices(app)) == 1


def test_after_the_grace_the_township_desk_is_told_once_and_a_village_that_reported_is_not(app, auth, ids):
    event, opened = _opened(auth, ids, regions=(T1,))
    due = opened + timedelta(minutes=120)
    assert _sweep(app, due) == 3  # three villages of 临城镇, none reported
    assert file(auth("officer1"), event["id"], affected=1).status_code == 201
    grace = timedelta(minutes=app.config["DISASTER_ESCALATE_MIN"])
    assert _sweep(app, due + grace - timedelta(seconds=1)) == 0
    assert _sweep(app, due + grace) == 1
    assert _sweep(app, due + grace + timedelta(hours=1)) == 0
    desk = [n for n in _notices(app) if n[0] == "town1"]
    assert [n[1] for n in desk] == [f"{event['id']}:{ids['regions'][T1]}"]
    with app.app_context():
        body = db.session.scalar(sa.select(Notification.body).where(Notification.ref_id == desk[0][1]))
        db.session.remove()
    assert body == "2个村未报初报：紫金村、浮竹村"
    # The county desk is not woken for a township's villages.
    assert not [n for n in _notices(app) if n[0] == "duty"]


def test_a_closed_event_is_not_supervised(app, auth, ids):
    event, opened = _opened(auth, ids)
    assert auth("duty").post(f"{EVENTS}/{event['id']}/close").status_code == 200
    assert _sweep(app, opened + timedelta(days=1)) == 0


def test_two_workers_sweeping_at_once_notify_once(app, auth, ids):
    event, opened = _opened(auth, ids, regions=(T1,))
    later = opened + timedelta(minutes=121 + app.config["DISASTER_ESCALATE_MIN"])
    start = threading.Barrier(2)
    written, errors = [], []

    def work():
        try:
            with app.app_context():
                start.wait()
                written.append(supervision.sweep(later))
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - report any failure of a thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(written) == 4  # three villages and one township, between the two
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DisasterNotice)) == 4
        db.session.remove()
    told = _notices(app)
    assert sorted(n[0] for n in told) == ["officer1", "town1"]
    assert len({n[1] for n in told}) == 2


def test_the_worker_runs_the_sweep_each_round(app, auth, ids):
    from server.delivery import service as delivery

    _opened(auth, ids)
    with app.app_context():
        delivery.run_once(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))  # due, within the grace
        db.session.remove()
    assert [n[0] for n in _notices(app)] == ["officer1"]
    assert uuid.UUID(_notices(app)[0][1].split(":")[0])
