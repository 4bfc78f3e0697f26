"""隐患统计 on a phone, as a township's desk: the screen's table says what the API counts (this
month, the township's villages summed), the breakdown by risk colour puts the colour's word beside
its swatch, a custom period the wrong way round is said in words, the ledger downloads as an XLSX
under its Chinese name with the 台账 headers, and at 390 and 320 px the page never scrolls sideways
(the table scrolls inside its frame). Screenshots at 390x844 and 1280x800."""

import io
import json
import re
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from ..sync.helpers import jpeg
from .helpers import api, close_toasts, no_sideways_scroll
from .test_sizes import CHECK

OUT = Path("/tmp/shots")


def _put_photo(base, username) -> dict:
    req = urllib.request.Request(
        base + "/api/v1/auth/login",
        data=json.dumps({"username": username, "password": "demo12345"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        token = json.load(resp)["access_token"]
    media_id = str(uuid.uuid4())
    put = urllib.request.Request(
        f"{base}/api/v1/media/{media_id}",
        method="PUT",
        data=jpeg(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"},
    )
    with urllib.request.urlopen(put, timeout=10) as resp:
        assert resp.status == 201
    taken = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    return {"media_id": media_id, "taken_at": taken, "location": {"lat": 25.057, "lon": 116.441}}


@pytest.fixture(scope="module")
def hazards(server):
    """This month in township 1: one closed on time, one verified and assigned, one just filed."""
    base = server["base"]
    officer, desk, county = api(base, "officer1"), api(base, "town1"), api(base, "duty")
    ids = []
    for category in ("geological", "flood", "road_traffic"):
        body = {
            "id": str(uuid.uuid4()),
            "category": category,
            "description": "统计页测试隐患",
            "location": {"lat": 25.056, "lon": 116.442},
        }
        ids.append(officer("POST", "/api/v1/reports", body)["id"])
    deadline = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    for report_id, colour in zip(ids[:2], ("red", "orange"), strict=True):
        desk("POST", f"/api/v1/reports/{report_id}/verify", {"severity": colour})
        desk(
            "POST",
            f"/api/v1/reports/{report_id}/assign",
            {"responsible_unit": "临城镇国土所", "deadline_at": deadline},
        )
    done = ids[0]
    desk("POST", f"/api/v1/reports/{done}/start", {})
    desk("POST", f"/api/v1/reports/{done}/rectify", {"photos": [_put_photo(base, "town1")]})
    county("POST", f"/api/v1/reports/{done}/close", {})
    return ids


def _login(page, username, role):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def _cells(row) -> list[str]:
    return [c.strip() for c in row.locator("th, td").all_inner_texts()]


def _floor(page, where):
    """Targets 48 px, text 16 px, no sideways scroll (the size checks' own measure)."""
    found = page.evaluate(CHECK)
    assert (found["small"], found["tiny"], found["sideways"]) == ([], [], False), where


def _percent(rate) -> str:
    return "—" if rate is None else f"{round(rate * 1000) / 10:.1f}%"


def test_the_desk_reads_this_months_figures_and_downloads_the_ledger(phone, server, hazards):
    page = phone
    _login(page, "town1", "值班员")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    close_toasts(page)
    page.get_by_role("button", name="调度台").click()
    page.get_by_role("button", name="隐患统计与台账").click()
    expect(page.get_by_role("heading", name="隐患统计", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/desk/stats$"))

    # The table says what the API counts, for the township and this China month.
    expected = api(server["base"], "town1")("GET", "/api/v1/reports/stats")
    assert expected["total"]["reported"] >= 3 and expected["total"]["closed"] >= 1
    total = page.locator("#stats-regions tr.stats-total")
    expect(total).to_be_visible()
    figures = expected["total"]
    assert _cells(total) == [
        "合计",
        *(str(figures[k]) for k in ("reported", "verified", "closed", "closed_on_time", "overdue")),
        _percent(figures["rectification_rate"]),
        _percent(figures["on_time_rate"]),
    ]
    villages = page.locator("#stats-regions tbody tr:not(.stats-total) th").all_inner_texts()
    # Reports filed at the township itself (other browser tests file some) have a line of their
    # own, said as 本级 so it is not read as the township's total.
    assert [v.strip() for v in villages] == [
        f"{line['name']}（本级）" if line.get("own") else line["name"] for line in expected["regions"]
    ]
    expect(page.locator("#stats-status")).to_contain_text("临城镇")
    no_sideways_scroll(page)
    close_toasts(page)
    _floor(page, "390")
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / "stats-390.png"), full_page=True)

    # By risk colour: the word beside the swatch.
    page.locator("label.chip", has_text="风险等级").click()
    red = page.locator("#stats-groups tbody tr", has=page.locator(".sev-red"))
    expect(red).to_be_visible()
    expect(red.locator("th")).to_have_text("重大")
    no_sideways_scroll(page)

    # A custom period the wrong way round: said in words, nothing asked of the server.
    page.locator("label.chip", has_text="自定义").click()
    page.locator("#stats-first").fill("2026-11-20")
    page.locator("#stats-last").fill("2026-11-10")
    page.locator("#stats-last").dispatch_event("change")
    expect(page.locator("#stats-status")).to_have_text("截止日期不能早于起始日期。")
    expect(page.locator("#stats-ledger-xlsx")).to_be_disabled()
    page.locator("label.chip", has_text="本月").click()
    expect(total).to_be_visible()

    # The ledger, downloaded with the session, under its Chinese name, with the 台账 headers.
    with page.expect_download() as info:
        page.locator("#stats-ledger-xlsx").click()
    download = info.value
    name = download.suggested_filename
    assert re.fullmatch(r"隐患台账-临城镇-\d{4}-\d{2}-01至\d{4}-\d{2}-\d{2}\.xlsx", name), name
    ws = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    headers = ["编号", "上报时间", "乡镇", "村", "类别", "风险等级", "描述", "上报人"]
    assert [c.value for c in ws[2]][:8] == headers
    ours = {r[0].value: r for r in ws.iter_rows(min_row=3)}
    assert set(hazards) <= set(ours)
    closed = [c.value for c in ours[hazards[0]]]
    assert closed[4:6] == ["地质灾害", "重大（红）"] and closed[-2:] == ["否", "已销号"]
    expect(page.locator("#stats-download-status")).to_have_text("文件已下载。")

    page.set_viewport_size({"width": 320, "height": 740})
    no_sideways_scroll(page)
    _floor(page, "320")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(OUT / "stats-1280.png"), full_page=True)
