"""Hazard statistics and the ledger (台账) over HTTP, against a fixture built by hand: a county
with two townships and three villages, eleven reports taken through their lives by the
lifecycle's own services at known China times (November 2025), and the figures counted by hand
below. The period's edges sit exactly on China midnights."""

import csv
import io
import uuid
from datetime import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlalchemy as sa

from server.accounts.models import User
from server.accounts.passwords import hash_password
from server.core.audit import AuditEntry
from server.extensions import db
from server.regions.models import Region
from server.regions.service import create_root
from server.reports import lifecycle
from server.reports.service import create_report

from ..conftest import ApiClient
from ..dbstate import changed_tables, committed_rows

CN = ZoneInfo("Asia/Shanghai")
PASSWORD = "stats-fixture-1"
NOV = {"from": "2025-11-01", "to": "2025-12-01"}


def cn(text: str) -> datetime:
    """'2025-11-02 09:00' (China time) -> an aware datetime."""
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, fmt).replace(tzinfo=CN)


# name -> (where, category, [(step, China time, extra)]), filed at the first time given.
# Steps: verify (colour), assign (unit, deadline), start, rectify, close, reject, reopen.
REPORTS = {
    # Verified, assigned, closed on time, all in November.
    "R1": (
        "东一村",
        "flood",
        "2025-11-02 09:00",
        [
            ("verify", "2025-11-02 10:00", {"severity": "red"}),
            ("assign", "2025-11-02 11:00", {"unit": "东镇水利站", "deadline": "2025-11-10 18:00"}),
            ("start", "2025-11-03 08:00", {}),
            ("rectify", "2025-11-05 17:00", {}),
            ("close", "2025-11-06 09:00", {}),
        ],
    ),
    # Closed five days after its deadline: closed, not on time, overdue.
    "R2": (
        "东一村",
        "geological",
        "2025-11-05 08:00",
        [
            ("verify", "2025-11-05 12:00", {"severity": "orange"}),
            ("assign", "2025-11-05 13:00", {"unit": "东镇国土所", "deadline": "2025-11-15 00:00"}),
            ("start", "2025-11-06 08:00", {}),
            ("rectify", "2025-11-18 16:00", {}),
            ("close", "2025-11-20 10:00", {}),
        ],
    ),
    # October's, late since 30 October and still being rectified: overdue in November only.
    "R3": (
        "东二村",
        "flood",
        "2025-10-20 09:00",
        [
            ("verify", "2025-10-21 09:00", {"severity": "yellow"}),
            ("assign", "2025-10-21 10:00", {"unit": "东镇水利站", "deadline": "2025-10-30 18:00"}),
            ("start", "2025-10-22 08:00", {}),
        ],
    ),
    # Filed at November's first instant (in), verified at December's first (out).
    "R4": (
        "东二村",
        "forest_fire",
        "2025-11-01 00:00:00",
        [
            ("verify", "2025-12-01 00:00:00", {"severity": "red"}),
        ],
    ),
    # Filed a second before November (out), verified at its first instant (in); due in December.
    "R5": (
        "西一村",
        "flood",
        "2025-10-31 23:59:59",
        [
            ("verify", "2025-11-01 00:00:00", {"severity": "blue"}),
            ("assign", "2025-11-01 09:00", {"unit": "西镇水利站", "deadline": "2025-12-10 18:00"}),
        ],
    ),
    # Closed at the very minute of its deadline: on time.
    "R6": (
        "西一村",
        "geological",
        "2025-11-10 08:00",
        [
            ("verify", "2025-11-10 09:00", {"severity": "red"}),
            ("assign", "2025-11-10 10:00", {"unit": "西镇国土所", "deadline": "2025-11-20 12:00"}),
            ("start", "2025-11-11 08:00", {}),
            ("rectify", "2025-11-20 11:00", {}),
            ("close", "2025-11-20 12:00", {}),
        ],
    ),
    # Rejected as false: reported, nothing else.
    "R7": ("西一村", "other", "2025-11-11 08:00", [("reject", "2025-11-11 09:00", {})]),
    # September's, closed late in October: nothing in November.
    "R8": (
        "东一村",
        "flood",
        "2025-09-01 08:00",
        [
            ("verify", "2025-09-01 09:00", {"severity": "red"}),
            ("assign", "2025-09-01 10:00", {"unit": "东镇水利站", "deadline": "2025-09-10 18:00"}),
            ("start", "2025-09-02 08:00", {}),
            ("rectify", "2025-10-04 08:00", {}),
            ("close", "2025-10-05 08:00", {}),
        ],
    ),
    # Filed at the township itself (no village): the township's own line.
    "R9": (
        "东镇",
        "road_traffic",
        "2025-11-15 08:00",
        [
            ("verify", "2025-11-15 09:00", {"severity": "yellow"}),
            ("assign", "2025-11-15 10:00", {"unit": "东镇交通站", "deadline": "2025-11-25 18:00"}),
        ],
    ),
    # Closed on time, then reopened: not closed (and no deadline now, so not overdue).
    "R10": (
        "东二村",
        "flood",
        "2025-11-03 08:00",
        [
            ("verify", "2025-11-03 09:00", {"severity": "orange"}),
            ("assign", "2025-11-03 10:00", {"unit": "东镇水利站", "deadline": "2025-11-09 18:00"}),
            ("start", "2025-11-04 08:00", {}),
            ("rectify", "2025-11-07 08:00", {}),
            ("close", "2025-11-08 08:00", {}),
            ("reopen", "2025-11-12 08:00", {}),
        ],
    ),
    # October's, late since 20 October, closed on 4 November: closed late, overdue.
    "R11": (
        "东二村",
        "geological",
        "2025-10-01 08:00",
        [
            ("verify", "2025-10-01 09:00", {"severity": "red"}),
            ("assign", "2025-10-01 10:00", {"unit": "东镇国土所", "deadline": "2025-10-20 18:00"}),
            ("start", "2025-10-02 08:00", {}),
            ("rectify", "2025-11-03 08:00", {}),
            ("close", "2025-11-04 08:00", {}),
        ],
    ),
}


def _figures(reported, verified, closed, on_time, overdue, rect, on_time_rate):
    return {
        "reported": reported,
        "verified": verified,
        "closed": closed,
        "closed_on_time": on_time,
        "overdue": overdue,
        "rectification_rate": rect,
        "on_time_rate": on_time_rate,
    }


# Counted by hand from REPORTS, for November 2025:
#   reported R1 R2 R4 R6 R7 R9 R10; verified R1 R2 R5 R6 R9 R10; closed R1 R2 R6 R11 (R10 was
#   reopened); on time R1 R6; overdue R2 (closed late) R3 (open since October) R9 (open past its
#   deadline) R11 (late until 4 November).
COUNTY_NOV = _figures(7, 6, 4, 2, 4, 0.6667, 0.5)
EAST_NOV = _figures(5, 4, 3, 1, 4, 0.75, 0.3333)  # R1 R2 R4 R9 R10 | R1 R2 R9 R10 | R1 R2 R11 | R1
WEST_NOV = _figures(2, 2, 1, 1, 0, 0.5, 1.0)  # R6 R7 | R5 R6 | R6 | R6


def _strip(line: dict) -> dict:
    return {k: line[k] for k in COUNTY_NOV}


@pytest.fixture()
def county(app):
    """The tree, the people, the reports; answers {name: id} and logged-in clients."""
    with app.app_context():
        root = create_root("350999", "测试县")
        regions = {"测试县": root}
        for t, (town, villages) in enumerate((("东镇", ("东一村", "东二村")), ("西镇", ("西一村",)))):
            regions[town] = _child(regions["测试县"], town, "township", f"350999{t + 1:03d}")
            for v, village in enumerate(villages):
                regions[village] = _child(regions[town], village, "village", f"350999{t + 1:03d}{v + 1:03d}")
        secret = hash_password(PASSWORD)
        people = {
            name: _user(name, label, role, regions[where], secret)
            for name, label, role, where in (
                ("s_desk", "县值班员甲", "duty_officer", "测试县"),
                ("s_checker", "县复核员乙", "duty_officer", "测试县"),
                ("s_east", "东镇值班员", "duty_officer", "东镇"),
                ("s_officer", "信息员王五", "info_officer", "测试县"),
            )
        }
        made = {name: _life(people, regions, *spec) for name, spec in REPORTS.items()}
        ids = {name: r.id for name, r in regions.items()}
        db.session.commit()
        db.session.remove()

    def client(username: str) -> ApiClient:
        resp = app.test_client().post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert resp.status_code == 200, resp.json
        return ApiClient(app, resp.json["access_token"])

    return {"regions": ids, "reports": made, "client": client}


def _child(parent: Region, name: str, level: str, code: str) -> Region:
    region = Region(code=code, name=name, level=level, parent_id=parent.id)
    db.session.add(region)
    db.session.flush()
    region.path = f"{parent.path}{region.id}/"
    return region


def _user(username, display_name, role, region, secret) -> User:
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        region_id=region.id,
        password_hash=secret,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _life(people, regions, where, category, filed, steps) -> str:
    """A report filed and taken through `steps` by the lifecycle's services, at those times."""
    report_id = uuid.uuid4()
    create_report(
        people["s_officer"],
        {
            "id": report_id,
            "category": category,
            "description": f"=测试隐患 {category}",  # a formula-looking text stays text
            "location": {"lat": 25.05, "lon": 116.43},
            "media_ids": [],
            "region_id": regions[where].id,
        },
        cn(filed),
    )
    for kind, at, extra in steps:
        data: dict = {"report_id": report_id}
        if kind == "verify":
            data["severity"] = extra["severity"]
        elif kind == "assign":
            data.update(responsible_unit=extra["unit"], deadline_at=cn(extra["deadline"]))
        elif kind == "reject":
            data.update(rejection="false", reason="现场无此情况")
        elif kind == "reopen":
            data["reason"] = "复查发现仍有隐患"
        actor = people["s_checker"] if kind == "close" else people["s_desk"]
        getattr(lifecycle, kind)(actor, data, cn(at))
    return str(report_id)


def _stats(client, **query):
    resp = client.get("/api/v1/reports/stats", query_string=query)
    assert resp.status_code == 200, resp.json
    return resp.json


def test_the_county_figures_are_the_hand_counted_ones(county):
    body = _stats(county["client"]("s_desk"), region_id=county["regions"]["测试县"], **NOV)
    assert body["region"]["name"] == "测试县" and (body["from"], body["to"]) == ("2025-11-01", "2025-12-01")
    assert _strip(body["total"]) == COUNTY_NOV
    lines = {line["name"]: line for line in body["regions"]}
    assert list(lines) == ["东镇", "西镇"]  # no report filed at the county itself: no own line
    assert _strip(lines["东镇"]) == EAST_NOV
    assert _strip(lines["西镇"]) == WEST_NOV


def test_the_caller_region_is_the_default_and_the_lines_add_up_to_the_total(county):
    body = _stats(county["client"]("s_desk"), **NOV)
    assert body["region"]["id"] == county["regions"]["测试县"]
    for name in ("reported", "verified", "closed", "closed_on_time", "overdue"):
        assert sum(line[name] for line in body["regions"]) == body["total"][name], name


def test_a_township_has_its_villages_and_its_own_line(county):
    body = _stats(county["client"]("s_east"), **NOV)
    lines = {(line["name"], line["own"]): _strip(line) for line in body["regions"]}
    assert lines == {
        ("东一村", False): _figures(2, 2, 2, 1, 1, 1.0, 0.5),  # R1 R2
        ("东二村", False): _figures(2, 1, 1, 0, 2, 1.0, 0.0),  # R4 R10 | R10 | R11 | - | R3 R11
        ("东镇", True): _figures(1, 1, 0, 0, 1, 0.0, None),  # R9: nothing closed, no on-time rate
    }
    assert _strip(body["total"]) == EAST_NOV


def test_by_category_and_by_colour(county):
    desk = county["client"]("s_desk")
    by_cat = {g["key"]: _strip(g) for g in _stats(desk, by="category", **NOV)["total"]["groups"]}
    assert by_cat == {
        "flood": _figures(2, 3, 1, 1, 1, 0.3333, 1.0),  # R1 R10 | R1 R5 R10 | R1 | R1 | R3
        "geological": _figures(2, 2, 3, 1, 2, 1.5, 0.3333),  # closed more than verified: 150 %
        "forest_fire": _figures(1, 0, 0, 0, 0, None, None),
        "road_traffic": _figures(1, 1, 0, 0, 1, 0.0, None),
        "other": _figures(1, 0, 0, 0, 0, None, None),
    }
    assert list(by_cat) == ["flood", "geological", "forest_fire", "road_traffic", "other"]
    by_colour = _stats(desk, by="severity", **NOV)["total"]["groups"]
    assert [g["key"] for g in by_colour] == ["red", "orange", "yellow", "blue", None]
    assert [_strip(g) for g in by_colour] == [
        _figures(3, 2, 3, 2, 1, 1.5, 0.6667),  # R1 R4 R6 | R1 R6 | R1 R6 R11 | R1 R6 | R11
        _figures(2, 2, 1, 0, 1, 0.5, 0.0),  # R2 R10
        _figures(1, 1, 0, 0, 2, 0.0, None),  # R9 | R9 | - | R3 R9
        _figures(0, 1, 0, 0, 0, 0.0, None),  # R5
        _figures(1, 0, 0, 0, 0, None, None),  # R7, never graded
    ]
    west = next(line for line in _stats(desk, by="unit", **NOV)["regions"] if line["name"] == "西镇")
    assert {g["key"]: g["verified"] for g in west["groups"]} == {"西镇国土所": 1, "西镇水利站": 1, None: 0}


def test_the_period_edges_are_china_midnights(county):
    desk = county["client"]("s_desk")
    first_day = _stats(desk, **{"from": "2025-11-01", "to": "2025-11-02"})["total"]
    # R4 filed at 00:00:00 on 1 November (in), R5 at 23:59:59 the day before (out) but verified
    # at 00:00:00 (in).
    assert (first_day["reported"], first_day["verified"]) == (1, 1)
    october_last = _stats(desk, **{"from": "2025-10-31", "to": "2025-11-01"})["total"]
    assert (october_last["reported"], october_last["verified"]) == (1, 0)
    december = _stats(desk, **{"from": "2025-12-01", "to": "2026-01-01"})["total"]
    # R4 verified at December's first instant; R3 and R9 still open and late, R5 late from 10 December.
    assert _strip(december) == _figures(0, 1, 0, 0, 3, 0.0, None)


def test_the_ledger_xlsx_cell_by_cell(app, county):
    desk = county["client"]("s_desk")
    resp = desk.get("/api/v1/reports/ledger.xlsx", query_string=NOV)
    assert resp.status_code == 200, resp.json
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert resp.headers["Cache-Control"] == "no-store"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="hazard-ledger-2025-11-01_2025-12-01.xlsx"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "隐患台账-测试县-2025-11-01至2025-11-30.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    assert ws["A1"].value == "测试县风险隐患台账 2025-11-01至2025-11-30"
    assert [c.value for c in ws[2]] == [
        "编号", "上报时间", "乡镇", "村", "类别", "风险等级", "描述", "上报人",
        "核实时间", "核实人", "交办单位", "责任人", "整改期限", "开始整改时间", "整改完成时间",
        "整改人", "销号时间", "销号人", "是否超期", "当前状态",
    ]  # fmt: skip
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3)}
    # Filed in November: R4 (00:00 on the 1st) first, then in order of filing.
    order = ["R4", "R1", "R10", "R2", "R6", "R7", "R9"]
    assert list(rows) == [county["reports"][n] for n in order]
    r2 = [c.value for c in rows[county["reports"]["R2"]]]
    assert r2 == [
        county["reports"]["R2"], "2025-11-05 08:00", "东镇", "东一村", "地质灾害", "较大（橙）",
        "=测试隐患 geological", "信息员王五", "2025-11-05 12:00", "县值班员甲", "东镇国土所", None,
        "2025-11-15 00:00", "2025-11-06 08:00", "2025-11-18 16:00", "县值班员甲", "2025-11-20 10:00",
        "县复核员乙", "是", "已销号",
    ]  # fmt: skip
    assert rows[county["reports"]["R2"]][6].data_type == "s"  # text, never a formula
    # Reopened: its first cycle's assignment and closure are history, not this row.
    r10 = [c.value for c in rows[county["reports"]["R10"]]]
    assert r10[8:10] == ["2025-11-03 09:00", "县值班员甲"] and r10[10:] == [None] * 9 + ["已核实待交办"]
    # At the township itself: no village.
    r9 = [c.value for c in rows[county["reports"]["R9"]]]
    assert r9[2:6] == ["东镇", None, "道路交通", "一般（黄）"] and r9[-2:] == ["是", "已交办"]
    with app.app_context():
        audited = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "report.ledger.xlsx")
        ).all()
        assert [(a.region_id, a.changes["rows"]) for a in audited] == [(county["regions"]["测试县"], 7)]
        db.session.remove()


def test_the_ledger_csv_has_a_bom_and_parses(county):
    resp = county["client"]("s_east").get("/api/v1/reports/ledger.csv", query_string=NOV)
    assert resp.status_code == 200, resp.json
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "上报时间", "乡镇"] and rows[0][-1] == "当前状态"
    by_id = {r[0]: r for r in rows[1:]}
    # The township's desk: its own five (西镇's R6 and R7 are not its to see).
    assert set(by_id) == {county["reports"][n] for n in ("R1", "R2", "R4", "R9", "R10")}
    r1 = by_id[county["reports"]["R1"]]
    assert r1[1:8] == [
        "2025-11-02 09:00",
        "东镇",
        "东一村",
        "洪涝",
        "重大（红）",
        "'=测试隐患 flood",
        "信息员王五",
    ]
    assert r1[12] == "2025-11-10 18:00" and r1[-2:] == ["否", "已销号"]


def test_the_statistics_xlsx(county):
    resp = county["client"]("s_desk").get("/api/v1/reports/stats.xlsx", query_string=NOV)
    assert resp.status_code == 200, resp.json
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    ws = book["隐患统计"]
    assert ws["A1"].value == "测试县隐患统计 2025-11-01至2025-11-30"
    assert [c.value for c in ws[2]] == [
        "地区",
        "上报",
        "核实",
        "销号",
        "按期销号",
        "超期",
        "整改率",
        "按期销号率",
    ]
    assert [c.value for c in ws[3]] == ["东镇", 5, 4, 3, 1, 4, 0.75, 0.3333]
    assert [c.value for c in ws[4]] == ["西镇", 2, 2, 1, 1, 0, 0.5, 1.0]
    assert [c.value for c in ws[5]] == ["合计", 7, 6, 4, 2, 4, 0.6667, 0.5]
    assert ws["G5"].number_format == "0.0%"
    assert ws["A7"].value == "按类别" and [c.value for c in ws[9]][:2] == ["洪涝", 2]
    assert [c.value for c in ws[11]] == ["森林火灾", 1, 0, 0, 0, 0, "—", "—"]  # no rate, not 0 %


BAD = [
    ({"from": "2025-12-01", "to": "2025-11-01"}, "to"),
    ({"from": "2025-11-01", "to": "2025-11-01"}, "to"),
    ({"from": "2022-01-01", "to": "2025-01-02"}, "to"),
    ({"from": "2025-11-01"}, "to"),
    ({"to": "2025-11-01"}, "from"),
    ({"from": "2025-11-01T00:00:00", "to": "2025-12-01"}, "from"),
    ({"from": "0001-01-01", "to": "2025-02-01"}, "from"),
    ({"by": "colour"}, "by"),
    ({"region_id": "99999"}, "region_id"),
    ({"region_id": "99999999999999"}, "region_id"),
]


@pytest.mark.parametrize(("query", "field"), BAD, ids=[f"{f}:{sorted(q.items())}" for q, f in BAD])
def test_a_bad_query_is_a_422_naming_it_and_changes_nothing(app, county, query, field):
    desk = county["client"]("s_desk")
    before = committed_rows(app)
    for path in ("stats", "stats.xlsx", "ledger.xlsx", "ledger.csv"):
        if field == "by" and path.startswith("ledger"):
            continue  # the ledger has no breakdown: an unknown parameter is ignored
        resp = desk.get(f"/api/v1/reports/{path}", query_string=query)
        assert resp.status_code == 422, (path, resp.data)
        assert resp.mimetype == "application/problem+json"
        assert list(resp.json["errors"]) == [field], path
    assert changed_tables(before, committed_rows(app)) == set()


def test_a_region_outside_ones_area_is_refused(county):
    east = county["client"]("s_east")
    for path in ("stats", "ledger.csv"):
        resp = east.get(
            f"/api/v1/reports/{path}", query_string={"region_id": county["regions"]["西镇"], **NOV}
        )
        assert resp.status_code == 422 and resp.json["errors"] == {
            "region_id": ["No such region in your area."]
        }


def test_only_the_desk_reads_statistics(county):
    officer = county["client"]("s_officer")
    for path in ("stats", "stats.xlsx", "ledger.xlsx", "ledger.csv"):
        resp = officer.get(f"/api/v1/reports/{path}", query_string=NOV)
        assert resp.status_code == 403 and resp.mimetype == "application/problem+json"


def test_a_ledger_too_long_is_refused_not_cut_short(app, county):
    app.config["LEDGER_MAX_ROWS"] = 6
    try:
        resp = county["client"]("s_desk").get("/api/v1/reports/ledger.xlsx", query_string=NOV)
    finally:
        app.config["LEDGER_MAX_ROWS"] = 20000
    assert resp.status_code == 422 and resp.json["type"].endswith("/too-many-rows")
    assert resp.json["max_rows"] == 6


def test_no_period_is_this_china_month(county):
    body = _stats(county["client"]("s_desk"))
    today = datetime.now(CN).date()
    assert body["from"] == today.replace(day=1).isoformat()
    assert body["to"] > today.isoformat()


def test_one_statement_whatever_the_number_of_reports(app, county):
    """The figures are GROUP BY in SQL, never rows loaded into Python: the statements are the
    same few for a county of eleven reports as they would be for 140,000."""
    desk = county["client"]("s_desk")
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        _stats(desk, **NOV)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    figures = [s for s in seen if "report_steps" in s or "FROM reports" in s]
    assert len(figures) == 1, figures
    assert "GROUP BY" in figures[0]
