"""隐患台账 (/desk/reports) on a phone, as a township's desk: the list of its area's hazard reports,
filtered by category and colour (a word beside each colour), the filters kept in the page's
address so that Back from a report lands on the same filtered list, "more" loading the next page,
another township's report never shown, and no sideways scroll at 390 and 320 px."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll

PHONE = {"width": 390, "height": 844}


def _op(category, **data):
    body = {
        "id": str(uuid.uuid4()),
        "category": category,
        "description": f"台账测试 {uuid.uuid4().hex[:6]}：河堤渗水",
        "location": {"lat": 25.056, "lon": 116.442},
        **data,
    }
    at = "2026-12-01T08:00:00+08:00"
    return {"op_id": str(uuid.uuid4()), "type": "report.create", "at": at, "data": body}


@pytest.fixture(scope="module")
def hazards(server):
    """In township 1: 55 plain reports, a flood the desk rated red, a flood rated blue; in
    township 2, one more flood."""
    base = server["base"]
    member, desk, elsewhere = api(base, "member1"), api(base, "town1"), api(base, "officer2")
    plain = [_op("other") for _ in range(55)]
    red, blue = _op("flood"), _op("flood")
    for ops in (plain, [red, blue]):
        answer = member("POST", "/api/v1/sync", {"device_id": str(uuid.uuid4()), "ops": ops})
        assert all(r["status"] == "applied" for r in answer["results"])
    desk("POST", f"/api/v1/reports/{red['data']['id']}/verify", {"severity": "red"})
    desk("POST", f"/api/v1/reports/{blue['data']['id']}/verify", {"severity": "blue"})
    theirs = _op("flood")
    elsewhere("POST", "/api/v1/sync", {"device_id": str(uuid.uuid4()), "ops": [theirs]})
    total = desk("GET", "/api/v1/reports?limit=1")["total"]
    # Other browser tests share this server and may have filed floods of their own: the counts
    # the screen must show are the server's.
    floods = desk("GET", "/api/v1/reports?limit=1&category=flood")["total"]
    red_floods = desk("GET", "/api/v1/reports?limit=1&category=flood&severity=red")["total"]
    ids = {"red": red["data"]["id"], "blue": blue["data"]["id"], "theirs": theirs["data"]["id"]}
    return {**ids, "total": total, "floods": floods, "red_floods": red_floods}


def _login(page, username, role):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def _rows(page):
    return page.locator("#dr-list [data-report]")


def test_the_desk_filters_its_hazards_and_back_keeps_the_filters(browser, server, hazards):
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        _login(page, "town1", "值班员")
        page.get_by_role("button", name="调度台").click()
        page.get_by_role("button", name="隐患台账").click()
        expect(page.get_by_role("heading", name="隐患台账")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/desk/reports$"))
        expect(_rows(page)).to_have_count(50)
        expect(page.locator("#dr-status")).to_contain_text(f"共 {hazards['total']} 条")
        # "more": the rest of the area's reports, none twice.
        page.get_by_role("button", name="再显示 50 条").click()
        expect(_rows(page)).to_have_count(hazards["total"])
        expect(page.locator("#dr-more")).to_be_hidden()
        ids = _rows(page).evaluate_all("els => els.map(e => e.dataset.report)")
        assert len(set(ids)) == len(ids) and hazards["theirs"] not in ids

        expect(page.locator("#dr-summary-text")).to_have_text("未筛选，点开选择")
        page.locator(".dr-summary").click()
        page.get_by_label("类别").select_option("flood")
        expect(page).to_have_url(re.compile(r"/desk/reports\?category=flood$"))
        expect(_rows(page)).to_have_count(hazards["floods"])
        expect(page.locator("#dr-status")).to_have_text(f"共 {hazards['floods']} 条")
        # The colour chips: each its colour and its word; red alone.
        chip = page.locator('.dr-colours [data-colour="red"]')
        expect(chip).to_have_text("重大")
        chip.click()
        expect(page).to_have_url(re.compile(r"category=flood&severity=red$"))
        expect(_rows(page)).to_have_count(hazards["red_floods"])
        row = page.locator(f'#dr-list [data-report="{hazards["red"]}"]')
        expect(row.locator(".dr-sev")).to_have_text("重大")
        expect(row).to_contain_text("洪涝")
        expect(row).to_contain_text("已核实")
        no_sideways_scroll(page)
        close_toasts(page)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path="/tmp/shots/desk-reports-390-filters.png")

        # Open it, then Back: the same filtered list, its filters shown as chosen.
        row.click()
        expect(page).to_have_url(re.compile(rf"/reports/{hazards['red']}$"))
        page.go_back()
        expect(page).to_have_url(re.compile(r"/desk/reports\?category=flood&severity=red$"))
        # The filters fold to one line that names them, and the list is in view.
        expect(page.locator("#dr-summary-text")).to_have_text("洪涝 · 重大")
        expect(_rows(page).first).to_be_in_viewport()
        page.screenshot(path="/tmp/shots/desk-reports-390.png")
        expect(page.get_by_label("类别")).to_have_value("flood")
        expect(page.locator('.dr-colours input[value="red"]')).to_be_checked()
        expect(page.locator('.dr-colours input[value="blue"]')).not_to_be_checked()
        expect(_rows(page)).to_have_count(hazards["red_floods"])

        # Nothing matches: said in words; clearing brings the whole list back.
        page.locator(".dr-summary").click()
        page.get_by_label("是否逾期").select_option("true")
        expect(page).to_have_url(re.compile(r"overdue=true"))
        expect(page.locator("#dr-status")).to_have_text("没有符合筛选条件的隐患。")
        page.get_by_role("button", name="清除筛选").click()
        expect(page).to_have_url(re.compile(r"/desk/reports$"))
        expect(_rows(page)).to_have_count(50)

        page.set_viewport_size({"width": 320, "height": 700})
        no_sideways_scroll(page)
        page.screenshot(path="/tmp/shots/desk-reports-320.png")
    finally:
        context.close()
