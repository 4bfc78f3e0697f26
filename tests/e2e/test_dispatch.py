"""The township desk sends an order to member1 from the new-order form at laptop size; member1, on a
phone, sees it in 我的任务, loses the signal, accepts with an ETA and sets off (both kept on the
phone); the signal returns and the desk's live board shows member1 accepted and en route within
10 s. Screenshots of the member's order screen and the desk board at phone and laptop sizes."""

import re

from playwright.sync_api import expect

from .conftest import CHROMIUM, PHONE
from .helpers import close_toasts as _close_toasts
from .helpers import no_sideways_scroll as _no_sideways_scroll

GPS = {"latitude": 25.05, "longitude": 116.42, "accuracy": 12}
LAPTOP = {"width": 1280, "height": 800}
TITLE = "后山滑坡排查（测试）"


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()


def _small_targets(page):
    """Visible buttons and chips smaller than 48 px in either direction (the back link excepted)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main button, main .chip-face, main summary')]
            .filter((el) => el.offsetParent !== null)
            .map((el) => ({ t: el.textContent.trim(), r: el.getBoundingClientRect() }))
            .filter(({ r }) => r.height < 47.5 || r.width < 47.5)
            .map(({ t, r }) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )


def test_member_answers_offline_and_the_desk_board_shows_it(browser, server, phone, screens):
    # The desk, on a laptop.
    desk_ctx = browser.new_context(
        viewport=LAPTOP, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )
    desk_ctx.grant_permissions(["geolocation"], origin=server["base"])
    desk_ctx.set_geolocation(GPS)
    desk = desk_ctx.new_page()
    try:
        _login(desk, "town1")
        desk.get_by_role("button", name="调度台").click()
        expect(desk.get_by_role("heading", name="调度台")).to_be_visible()
        desk.get_by_role("button", name="新建调度").click()
        expect(desk.get_by_role("heading", name="新建调度")).to_be_visible()

        members = desk.evaluate(
            "fetch('/api/v1/members?limit=200').then((r) => r.json()).then((b) => b.items)"
        )
        member1 = next(m for m in members if m["username"] == "member1")

        desk.get_by_label("任务名称").fill(TITLE)
        desk.get_by_role("button", name="用我的位置").click()
        expect(desk.locator("#new-location")).to_contain_text("25.05000, 116.42000")
        desk.get_by_text("或指定队员").click()
        # The demo's members have no policy recorded: each is marked 无有效保险 in words.
        name = re.compile("^" + re.escape(member1["display_name"]) + "(无有效保险)?$")
        face = desk.locator("#new-members .chip-face", has_text=name)
        expect(face.locator(".chip-cover")).to_have_text("无有效保险")
        face.click()
        desk.get_by_label("集合地点").fill("村委会门口")
        desk.get_by_label("携带物品").fill("雨衣、手电、铁锹")
        _close_toasts(desk)
        screens(desk, "dispatch-01-desk-new-laptop")
        desk.get_by_role("button", name="下达任务").click()
        expect(desk.get_by_role("heading", name="调度看板")).to_be_visible()
        expect(desk.locator("#board-order-title")).to_have_text(TITLE)
        person = desk.locator(f'.person[data-member="{member1["id"]}"]')
        expect(person).to_contain_text("未回复")
        order_id = desk.url.rsplit("/", 1)[1]

        # The member, on a phone.
        ctx = phone.context
        _login(phone, "member1")
        expect(phone.get_by_text(re.compile("救援队员"))).to_be_visible()
        phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
        expect(phone.get_by_role("button", name="调度台")).to_have_count(0)  # desk roles only
        phone.get_by_role("button", name="我的任务").click()
        expect(phone.get_by_role("heading", name="我的任务")).to_be_visible()
        # Notifications are asked for from a clear button, never on load; SMS/calls are the fallback.
        expect(phone.get_by_role("button", name="开启任务通知")).to_be_visible()
        expect(phone.get_by_text(re.compile("短信回复 1 接受"))).to_be_visible()
        card = phone.locator(f'[data-order="{order_id}"]')
        expect(card).to_contain_text(TITLE, timeout=15000)
        expect(card).to_contain_text("待回复")
        _no_sideways_scroll(phone)
        screens(phone, "dispatch-02-member-orders-phone")
        card.click()
        expect(phone.get_by_role("heading", name="任务详情")).to_be_visible()
        expect(phone.locator(".order-details")).to_contain_text("村委会门口")
        expect(phone.locator(".order-details")).to_contain_text("雨衣、手电、铁锹")
        _close_toasts(phone)
        screens(phone, "dispatch-03-member-order-phone")
        assert _small_targets(phone) == []
        phone.set_viewport_size({"width": 320, "height": 700})
        _no_sideways_scroll(phone)
        assert _small_targets(phone) == []
        screens(phone, "dispatch-03b-member-order-320")
        phone.set_viewport_size({"width": 390, "height": 844})

        # No signal: accept with an ETA, then set off.
        ctx.set_offline(True)
        expect(phone.get_by_text("离线").first).to_be_visible()
        phone.get_by_text("20 分钟", exact=True).click()
        phone.get_by_role("button", name="接受", exact=True).click()
        expect(phone.locator("#order-state")).to_contain_text("已接受")
        expect(phone.locator("#order-state")).to_contain_text("预计 20 分钟到")
        expect(phone.locator("#order-op-state")).to_have_text("已存本机，待发送")
        phone.get_by_role("button", name="出发", exact=True).click()
        expect(phone.locator("#order-state")).to_contain_text("已出发")
        expect(phone.locator("#order-op-state")).to_have_text("已存本机，待发送")
        expect(phone.get_by_role("button", name="到达", exact=True)).to_be_visible()
        expect(phone.locator(".pending")).to_have_text("2 条待发送")
        _no_sideways_scroll(phone)
        screens(phone, "dispatch-04-member-order-offline-phone")
        expect(person).to_contain_text("未回复")

        # The signal returns: the desk board shows it within 10 s.
        ctx.set_offline(False)
        expect(person).to_contain_text("已出发", timeout=10000)
        expect(person).to_contain_text("预计 20 分钟到")
        expect(desk.locator('[data-count="en_route"] .count-n')).to_have_text("1")
        expect(phone.locator("#order-op-state")).to_have_text("已发送", timeout=10000)
        expect(phone.locator("#order-state")).to_contain_text("已出发")
        _close_toasts(phone)
        screens(phone, "dispatch-05-member-order-sent-phone")
        _close_toasts(desk)
        screens(desk, "dispatch-06-desk-board-laptop")
        _no_sideways_scroll(desk)

        # On scene: the next accountability check-in is due, and one tap says "safe".
        phone.get_by_role("button", name="到达", exact=True).click()
        expect(phone.locator("#order-state")).to_contain_text("已到达现场")
        expect(phone.locator("#order-checkin")).to_contain_text("下次报平安")
        phone.get_by_role("button", name="报平安", exact=True).click()
        expect(phone.locator("#order-op-state")).to_have_text("已发送", timeout=10000)
        expect(phone.get_by_role("button", name="完成任务", exact=True)).to_be_visible()
        expect(phone.locator("#order-checkin")).to_contain_text(re.compile(r"下次报平安：\d{4}年"))
        expect(person).to_contain_text("已到达现场", timeout=10000)
        assert _small_targets(phone) == []
        _close_toasts(phone)
        screens(phone, "dispatch-05b-member-on-scene-phone")

        # The same board at phone size, and nothing scrolls sideways at 320 px.
        desk.set_viewport_size({"width": 390, "height": 844})
        expect(person).to_contain_text("已到达现场")
        expect(desk.locator('[data-count="on_scene"] .count-n')).to_have_text("1")
        _no_sideways_scroll(desk)
        screens(desk, "dispatch-07-desk-board-phone")
        desk.set_viewport_size({"width": 320, "height": 700})
        _no_sideways_scroll(desk)
        phone.set_viewport_size({"width": 320, "height": 700})
        _no_sideways_scroll(phone)
        screens(phone, "dispatch-08-member-order-320")

        # Done: completing closes member1's time on the task (the server's attendance), so the
        # other browser tests find member1 checked out.
        phone.get_by_role("button", name="完成任务", exact=True).click()
        phone.get_by_role("dialog").get_by_role("button", name="确认完成").click()
        expect(phone.locator("#order-state")).to_have_text("已完成")
        expect(phone.locator("#order-op-state")).to_have_text("已发送", timeout=10000)
        expect(person).to_contain_text("已完成", timeout=10000)
    finally:
        desk_ctx.close()


def test_a_push_always_shows_a_chinese_notification_with_answers(browser, server):
    """A real push event (delivered through the DevTools protocol, as a push service would): the
    worker shows the order's notification with 接受 / 拒绝, and the open page shows it in-app.
    Its own Chromium, so notification machinery can never disturb the other browser tests."""
    own = browser.browser_type.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
    ctx = own.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"], is_mobile=True
    )
    ctx.grant_permissions(["notifications"], origin=server["base"])
    phone = ctx.new_page()
    try:
        _push_shows(ctx, phone, server)
    finally:
        ctx.close()
        own.close()


def _push_shows(ctx, phone, server):
    _login(phone, "member1")
    expect(phone.get_by_text(re.compile("救援队员"))).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)

    cdp = ctx.new_cdp_session(phone)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = 50
    while not registrations and deadline:
        phone.wait_for_timeout(100)
        deadline -= 1
    reg = next(r for r in registrations if not r.get("isDeleted"))
    payload = '{"type": "dispatch", "id": "order-x", "title": "河堤巡查", "body": "请到村委会集合"}'
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server["base"], "registrationId": reg["registrationId"], "data": payload},
    )
    expect(phone.get_by_text("新任务：河堤巡查")).to_be_visible(timeout=10000)
    shown = phone.evaluate(
        """async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
            title: n.title, body: n.body, tag: n.tag, requireInteraction: n.requireInteraction,
            actions: n.actions.map((a) => [a.action, a.title]) }))"""
    )
    assert shown == [
        {
            "title": "河堤巡查",
            "body": "请到村委会集合",
            "tag": "dispatch-order-x",
            "requireInteraction": True,
            "actions": [["accept", "接受"], ["decline", "拒绝"]],
        }
    ]
