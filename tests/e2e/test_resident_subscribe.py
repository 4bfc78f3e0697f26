"""A resident opens /r from a QR code in WeChat with JavaScript off, at 390x844: picks a village,
gets a code by SMS, types a wrong one and then the right one, is subscribed, and stops by the
link. The SMS itself is played here: the server's SMS backend is the log one, so the test sets
the waiting code's hash to that of a code it knows, as the phone would have received it."""

import hashlib
import hmac
import sqlite3
import time

from playwright.sync_api import expect

from server.config import DEFAULT_SECRET

from .conftest import SHOTS
from .helpers import no_sideways_scroll
from .test_public_checkin import PHONE, WECHAT

CODE = "246810"


def _context(browser, server, js: bool):
    return browser.new_context(
        viewport=PHONE,
        user_agent=WECHAT,
        java_script_enabled=js,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        is_mobile=True,
        has_touch=True,
    )


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _the_sms_arrives(server) -> None:
    """The newest code's hash becomes that of CODE (the log backend sends no real SMS)."""
    key = ("resident-code:" + server["env"].get("SECRET_KEY", DEFAULT_SECRET)).encode()
    deadline = time.monotonic() + 10
    while True:
        with sqlite3.connect(server["db"]) as conn:
            row = conn.execute(
                "SELECT id, sent_at FROM resident_codes ORDER BY created_at DESC LIMIT 1"
            ).fetchone()
            if row and row[1]:  # the worker has handed it to the SMS backend
                raw = bytes.fromhex(row[0].replace("-", ""))
                digest = hmac.new(key, raw + CODE.encode(), hashlib.sha256).hexdigest()
                conn.execute("UPDATE resident_codes SET code_hash = ? WHERE id = ?", (digest, row[0]))
                return
        assert time.monotonic() < deadline, "the code was never sent"
        time.sleep(0.2)


def _state(server) -> list:
    with sqlite3.connect(server["db"]) as conn:
        return conn.execute("SELECT phone, state FROM resident_subscriptions").fetchall()


def test_subscribing_and_unsubscribing_with_javascript_off(browser, server):
    context = _context(browser, server, js=False)
    page = context.new_page()
    page.goto("/r")
    expect(page.get_by_role("heading", name="订阅本地预警信息")).to_be_visible()
    expect(page.get_by_text("回复任意一条预警短信“TD”或“退订”")).to_be_visible()
    expect(page.locator("#push")).to_be_hidden()  # no script: the SMS form is the page
    no_sideways_scroll(page)
    _shot(page, "resident-form-nojs")
    button = page.get_by_role("button", name="获取验证码")
    assert button.bounding_box()["height"] >= 48

    page.get_by_label("手机号码").fill("138 0013 7001")
    page.get_by_label("所在乡镇或村").select_option(label="临城镇 · 城东村")
    button.click()
    expect(page.get_by_role("heading", name="输入验证码")).to_be_visible()
    expect(page.get_by_text("138****7001", exact=False)).to_be_visible()
    assert "7001" not in page.url
    _the_sms_arrives(server)

    page.get_by_label("短信里的6位数字").fill("000000")
    page.get_by_role("button", name="确认订阅").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码不对")
    _shot(page, "resident-wrong-code-nojs")
    page.get_by_label("短信里的6位数字").fill(CODE)
    page.get_by_role("button", name="确认订阅").click()
    expect(page.get_by_role("heading", name="订阅成功")).to_be_visible()
    expect(page.get_by_text("临城镇城东村", exact=False).first).to_be_visible()
    no_sideways_scroll(page)
    _shot(page, "resident-done-nojs")
    assert ("+8613800137001", "active") in _state(server)

    page.get_by_role("link", name="退订链接").click()
    expect(page.get_by_role("heading", name="退订预警信息？")).to_be_visible()
    _shot(page, "resident-stop-nojs")
    page.get_by_role("button", name="确认退订").click()
    expect(page.get_by_role("heading", name="已退订", exact=False)).to_be_visible()
    assert "+8613800137001" not in [phone for phone, _ in _state(server)]  # forgotten
    context.close()


def test_with_javascript_the_page_offers_browser_notifications_too(browser, server):
    context = _context(browser, server, js=True)
    page = context.new_page()
    page.goto("/r")
    expect(page.locator("#push")).to_be_visible()
    page.get_by_role("button", name="开启浏览器通知").click()
    expect(page.locator("#push-state")).to_contain_text("请先选择乡镇或村")
    no_sideways_scroll(page)
    _shot(page, "resident-form-js")
    context.close()


def test_with_the_apps_service_worker_in_charge_a_resident_link_still_opens_the_servers_page(browser, server):
    """A village officer with the app on the phone opens the residents' QR code: the server's page,
    not the app's shell (the worker's navigation fallback leaves /r alone)."""
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=server["base"])
    page = ctx.new_page()
    page.goto("/")
    page.get_by_label("用户名").fill("officer1")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20000
    )
    page.goto("/r")
    expect(page.get_by_role("heading", name="订阅本地预警信息")).to_be_visible()
    assert page.locator("#app").count() == 0
    ctx.close()
