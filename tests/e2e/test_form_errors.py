"""On a 320x568 phone, tapping the send button of an incomplete form shows the problem where the
person is looking: the first invalid field scrolled into view and focused, marked invalid,
described by its message, and the message in a live region for screen readers."""

import re

from playwright.sync_api import expect

from .helpers import close_toasts

SMALL = {"width": 320, "height": 568}

# Whether `sel` is on screen, clear of the top bar and the bottom bar.
IN_VIEW = """(sel) => {
  const r = document.querySelector(sel).getBoundingClientRect();
  const top = document.querySelector('header.topbar').getBoundingClientRect().bottom;
  const bars = [...document.querySelectorAll('.screen-actions')].filter((b) => b.offsetParent !== null);
  const bottom = Math.min(innerHeight, ...bars.map((b) => b.getBoundingClientRect().top));
  return r.height > 0 && r.top >= top - 1 && r.bottom <= bottom + 1;
}"""


def _login(page, username):
    page.set_viewport_size(SMALL)
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=re.compile("你好"))).to_be_visible()
    close_toasts(page)


def _seen_and_said(page, slot, text):
    error = page.locator(slot)
    expect(error).to_have_text(text)
    assert error.get_attribute("role") == "alert"
    assert page.evaluate(IN_VIEW, slot), f"{text} is not on screen"


def test_the_report_forms_first_problem_is_scrolled_to_focused_and_announced(phone, screens):
    _login(phone, "member9")
    phone.get_by_role("button", name="上报隐患").click()
    expect(phone.get_by_role("heading", name="上报隐患")).to_be_visible()
    submit = phone.get_by_role("button", name="上报", exact=True)

    submit.click()
    _seen_and_said(phone, "#err-category", "请选择类别。")
    focused = phone.evaluate("[document.activeElement.name, document.activeElement.type]")
    assert focused == ["category", "radio"]
    first = phone.locator('input[name="category"]').first
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(first).to_have_attribute("aria-describedby", re.compile(r"\berr-category\b"))
    screens(phone, "form-error-report-category-320")

    # Choosing a category clears it; the next problem is the description, further down.
    phone.get_by_text("洪涝", exact=True).click()
    expect(phone.locator("#err-category")).to_have_text("")
    expect(first).not_to_have_attribute("aria-invalid", "true")
    phone.evaluate("window.scrollTo(0, 0)")
    submit.click()
    _seen_and_said(phone, "#err-description", re.compile(".+"))
    description = phone.locator("#report-description")
    expect(description).to_be_focused()
    expect(description).to_have_attribute("aria-invalid", "true")
    expect(description).to_have_attribute("aria-describedby", re.compile(r"\berr-description\b"))

    # No GPS on this phone: the location is the last problem.
    description.fill("后山裂缝变宽，约两米")
    expect(description).not_to_have_attribute("aria-invalid", "true")
    phone.evaluate("window.scrollTo(0, 0)")
    submit.click()
    _seen_and_said(phone, "#err-location", re.compile(".+"))
    expect(phone.get_by_role("button", name="在地图上选点")).to_be_focused()
    screens(phone, "form-error-report-location-320")


def test_the_desk_forms_first_problem_is_scrolled_to_focused_and_announced(phone, screens):
    _login(phone, "town1")
    phone.get_by_role("button", name="调度台").click()
    phone.get_by_role("button", name="新建调度").click()
    expect(phone.get_by_role("heading", name="新建调度")).to_be_visible()
    phone.get_by_role("button", name="下达任务").click()
    expect(phone.locator("#new-error")).to_contain_text("请补全标出的栏目。")
    bad = phone.locator('[aria-invalid="true"]').first
    expect(bad).to_be_focused()
    slot = "#" + bad.get_attribute("aria-describedby").split()[-1]
    assert phone.evaluate(f"document.querySelector('{slot}').textContent") != ""
    assert phone.evaluate(IN_VIEW, slot)
    screens(phone, "form-error-desk-320")
