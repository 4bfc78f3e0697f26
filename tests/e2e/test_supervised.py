"""督办 on the desk's phone: reports filed hours ago on a phone and never verified are escalated by
the server's own worker; the county duty officer finds them from the front page, newest
escalation first, each with its colour's word, the node, the overdue time in words and the
level; a tap opens the report; offline, the last list shows with its time. At 390 and 320 px."""

import time
import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll

SHOT = "/tmp/shots/supervised-390.png"


def _login(page, username="duty", role="值班员"):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def _file_hours_ago(base, username, hours, **data) -> str:
    """A report the phone saved `hours` ago and sent now (its time is the phone's)."""
    body = {
        "id": str(uuid.uuid4()),
        "category": "geological",
        "description": "村口山体有裂缝，雨后扩大，坡下有六户人家",
        "location": {"lat": 25.056, "lon": 116.442},
        **data,
    }
    op = {
        "op_id": str(uuid.uuid4()),
        "type": "report.create",
        "at": (datetime.now(UTC) - timedelta(hours=hours)).isoformat(),
        "data": body,
    }
    answer = api(base, username)("POST", "/api/v1/sync", {"device_id": str(uuid.uuid4()), "ops": [op]})
    assert answer["results"][0]["status"] == "applied", answer
    return body["id"]


def test_the_duty_officer_sees_escalated_reports_newest_first_and_opens_one(browser, server):
    base = server["base"]
    # Red: 2 h to verify, then 1 h grace; unknown colour: 4 h, then 2 h (the county's defaults).
    red = _file_hours_ago(base, "officer1", 5, severity="red")
    plain = _file_hours_ago(base, "officer2", 6.5)
    late = _file_hours_ago(base, "officer1", 4.5)  # overdue by half an hour, not escalated yet
    duty = api(base, "duty")
    # The server's worker sweeps within a round or two.
    deadline = datetime.now() + timedelta(seconds=20)
    while True:
        items = duty("GET", "/api/v1/reports/supervised?limit=200")["items"]
        ours = [i for i in items if i["report"]["id"] in {red, plain, late}]
        if sum(i["escalation_level"] > 0 for i in ours) >= 2 or datetime.now() > deadline:
            break
        time.sleep(0.5)
    assert [i["report"]["id"] for i in ours] == [plain, red, late] or [i["report"]["id"] for i in ours] == [
        red,
        plain,
        late,
    ], ours

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=base,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        _login(page)
        page.goto("/desk")
        page.locator("#desk-supervised").click()
        expect(page).to_have_url(f"{base}/desk/supervised")
        cards = page.locator("#supervised-list .sup-card")
        expect(cards.first).to_be_visible()
        card = page.locator(f'.sup-card[data-report="{red}"]')
        expect(card).to_contain_text("重大")  # the colour's word beside the swatch
        expect(card).to_contain_text("待核实")
        expect(card).to_contain_text("已升级督办（第1级）")
        expect(card).to_contain_text("已超时 3小时")
        # Other browser tests' reports share this server and are escalated too (newest escalation
        # first): the one not yet escalated may be on a later page.
        late_card = page.locator(f'.sup-card[data-report="{late}"]')
        for _ in range(10):
            more = page.get_by_role("button", name="加载更多")
            if late_card.count() or not more.is_visible():
                break
            shown = cards.count()
            more.click()
            expect(cards).not_to_have_count(shown)
        expect(late_card).to_contain_text("已超时，未升级")
        expect(page.locator(f'.sup-card[data-report="{late}"]')).to_contain_text("已超时 30分钟")
        order = [c.get_attribute("data-report") for c in cards.all()]
        assert order.index(late) > max(order.index(red), order.index(plain))
        box = card.bounding_box()
        assert box["height"] >= 48
        no_sideways_scroll(page)
        close_toasts(page)
        page.screenshot(path=SHOT)

        # Offline: the last list, with its time.
        context.set_offline(True)
        page.reload()
        expect(page.locator("#supervised-status")).to_contain_text("离线：显示")
        expect(page.locator(f'.sup-card[data-report="{red}"]')).to_be_visible()
        context.set_offline(False)

        # 320 px: nothing runs off the side.
        page.set_viewport_size({"width": 320, "height": 640})
        page.reload()
        expect(page.locator(f'.sup-card[data-report="{red}"]')).to_be_visible()
        no_sideways_scroll(page)

        # A tap opens the report.
        page.locator(f'.sup-card[data-report="{red}"]').click()
        expect(page).to_have_url(f"{base}/reports/{red}")
    finally:
        context.close()
