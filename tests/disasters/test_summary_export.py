"""The desk's view of an event: each village's latest figures and what changed, the villages
still owing an initial report, the sums up the tree (against figures worked out by hand), and
the exports opened and read cell by cell."""

import csv
import io
from urllib.parse import unquote

import openpyxl
import sqlalchemy as sa

from server.core.audit import AuditEntry
from server.extensions import db

from .helpers import EVENTS, T1, T2, V1, V1B, V1C, figures, file, open_event


def _fill(auth, ids):
    event = open_event(auth, ids, regions=(T1, T2))
    officer1, officer2, town1 = auth("officer1"), auth("officer2"), auth("town1")
    # 城东村: initial, then a follow-up (officer1's own village).
    assert (
        file(
            officer1,
            event["id"],
            affected=100,
            dead=1,
            injured=2,
            evacuated=150,
            houses_collapsed=3,
            crops_affected_ha="10.50",
            loss_10k_yuan="20.25",
        ).status_code
        == 201
    )
    assert (
        file(
            officer1,
            event["id"],
            kind="follow_up",
            affected=140,
            dead=2,
            injured=1,
            evacuated=150,
            houses_collapsed=5,
            crops_affected_ha="12.75",
            loss_10k_yuan="31.10",
            reason="1名受伤人员已出院",
        ).status_code
        == 201
    )
    # 紫金村: the township desk files for it.
    assert (
        file(
            town1,
            event["id"],
            region_id=ids["regions"][V1B],
            affected=40,
            missing=1,
            houses_severe=4,
            crops_lost_ha="0.00",
            crops_affected_ha="3.25",
            loss_10k_yuan="5.05",
        ).status_code
        == 201
    )
    # 古田村 (township 2).
    assert (
        file(
            officer2,
            event["id"],
            affected=7,
            houses_light=9,
            crops_affected_ha="1.10",
            crops_lost_ha="0.60",
            loss_10k_yuan="0.99",
        ).status_code
        == 201
    )
    return event


def test_the_summary_sums_the_latest_reports_up_the_tree(auth, ids):
    event = _fill(auth, ids)
    s = auth("duty").get(f"{EVENTS}/{event['id']}/summary").json
    villages = {v["name"]: v for v in s["villages"]}
    assert set(villages) == {"城东村", "紫金村", "浮竹村", "古田村", "五龙村", "溪背村"}
    east = villages[V1]
    assert east["latest_kind"] == "follow_up" and east["reports"] == 2
    assert east["figures"] == figures(
        affected=140,
        dead=2,
        injured=1,
        evacuated=150,
        houses_collapsed=5,
        crops_affected_ha="12.75",
        loss_10k_yuan="31.10",
    )
    assert east["changes"] == figures(
        affected=40, dead=1, injured=-1, houses_collapsed=2, crops_affected_ha="2.25", loss_10k_yuan="10.85"
    )
    assert villages[V1B]["changes"] is None and villages[V1B]["latest_kind"] == "initial"
    assert villages[V1C]["missing_initial"] is True and villages[V1C]["figures"] is None
    assert sorted(s["missing_initial"]) == sorted(ids["regions"][v] for v in (V1C, "五龙村", "溪背村"))
    tree = {r["name"]: r for r in s["regions"]}
    # By hand: 临城镇 = 城东村's follow-up + 紫金村's initial.
    assert tree[T1]["figures"] == figures(
        affected=180,
        dead=2,
        missing=1,
        injured=1,
        evacuated=150,
        houses_collapsed=5,
        houses_severe=4,
        crops_affected_ha="16.00",
        loss_10k_yuan="36.15",
    )
    assert (tree[T1]["villages"], tree[T1]["reported"], tree[T1]["missing_initial"]) == (3, 2, 1)
    assert tree[T2]["figures"] == figures(
        affected=7, houses_light=9, crops_affected_ha="1.10", crops_lost_ha="0.60", loss_10k_yuan="0.99"
    )
    assert tree["上杭县"]["figures"] == figures(
        affected=187,
        dead=2,
        missing=1,
        injured=1,
        evacuated=150,
        houses_collapsed=5,
        houses_severe=4,
        houses_light=9,
        crops_affected_ha="17.10",
        crops_lost_ha="0.60",
        loss_10k_yuan="37.14",
    )
    assert (tree["上杭县"]["reported"], tree["上杭县"]["missing_initial"]) == (3, 3)


def test_a_township_desk_sees_only_its_villages_and_sums(auth, ids):
    event = _fill(auth, ids)
    s = auth("town2").get(f"{EVENTS}/{event['id']}/summary").json
    assert {v["name"] for v in s["villages"]} == {"古田村", "五龙村", "溪背村"}
    assert [r["name"] for r in s["regions"]] == [T2]
    assert s["regions"][0]["figures"]["affected"] == 7


HEAD = [
    "乡镇",
    "村(社区)",
    "报告类型",
    "序号",
    "上报时间",
    "上报人",
    "受灾人口(人)",
    "死亡人口(人)",
    "失踪人口(人)",
    "受伤人口(人)",
    "紧急转移人口(人)",
    "安置人口(人)",
    "倒塌房屋(间)",
    "严重损坏房屋(间)",
    "一般损坏房屋(间)",
    "农作物受灾面积(公顷)",
    "农作物绝收面积(公顷)",
    "直接经济损失(万元)",
    "说明",
    "数字下调原因",
]


def test_the_xlsx_export_holds_every_report_cell_by_cell_and_is_audited(app, auth, ids):
    event = _fill(auth, ids)
    resp = auth("town1").get(f"{EVENTS}/{event['id']}/reports.xlsx")
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = resp.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "灾情报告-台风“海葵”.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == HEAD
    assert len(rows) == 4  # town1 sees township 1's three reports, not 古田村's
    first, second, third = rows[1:]
    assert first[:4] == ["临城镇", "城东村", "初报", 1]
    assert first[5] == "城东村信息员"
    assert first[6:18] == [100, 1, 0, 2, 150, 0, 3, 0, 0, 10.5, 0, 20.25]
    assert second[:4] == ["临城镇", "城东村", "续报", 2]
    assert second[6:18] == [140, 2, 0, 1, 150, 0, 5, 0, 0, 12.75, 0, 31.1]
    assert second[19] == "1名受伤人员已出院"
    assert third[:4] == ["临城镇", "紫金村", "初报", 1]
    assert third[6:18] == [40, 0, 1, 0, 0, 0, 0, 4, 0, 3.25, 0, 5.05]
    assert ws.cell(row=2, column=16).number_format == "0.00"
    with app.app_context():
        audited = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.entity_id == event["id"])
        ).all()
    assert "disaster.export_xlsx" in audited


def test_the_csv_export_is_utf8_with_a_bom_and_the_same_rows(auth, ids):
    event = _fill(auth, ids)
    resp = auth("duty").get(f"{EVENTS}/{event['id']}/reports.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0] == HEAD
    assert [r[:4] for r in rows[1:]] == [
        ["临城镇", "城东村", "初报", "1"],
        ["临城镇", "城东村", "续报", "2"],
        ["临城镇", "紫金村", "初报", "1"],
        ["古田镇", "古田村", "初报", "1"],
    ]
    assert rows[4][6:18] == ["7", "0", "0", "0", "0", "0", "0", "0", "9", "1.10", "0.60", "0.99"]


def test_the_exports_and_summary_are_the_desks(auth, ids):
    event = _fill(auth, ids)
    for path in ("summary", "reports.xlsx", "reports.csv"):
        assert auth("officer1").get(f"{EVENTS}/{event['id']}/{path}").status_code == 403
        assert auth("member1").get(f"{EVENTS}/{event['id']}/{path}").status_code == 403
