"""The county desk opens a disaster event from the phone (asked first, sent once), the village's
information officer sees it on their list, the desk closes it (asked first) and it moves to the
closed list; the county administrator changes a deadline rule and it is saved, and a duty
officer reads the rules without being able to change them."""

import json
import re
import sqlite3
from pathlib import Path

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll


def _rows(db_file, sql) -> list[tuple]:
    con = sqlite3.connect(db_file)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _shoot(page, name):
    """To /tmp/shots, where the reviewer looks: the first screenful, as the phone shows it."""
    Path("/tmp/shots").mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=f"/tmp/shots/{name}.png")
    page.screenshot(path=f"/tmp/shots/{name}-full.png", full_page=True)


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()


def _context(browser, server, viewport):
    return browser.new_context(
        viewport=viewport,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


NAME = "7·20 暴雨"


def test_the_desk_opens_a_disaster_event_the_officer_sees_it_and_the_desk_closes_it(browser, phone, server):
    _login(phone, "duty")
    expect(phone.get_by_text(re.compile("值班员")).first).to_be_visible()
    phone.goto("/desk")
    phone.locator("#desk-disasters").click()
    expect(phone.get_by_role("heading", name="灾情报告")).to_be_visible()
    phone.get_by_role("button", name="开启灾害过程").click()
    expect(phone.get_by_role("heading", name="开启灾害过程")).to_be_visible()

    # No signal: the server route is REST only, so the button waits and says why.
    phone.context.set_offline(True)
    expect(phone.locator("#dzo-submit")).to_be_disabled()
    expect(phone.locator("#dzo-offline")).to_have_text("没有网络：开启灾害过程要连上服务器，有信号时再点。")
    phone.context.set_offline(False)
    expect(phone.locator("#dzo-submit")).to_be_enabled()
    expect(phone.locator("#dzo-offline")).to_have_text("")

    # Sent with nothing filled: each field says what it needs, in words, and nothing is sent.
    phone.locator("#dzo-submit").click()
    expect(phone.locator("#dzo-kind-err")).to_have_text("请选一种灾害。")
    expect(phone.locator("#dzo-name-err")).to_have_text("请填写名称。")
    expect(phone.locator("#dzo-regions-err")).to_have_text("请至少选一个乡镇或村。")
    assert _rows(server["db"], "SELECT count(*) FROM disaster_events WHERE name = '7·20 暴雨'") == [(0,)]

    phone.locator("label.chip", has_text="暴雨").click()
    phone.get_by_label("名称").fill(NAME)
    # The whole of 临城镇 (its three villages), and one village of 古田镇.
    phone.get_by_label("临城镇（全镇）").check()
    expect(phone.get_by_label("城东村")).to_be_checked()
    expect(phone.get_by_label("城东村")).to_be_disabled()
    phone.locator(".dzo-town", has_text="古田镇").locator(".dzo-village").first.locator("input").check()
    expect(phone.locator("#dzo-chosen")).to_have_text("已选 4 个村")
    assert phone.locator("#dzo-at").input_value() != ""
    close_toasts(phone)
    no_sideways_scroll(phone)
    phone.locator("label.chip", has_text="暴雨").scroll_into_view_if_needed()
    _shoot(phone, "event-open-390")

    # Asked first; cancelling sends nothing.
    phone.locator("#dzo-submit").click()
    dialog = phone.get_by_role("dialog")
    expect(dialog).to_contain_text("确定开启“暴雨 · 7·20 暴雨”？")
    expect(dialog).to_contain_text("初报时限从开始时间起算")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_have_count(0)
    assert _rows(server["db"], "SELECT count(*) FROM disaster_events WHERE name = '7·20 暴雨'") == [(0,)]

    # Confirmed (twice, quickly: the button acts once): one event, and the phone on its summary.
    phone.locator("#dzo-submit").click()
    phone.get_by_role("dialog").get_by_role("button", name="确定开启").dblclick()
    expect(phone.get_by_role("heading", name="灾情汇总")).to_be_visible()
    expect(phone.locator("#dzd-state")).to_have_text("进行中")
    rows = _rows(server["db"], "SELECT id, kind, closed_at FROM disaster_events WHERE name = '7·20 暴雨'")
    assert len(rows) == 1 and rows[0][1] == "rainstorm" and rows[0][2] is None
    villages = _rows(
        server["db"],
        "SELECT count(*) FROM disaster_event_villages v JOIN disaster_events e ON e.id = v.event_id "
        "WHERE e.name = '7·20 暴雨'",
    )
    assert villages == [(4,)]
    expect(phone.locator(".dz-missing")).to_have_count(4)

    # The information officer of 城东村 sees it on their list.
    officer_ctx = _context(browser, server, phone.viewport_size)
    officer = officer_ctx.new_page()
    try:
        _login(officer, "officer1")
        expect(officer.get_by_text(re.compile("灾害信息员"))).to_be_visible()
        officer.get_by_role("button", name="灾情报告").click()
        expect(officer.get_by_role("button", name=re.compile("7·20 暴雨"))).to_be_visible()
        expect(officer.get_by_role("button", name="开启灾害过程")).to_have_count(0)

        # The desk closes it: asked first, in words that it cannot be undone.
        phone.locator("#dzd-close").click()
        dialog = phone.get_by_role("dialog")
        expect(dialog).to_contain_text("不能重新开启")
        dialog.get_by_role("button", name="确定结束").click()
        expect(phone.locator("#dzd-state")).to_have_text("已结束")
        expect(phone.locator("#dzd-close")).to_have_count(0)
        close_toasts(phone)
        _shoot(phone, "event-closed-390")
        closed = _rows(server["db"], "SELECT closed_at FROM disaster_events WHERE name = '7·20 暴雨'")
        assert closed[0][0] is not None

        # Gone from the officer's open list; on the desk's list of closed ones.
        officer.reload()
        expect(officer.get_by_role("heading", name="灾情报告")).to_be_visible()
        officer.wait_for_timeout(800)
        expect(officer.get_by_role("button", name=re.compile("7·20 暴雨"))).to_have_count(0)
    finally:
        officer_ctx.close()
    phone.goto("/disasters")
    closed_card = phone.locator("#dz-closed").get_by_role("button", name=re.compile("7·20 暴雨"))
    expect(closed_card).to_contain_text("结束：")
    _shoot(phone, "events-list-390")
    phone.set_viewport_size({"width": 320, "height": 568})
    phone.goto("/disasters/new")
    expect(phone.get_by_label("临城镇（全镇）")).to_be_visible()
    no_sideways_scroll(phone)


def test_the_county_admin_changes_a_deadline_rule_and_a_duty_officer_reads_it(browser, phone, server):
    before = api(server["base"], "admin")("GET", "/api/v1/reports/deadline-rules")["rules"]
    try:
        _login(phone, "admin")
        expect(phone.get_by_text(re.compile("管理员")).first).to_be_visible()
        phone.goto("/desk")
        phone.locator("#desk-rules").click()
        expect(phone.get_by_role("heading", name="督办时限规则")).to_be_visible()
        fallback = phone.locator('[data-rule="verify|any|any"]')
        expect(fallback).to_contain_text("4 小时内办结 · 提前 1 小时提醒 · 超期 2 小时后升级")
        expect(phone.locator("#rules-saved")).to_have_text("现在使用的是系统默认规则；保存后改为本县规则。")

        # A slip is caught at the field, in words, before anything is sent.
        amount = phone.locator("#rule-verify-any-any-amount")
        amount.fill("9000")
        phone.locator("#rules-save").click()
        expect(phone.locator("#rule-verify-any-any-amount-err")).to_have_text("最多 8784 小时。")
        expect(phone.locator("#rule-verify-any-any-amount")).to_have_attribute("aria-invalid", "true")

        phone.locator("#rule-verify-any-any-amount").fill("6")
        phone.locator("#rule-verify-any-any-remind").fill("90")
        phone.locator("#rule-verify-any-any-remind-unit").select_option("min")
        fallback = phone.locator('[data-rule="verify|any|any"]')
        expect(fallback).to_contain_text("6 小时内办结 · 提前 90 分钟提醒 · 超期 2 小时后升级")

        # A specific rule for flood hazards rated red at rectification, then one removed.
        phone.locator("#rules-add-rectify-cat").select_option("flood")
        phone.locator("#rules-add-rectify-sev").select_option("red")
        phone.locator("#rules-add-rectify").click()
        flood = phone.locator('[data-rule="rectify|flood|red"]')
        expect(flood).to_contain_text("洪涝")
        expect(flood).to_contain_text("重大")
        flood.locator("input").first.fill("2")
        expect(flood).to_contain_text("2 个工作日内办结")
        flood.scroll_into_view_if_needed()
        Path("/tmp/shots").mkdir(parents=True, exist_ok=True)
        phone.screenshot(path="/tmp/shots/rules-add-390.png")
        phone.get_by_role("button", name="删除 销号 · 全部类别 · 低").click()
        expect(phone.locator('[data-rule="close|any|blue"]')).to_have_count(0)
        expect(phone.locator('[data-rule="close|any|any"] .rules-remove')).to_have_count(0)
        close_toasts(phone)
        no_sideways_scroll(phone)
        phone.locator('[data-rule="verify|any|any"]').scroll_into_view_if_needed()
        Path("/tmp/shots").mkdir(parents=True, exist_ok=True)
        phone.screenshot(path="/tmp/shots/rules-390.png")

        # The server refuses once (a 422 as it would word it): the phone puts it at the field in
        # its own words, from the problem's type, and never shows the server's detail.
        refusals = []

        def refuse_once(route):
            if route.request.method == "PUT" and not refusals:
                refusals.append(route.request.post_data_json)
                route.fulfill(
                    status=422,
                    content_type="application/problem+json",
                    body=json.dumps(
                        {
                            "type": "https://emergency-field.example/problems/validation",
                            "title": "Invalid input",
                            "status": 422,
                            "detail": "SERVER DETAIL NOT FOR THE PHONE",
                            "errors": {"rules": {"0": {"amount": ["At most 8784 hours."]}}},
                        }
                    ),
                )
            else:
                route.continue_()

        phone.route("**/api/v1/reports/deadline-rules", refuse_once)
        phone.locator("#rules-save").click()
        phone.get_by_role("dialog").get_by_role("button", name="确定保存").click()
        expect(phone.locator("#rule-verify-any-any-amount-err")).to_have_text(
            "服务器不接受这个时限，请检查数字和单位。"
        )
        expect(phone.get_by_text("SERVER DETAIL NOT FOR THE PHONE")).to_have_count(0)
        assert refusals[0]["rules"][0]["node"] == "verify" and refusals[0]["rules"][0]["amount"] == 6
        assert _rows(server["db"], "SELECT count(*) FROM report_deadline_rules") == [(0,)]

        phone.locator("#rules-save").click()
        phone.get_by_role("dialog").get_by_role("button", name="确定保存").click()
        expect(phone.locator("#rules-saved")).to_contain_text("已保存")
        phone.unroute("**/api/v1/reports/deadline-rules")
        saved = {
            (n, c, s): (a, u, r, g)
            for n, c, s, a, u, r, g in _rows(
                server["db"],
                "SELECT node, category, severity, amount, unit, remind_before_min, grace_min "
                "FROM report_deadline_rules",
            )
        }
        assert saved[("verify", "any", "any")] == (6, "hours", 90, 120)
        assert saved[("rectify", "flood", "red")] == (2, "workdays", 2880, 1440)
        assert ("close", "any", "blue") not in saved
        assert len(saved) == len(before)  # one added, one removed

        # After a reload the county's set is what the screen shows.
        phone.reload()
        expect(phone.locator("#rules-saved")).to_have_text("现在使用的是本县保存的规则。")
        expect(phone.locator('[data-rule="verify|any|any"]')).to_contain_text("6 小时内办结")

        # A duty officer reads the same rules and cannot change them.
        duty_ctx = _context(browser, server, phone.viewport_size)
        duty = duty_ctx.new_page()
        try:
            _login(duty, "duty")
            expect(duty.get_by_text(re.compile("值班员")).first).to_be_visible()
            duty.goto("/desk/rules")
            expect(duty.locator("#rules-readonly")).to_be_visible()
            expect(duty.locator('[data-rule="verify|any|any"]')).to_contain_text("6 小时内办结")
            expect(duty.locator("#rule-verify-any-any-amount")).to_be_disabled()
            expect(duty.locator("#rules-save")).to_be_hidden()
            expect(duty.locator(".rules-remove")).to_have_count(0)
            duty.set_viewport_size({"width": 320, "height": 568})
            no_sideways_scroll(duty)
        finally:
            duty_ctx.close()
    finally:
        # The other browser tests supervise with the built-in rules: back to none saved.
        con = sqlite3.connect(server["db"])
        with con:
            con.execute("DELETE FROM report_deadline_rules")
        con.close()
