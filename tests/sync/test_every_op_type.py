"""Every op type the sync door knows, walked with a valid example: its effect and its ledger row
land together or not at all. A new op type in server.sync.handlers.HANDLERS is walked too, and
fails here until it has an example."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.sync.handlers import HANDLERS
from server.sync.models import SyncOp

from ..dbstate import changed_tables, commit_fails, committed_rows
from ..reports.life import body_for, bring_to
from .helpers import batch, report_op

SYNC = "/api/v1/sync"
# Rows every applied op writes besides its effect.
BOOKKEEPING = {"sync_ops", "changes", "audit_entries"}


def _at(minutes_ago: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()


def _op(kind: str, minutes_ago: int, **data) -> dict:
    return {"op_id": str(uuid.uuid4()), "type": kind, "at": _at(minutes_ago), "data": data}


def _applied(member, op) -> dict:
    (result,) = member.post(SYNC, json=batch(op)).json["results"]
    assert result["status"] == "applied", result
    return result


def _order(auth, ids) -> str:
    body = {
        "title": "城东村山体滑坡，转移群众",
        "description": "村口道路被埋，需人员协助转移三户群众",
        "location": {"lat": 25.056, "lon": 116.442},
        "team_ids": [ids["teams"][ids["regions"]["临城镇"]]],
        "headcount": 4,
    }
    resp = auth("town1").post("/api/v1/dispatches", json=body)
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _checkout(auth, ids, member):
    checkin = _applied(member, _op("attendance.checkin", 120, id=str(uuid.uuid4())))
    return _op("attendance.checkout", 60, id=checkin["entity"]["id"])


def _ping(auth, ids, member):
    order = _order(auth, ids)
    _applied(member, _op("dispatch.status", 20, dispatch_id=order, status="on_scene"))
    return _op("dispatch.ping", 10, dispatch_id=order, location={"lat": 25.057, "lon": 116.443})


def _shelter_checkin(auth, ids, member):
    return _op(
        "shelter.checkin",
        15,
        id=str(uuid.uuid4()),
        shelter_id=ids["shelters"]["上杭县体育馆"],
        name="林阿婆",
        phone="13800138000",
        household_size=2,
        needs=["elderly"],
    )


def _shelter_checkout(auth, ids, member):
    checkin = _applied(member, _shelter_checkin(auth, ids, member))
    return _op("shelter.checkout", 5, checkin_id=checkin["entity"]["id"])


def _disaster_report(auth, ids, member):
    """An initial situation report of officer1's village, for an event the county desk opened."""
    event = auth("duty").post(
        "/api/v1/disaster-events",
        json={"kind": "rainstorm", "name": "11·29暴雨", "region_ids": [ids["regions"]["城东村"]]},
    )
    assert event.status_code == 201, event.json
    figures = dict.fromkeys(
        (
            "affected",
            "dead",
            "missing",
            "injured",
            "evacuated",
            "resettled",
            "houses_collapsed",
            "houses_severe",
            "houses_light",
        ),
        0,
    )
    data = {
        "event_id": event.json["id"],
        "id": str(uuid.uuid4()),
        "kind": "initial",
        **figures,
        "affected": 30,
        "evacuated": 45,
        "crops_affected_ha": "2.50",
        "crops_lost_ha": "0.00",
        "loss_10k_yuan": "8.00",
    }
    # Built by hand: the report's own `kind` would clash with _op's.
    return {"op_id": str(uuid.uuid4()), "type": "disaster.report", "at": _at(3), "data": data}


def _report_step(kind: str, state: str):
    """A report brought to `state` over REST (town1's desk, member2 the assignee), and the op
    of `kind` that takes it on, sent by the op type's sender."""

    def example(auth, ids, member):
        report_id = bring_to(auth, ids, state)
        return _op(f"report.{kind}", 2, report_id=report_id, **body_for(kind, ids, member))

    return example


def _warning_ack(auth, ids, member):
    """收到 for a warning the township desk issued to member1's township."""
    resp = auth("town1").post(
        "/api/v1/warnings",
        json={"title": "暴雨蓝色预警", "body": "强降雨", "kind": "rainstorm", "level": "blue"},
    )
    assert resp.status_code == 201, resp.json
    return _op("warning.ack", 1, warning_id=resp.json["id"])


def _equipment_item(auth, ids) -> str:
    team = ids["teams"][ids["regions"]["临城镇"]]
    resp = auth("captain1").post(
        f"/api/v1/teams/{team}/equipment",
        json={"name": "救生衣", "category": "water", "standard": "GB/T 32227"},
    )
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _equipment_checkout(auth, ids, member):
    return _op(
        "equipment.checkout",
        5,
        id=str(uuid.uuid4()),
        item_id=_equipment_item(auth, ids),
        dispatch_id=_order(auth, ids),
    )


def _equipment_return(auth, ids, member):
    item = _equipment_item(auth, ids)
    _applied(
        member,
        _op("equipment.checkout", 30, id=str(uuid.uuid4()), item_id=item, dispatch_id=_order(auth, ids)),
    )
    return _op(
        "equipment.return", 5, id=str(uuid.uuid4()), item_id=item, condition="damaged", note="浮力块破损"
    )


def _training_attend(auth, ids, member):
    """到 for member2 at a drill captain1 planned for member2 and member3."""
    now = datetime.now(UTC)
    body = {
        "kind": "exercise",
        "title": "防汛抢险模拟演练",
        "place": "临城镇水库大坝",
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "planned_hours": "2.0",
        "member_ids": [ids["users"]["member2"], ids["users"]["member3"]],
    }
    team = ids["teams"][ids["regions"]["临城镇"]]
    resp = member.post(f"/api/v1/teams/{team}/trainings", json=body)
    assert resp.status_code == 201, resp.json
    return _op(
        "training.attend",
        1,
        id=str(uuid.uuid4()),
        training_id=resp.json["id"],
        member_id=ids["users"]["member2"],
        status="present",
    )


# Who sends each op type, where member1 may not (a shelter's kiosk is its manager's phone; a
# report's steps are the desk's, or its assignee's).
SENDERS = {
    "shelter.checkin": "shelter1",
    "shelter.checkout": "shelter1",
    **{f"report.{k}": "town1" for k in ("verify", "reject", "assign", "close", "reopen")},
    "report.start": "member2",
    "disaster.report": "officer1",
    "report.rectify": "member2",
    "equipment.checkout": "captain1",
    "equipment.return": "captain1",
    "training.attend": "captain1",
}

# op type -> (auth, ids, member) -> a valid op for its sender, after any setup it needs (committed).
EXAMPLES = {
    "shelter.checkin": _shelter_checkin,
    "shelter.checkout": _shelter_checkout,
    "report.create": lambda auth, ids, member: report_op(),
    "attendance.checkin": lambda auth, ids, member: _op(
        "attendance.checkin", 30, id=str(uuid.uuid4()), location={"lat": 25.05, "lon": 116.42}
    ),
    "attendance.checkout": _checkout,
    "dispatch.respond": lambda auth, ids, member: _op(
        "dispatch.respond", 5, dispatch_id=_order(auth, ids), response="accept", eta_minutes=15
    ),
    "dispatch.status": lambda auth, ids, member: _op(
        "dispatch.status", 5, dispatch_id=_order(auth, ids), status="en_route"
    ),
    "dispatch.ping": _ping,
    "disaster.report": _disaster_report,
    "report.verify": _report_step("verify", "reported"),
    "report.reject": _report_step("reject", "reported"),
    "report.assign": _report_step("assign", "verified"),
    "report.start": _report_step("start", "assigned"),
    "report.rectify": _report_step("rectify", "rectifying"),
    "report.close": _report_step("close", "rectified"),
    "report.reopen": _report_step("reopen", "closed"),
    "warning.ack": _warning_ack,
    "equipment.checkout": _equipment_checkout,
    "equipment.return": _equipment_return,
    "training.attend": _training_attend,
}


def _ledger_rows(app, op_id: str) -> int:
    with app.app_context(), db.engine.connect() as conn:
        return conn.scalar(
            sa.select(sa.func.count()).select_from(SyncOp).where(SyncOp.op_id == uuid.UUID(op_id))
        )


def test_every_example_is_of_a_registered_op_type():
    assert set(EXAMPLES) <= set(HANDLERS)


@pytest.mark.parametrize("kind", sorted(HANDLERS))
def test_an_op_and_its_ledger_row_land_together_once_or_not_at_all(app, auth, ids, kind):
    assert kind in EXAMPLES, f"{kind} needs a valid example op in EXAMPLES ({__name__})"
    member = auth(SENDERS.get(kind, "member1"))
    op = EXAMPLES[kind](auth, ids, member)
    assert op["type"] == kind

    # The batch's commit fails after the op ran: neither its effect nor its ledger row stays.
    before = committed_rows(app)
    with commit_fails(app, sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))):
        resp = member.post(SYNC, json=batch(op))
    assert resp.status_code == 503 and resp.json["type"].endswith("/unavailable")
    assert changed_tables(before, committed_rows(app)) == set()
    assert _ledger_rows(app, op["op_id"]) == 0

    # The phone sends it again: applied once, the effect and its ledger row together.
    first = _applied(member, op)
    applied = committed_rows(app)
    changed = changed_tables(before, applied)
    assert changed - BOOKKEEPING, f"{kind} applied but changed only {changed}"
    assert "sync_ops" in changed
    assert _ledger_rows(app, op["op_id"]) == 1
    assert len(applied["sync_ops"]) == len(before["sync_ops"]) + 1

    # And again: a duplicate with the first answer, and not one row of the database moves.
    (again,) = member.post(SYNC, json=batch(op)).json["results"]
    assert again["status"] == "duplicate"
    assert again["entity"] == first["entity"]
    assert committed_rows(app) == applied
