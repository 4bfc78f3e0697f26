"""A tired thumb double-taps: each step of an order and each check-in records exactly one step on
the server, whether the browser sees a double click or two quick taps at the same point; and the
irreversible ones (完成任务, 签退) happen only through their confirmation."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import api, close_toasts

MEMBER = "member11"


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=re.compile("你好"))).to_be_visible()


def _double_tap(page, button, how):
    """A double tap on `button`: as a double click, or as two taps 200 ms apart at one point
    (the second lands after the screen has swapped the button for the next step's)."""
    expect(button).to_be_enabled()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    if how == "dblclick":
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)
        page.wait_for_timeout(200)
        page.mouse.click(x, y)


def _settled(page):
    """Whatever the taps queued has reached the server."""
    page.wait_for_timeout(1200)  # longer than any guard: a late second step would be queued by now
    expect(page.locator(".pending")).to_be_hidden(timeout=10000)


def _line(desk, order_id, member_id):
    order = desk("GET", f"/api/v1/dispatches/{order_id}")
    return next(t for t in order["targets"] if t["member_id"] == member_id)


@pytest.mark.parametrize("how", ["dblclick", "two-taps"])
def test_each_order_step_is_recorded_once_and_completing_asks_first(phone, server, how):
    desk = api(server["base"], "town1")
    member = next(m for m in desk("GET", "/api/v1/members?limit=200")["items"] if m["username"] == MEMBER)
    order = desk(
        "POST",
        "/api/v1/dispatches",
        {
            "title": f"双击测试（{how}）",
            "location": {"lat": 25.05, "lon": 116.42},
            "member_ids": [member["id"]],
        },
    )
    _login(phone, MEMBER)
    phone.get_by_role("button", name="我的任务").click()
    phone.locator(f'[data-order="{order["id"]}"]').click()
    expect(phone.get_by_role("heading", name="任务详情")).to_be_visible()
    close_toasts(phone)

    steps = [
        ("接受", "accepted", "accepted"),
        ("出发", "accepted", "en_route"),
        ("到达", "accepted", "on_scene"),
    ]
    for label, response, status in steps:
        _double_tap(phone, phone.get_by_role("button", name=label, exact=True), how)
        _settled(phone)
        line = _line(desk, order["id"], member["id"])
        assert (line["response"], line["status"]) == (response, status), f"after a double tap on {label}"
    # Arriving records the arrival, not an accountability check-in on top of it.
    assert line["last_ping_at"] == line["status_at"]

    # 完成任务 asks; the second tap of a double tap never answers for the person.
    complete = phone.get_by_role("button", name="完成任务", exact=True)
    _double_tap(phone, complete, how)
    phone.wait_for_timeout(1200)
    assert _line(desk, order["id"], member["id"])["status"] == "on_scene"
    dialog = phone.get_by_role("dialog", name="确认完成任务？")
    if dialog.is_visible():
        dialog.get_by_role("button", name="还没完成").click()
    expect(dialog).to_be_hidden()
    expect(phone.locator("#order-state")).to_have_text("已到达现场")

    complete.click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="确认完成").click()
    expect(phone.locator("#order-state")).to_have_text("已完成")
    _settled(phone)
    assert _line(desk, order["id"], member["id"])["status"] == "completed"


@pytest.mark.parametrize("how", ["dblclick", "two-taps"])
def test_a_double_tap_checks_in_once_and_checking_out_asks_first(phone, server, how):
    me = api(server["base"], MEMBER)
    mine = lambda: me("GET", "/api/v1/attendance?limit=50")["items"]  # noqa: E731
    before = {c["id"] for c in mine()}
    _login(phone, MEMBER)
    phone.get_by_role("button", name="签到/签退").click()
    expect(phone.locator("#checkin-state")).to_have_text("当前：未签到")
    close_toasts(phone)

    _double_tap(phone, phone.get_by_role("button", name="签到", exact=True), how)
    _settled(phone)
    new = [c for c in mine() if c["id"] not in before]
    assert len(new) == 1 and new[0]["open"] is True, new
    expect(phone.locator("#checkin-state")).to_contain_text("当前：已签到")

    checkout = phone.get_by_role("button", name="签退", exact=True)
    _double_tap(phone, checkout, how)
    phone.wait_for_timeout(1200)
    dialog = phone.get_by_role("dialog", name="确认签退？")
    if dialog.is_visible():
        dialog.get_by_role("button", name="继续值班").click()
    expect(dialog).to_be_hidden()
    _settled(phone)
    assert [c["open"] for c in mine() if c["id"] not in before] == [True]

    checkout.click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="确认签退").click()
    expect(phone.locator("#checkin-state")).to_have_text("当前：未签到")
    _settled(phone)
    assert [c["open"] for c in mine() if c["id"] not in before] == [False]


def test_a_tap_through_from_the_list_does_not_answer_the_order(phone, server):
    """A double tap on an order's card opens it; the second tap, landing where 接受 appears,
    answers nothing."""
    desk = api(server["base"], "town1")
    member = next(m for m in desk("GET", "/api/v1/members?limit=200")["items"] if m["username"] == MEMBER)
    order = desk(
        "POST",
        "/api/v1/dispatches",
        {"title": "连点测试", "location": {"lat": 25.05, "lon": 116.42}, "member_ids": [member["id"]]},
    )
    _login(phone, MEMBER)
    phone.get_by_role("button", name="我的任务").click()
    card = phone.locator(f'[data-order="{order["id"]}"]')
    card.click()
    accept = phone.get_by_role("button", name="接受", exact=True)
    expect(accept).to_be_enabled()
    box = accept.bounding_box()
    phone.go_back()
    close_toasts(phone)
    expect(card).to_be_visible()

    card.click()
    phone.wait_for_timeout(150)
    phone.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(phone.get_by_role("heading", name="任务详情")).to_be_visible()
    phone.wait_for_timeout(1200)
    expect(phone.locator("#order-state")).to_have_text("待回复")
    assert _line(desk, order["id"], member["id"])["response"] == "pending"
