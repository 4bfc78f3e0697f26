"""An information officer with no signal files the village's initial disaster report (初报); the
signal returns and it reaches the server exactly once; the township desk sees it in the event's
summary, with the villages still owing one marked in words."""

import re
import sqlite3
from pathlib import Path

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll


def _reports(db_file, event_id) -> list[tuple]:
    """The event's situation reports as the server holds them (the demo's event has its own)."""
    con = sqlite3.connect(db_file)
    try:
        return con.execute(
            "SELECT kind, seq, affected, evacuated, houses_collapsed, crops_affected_ha, loss_10k_yuan "
            "FROM situation_reports WHERE event_id IN (?, ?) ORDER BY seq",
            (event_id, event_id.replace("-", "")),
        ).fetchall()
    finally:
        con.close()


def _shoot(shot, page, name):
    """Into the suite's screenshots, and to /tmp/shots where the reviewer looks."""
    shot(page, name)
    Path("/tmp/shots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"/tmp/shots/{name}.png", full_page=True)


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()


def test_an_officer_files_an_initial_report_offline_and_it_arrives_once(browser, phone, server, shot):
    duty = api(server["base"], "duty")
    event = duty(
        "POST", "/api/v1/disaster-events", {"kind": "typhoon", "name": "台风“杜苏芮”", "region_ids": [2]}
    )
    context = phone.context

    _login(phone, "officer1")
    expect(phone.get_by_text(re.compile("灾害信息员"))).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    phone.get_by_role("button", name="灾情报告").click()
    expect(phone.get_by_role("heading", name="灾情报告")).to_be_visible()
    phone.get_by_role("button", name=re.compile("杜苏芮")).click()
    expect(phone.get_by_role("heading", name="报送灾情")).to_be_visible()
    expect(phone.locator("#dz-form-kind")).to_have_text("初报")

    # The signal goes; the officer fills the figures.
    context.set_offline(True)
    expect(phone.get_by_text("离线").first).to_be_visible()
    phone.get_by_label("受灾人口（人）").fill("230")
    phone.get_by_label("受伤（人）").fill("3")
    phone.get_by_label("紧急转移（人）").fill("410")
    phone.get_by_label("倒塌房屋（间）").fill("2")
    phone.get_by_label("受灾面积（公顷）").fill("12.5")
    phone.get_by_label("直接经济损失（万元）").fill("86.40")
    # A slip: more dead than affected is marked at once, in words.
    phone.get_by_label("死亡（人）").fill("300")
    expect(phone.locator("#dz-dead-err")).to_have_text("不能多于受灾人口")
    phone.get_by_label("死亡（人）").fill("0")
    expect(phone.locator("#dz-dead-err")).to_have_text("")
    assert phone.get_by_label("受灾人口（人）").get_attribute("inputmode") == "numeric"
    phone.get_by_label("情况说明（选填）").fill("村口桥被冲毁，已转移低洼处群众。")
    close_toasts(phone)
    no_sideways_scroll(phone)
    _shoot(shot, phone, "disaster-form-390")

    phone.get_by_role("button", name="上报初报").click()
    mine = phone.locator(".dz-mine li")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text("已存本机，待发送")
    expect(mine.first).to_contain_text("受灾 230 人")
    # The next report of the village would be a follow-up, prefilled from this one.
    expect(phone.locator("#dz-form-kind")).to_have_text("续报")
    expect(phone.get_by_label("受灾人口（人）")).to_have_value("230")
    # Whatever the phone tried while offline, nothing reached the server.
    assert _reports(server["db"], event["id"]) == []

    # The signal returns: it goes by itself, once.
    context.set_offline(False)
    expect(mine.first).to_contain_text("已发送", timeout=20000)
    assert _reports(server["db"], event["id"]) == [("initial", 1, 230, 410, 2, 1250, 8640)]
    phone.reload()
    expect(phone.get_by_role("heading", name="报送灾情")).to_be_visible()
    phone.wait_for_timeout(1500)
    assert len(_reports(server["db"], event["id"])) == 1

    # A follow-up with fewer affected: the reason is asked for before anything is queued.
    expect(phone.get_by_label("受灾人口（人）")).to_have_value("230")
    phone.get_by_label("受灾人口（人）").fill("200")
    expect(phone.get_by_text("比上次 230 少，需说明原因")).to_be_visible()
    reason = phone.get_by_label("数字下调的原因（必填）")
    expect(reason).to_be_visible()
    phone.get_by_role("button", name="上报续报").click()
    expect(phone.get_by_text("有几项需要改一下，见标红的地方。")).to_be_visible()
    expect(phone.locator(".dz-mine li")).to_have_count(1)
    reason.fill("核实后30人重复统计")
    phone.get_by_role("button", name="上报续报").click()
    expect(phone.locator(".dz-mine li")).to_have_count(2)
    expect(phone.locator(".dz-mine li").first).to_contain_text("已发送", timeout=20000)
    assert [r[:3] for r in _reports(server["db"], event["id"])] == [
        ("initial", 1, 230),
        ("follow_up", 2, 200),
    ]
    phone.set_viewport_size({"width": 320, "height": 568})
    no_sideways_scroll(phone)
    phone.set_viewport_size({"width": 390, "height": 844})

    # The township desk sees it, and the two villages still silent.
    desk_ctx = browser.new_context(
        viewport=phone.viewport_size,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    desk = desk_ctx.new_page()
    try:
        _login(desk, "town1")
        expect(desk.get_by_text(re.compile("值班员")).first).to_be_visible()
        desk.goto(f"/disasters/{event['id']}")
        expect(desk.get_by_role("heading", name="灾情汇总")).to_be_visible()
        east = desk.locator('[data-village="城东村"]')
        expect(east).to_contain_text("续报")
        expect(east).to_contain_text("200")
        expect(east).to_contain_text("(−30)")
        expect(desk.locator('[data-village="紫金村"]')).to_contain_text("未报初报")
        expect(desk.locator(".dz-missing")).to_have_count(2)
        expect(desk.get_by_text("已报 1/3 个村")).to_be_visible()
        expect(desk.get_by_role("link", name="导出 Excel")).to_be_visible()
        close_toasts(desk)
        no_sideways_scroll(desk)
        _shoot(shot, desk, "disaster-desk-390")
        desk.set_viewport_size({"width": 320, "height": 568})
        no_sideways_scroll(desk)
    finally:
        desk_ctx.close()
