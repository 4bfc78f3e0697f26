"""Area warnings on the phone of a village information officer (城东村, under 临城镇), at 390x844:
the county desk issues three warnings to 临城镇 through the API; the banner shows the red one first
with its word and the count; the phone loses the signal and the app, reopened, still shows the
banner (with 离线 and since when) and the full text; 收到 given offline lands exactly once when
the signal returns (counted on the server); the warning that expires leaves the banner by the
phone's clock alone, still offline. Screenshots of each step."""

import json
import re
import urllib.error
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from .helpers import api, close_toasts, lift_all_warnings, no_sideways_scroll

SHORT_S = 75  # the short warning's life: long enough to open the app, short enough to wait for


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()


def _iso(dt):
    return dt.isoformat().replace("+00:00", "Z")


def _small_targets(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('#warning-banner button, main button')]
            .filter((el) => el.offsetParent !== null && !el.classList.contains('back-btn'))
            .map((el) => ({ t: el.textContent.trim(), r: el.getBoundingClientRect() }))
            .filter(({ r }) => r.height < 47.5 || r.width < 47.5)
            .map(({ t, r }) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )


def _small_text(page):
    """Visible text of the banner and the warning screens under 16 px."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#warning-banner *, main *')]
            .filter((el) => el.offsetParent !== null)
            .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
            .filter((el) => !el.closest('.state, .back-btn'))
            .filter((el) => parseFloat(getComputedStyle(el).fontSize) < 16)
            .map((el) => `${el.textContent.trim().slice(0, 20)} ${getComputedStyle(el).fontSize}`)"""
    )


def _acks(duty, warning_id):
    return duty("GET", f"/api/v1/warnings/{warning_id}/delivery")["responsible"]["acknowledged"]


def test_banner_offline_detail_ack_once_and_expiry_by_clock(server, phone, screens):
    base = server["base"]
    duty = api(base, "duty")
    town = next(r for r in duty("GET", "/api/v1/regions?limit=200")["items"] if r["name"] == "临城镇")
    lift_all_warnings(base)  # the banner's count is of these three alone
    now = datetime.now(UTC)
    issued = []
    try:
        red = duty(
            "POST",
            "/api/v1/warnings",
            {
                "title": "台风红色预警：第22号台风今夜登陆",
                "body": "第22号台风预计今夜在我县沿海登陆，最大风力12级，累计雨量200毫米以上。",
                "instructions": "立即转移低洼地带和危房群众；停止户外作业；关好门窗。",
                "kind": "typhoon",
                "level": "red",
                "region_ids": [town["id"]],
            },
        )
        issued.append(red["id"])
        yellow = duty(
            "POST",
            "/api/v1/warnings",
            {
                "title": "暴雨黄色预警",
                "body": "未来6小时降雨量将达50毫米以上。",
                "kind": "rainstorm",
                "level": "yellow",
                "region_ids": [town["id"]],
            },
        )
        issued.append(yellow["id"])
        short = duty(
            "POST",
            "/api/v1/warnings",
            {
                "title": "地质灾害蓝色预警（短时）",
                "body": "山体滑坡风险。",
                "kind": "geological",
                "level": "blue",
                "region_ids": [town["id"]],
                "expires_at": _iso(now + timedelta(seconds=SHORT_S)),
            },
        )
        issued.append(short["id"])
        assert red["level"] == "red" and red["active"] is True

        ctx = phone.context
        _login(phone, "officer1")
        banner = phone.locator("#warning-banner")
        top = banner.locator(".warn-banner-main")
        # Highest level first, the colour with its word, the title and how many there are.
        expect(top).to_contain_text("红色预警", timeout=15000)
        expect(top).to_contain_text("台风")
        expect(top).to_contain_text("第22号台风今夜登陆")
        expect(top).to_contain_text("待确认")
        expect(banner.locator("#warn-banner-more")).to_have_text(re.compile("全部 3 条"))
        assert top.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(198, 40, 40)"
        phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
        close_toasts(phone)
        no_sideways_scroll(phone)
        assert _small_targets(phone) == []
        assert [t for t in _small_text(phone) if "红色预警" in t or "台风" in t or "全部" in t] == []
        screens(phone, "warning-01-banner-home")

        # On another screen too.
        phone.get_by_role("button", name="我的任务").click()
        expect(phone.get_by_role("heading", name="我的任务")).to_be_visible()
        expect(top).to_contain_text("红色预警")

        # The list from home: in force first, highest level first.
        phone.goto("/")
        phone.locator('[data-tile="warnings"]').click()
        expect(phone.get_by_role("heading", name="预警信息")).to_be_visible()
        cards = phone.locator("#warnings-current .warn-card")
        expect(cards).to_have_count(3)
        expect(cards.nth(0)).to_contain_text("红色预警")
        expect(cards.nth(1)).to_contain_text("黄色预警")
        expect(cards.nth(2)).to_contain_text("蓝色预警")
        close_toasts(phone)
        assert _small_targets(phone) == []
        screens(phone, "warning-02-list")

        # No signal; the app is opened again.
        phone.goto("/")
        expect(top).to_contain_text("红色预警")
        ctx.set_offline(True)
        phone.reload()
        expect(phone.get_by_text("离线").first).to_be_visible()
        expect(top).to_contain_text("红色预警", timeout=15000)
        expect(phone.locator("#warn-banner-offline")).to_contain_text(
            re.compile(r"离线 · \d{4}年\d+月\d+日 \d\d:\d\d 更新")
        )
        close_toasts(phone)
        screens(phone, "warning-03-banner-offline")

        # The full text, offline.
        top.click()
        expect(phone.get_by_role("heading", name="预警详情")).to_be_visible()
        expect(phone.locator("#warning-title")).to_have_text("台风红色预警：第22号台风今夜登陆")
        expect(phone.locator(".warn-body")).to_contain_text("最大风力12级")
        expect(phone.locator("#warning-instructions")).to_contain_text("立即转移低洼地带")
        details = phone.locator(".warn-details")
        expect(details).to_contain_text("临城镇")
        expect(details).to_contain_text(re.compile(r"生效时间\s*\d{4}年"))
        expect(details).to_contain_text("失效时间")
        expect(phone.locator(".warn-head")).to_contain_text("生效中")
        assert _small_targets(phone) == []
        assert _small_text(phone) == []

        # 收到, offline: one tap, kept on the phone.
        ack = phone.get_by_role("button", name="收到", exact=True)
        expect(ack).to_be_enabled()
        ack.click()
        expect(phone.locator("#warning-acked")).to_contain_text("已确认收到")
        expect(phone.locator("#warning-ack-state")).to_contain_text("已存本机，待发送")
        expect(phone.get_by_role("button", name="收到", exact=True)).to_have_count(0)
        expect(phone.locator(".pending")).to_have_text("1 条待发送")
        assert _acks(duty, red["id"]) == 0
        close_toasts(phone)
        no_sideways_scroll(phone)
        screens(phone, "warning-04-detail-acked-offline")

        # The signal returns: it lands, once.
        ctx.set_offline(False)
        expect(phone.locator("#warning-ack-state")).to_contain_text("已发送", timeout=15000)
        assert _acks(duty, red["id"]) == 1
        officer = api(base, "officer1")
        assert officer("GET", f"/api/v1/warnings/{red['id']}")["acked"] is True
        # Opening again and syncing again sends nothing more.
        phone.reload()
        expect(phone.locator("#warning-acked")).to_contain_text("已确认收到", timeout=15000)
        phone.wait_for_timeout(1500)
        assert _acks(duty, red["id"]) == 1
        close_toasts(phone)
        screens(phone, "warning-05-detail-sent")

        # The short warning leaves the banner at its expiry by the phone's clock, with no signal.
        phone.goto("/")
        expect(banner.locator("#warn-banner-more")).to_have_text(re.compile("全部 3 条"), timeout=10000)
        ctx.set_offline(True)
        left = (now + timedelta(seconds=SHORT_S) - datetime.now(UTC)).total_seconds()
        expect(banner.locator("#warn-banner-more")).to_have_text(
            re.compile("全部 2 条"), timeout=int((left + 70) * 1000)
        )
        expect(top).to_contain_text("红色预警")
        expect(top).not_to_contain_text("待确认")
        close_toasts(phone)
        screens(phone, "warning-06-banner-expired-offline")
        ctx.set_offline(False)
    finally:
        for wid in issued:
            try:
                duty("POST", f"/api/v1/warnings/{wid}/cancel", {"reason": "测试结束"})
            except urllib.error.HTTPError:
                pass  # already expired or lifted


def test_a_warning_push_shows_the_level_word_and_keeps_the_text_for_offline(browser, server):
    lift_all_warnings(server["base"])
    """A real push event (through the DevTools protocol, as a push service would send it): the
    notification's title starts with the level's word, and the worker keeps the warning, so its
    full text opens with no signal. Its own Chromium, as in test_dispatch."""
    from .conftest import CHROMIUM, PHONE

    duty = api(server["base"], "duty")
    town = next(r for r in duty("GET", "/api/v1/regions?limit=200")["items"] if r["name"] == "临城镇")
    w = duty(
        "POST",
        "/api/v1/warnings",
        {
            "title": "洪水橙色预警",
            "body": "汀江水位将超警戒1米。",
            "kind": "flood",
            "level": "orange",
            "region_ids": [town["id"]],
        },
    )
    own = browser.browser_type.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
    ctx = own.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"], is_mobile=True
    )
    ctx.grant_permissions(["notifications"], origin=server["base"])
    phone = ctx.new_page()
    try:
        _login(phone, "officer1")
        expect(phone.get_by_text(re.compile("灾害信息员"))).to_be_visible()
        phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
        cdp = ctx.new_cdp_session(phone)
        registrations = []
        cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
        cdp.send("ServiceWorker.enable")
        for _ in range(50):
            if registrations:
                break
            phone.wait_for_timeout(100)
        reg = next(r for r in registrations if not r.get("isDeleted"))
        # The phone has not pulled it yet: its copy is emptied first, so only the push can bring it.
        phone.evaluate(
            """() => new Promise((ok, fail) => { const r = indexedDB.open('yjt'); r.onsuccess = () => {
                 const tx = r.result.transaction('warnings', 'readwrite'); tx.objectStore('warnings').clear();
                 tx.oncomplete = () => { r.result.close(); ok(); }; tx.onerror = fail; }; })"""
        )
        payload = json.dumps(
            {
                "type": "warning",
                "id": w["id"],
                "title": "洪水橙色预警",
                "level": "orange",
                "url": f"/warnings/{w['id']}",
            }
        )
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": server["base"], "registrationId": reg["registrationId"], "data": payload},
        )
        # Polled from here: wait_for_function does not wait for an async predicate's promise (a
        # promise is truthy), so it returned before the worker had shown anything.
        shown = []
        for _ in range(100):
            shown = phone.evaluate(
                """async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
                    title: n.title, body: n.body, tag: n.tag, requireInteraction: n.requireInteraction }))"""
            )
            if shown:
                break
            phone.wait_for_timeout(100)
        assert shown == [
            {
                "title": "橙色预警：洪水橙色预警",
                "body": "点按查看全文和防御指南。",
                "tag": f"warning-{w['id']}",
                "requireInteraction": True,
            }
        ]
        # Kept by the worker: opens offline.
        phone.wait_for_function(
            """(id) => new Promise((ok) => { const r = indexedDB.open('yjt'); r.onsuccess = () => {
                 const g = r.result.transaction('warnings').objectStore('warnings').get(id);
                 g.onsuccess = () => { r.result.close(); ok(Boolean(g.result)); }; }; })""",
            arg=w["id"],
            timeout=10000,
        )
        ctx.set_offline(True)
        phone.goto(f"/warnings/{w['id']}")
        expect(phone.locator(".warn-body")).to_contain_text("汀江水位将超警戒1米", timeout=15000)
        expect(phone.locator(".warn-head")).to_contain_text("橙色预警")
    finally:
        ctx.close()
        own.close()
        try:
            duty("POST", f"/api/v1/warnings/{w['id']}/cancel", {"reason": "测试结束"})
        except urllib.error.HTTPError:
            pass


def test_an_update_and_a_lift_show_in_the_chain_and_leave_the_banner(server, phone, screens):
    """The desk updates a warning, then lifts it: the phone shows the update on the banner, then no
    banner; the list names it 已解除 under 近期, and its detail says so with the 发布 / 更新 / 解除
    history."""
    duty = api(server["base"], "duty")
    town = next(r for r in duty("GET", "/api/v1/regions?limit=200")["items"] if r["name"] == "临城镇")
    lift_all_warnings(server["base"])  # the banner's top line is this warning's
    first = duty(
        "POST",
        "/api/v1/warnings",
        {
            "title": "森林火险黄色预警",
            "body": "气温高、湿度低。",
            "kind": "forest_fire",
            "level": "yellow",
            "region_ids": [town["id"]],
        },
    )
    try:
        _login(phone, "officer1")
        top = phone.locator("#warning-banner .warn-banner-main")
        expect(phone.locator(f'#warning-banner [data-warning="{first["id"]}"]')).to_be_visible(timeout=15000)
        update = duty(
            "POST",
            f"/api/v1/warnings/{first['id']}/update",
            {"level": "orange", "title": "森林火险橙色预警", "reason": "连续无雨，火险升级"},
        )
        # The next look at the server (a new screen after a minute, a push, the pull) brings it;
        # here a reload.
        phone.reload()
        expect(phone.locator(f'#warning-banner [data-warning="{update["id"]}"]')).to_be_visible(timeout=15000)
        expect(phone.locator(f'#warning-banner [data-warning="{first["id"]}"]')).to_have_count(0)
        duty("POST", f"/api/v1/warnings/{first['id']}/cancel", {"reason": "已降雨，火险解除"})
        phone.reload()
        expect(phone.get_by_role("heading", name=re.compile("你好"))).to_be_visible()
        phone.wait_for_timeout(1500)
        for wid in (first["id"], update["id"]):
            expect(phone.locator(f'#warning-banner [data-warning="{wid}"]')).to_have_count(0)
        del top
        phone.goto("/warnings")
        card = phone.locator("#warnings-recent .warn-card", has_text="森林火险")
        expect(card).to_have_count(1, timeout=15000)
        expect(card).to_contain_text("已解除")
        close_toasts(phone)
        screens(phone, "warning-07-list-lifted")
        card.click()
        expect(phone.get_by_role("heading", name="预警详情")).to_be_visible()
        expect(phone.locator("#warning-status")).to_contain_text("这条预警已解除")
        history = phone.locator("#warning-history li")
        expect(history).to_have_count(3)
        expect(history.nth(0)).to_contain_text("发布")
        expect(history.nth(1)).to_contain_text("更新")
        expect(history.nth(1)).to_contain_text("连续无雨，火险升级")
        expect(history.nth(2)).to_contain_text("解除")
        expect(phone.get_by_role("button", name="收到", exact=True)).to_have_count(0)
        close_toasts(phone)
        no_sideways_scroll(phone)
        assert _small_targets(phone) == []
        assert _small_text(phone) == []
        screens(phone, "warning-08-detail-lifted")
        phone.set_viewport_size({"width": 320, "height": 568})
        no_sideways_scroll(phone)
        screens(phone, "warning-09-detail-lifted-320")
    finally:
        try:
            duty("POST", f"/api/v1/warnings/{first['id']}/cancel", {"reason": "测试结束"})
        except urllib.error.HTTPError:
            pass
