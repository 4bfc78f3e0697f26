"""The monthly subsidy report against hand-computed figures: overlapping duty and task records,
a shift across midnight on the last day of the month, caps per day and per month, a locked month
that never changes, late records landing in the next month as adjustments under the old rule."""

import csv
import io

import openpyxl
import pytest

from .helpers import REPORTS, RULE_FEB, RULE_JAN, RULES, add_time, names, order

T1, T2 = "临城镇", "古田镇"


@pytest.fixture()
def january(app, auth, ids):
    """member1 (临城镇) and t2member1 (古田镇) in January 2026, China time.

    member1, rule 20/30/50 yuan an hour, 200 a day, 500 a month:
      10 Jan  duty 08:00-12:00, a 繁重 task 10:00-14:00: 2 h 一般 + 4 h 繁重 = 40 + 200 -> 200 (day cap)
      20 Jan  a 较重 task 09:00-19:00: 10 h x 30 = 300 -> 200 (day cap)
      25 Jan  a 繁重 task 08:00-12:00: 4 h x 50 = 200
      31 Jan  duty 23:00 to 01:00 on 1 Feb: 1 h in January = 20 (the other hour is February's)
      21 h, 200 + 200 + 200 + 20 = 620 -> 500 (month cap)
    t2member1: 15 Jan duty 09:00-12:30: 3.5 h x 20 = 70.
    """
    admin = auth("admin")
    assert admin.post(RULES, json=RULE_JAN).status_code == 201
    severe = order(auth, ids, "town1", T1, "member1", "severe")
    heavy = order(auth, ids, "town1", T1, "member1", "heavy")
    # Sent in no particular order, as phones coming back online send them.
    add_time(app, "member1", "2026-01-31 23:00", "2026-02-01 01:00")
    add_time(app, "member1", "2026-01-10 10:00", "2026-01-10 14:00", severe)
    add_time(app, "member1", "2026-01-25 08:00", "2026-01-25 12:00", severe)
    add_time(app, "t2member1", "2026-01-15 09:00", "2026-01-15 12:30")
    add_time(app, "member1", "2026-01-20 09:00", "2026-01-20 19:00", heavy)
    add_time(app, "member1", "2026-01-10 08:00", "2026-01-10 12:00")
    return {"severe": severe, "heavy": heavy}


def _lines(report):
    return [
        (x["name"], x["township_name"], x["kind"], x["day"], x["hours"], x["amount"]) for x in report["lines"]
    ]


def test_the_month_is_computed_with_overlaps_once_and_both_caps(app, auth, january):
    who = names(app)
    got = auth("admin").post(f"{REPORTS}/2026-01/compute")
    assert got.status_code == 200, got.json
    body = got.json
    assert body["state"] == "draft"
    # Township, then name, in code point order (临 U+4E34 before 古 U+53E4).
    assert _lines(body) == [
        (who["member1"], T1, "month", None, "21.00", "500.00"),
        (who["t2member1"], T2, "month", None, "3.50", "70.00"),
    ]
    [m1] = [x for x in body["lines"] if x["name"] == who["member1"]]
    assert (m1["hours_normal"], m1["hours_heavy"], m1["hours_severe"]) == ("3.00", "10.00", "8.00")
    assert [(t["township_name"], t["members"], t["hours"], t["amount"]) for t in body["townships"]] == [
        (T1, 1, "21.00", "500.00"),
        (T2, 1, "3.50", "70.00"),
    ]
    assert body["total"] == {"members": 2, "hours": "24.50", "amount": "570.00", "adjustment_amount": "0.00"}


def test_a_township_desk_sees_only_its_own_townships_lines(app, auth, january):
    assert auth("admin").post(f"{REPORTS}/2026-01/compute").status_code == 200
    town2 = auth("town2").get(f"{REPORTS}/2026-01")
    assert town2.status_code == 200
    assert [x["township_name"] for x in town2.json["lines"]] == [T2]
    assert town2.json["total"]["amount"] == "70.00"
    xlsx = openpyxl.load_workbook(io.BytesIO(auth("town2").get(f"{REPORTS}/2026-01/export.xlsx").data))
    assert [row[2] for row in xlsx["补贴明细"].iter_rows(min_row=3, values_only=True)] == [T2]


def _lock(client, month):
    digest = client.get(f"{REPORTS}/{month}").json["digest"]
    return client.post(f"{REPORTS}/{month}/lock", json={"digest": digest})


def test_a_locked_month_never_changes_and_late_records_land_next_month_under_the_old_rule(
    app, auth, ids, january
):
    who = names(app)
    admin = auth("admin")
    assert admin.post(f"{REPORTS}/2026-01/compute").status_code == 200
    locked = _lock(admin, "2026-01")
    assert locked.status_code == 200, locked.json
    assert locked.json["state"] == "locked"
    before = admin.get(f"{REPORTS}/2026-01").json

    # February's own time, and a new rule from February (30/40/60, 300 a day, 1000 a month).
    assert admin.post(RULES, json=RULE_FEB).status_code == 201
    add_time(app, "t2member1", "2026-02-03 08:00", "2026-02-03 10:00")
    # Late, for January, after its lock: t2member1 one hour more (70 + 20 = 90, under the cap);
    # member1 one hour more, but January's month cap of 500 is reached: 0 yuan, the hour shown.
    add_time(app, "t2member1", "2026-01-16 10:00", "2026-01-16 11:00")
    add_time(app, "member1", "2026-01-26 08:00", "2026-01-26 09:00")

    # January cannot be computed again, nor given a new rule; it reads as it was locked.
    again = admin.post(f"{REPORTS}/2026-01/compute")
    assert again.status_code == 409 and again.json["type"].endswith("/month-locked")
    late_rule = admin.post(RULES, json={**RULE_FEB, "effective_from": "2026-01"})
    assert late_rule.status_code == 409 and late_rule.json["type"].endswith("/month-locked")
    assert admin.get(f"{REPORTS}/2026-01").json == before

    feb = admin.post(f"{REPORTS}/2026-02/compute")
    assert feb.status_code == 200, feb.json
    # member1: 00:00-01:00 on 1 Feb (the shift across midnight) at February's 30 = 30.
    # t2member1: 2 h x 30 = 60, and January's late hour at January's 20 = 20.
    assert _lines(feb.json) == [
        (who["member1"], T1, "month", None, "1.00", "30.00"),
        (who["member1"], T1, "adjustment", "2026-01-26", "1.00", "0.00"),
        (who["t2member1"], T2, "month", None, "2.00", "60.00"),
        (who["t2member1"], T2, "adjustment", "2026-01-16", "1.00", "20.00"),
    ]
    assert [x["for_month"] for x in feb.json["lines"]] == ["2026-02", "2026-01", "2026-02", "2026-01"]
    assert feb.json["total"] == {
        "members": 2,
        "hours": "5.00",
        "amount": "110.00",
        "adjustment_amount": "20.00",
    }
    assert feb.json["rule"]["effective_from"] == "2026-02"

    # Locked, the adjustments are paid: March's draft owes nothing more for January.
    assert _lock(admin, "2026-02").status_code == 200
    march = admin.post(f"{REPORTS}/2026-03/compute")
    assert march.status_code == 200, march.json
    assert march.json["lines"] == [] and march.json["total"]["amount"] == "0.00"


def test_lock_refuses_a_draft_other_than_the_one_reviewed(app, auth, january):
    admin = auth("admin")
    digest = admin.post(f"{REPORTS}/2026-01/compute").json["digest"]
    add_time(app, "t2member1", "2026-01-17 10:00", "2026-01-17 11:00")
    stale = admin.post(f"{REPORTS}/2026-01/lock", json={"digest": digest})
    assert stale.status_code == 409 and stale.json["type"].endswith("/report-changed")
    assert admin.get(f"{REPORTS}/2026-01").json["state"] == "draft"
    wrong = admin.post(f"{REPORTS}/2026-01/lock", json={"digest": "0" * 64})
    assert wrong.status_code == 409
    fresh = admin.post(f"{REPORTS}/2026-01/compute").json
    assert fresh["total"]["amount"] == "590.00"  # t2member1's 3.5 h + 1 h = 90, member1's 500
    assert admin.post(f"{REPORTS}/2026-01/lock", json={"digest": fresh["digest"]}).status_code == 200


def test_months_lock_in_order_and_only_once_ended(app, auth, january):
    admin = auth("admin")
    for month in ("2026-01", "2026-02", "2026-12"):
        assert admin.post(f"{REPORTS}/{month}/compute").status_code == 200
    skip = _lock(admin, "2026-02")
    assert skip.status_code == 200  # nothing locked yet: any ended month may be the first
    early = _lock(admin, "2026-12")
    assert early.status_code == 409 and early.json["type"].endswith("/lock-in-order")
    # January lies before the locked February: it can no longer be computed or locked.
    jan = admin.post(f"{REPORTS}/2026-01/compute")
    assert jan.status_code == 409 and jan.json["type"].endswith("/month-locked")


def test_the_current_month_is_not_locked_before_it_ends(auth, january):
    admin = auth("admin")
    from server.core.models import utcnow
    from server.subsidy.hours import CHINA

    now = utcnow().astimezone(CHINA)
    month = f"{now.year:04d}-{now.month:02d}"
    assert admin.post(f"{REPORTS}/{month}/compute").status_code == 200
    resp = _lock(admin, month)
    assert resp.status_code == 409 and resp.json["type"].endswith("/month-not-over")


def test_bad_input_is_a_problem_and_changes_nothing(auth, january):
    admin = auth("admin")
    for month in ("2026-13", "26-01", "2026-1", "１２３", "1999-12", "2026-01x", "2026-01%0A"):
        resp = admin.post(f"{REPORTS}/{month}/compute")
        assert resp.status_code == 422 and resp.mimetype == "application/problem+json", month
        assert admin.get(f"{REPORTS}/{month}").status_code == 422
    none = admin.post(f"{REPORTS}/2025-12/compute")
    assert none.status_code == 409 and none.json["type"].endswith("/no-subsidy-rule")
    assert admin.get(REPORTS).json["items"] == []
    assert admin.get(f"{REPORTS}/2026-01").status_code == 404
    for body in (
        {**RULE_FEB, "rate_normal": "-1"},
        {**RULE_FEB, "day_cap": "abc"},
        {**RULE_FEB, "month_cap": "NaN"},
        {**RULE_FEB, "effective_from": "2026-02-01"},
        {k: v for k, v in RULE_FEB.items() if k != "rate_heavy"},
        {**RULE_FEB, "extra": 1},
        # A third decimal is refused, not rounded (to 30.00 or 30.01) behind the desk's back.
        {**RULE_FEB, "rate_normal": "30.005"},
        {**RULE_FEB, "day_cap": 300.001},
    ):
        resp = admin.post(RULES, json=body)
        assert resp.status_code == 422 and resp.mimetype == "application/problem+json", body
    assert admin.post(RULES, json=RULE_JAN).json["type"].endswith("/rule-exists")
    assert [r["effective_from"] for r in admin.get(RULES).json["items"]] == ["2026-01"]
    assert admin.post(f"{REPORTS}/2026-01/lock", json={}).status_code == 422
    assert admin.post(f"{REPORTS}/2026-01/lock", json={"digest": "x"}).status_code == 404


ROLE_USERS = ("admin", "duty", "town1", "captain1", "member1", "officer1", "shelter1")


@pytest.mark.parametrize("username", ROLE_USERS)
def test_who_may_read_and_who_may_compute_and_lock(auth, january, username):
    auth("admin").post(f"{REPORTS}/2026-01/compute")
    client = auth(username)
    desk = username in ("admin", "duty", "town1")
    for path in (
        RULES,
        REPORTS,
        f"{REPORTS}/2026-01",
        f"{REPORTS}/2026-01/export.xlsx",
        f"{REPORTS}/2026-01/export.csv",
    ):
        assert client.get(path).status_code == (200 if desk else 403), (username, path)
    for path, body in (
        (f"{REPORTS}/2026-02/compute", None),
        (f"{REPORTS}/2026-01/lock", {"digest": "x"}),
        (RULES, RULE_FEB),
    ):
        resp = client.post(path, json=body)
        if username != "admin":
            assert resp.status_code == 403 and resp.mimetype == "application/problem+json", (username, path)


def test_the_xlsx_and_csv_cell_by_cell(app, auth, january):
    who = names(app)
    admin = auth("admin")
    admin.post(f"{REPORTS}/2026-01/compute")
    assert _lock(admin, "2026-01").status_code == 200
    admin.post(RULES, json=RULE_FEB)
    add_time(app, "t2member1", "2026-01-16 10:00", "2026-01-16 11:00")
    add_time(app, "t2member1", "2026-02-03 08:00", "2026-02-03 10:00")
    admin.post(f"{REPORTS}/2026-02/compute")

    resp = admin.get(f"{REPORTS}/2026-02/export.xlsx")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    ws = wb["补贴明细"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "2026年2月 救援队员补贴表 草稿（未锁定）"
    assert rows[1] == (
        "姓名",
        "队伍",
        "乡镇",
        "类型",
        "所属月份",
        "原日期",
        "一般(小时)",
        "较重(小时)",
        "繁重(小时)",
        "时长(小时)",
        "补贴(元)",
        "调整(元)",
    )
    t2team = admin.get(f"/api/v1/users/{auth('t2member1').get('/api/v1/me').json['id']}").json["team_id"]
    team_name = admin.get(f"/api/v1/teams/{t2team}").json["name"]
    m1team = admin.get(f"/api/v1/users/{auth('member1').get('/api/v1/me').json['id']}").json["team_id"]
    m1team_name = admin.get(f"/api/v1/teams/{m1team}").json["name"]
    assert rows[2:] == [
        (who["member1"], m1team_name, T1, "本月", "2026-02", None, 1, 0, 0, 1, 30, None),
        (who["t2member1"], team_name, T2, "本月", "2026-02", None, 2, 0, 0, 2, 60, None),
        (who["t2member1"], team_name, T2, "调整", "2026-01", "2026-01-16", 1, 0, 0, 1, None, 20),
    ]
    assert ws["K3"].number_format == "0.00" and ws["A3"].data_type == "s"
    towns = list(wb["乡镇汇总"].iter_rows(values_only=True))
    assert towns[1] == ("乡镇", "人数", "时长(小时)", "补贴(元)", "调整(元)", "合计(元)")
    assert towns[2:] == [(T1, 1, 1, 30, 0, 30), (T2, 1, 3, 60, 20, 80), ("合计", 2, 4, 90, 20, 110)]

    got = admin.get(f"{REPORTS}/2026-02/export.csv")
    assert got.status_code == 200 and got.data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert table[0][:6] == ["姓名", "队伍", "乡镇", "类型", "所属月份", "原日期"]
    assert table[1:] == [
        [who["member1"], m1team_name, T1, "本月", "2026-02", "", "1.00", "0.00", "0.00", "1.00", "30.00", ""],
        [who["t2member1"], team_name, T2, "本月", "2026-02", "", "2.00", "0.00", "0.00", "2.00", "60.00", ""],
        [
            who["t2member1"],
            team_name,
            T2,
            "调整",
            "2026-01",
            "2026-01-16",
            "1.00",
            "0.00",
            "0.00",
            "1.00",
            "",
            "20.00",
        ],
    ]


TYPED = '=HYPERLINK("http://evil.example/","点这里")\x07 张三'
READ_BACK = '=HYPERLINK("http://evil.example/","点这里")\ufffd 张三'


def test_a_name_that_looks_like_a_formula_stays_text(app, auth, ids, january):
    """As tests/test_exports_typed_text.py asks of every export a desk opens."""
    from server.accounts.models import User
    from server.extensions import db

    with app.app_context():
        db.session.get(User, __import__("uuid").UUID(ids["users"]["t2member1"])).display_name = TYPED
        db.session.commit()
        db.session.remove()
    admin = auth("admin")
    assert admin.post(f"{REPORTS}/2026-01/compute").status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(admin.get(f"{REPORTS}/2026-01/export.xlsx").data))["补贴明细"]
    [cell] = [c for row in ws.iter_rows() for c in row if "张三" in str(c.value)]
    assert cell.value == READ_BACK and cell.data_type == "s"
    rows = list(csv.reader(io.StringIO(admin.get(f"{REPORTS}/2026-01/export.csv").data.decode("utf-8-sig"))))
    [value] = [v for row in rows for v in row if "张三" in v]
    assert value == "'" + TYPED


def test_a_record_open_at_the_lock_is_paid_when_closed_and_computing_again_changes_nothing(
    app, auth, january
):
    """t2member1 checks in at 22:00 on 30 January and is still out when January is locked; they
    check out at 02:00 on 31 January (4 h): January's 2 h + 2 h land in February's draft as
    adjustments at January's rate. Computing February twice gives the same lines and digest."""
    import sqlalchemy as sa

    from server.accounts.models import User
    from server.attendance.models import Checkin
    from server.extensions import db

    from .helpers import cn

    who = names(app)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "t2member1"))
        item = Checkin(
            id=__import__("uuid").uuid4(),
            user_id=user.id,
            region_id=user.region_id,
            checkin_at=cn("2026-01-30 22:00"),
            open_flag=True,
        )
        db.session.add(item)
        db.session.commit()
        item_id = item.id
        db.session.remove()
    admin = auth("admin")
    jan = admin.post(f"{REPORTS}/2026-01/compute").json
    assert jan["total"]["amount"] == "570.00"  # the open record counts nothing yet
    assert _lock(admin, "2026-01").status_code == 200
    with app.app_context():
        item = db.session.get(Checkin, item_id)
        item.checkout_at, item.open_flag = cn("2026-01-31 02:00"), None
        db.session.commit()
        db.session.remove()
    admin.post(RULES, json=RULE_FEB)
    first = admin.post(f"{REPORTS}/2026-02/compute").json
    second = admin.post(f"{REPORTS}/2026-02/compute").json
    assert _lines(first) == [
        (who["member1"], T1, "month", None, "1.00", "30.00"),
        (who["t2member1"], T2, "adjustment", "2026-01-30", "2.00", "40.00"),
        (who["t2member1"], T2, "adjustment", "2026-01-31", "2.00", "40.00"),
    ]
    assert second["digest"] == first["digest"] and second["lines"] == first["lines"]
    assert admin.get(f"{REPORTS}/2026-01").json["total"]["amount"] == "570.00"
