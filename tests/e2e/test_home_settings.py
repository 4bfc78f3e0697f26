"""Home at 320 px: no 退出登录 under the resting thumb; 我的任务 carries the number of orders
waiting for the member's answer, and so does the app's icon (Badging API), following the orders
as they change. 设置, from the top bar: the account, the language, and signing out, which asks."""

import re

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll

MEMBER = "member9"
SMALL = {"width": 320, "height": 568}

# Records what the page asks of the Badging API (Chromium has it only for installed apps).
BADGE_SPY = """
window.__badges = [];
Object.defineProperty(Navigator.prototype, 'setAppBadge', { configurable: true,
  value(n) { window.__badges.push(n); return Promise.resolve(); } });
Object.defineProperty(Navigator.prototype, 'clearAppBadge', { configurable: true,
  value() { window.__badges.push(0); return Promise.resolve(); } });
"""


def _waiting(me):
    """Open orders the member has not answered, as the server counts them."""
    items = me("GET", "/api/v1/dispatches?limit=100")["items"]
    return sum(1 for o in items if not o["closed_at"] and o["targets"][0]["response"] == "pending")


def _send(desk, member_id, title):
    body = {"title": title, "location": {"lat": 25.05, "lon": 116.42}, "member_ids": [member_id]}
    return desk("POST", "/api/v1/dispatches", body)["id"]


def _badge(page):
    return page.evaluate("window.__badges.length ? window.__badges[window.__badges.length - 1] : null")


def test_home_counts_orders_waiting_and_settings_signs_out_after_asking(phone, server, screens):
    desk = api(server["base"], "town1")
    me = api(server["base"], MEMBER)
    member = next(m for m in desk("GET", "/api/v1/members?limit=200")["items"] if m["username"] == MEMBER)
    first = _send(desk, member["id"], "首页角标测试一")
    _send(desk, member["id"], "首页角标测试二")
    n = _waiting(me)
    assert n >= 2

    phone.add_init_script(BADGE_SPY)
    phone.set_viewport_size(SMALL)
    phone.goto("/")
    phone.get_by_label("用户名").fill(MEMBER)
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("heading", name=re.compile("你好"))).to_be_visible()
    close_toasts(phone)

    # Home: signing out is no longer here; the tasks tile says how many wait.
    expect(phone.get_by_role("button", name="退出登录")).to_have_count(0)
    tasks = phone.locator('[data-tile="tasks"]')
    expect(tasks.locator(".tile-count")).to_have_text(str(n), timeout=10000)
    expect(tasks).to_have_accessible_name(re.compile(f"我的任务.*{n} 条任务待你回复"))
    phone.wait_for_function(f"window.__badges.at(-1) === {n}")
    no_sideways_scroll(phone)
    screens(phone, "home-badge-320")

    # Answering one takes it off the count, on the tile and on the icon.
    phone.goto(f"/orders/{first}")
    phone.get_by_role("button", name="接受", exact=True).click()
    expect(phone.locator("#order-state")).to_contain_text("已接受")
    phone.get_by_role("button", name="返回").click()
    expect(tasks.locator(".tile-count")).to_have_text(str(n - 1))
    phone.wait_for_function(f"window.__badges.at(-1) === {n - 1}")

    # A new order arrives and the phone pulls (the signal comes back): the count follows.
    _send(desk, member["id"], "首页角标测试三")
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(tasks.locator(".tile-count")).to_have_text(str(n), timeout=10000)
    phone.wait_for_function(f"window.__badges.at(-1) === {n}")
    assert _waiting(me) == n

    # 设置 from the top bar: who is signed in, the language.
    gear = phone.get_by_role("button", name="设置")
    box = gear.bounding_box()
    assert box["width"] >= 48 and box["height"] >= 48
    gear.click()
    expect(phone.get_by_role("heading", name="设置")).to_be_visible()
    account = phone.locator("#settings-account")
    expect(account).to_contain_text(member["display_name"])
    expect(account).to_contain_text("救援队员")
    no_sideways_scroll(phone)
    screens(phone, "settings-320")
    phone.get_by_text("English", exact=True).last.click()
    expect(phone.get_by_role("heading", name="Settings")).to_be_visible()
    expect(account).to_contain_text("Rescue")
    phone.get_by_text("中文", exact=True).last.click()
    expect(phone.get_by_role("heading", name="设置")).to_be_visible()

    # Signing out asks; cancelling keeps the session.
    logout = phone.get_by_role("button", name="退出登录")
    logout.click()
    dialog = phone.get_by_role("dialog", name="确认退出登录？")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    expect(phone.get_by_role("heading", name="设置")).to_be_visible()

    phone.context.set_offline(True)
    expect(phone.get_by_text("离线").first).to_be_visible()
    screens(phone, "settings-320-offline")
    phone.context.set_offline(False)
    expect(phone.get_by_text("在线").first).to_be_visible()

    logout.click()
    dialog.get_by_role("button", name="确认退出").click()
    expect(phone.get_by_role("button", name="登录")).to_be_visible()
    expect(phone.get_by_role("button", name="设置")).to_be_hidden()
    assert _badge(phone) == 0
