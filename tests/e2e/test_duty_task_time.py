"""A member on duty is sent to a task, arrives and finishes it: the check-in screen still shows
them on duty, and its history says which record is duty time (值班) and which the task's
(任务：<title>), the records the subsidy is paid from. Screenshots at 390 and 320 px."""

import re

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll

MEMBER = "member12"
TITLE = "河堤巡查（值班与任务）"


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=re.compile("你好"))).to_be_visible()


def test_finishing_a_task_leaves_the_duty_check_in_open_and_each_record_says_its_kind(phone, server, screens):
    desk = api(server["base"], "town1")
    me = api(server["base"], MEMBER)
    member = next(m for m in desk("GET", "/api/v1/members?limit=200")["items"] if m["username"] == MEMBER)
    _login(phone, MEMBER)
    phone.get_by_role("button", name="签到/签退").click()
    phone.get_by_role("button", name="签到", exact=True).click()
    expect(phone.locator("#checkin-state")).to_contain_text("当前：已签到")
    expect(phone.locator(".pending")).to_be_hidden(timeout=10000)

    order = desk(
        "POST",
        "/api/v1/dispatches",
        {"title": TITLE, "location": {"lat": 25.05, "lon": 116.42}, "member_ids": [member["id"]]},
    )
    phone.goto("/orders")
    phone.locator(f'[data-order="{order["id"]}"]').click()
    for label, state in (("接受", "已接受"), ("出发", "已出发"), ("到达", "已到达现场")):
        phone.get_by_role("button", name=label, exact=True).click()
        expect(phone.locator("#order-state")).to_contain_text(state)
        expect(phone.locator(".pending")).to_be_hidden(timeout=10000)

    # The two on-scene steps, each across the screen, 报平安 under the thumb where 到达 was.
    ping = phone.get_by_role("button", name="报平安", exact=True).bounding_box()
    done = phone.get_by_role("button", name="完成任务", exact=True).bounding_box()
    assert ping["width"] > 300 and done["width"] > 300 and done["y"] < ping["y"]

    # On scene: the check-in screen says the task's time runs beside the duty check-in.
    phone.goto("/checkin")
    expect(phone.locator("#checkin-state")).to_contain_text("当前：已签到")
    expect(phone.locator("#checkin-task")).to_contain_text(f"任务：{TITLE}")
    expect(phone.get_by_role("button", name="签退", exact=True)).to_be_visible()

    phone.goto(f"/orders/{order['id']}")
    phone.get_by_role("button", name="完成任务", exact=True).click()
    expect(phone.get_by_role("dialog")).to_contain_text("值班签到不受影响")
    phone.wait_for_timeout(800)  # the confirm button is live by now
    screens(phone, "order-confirm-complete-390")
    phone.get_by_role("dialog").get_by_role("button", name="确认完成").click()
    expect(phone.locator("#order-state")).to_have_text("已完成")
    expect(phone.locator(".pending")).to_be_hidden(timeout=10000)

    # The server: the task's record closed, the duty one open.
    records = me("GET", "/api/v1/attendance?limit=50")["items"]
    assert {c["kind"]: c["open"] for c in records} == {"duty": True, "task": False}
    assert next(c for c in records if c["kind"] == "task")["dispatch_id"] == order["id"]

    phone.goto("/checkin")
    expect(phone.locator("#checkin-state")).to_contain_text("当前：已签到")
    expect(phone.locator("#checkin-task")).to_be_hidden()
    task = phone.locator('.cards [data-kind="task"]')
    duty = phone.locator('.cards [data-kind="duty"]')
    expect(task).to_have_count(1)
    expect(task).to_contain_text(f"任务：{TITLE}")
    expect(task).to_contain_text("签退")
    expect(duty).to_have_count(1)
    expect(duty).to_contain_text("值班")
    expect(duty).not_to_contain_text("签退")
    close_toasts(phone)
    no_sideways_scroll(phone)
    screens(phone, "checkin-duty-and-task-390")
    phone.set_viewport_size({"width": 320, "height": 568})
    no_sideways_scroll(phone)
    screens(phone, "checkin-duty-and-task-320")
    phone.context.set_offline(True)
    expect(phone.get_by_text("离线").first).to_be_visible()
    screens(phone, "checkin-duty-and-task-320-offline")
