"""Automatic supervision (节点自动督办) with the clock in the test's hands: each node's deadline,
a reminder before it, one at it, escalations up the region tree after each grace, each exactly
once even with two workers sweeping at once; China's working days; the county's rules; the
desk's supervised list."""

import logging
import threading
import uuid
from datetime import UTC, datetime, timedelta

import chinese_calendar
import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.delivery import service as delivery
from server.delivery.models import Notification
from server.extensions import db
from server.regions.models import Region
from server.reports import deadlines, supervision
from server.reports.models import Report, ReportSupervision

from ..dbstate import committed_rows
from ..sync.helpers import batch, report_op
from .life import body_for, bring_to, file_report, step

CHINA = deadlines.CHINA
SYNC = "/api/v1/sync"


def sweep(app, now: datetime) -> int:
    """One sweep as the worker runs it: its own unit of work, committed."""
    with app.app_context():
        written = supervision.sweep(now)
        db.session.commit()
        db.session.remove()
    return written


def notices(app) -> list[tuple[str, str]]:
    """(username, stage and level) of every supervision notice queued, sorted."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(User.username, Notification.ref_id)
            .join(User, User.id == Notification.user_id)
            .where(Notification.kind == "report")
        ).all()
        db.session.remove()
    return sorted((r.username, r.ref_id.rsplit(":", 1)[1]) for r in rows)


def records(app) -> list[tuple]:
    with app.app_context():
        s = ReportSupervision
        rows = db.session.execute(
            sa.select(s.node, s.stage, s.level, Region.name, s.told)
            .outerjoin(Region, Region.id == s.region_id)
            .order_by(s.at, s.stage, s.level)
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def due_of(client, report_id) -> datetime:
    return datetime.fromisoformat(client.get(f"/api/v1/reports/{report_id}").json["due_at"])


# ---- reminders and escalations ----------------------------------------------------------------


def test_an_unverified_report_is_reminded_before_and_at_its_deadline_then_escalated_once_each(app, auth, ids):
    report_id = file_report(auth("officer1"))  # in 城东村, a village of 临城镇; no colour yet
    due = due_of(auth("town1"), report_id)
    rule = deadlines.rule_for(deadlines.DEFAULT_RULES, "verify", "geological", None)
    assert (rule["amount"], rule["unit"]) == (4, "hours")
    remind, grace = timedelta(minutes=rule["remind_before_min"]), timedelta(minutes=rule["grace_min"])

    assert sweep(app, due - remind - timedelta(minutes=1)) == 0
    assert notices(app) == []

    # Before the deadline: the desk of the report's region (the village has none: the township's).
    assert sweep(app, due - remind) == 1
    assert notices(app) == [("town1", "remind0")]
    assert sweep(app, due - remind + timedelta(minutes=5)) == 0  # again: nothing new

    assert sweep(app, due) == 1
    assert notices(app) == [("town1", "due0"), ("town1", "remind0")]
    assert sweep(app, due + grace - timedelta(seconds=1)) == 0

    # After the grace: one level above the township desk, the county's.
    assert sweep(app, due + grace) == 1
    assert notices(app) == [
        ("admin", "escalate1"),
        ("duty", "escalate1"),
        ("town1", "due0"),
        ("town1", "remind0"),
    ]
    assert sweep(app, due + 10 * grace) == 0
    assert len(notices(app)) == 4
    assert records(app) == [
        ("verify", "remind", 0, None, 1),
        ("verify", "due", 0, None, 1),
        ("verify", "escalate", 1, "上杭县", 2),
    ]
    # Nothing more to say: the report is no longer read by the sweep.
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT supervise_at FROM reports")) is None
        db.session.remove()


def test_a_rectification_reminds_its_assignee_then_goes_up_village_township_county(app, auth, ids):
    report_id = bring_to(auth, ids, "assigned")  # assigned to member2, deadline in three days
    desk = auth("town1")
    detail = desk.get(f"/api/v1/reports/{report_id}").json
    due = datetime.fromisoformat(detail["due_at"])
    assert due == datetime.fromisoformat(detail["deadline_at"])
    rule = deadlines.rule_for(deadlines.DEFAULT_RULES, "rectify", "geological", "red")
    grace = timedelta(minutes=rule["grace_min"])

    # Starting the work keeps the same node and deadline: no new cycle.
    resp = step(auth("member2"), report_id, "start")
    assert resp.status_code == 200 and resp.json["due_at"] == detail["due_at"]

    sweep(app, due - timedelta(minutes=rule["remind_before_min"]))
    sweep(app, due)
    assert notices(app) == [("member2", "due0"), ("member2", "remind0")]
    sweep(app, due + grace)
    assert ("town1", "escalate1") in notices(app) and len(notices(app)) == 3
    sweep(app, due + 2 * grace)
    assert sorted(n for n in notices(app) if n[1] == "escalate2") == [
        ("admin", "escalate2"),
        ("duty", "escalate2"),
    ]
    assert [(r[1], r[2], r[3]) for r in records(app)] == [
        ("remind", 0, None),
        ("due", 0, None),
        ("escalate", 1, "临城镇"),
        ("escalate", 2, "上杭县"),
    ]
    # The texts say what, which node, and by how much it is late, in Chinese.
    with app.app_context():
        titles = set(db.session.scalars(sa.select(Notification.title).where(Notification.kind == "report")))
        body = db.session.scalar(
            sa.select(Notification.body).where(Notification.ref_id.endswith(":escalate2")).limit(1)
        )
        db.session.remove()
    assert titles == {
        "督办提醒：待整改",
        "已到期：待整改",
        "督办（第1级）：待整改超时",
        "督办（第2级）：待整改超时",
    }
    assert "地质灾害隐患·重大（红）" in body and "已超时" in body


def test_two_workers_sweeping_at_once_tell_each_person_once(app, auth, ids):
    reports = [bring_to(auth, ids, "assigned") for _ in range(3)]
    due = max(due_of(auth("town1"), r) for r in reports)
    late = due + timedelta(days=30)  # every stage of every report is due at once
    start = threading.Barrier(2)
    written, errors = [], []

    def worker():
        try:
            with app.app_context():
                start.wait()
                written.append(supervision.sweep(late))
                db.session.commit()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - report any failure of a thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    # Late by a month: no reminder before a passed deadline; due, then two levels up.
    assert sum(written) == 3 * 3
    assert len(records(app)) == 9
    per_report = {"member2": 1, "town1": 1, "duty": 1, "admin": 1}
    told = notices(app)
    assert len(told) == 3 * sum(per_report.values())
    with app.app_context():
        refs = list(db.session.scalars(sa.select(Notification.ref_id).where(Notification.kind == "report")))
        db.session.remove()
    # One of each (person, notice): the database's own key agrees.
    assert len(refs) == len(told) and len(set(refs)) == 3 * 3
    assert sweep(app, late) == 0 and len(notices(app)) == len(told)


def test_a_new_deadline_is_a_new_cycle_and_closing_ends_supervision(app, auth, ids):
    report_id = bring_to(auth, ids, "assigned")
    desk = auth("town1")
    first_due = due_of(desk, report_id)
    sweep(app, first_due)
    assert notices(app) == [("member2", "due0")]  # the reminder is skipped: the deadline passed
    body = body_for("assign", ids)
    resp = step(desk, report_id, "assign", body)
    assert resp.status_code == 200
    second_due = datetime.fromisoformat(resp.json["due_at"])
    sweep(app, second_due)
    assert notices(app) == [("member2", "due0"), ("member2", "due0")]  # a second cycle's notice
    assert sweep(app, second_due) == 0

    # Rectified: the close node has its own deadline, for the desk; closed: nothing more.
    for kind, who in (("start", "member2"), ("rectify", "member2"), ("close", "town1")):
        client = auth(who)
        resp = step(client, report_id, kind, body_for(kind, ids, client))
        assert resp.status_code == 200, resp.json
    assert resp.json["due_at"] is None
    assert sweep(app, second_due + timedelta(days=60)) == 0


def test_a_resent_filing_op_sets_one_deadline_and_changes_nothing(app, auth, tokens):
    client = auth("officer1")
    op = report_op(severity=None) | {"at": (datetime.now(UTC) - timedelta(hours=5)).isoformat()}
    (first,) = client.post(SYNC, json=batch(op)).json["results"]
    assert first["status"] == "applied", first
    before = committed_rows(app)
    (again,) = client.post(SYNC, json=batch(op)).json["results"]
    assert again["status"] == "duplicate"
    assert {k: v for k, v in committed_rows(app).items() if k != "sync_ops"} == {
        k: v for k, v in before.items() if k != "sync_ops"
    }
    # Filed five hours ago on the phone: four hours to verify, so an hour overdue already.
    due = due_of(auth("town1"), op["data"]["id"])
    assert abs((due - datetime.fromisoformat(op["at"])) - timedelta(hours=4)) < timedelta(seconds=1)


def test_the_worker_runs_the_sweep_and_sends_reports_quietly():
    assert supervision.sweep in delivery.SWEEPERS
    assert supervision.KIND in delivery.QUIET


# ---- working days -----------------------------------------------------------------------------


def cst(*args) -> datetime:
    return datetime(*args, tzinfo=CHINA)


def test_the_calendar_the_package_knows_for_2026():
    # National Day 2026: 1–7 October off, Saturday 10 October worked (调休).
    assert not any(chinese_calendar.is_workday(cst(2026, 10, d).date()) for d in range(1, 8))
    assert chinese_calendar.is_workday(cst(2026, 10, 10).date())
    # Spring Festival 2026: Saturdays 14 and 28 February worked, 15–23 February off.
    assert chinese_calendar.is_workday(cst(2026, 2, 14).date())
    assert chinese_calendar.is_workday(cst(2026, 2, 28).date())
    assert not any(chinese_calendar.is_workday(cst(2026, 2, d).date()) for d in range(15, 24))


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        # The day itself does not count; the deadline is 18:00 China time of the last working day.
        (cst(2026, 9, 29, 10, 0), 1, cst(2026, 9, 30, 18, 0)),
        # Across National Day: the first working day after 30 September is 8 October.
        (cst(2026, 9, 30, 10, 0), 1, cst(2026, 10, 8, 18, 0)),
        # 8, 9, then the make-up Saturday 10 October.
        (cst(2026, 9, 30, 10, 0), 3, cst(2026, 10, 10, 18, 0)),
        (cst(2026, 9, 30, 10, 0), 4, cst(2026, 10, 12, 18, 0)),
        # Spring Festival: Friday 13 February -> the working Saturday 14th.
        (cst(2026, 2, 13, 9, 0), 1, cst(2026, 2, 14, 18, 0)),
        # From the 14th, the holiday (15–23) is skipped: 24th.
        (cst(2026, 2, 14, 9, 0), 1, cst(2026, 2, 24, 18, 0)),
        # 25, 26, 27 and the working Saturday 28th.
        (cst(2026, 2, 24, 9, 0), 4, cst(2026, 2, 28, 18, 0)),
        # Late in the evening UTC is already the next day in China: counted from China's day.
        (datetime(2026, 9, 29, 17, 0, tzinfo=UTC), 1, cst(2026, 10, 8, 18, 0)),
    ],
)
def test_working_days_follow_chinas_calendar_with_its_make_up_saturdays(start, n, end):
    assert deadlines.add_workdays(start, n) == end


def test_a_year_the_package_does_not_know_counts_monday_to_friday_and_warns_once(monkeypatch, caplog):
    monkeypatch.setattr(deadlines, "_UNKNOWN_YEARS", set())
    year = 2030
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(datetime(year, 1, 7).date())
    caplog.set_level(logging.WARNING, logger="server.reports.deadlines")
    # Friday 4 January 2030 + 1 working day: Monday the 7th; + 5: Friday the 11th.
    assert deadlines.add_workdays(cst(year, 1, 4, 9, 0), 1) == cst(year, 1, 7, 18, 0)
    assert deadlines.add_workdays(cst(year, 1, 4, 9, 0), 5) == cst(year, 1, 11, 18, 0)
    warned = [r for r in caplog.records if "chinese_calendar" in r.getMessage()]
    assert len(warned) == 1 and "2030" in warned[0].getMessage()


# ---- the county's rules -------------------------------------------------------------------------


def rules_with(**over) -> list[dict]:
    """The defaults, with the `any`/`any` rule of some nodes changed."""
    rules = [dict(r) for r in deadlines.DEFAULT_RULES]
    for r in rules:
        if r["severity"] == "any" and r["node"] in over:
            r.update(over[r["node"]])
    return rules


def test_the_desk_reads_the_defaults_and_only_the_county_administrator_changes_them(app, auth):
    got = auth("town1").get("/api/v1/reports/deadline-rules")
    assert got.status_code == 200 and got.json["saved"] is False
    assert len(got.json["rules"]) == len(deadlines.DEFAULT_RULES)
    red = [r for r in got.json["rules"] if r["severity"] == "red"]
    assert {r["node"]: (r["amount"], r["unit"]) for r in red}["rectify"] == (3, "workdays")
    assert auth("officer1").get("/api/v1/reports/deadline-rules").status_code == 403

    new = rules_with(verify={"amount": 1, "unit": "hours", "remind_before_min": 15})
    new.append(
        {
            "node": "rectify",
            "category": "flood",
            "severity": "any",
            "amount": 2,
            "unit": "workdays",
            "remind_before_min": 60,
            "grace_min": 120,
        }
    )
    for who in ("town1", "duty"):
        resp = auth(who).put("/api/v1/reports/deadline-rules", json={"rules": new})
        assert resp.status_code == 403 and resp.mimetype == "application/problem+json", who
    resp = auth("admin").put("/api/v1/reports/deadline-rules", json={"rules": new})
    assert resp.status_code == 200, resp.json
    assert resp.json["saved"] is True and len(resp.json["rules"]) == len(new)

    # A report filed now follows the saved rule: one hour to verify.
    report_id = file_report(auth("officer1"))
    detail = auth("town1").get(f"/api/v1/reports/{report_id}").json
    taken = datetime.fromisoformat(detail["due_at"]) - datetime.fromisoformat(detail["reported_at"])
    assert taken == timedelta(hours=1)


def test_an_assignment_without_a_deadline_takes_the_rule_in_working_days(app, auth, ids):
    report_id = bring_to(auth, ids, "verified")  # verified red
    body = body_for("assign", ids)
    del body["deadline_at"]
    resp = step(auth("town1"), report_id, "assign", body)
    assert resp.status_code == 200, resp.json
    due = datetime.fromisoformat(resp.json["deadline_at"]).astimezone(CHINA)
    assert resp.json["due_at"] == resp.json["deadline_at"]
    assigned_at = datetime.fromisoformat(resp.json["steps"][-1]["at"]).astimezone(CHINA)
    # Red: three working days, ending 18:00 China time of the third working day after today.
    assert (due.hour, due.minute) == (18, 0)
    days = [
        assigned_at.date() + timedelta(days=d) for d in range(1, (due.date() - assigned_at.date()).days + 1)
    ]
    assert sum(deadlines.is_workday(d) for d in days) == 3 and deadlines.is_workday(due.date())


def flat(errors, prefix="") -> set[str]:
    """{"rules": {"4": {"unit": [...]}}} -> {"rules.4.unit"}."""
    if not isinstance(errors, dict):
        return {prefix}
    return {k for key, v in errors.items() for k in flat(v, f"{prefix}.{key}" if prefix else str(key))}


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        (
            [r for r in deadlines.DEFAULT_RULES if not (r["node"] == "close" and r["severity"] == "any")],
            "rules._schema",
        ),
        ([*deadlines.DEFAULT_RULES, deadlines.DEFAULT_RULES[0]], "rules.20"),
        (rules_with(verify={"unit": "days"}), "rules.4.unit"),
        (rules_with(verify={"amount": 0}), "rules.4.amount"),
        (rules_with(rectify={"amount": 300}), "rules.14.amount"),
        (rules_with(rectify={"grace_min": 0}), "rules.14.grace_min"),
        (rules_with(assign={"remind_before_min": -5}), "rules.9.remind_before_min"),
        (rules_with(close={"severity": "purple"}), "rules.19.severity"),
        ([], "rules"),
    ],
)
def test_bad_rules_are_refused_with_a_problem_and_change_nothing(app, auth, rules, field):
    admin = auth("admin")
    before = committed_rows(app)
    resp = admin.put("/api/v1/reports/deadline-rules", json={"rules": rules})
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json", resp.json
    assert resp.json["type"].endswith("/validation")
    assert field in flat(resp.json["errors"]), resp.json["errors"]
    after = committed_rows(app)
    assert {k: v for k, v in after.items() if k != "refresh_tokens"} == {
        k: v for k, v in before.items() if k != "refresh_tokens"
    }


# ---- the desk's supervised list -------------------------------------------------------------------


def test_the_supervised_list_is_newest_escalation_first_and_in_scope(app, auth, ids):
    officer1, officer2 = auth("officer1"), auth("officer2")
    plain = file_report(officer1)  # verify: 4 h, then 2 h grace
    red = file_report(officer1, severity="red")  # verify: 2 h, then 1 h grace
    other = file_report(officer2, severity="red")  # 古田镇
    quiet = file_report(officer1)  # never late in this test
    # Filed five hours ago on the phone and not verified: overdue by an hour, not escalated yet.
    op = report_op(severity=None) | {"at": (datetime.now(UTC) - timedelta(hours=5)).isoformat()}
    assert officer1.post(SYNC, json=batch(op)).json["results"][0]["status"] == "applied"
    overdue = op["data"]["id"]
    now = datetime.now(UTC)
    # These two are left out of the sweeps below (as if the worker had not reached them yet).
    with app.app_context():
        db.session.execute(
            sa.update(Report)
            .where(Report.id.in_([uuid.UUID(overdue), uuid.UUID(quiet)]))
            .values(supervise_at=None)
        )
        db.session.commit()
        db.session.remove()
    sweep(app, now + timedelta(hours=3, minutes=1))  # red and other escalated (county)
    sweep(app, now + timedelta(hours=6, minutes=1))  # plain escalated

    duty = auth("duty").get("/api/v1/reports/supervised")
    assert duty.status_code == 200, duty.json
    order = [i["report"]["id"] for i in duty.json["items"]]
    assert order[0] == plain and set(order[1:3]) == {red, other} and order[3] == overdue
    assert duty.json["total"] == 4 and quiet not in order
    first = duty.json["items"][0]
    assert (first["node"], first["escalation_level"]) == ("verify", 1) and first["escalated_at"]
    late = duty.json["items"][3]
    assert late["escalation_level"] == 0 and late["escalated_at"] is None
    assert 3500 < late["overdue_s"] < 3700

    town1 = auth("town1").get("/api/v1/reports/supervised").json
    assert [i["report"]["id"] for i in town1["items"]] == [plain, red, overdue]
    town2 = auth("town2").get("/api/v1/reports/supervised").json
    assert [i["report"]["id"] for i in town2["items"]] == [other]
    for who in ("officer1", "member1", "captain1"):
        resp = auth(who).get("/api/v1/reports/supervised")
        assert resp.status_code == 403 and resp.mimetype == "application/problem+json"

    # Paged like every list.
    page1 = auth("duty").get("/api/v1/reports/supervised?limit=2").json
    page2 = auth("duty").get(f"/api/v1/reports/supervised?limit=2&cursor={page1['next_cursor']}").json
    assert [i["report"]["id"] for i in page1["items"] + page2["items"]] == order
    assert page2["next_cursor"] is None
    bad = auth("duty").get("/api/v1/reports/supervised?cursor=nonsense")
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"

    # Verified now: a new node with its own deadline, off the list.
    resp = step(auth("town1"), plain, "verify", body_for("verify", ids))
    assert resp.status_code == 200
    after = auth("duty").get("/api/v1/reports/supervised").json
    assert plain not in [i["report"]["id"] for i in after["items"]]
