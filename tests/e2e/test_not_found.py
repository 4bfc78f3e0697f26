"""An unknown or another region's id opens a plain "not found" state with a way back, in the
user's words: the desk's board (/desk/<id>) and the member's order (/orders/<id>), never "not on
this phone yet" above an empty box, never the server's English."""

import uuid

from playwright.sync_api import expect

from .helpers import api
from .helpers import no_sideways_scroll as _no_sideways_scroll

LAPTOP = {"width": 1280, "height": 800}


def _login(page, username, role):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def test_the_board_of_an_unknown_or_foreign_order_says_not_found_with_a_way_back(browser, server, screens):
    # An order of township 2: town1's desk must not see it, and must not learn it exists.
    town2 = api(server["base"], "town2")
    members = town2("GET", "/api/v1/members?limit=200")["items"]
    foreign = town2(
        "POST",
        "/api/v1/dispatches",
        {"title": "二号乡的任务", "location": {"lat": 25.1, "lon": 116.5}, "member_ids": [members[0]["id"]]},
    )
    for size in ({"width": 390, "height": 844}, LAPTOP):
        ctx = browser.new_context(
            viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
        )
        page = ctx.new_page()
        try:
            _login(page, "town1", "值班员")
            for order_id in (str(uuid.uuid4()), foreign["id"], "not-a-uuid"):
                page.goto(f"/desk/{order_id}")
                box = page.locator("#not-found")
                expect(box).to_contain_text("找不到这个调度指令")
                expect(page.locator("main")).not_to_contain_text("No such")
                expect(page.locator("#board-people")).to_have_count(0)
                expect(page.locator("main")).not_to_contain_text("二号乡的任务")
            _no_sideways_scroll(page)
            screens(page, f"not-found-board-{size['width']}")
            page.get_by_role("button", name="回到调度台").click()
            expect(page.get_by_role("heading", name="调度台")).to_be_visible()
        finally:
            ctx.close()


def test_an_order_that_is_not_the_members_says_not_found_instead_of_waiting_for_it(server, phone, screens):
    town2 = api(server["base"], "town2")
    members = town2("GET", "/api/v1/members?limit=200")["items"]
    foreign = town2(
        "POST",
        "/api/v1/dispatches",
        {
            "title": "二号乡的另一个任务",
            "location": {"lat": 25.1, "lon": 116.5},
            "member_ids": [members[0]["id"]],
        },
    )
    _login(phone, "member1", "救援队员")
    for order_id in (str(uuid.uuid4()), foreign["id"]):
        phone.goto(f"/orders/{order_id}")
        expect(phone.locator("#not-found")).to_contain_text("找不到这个任务")
        expect(phone.locator("main")).not_to_contain_text("这台手机上还没有这条任务")
        expect(phone.locator("main")).not_to_contain_text("二号乡的另一个任务")
    _no_sideways_scroll(phone)
    screens(phone, "not-found-order-390")
    phone.get_by_role("button", name="回到任务列表").click()
    expect(phone).to_have_url(f"{server['base']}/orders")


def test_an_order_not_yet_on_the_phone_while_offline_still_says_it_will_come(server, phone):
    """Offline, the phone cannot know whether the order exists: it keeps the "not here yet" line."""
    _login(phone, "member1", "救援队员")
    # Offline, the order screen's code comes from the service worker's precache: wait until the
    # worker controls the page (installed, so precached), as a phone that opened the app once has.
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30000)
    phone.context.set_offline(True)
    # In-app navigation (as a tap would), so the page need not be fetched.
    phone.evaluate(
        "(p) => { history.pushState({ inApp: true }, '', p); dispatchEvent(new PopStateEvent('popstate')); }",
        f"/orders/{uuid.uuid4()}",
    )
    expect(phone.locator("main")).to_contain_text("这台手机上还没有这条任务")
    expect(phone.locator("#not-found")).to_have_count(0)
