"""What several browser tests do the same way."""

import json
import urllib.request

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from .conftest import PHONE


def login(page, username, role):
    """Signs in on the login page and waits for the role chip: the app has the account."""
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def phone_context(browser, base):
    """A second phone of the test's own (the `phone` fixture is one): 390x844, zh-CN, China time."""
    return browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=base,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def close_toasts(page):
    """The first install's "已可离线使用" toast sits over the bottom bar: close it before a screenshot."""
    # One at a time, looked up afresh: a toast that leaves by itself between the look and the
    # click must not leave the click waiting 30 s for a button that is gone (seen in CI).
    for _ in range(10):
        shown = page.locator(".toast-close:visible")
        if shown.count() == 0:
            break
        try:
            shown.first.click(timeout=2000)
        except PlaywrightTimeoutError:
            pass  # it went by itself
    expect(page.locator(".toast")).to_have_count(0)


def api(base, username):
    """Calls the API as `username` with a Bearer token, as a desk script would."""
    req = urllib.request.Request(
        base + "/api/v1/auth/login",
        data=json.dumps({"username": username, "password": "demo12345"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        token = json.load(resp)["access_token"]

    def call(method, path, body=None):
        req = urllib.request.Request(
            base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)

    return call


def lift_all_warnings(base):
    """Cancel every warning in force (the server is shared by the whole e2e session: a test that
    counts the banner's warnings starts from none)."""
    duty = api(base, "duty")
    for _ in range(5):
        listed = duty("GET", "/api/v1/warnings?active=true&limit=100")["items"]
        active = [w for w in listed if w["msg_type"] != "cancel"]
        if not active:
            return
        for w in active:
            duty("POST", f"/api/v1/warnings/{w['id']}/cancel", {"reason": "测试开始前解除"})
    raise AssertionError("warnings still in force after five rounds of cancelling")
