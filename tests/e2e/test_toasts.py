"""Toasts at 320x568: one at a time, never over a button (the primary action keeps its place),
and gone by themselves."""

import re

from playwright.sync_api import expect

from .helpers import close_toasts

MEMBER = "member10"
SMALL = {"width": 320, "height": 568}

# Which buttons the toast's box meets, taking of each button the part a person can see: inside
# the window, and not under the top bar or a bottom bar it is not part of (content scrolls under
# those bars; a toast that floats over the content, as one used to, meets the buttons there).
COVERED = """() => {
  const toast = document.querySelector('.toast');
  const t = toast.getBoundingClientRect();
  const bars = [...document.querySelectorAll('header.topbar, .screen-actions, .toast-dock')]
    .filter((o) => o.offsetParent !== null || getComputedStyle(o).position === 'fixed');
  return [...document.querySelectorAll('button, a[href], [role=button], summary, label.chip')]
    .filter((b) => !toast.contains(b) && b.offsetParent !== null)
    .filter((b) => {
      const r = b.getBoundingClientRect();
      let top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
      for (const o of bars) {
        if (o.contains(b)) continue;
        const q = o.getBoundingClientRect();
        if (q.bottom <= top || q.top >= bottom) continue;
        if (q.top <= top) top = Math.max(top, q.bottom);
        else bottom = Math.min(bottom, q.top);
      }
      return bottom - top >= 1 && r.left < t.right && r.right > t.left && top < t.bottom && bottom > t.top;
    })
    .map((b) => b.textContent.trim() || b.getAttribute('aria-label'));
}"""


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=re.compile("你好"))).to_be_visible()


def test_one_toast_at_a_time_never_over_a_button_and_gone_by_itself(phone, screens):
    phone.set_viewport_size(SMALL)
    _login(phone, MEMBER)
    close_toasts(phone)

    # Three taps on a button whose answer is a toast (notifications refused by this browser, so
    # 开启任务通知 says so each time): one toast, not three. (It was the 预警 tile's "coming soon"
    # until the warnings screens were built.)
    phone.get_by_role("button", name="我的任务").click()
    enable = phone.get_by_role("button", name="开启任务通知")
    for _ in range(3):
        enable.click()
    expect(phone.locator(".toast")).to_have_count(1)
    expect(phone.locator(".toast")).to_contain_text("通知")
    assert phone.evaluate(COVERED) == []
    for y in (0, 10_000):  # scrolled to the top and to the end
        phone.evaluate(f"window.scrollTo(0, {y})")
        assert phone.evaluate(COVERED) == []
    screens(phone, "toast-orders-320")
    # The words also reach a screen reader.
    expect(phone.locator(".toast [role=status][aria-live=polite]")).to_contain_text("通知")
    expect(phone.locator(".toast")).to_have_count(0, timeout=6000)
    phone.get_by_role("button", name="返回").click()

    # The check-in screen: the toast sits above 签到/签退, which stays where the thumb is.
    phone.get_by_role("button", name="签到/签退").click()
    action = phone.locator("#checkin-action")
    expect(action).to_have_text("签到")
    before = action.bounding_box()
    action.click()
    expect(phone.locator(".toast")).to_contain_text("已签到")
    expect(action).to_have_text("签退")
    after = action.bounding_box()
    assert abs(after["y"] - before["y"]) < 1 and abs(after["x"] - before["x"]) < 1
    for y in (0, 10_000):
        phone.evaluate(f"window.scrollTo(0, {y})")
        assert phone.evaluate(COVERED) == []
    screens(phone, "toast-checkin-320")
    expect(phone.locator(".toast")).to_have_count(0, timeout=6000)

    # Offline too.
    phone.context.set_offline(True)
    expect(phone.get_by_text("离线").first).to_be_visible()
    expect(action).to_be_enabled()
    action.click()
    expect(phone.get_by_role("dialog")).to_be_visible()
    phone.wait_for_timeout(800)  # the confirm button is live by now
    screens(phone, "checkout-confirm-320-offline")
    phone.get_by_role("dialog").get_by_role("button", name="确认签退").click()
    expect(phone.locator(".toast")).to_contain_text("已签退")
    assert phone.evaluate(COVERED) == []
    screens(phone, "toast-checkout-320-offline")
    phone.context.set_offline(False)
