"""The desk's front page (/desk) lists the open incidents, newest first, each with its orders and
how they are answered (coming / declined / silent against the headcount wanted), on a laptop and
on a phone; and the board lets the desk chase the silent: "再次通知" once per tap, with what
happened said in words, and "打电话" on the member's number. Completed members are counted apart."""

import json
import re
import time

from playwright.sync_api import expect

from .helpers import api
from .helpers import close_toasts as _close_toasts
from .helpers import no_sideways_scroll as _no_sideways_scroll

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _login(page, username, role):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def _team_of_township_1(desk):
    members = desk("GET", "/api/v1/members?limit=200")["items"]
    return {m["username"]: m for m in members if re.fullmatch(r"member\d+", m["username"] or "")}


def test_the_front_page_lists_open_incidents_newest_first_with_their_orders_answers(browser, server, screens):
    desk = api(server["base"], "town1")
    team = _team_of_township_1(desk)
    stamp = str(int(time.time() * 1000))
    older = desk(
        "POST",
        "/api/v1/incidents",
        {"kind": "flood", "title": f"旧事件{stamp}", "occurred_at": "2026-11-30T08:00:00+08:00"},
    )
    newer = desk(
        "POST",
        "/api/v1/incidents",
        {"kind": "geological", "title": f"新事件{stamp}", "occurred_at": "2026-12-01T08:00:00+08:00"},
    )
    ids = [team[f"member{i}"]["id"] for i in (1, 2, 3, 4)]
    order = desk(
        "POST",
        "/api/v1/dispatches",
        {
            "title": f"滑坡排查{stamp}",
            "location": {"lat": 25.05, "lon": 116.42},
            "member_ids": ids,
            "headcount": 3,
            "incident_id": newer["id"],
        },
    )
    api(server["base"], "member1")(
        "POST", f"/api/v1/dispatches/{order['id']}/respond", {"response": "accept", "eta_minutes": 10}
    )
    api(server["base"], "member2")(
        "POST", f"/api/v1/dispatches/{order['id']}/respond", {"response": "decline"}
    )

    for size, name in ((LAPTOP, "1280"), (PHONE, "390"), ({"width": 320, "height": 568}, "320")):
        ctx = browser.new_context(
            viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
        )
        page = ctx.new_page()
        try:
            _login(page, "town1", "值班员")
            page.get_by_role("button", name="调度台").click()
            expect(page.get_by_role("heading", name="调度台")).to_be_visible()
            new_box = page.locator(f'[data-incident="{newer["id"]}"]')
            old_box = page.locator(f'[data-incident="{older["id"]}"]')
            expect(new_box).to_contain_text(f"新事件{stamp}")
            expect(new_box).to_contain_text("地质灾害（滑坡）")
            expect(old_box).to_contain_text("这个事件还没有调度任务")
            # Newest first: the incident that happened later comes before the older one.
            titles = page.locator(".front-incident-title").all_inner_texts()
            assert titles.index(f"新事件{stamp}") < titles.index(f"旧事件{stamp}")
            card = new_box.locator(f'[data-order="{order["id"]}"]')
            expect(card).to_contain_text(f"滑坡排查{stamp}")
            expect(card).to_contain_text("需要 3 人 · 在来 1 · 拒绝 1 · 未回复 2")
            _close_toasts(page)
            _no_sideways_scroll(page)
            screens(page, f"desk-front-{name}")
            card.click()
            expect(page.get_by_role("heading", name="调度看板")).to_be_visible()
            expect(page.locator("#board-order-title")).to_have_text(f"滑坡排查{stamp}")
        finally:
            ctx.close()


def test_the_board_chases_the_silent_once_per_tap_and_offers_their_number(browser, server, screens):
    desk = api(server["base"], "town1")
    team = _team_of_township_1(desk)
    stamp = str(int(time.time() * 1000))
    m5, m6, m7 = team["member5"], team["member6"], team["member7"]
    order = desk(
        "POST",
        "/api/v1/dispatches",
        {
            "title": f"追呼测试{stamp}",
            "location": {"lat": 25.05, "lon": 116.42},
            "member_ids": [m5["id"], m6["id"], m7["id"]],
            "headcount": 2,
        },
    )
    api(server["base"], "member6")(
        "POST", f"/api/v1/dispatches/{order['id']}/respond", {"response": "accept", "eta_minutes": 5}
    )

    ctx = browser.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )
    page = ctx.new_page()
    notify_calls = []
    page.on(
        "request",
        lambda r: notify_calls.append(r.url) if r.method == "POST" and r.url.endswith("/notify") else None,
    )
    try:
        _login(page, "town1", "值班员")
        page.goto(f"/desk/{order['id']}")
        silent = page.locator(f'.person[data-member="{m5["id"]}"]')
        answered = page.locator(f'.person[data-member="{m6["id"]}"]')
        expect(silent).to_contain_text("未回复")
        # The one who answered is not chased; the silent one can be, and called.
        expect(answered.get_by_role("button", name=re.compile("再次通知"))).to_have_count(0)
        call = silent.get_by_role("link", name=f"打电话给 {m5['display_name']}")
        expect(call).to_have_attribute("href", f"tel:{m5['phone']}")
        assert m5["phone"].startswith("+86")

        chase = silent.get_by_role("button", name=f"再次通知 {m5['display_name']}")
        chase.dblclick()  # a double tap is one intent: one notification
        expect(silent.locator(".chase-note")).to_contain_text(f"已再次通知 {m5['display_name']}")
        assert len(notify_calls) == 1, notify_calls

        # Again within 30 s: the server refuses (429), the board says so in words.
        silent.get_by_role("button", name=f"再次通知 {m5['display_name']}").click()
        expect(silent.locator(".chase-note")).to_contain_text("刚通知过，30 秒后才能再通知")
        assert len(notify_calls) == 2

        # Someone who answered since the board was drawn: the server answers 409 already-answered
        # (held here so the board cannot refresh first); the board says so, and redraws.
        other = page.locator(f'.person[data-member="{m7["id"]}"]')
        problem = {
            "type": "https://emergency-field.example/problems/already-answered",
            "title": "Already answered",
            "status": 409,
            "detail": "This member has already answered.",
        }
        page.route(
            f"**/api/v1/dispatches/{order['id']}/targets/{m7['id']}/notify",
            lambda route: route.fulfill(
                status=409, content_type="application/problem+json", body=json.dumps(problem)
            ),
        )
        api(server["base"], "member7")(
            "POST", f"/api/v1/dispatches/{order['id']}/respond", {"response": "decline"}
        )
        other.get_by_role("button", name=f"再次通知 {m7['display_name']}").click()
        expect(
            page.locator(".toast", has_text=f"{m7['display_name']} 已经回复了，不用再通知")
        ).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("This member has already answered")
        expect(other).to_contain_text("拒绝")
        expect(other.get_by_role("button", name=re.compile("再次通知"))).to_have_count(0)
        _close_toasts(page)
        _no_sideways_scroll(page)
        screens(page, "desk-board-chase-390")
    finally:
        ctx.close()
