"""The duty desk's new-order form at night on a phone: what the officer typed survives closing the
page; with no network the order is not sent (and not queued to go later), the draft stays, and it
goes with one tap once the signal is back; an order can join an open incident instead of opening a
new one. The board keeps showing its last data when the network drops. Screenshots at 390x844
and one at 1280x800."""

import json
import re
import sqlite3
import uuid

from playwright.sync_api import expect

from .conftest import PHONE
from .helpers import api
from .helpers import close_toasts as _close_toasts
from .helpers import no_sideways_scroll as _no_sideways_scroll

GPS = {"latitude": 25.05, "longitude": 116.42, "accuracy": 12}
LAPTOP = {"width": 1280, "height": 800}
OFFLINE_ERROR = "未联网，调度单未发出。草稿已保存，联网后请再点发送。"

# Reads the form's draft(s) straight from the phone's database, as the app stored them.
READ_DRAFTS = """() => new Promise((resolve, reject) => {
  const req = indexedDB.open("yjt");
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const db = req.result;
    const all = db.transaction("drafts").objectStore("drafts").getAll();
    all.onerror = () => reject(all.error);
    all.onsuccess = () => {
      db.close();
      resolve(all.result.filter((d) => String(d.key).startsWith("desk-order:")));
    };
  };
})"""


def _desk(browser, server, viewport=PHONE):
    ctx = browser.new_context(
        viewport=viewport,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        device_scale_factor=2 if viewport == PHONE else 1,
        is_mobile=viewport == PHONE,
        has_touch=viewport == PHONE,
    )
    ctx.grant_permissions(["geolocation"], origin=server["base"])
    ctx.set_geolocation(GPS)
    return ctx


def _login(page, username):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="调度台")).to_be_visible()


def _open_form(page):
    page.goto("/desk/new")
    expect(page.get_by_role("heading", name="新建调度")).to_be_visible()
    # The region's lists have loaded (teams as chips, the incident choice).
    expect(page.locator("#new-teams .chip").first).to_be_visible()
    expect(page.locator("#new-incident-status")).not_to_have_text("正在加载…")


def _drafts(page):
    return page.evaluate(READ_DRAFTS)


def _wait_for_draft(page, check, timeout_s=5.0):
    """Until the draft stored on the phone satisfies `check` (writes follow typing by ~0.3 s)."""
    waited = 0.0
    while True:
        drafts = _drafts(page)
        if drafts and check(drafts[0]):
            return drafts[0]
        if waited >= timeout_s:
            raise AssertionError(f"draft on the phone never matched: {drafts}")
        page.wait_for_timeout(100)
        waited += 0.1


def _small_targets(page):
    """Visible buttons, chips and choices smaller than 44 px (the back link excepted)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              'main button:not(.back-btn), main .chip-face, main .incident-face, main summary')]
            .filter((el) => el.offsetParent !== null)
            .map((el) => ({ t: el.textContent.trim(), r: el.getBoundingClientRect() }))
            .filter(({ r }) => r.height < 44 || r.width < 44)
            .map(({ t, r }) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )


def _db(server):
    return sqlite3.connect(server["db"])


def _count(server, sql, *args):
    con = _db(server)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


def _named(text):
    """A chip's accessible name: its words, after the "✓" a chosen chip shows."""
    return re.compile(r"^(✓\s*)?" + re.escape(text) + "$")


def _first_team(page):
    chip = page.locator("#new-teams .chip").first
    name = chip.locator(".chip-face").inner_text().strip()
    chip.locator(".chip-face").click()
    return name


def test_a_half_filled_order_is_all_there_after_closing_the_page(browser, server, screens):
    title = "后山滑坡排查（草稿测试）"
    ctx = _desk(browser, server)
    try:
        page = ctx.new_page()
        _login(page, "town2")
        _open_form(page)
        expect(page.locator("#new-draft-status")).to_be_hidden()

        # Half the form: a new incident's kind, place and severity, then the order's title, the
        # GPS point, a team, two more people and the muster point. No send.
        expect(page.get_by_role("radio", name=_named("新事件"))).to_be_checked()
        page.locator("#new-incident-fields .chip-face", has_text="地质灾害（滑坡）").click()
        page.get_by_label("事发地点").fill("大坪村后山")
        page.locator("#new-incident-fields .chip-face", has_text="较大").click()
        page.get_by_label("任务名称").fill(title)
        page.get_by_role("button", name="用我的位置").click()
        expect(page.locator("#new-location")).to_contain_text("25.05000, 116.42000")
        team = _first_team(page)
        page.get_by_role("button", name="增加一人").click()
        page.get_by_role("button", name="增加一人").click()
        expect(page.locator("#new-headcount")).to_have_text("3")
        page.get_by_label("集合地点").fill("村委会门口")

        expect(page.locator("#new-draft-status")).to_have_text(re.compile(r"^草稿已保存 \d\d:\d\d$"))
        stored = _wait_for_draft(page, lambda d: d["muster_point"] == "村委会门口")
        assert stored["location"]["lat"] == 25.05
        assert stored["targets"] and stored["targets"][0].startswith("team:")
        _close_toasts(page)
        screens(page, "desk-form-01-half-filled-phone")
        page.close()

        # Open again: everything is back, with a word that it was restored.
        page = ctx.new_page()
        _open_form(page)
        expect(page.locator("#new-restored")).to_have_text("已恢复上次没发出的草稿。")
        expect(page.locator("#new-draft-status")).to_have_text(re.compile(r"^草稿已保存 \d\d:\d\d$"))
        expect(page.get_by_role("radio", name=_named("新事件"))).to_be_checked()
        expect(page.get_by_role("radio", name=_named("地质灾害（滑坡）"))).to_be_checked()
        expect(page.get_by_role("radio", name=_named("较大"))).to_be_checked()
        expect(page.get_by_label("事发地点")).to_have_value("大坪村后山")
        expect(page.get_by_label("任务名称")).to_have_value(title)
        expect(page.locator("#new-location")).to_contain_text("25.05000, 116.42000")
        expect(page.get_by_role("checkbox", name=_named(team))).to_be_checked()
        expect(page.locator("#new-headcount")).to_have_text("3")
        expect(page.get_by_label("集合地点")).to_have_value("村委会门口")
        expect(page.get_by_label("携带物品")).to_have_value("")

        _close_toasts(page)
        _no_sideways_scroll(page)
        assert _small_targets(page) == []
        screens(page, "desk-form-02-restored-phone")
        page.set_viewport_size({"width": 320, "height": 568})
        _no_sideways_scroll(page)
        page.set_viewport_size(PHONE)

        # Discarding asks first, then empties the form and the phone's copy.
        page.once("dialog", lambda d: d.dismiss())
        page.get_by_role("button", name="清空草稿").click()
        expect(page.get_by_label("任务名称")).to_have_value(title)
        page.once("dialog", lambda d: d.accept())
        page.get_by_role("button", name="清空草稿").click()
        expect(page.get_by_label("任务名称")).to_have_value("")
        expect(page.locator("#new-location")).to_have_text("还没有选地点")
        expect(page.get_by_role("checkbox", name=_named(team))).not_to_be_checked()
        expect(page.get_by_role("button", name="清空草稿")).to_be_hidden()
        assert _drafts(page) == []
    finally:
        ctx.close()


def test_offline_the_order_is_not_sent_nor_queued_and_goes_with_one_tap_later(browser, server, screens):
    title = "河堤管涌巡查（离线测试）"
    ctx = _desk(browser, server)
    try:
        page = ctx.new_page()
        _login(page, "town2")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
        _open_form(page)
        page.locator("#new-incident-fields .chip-face", has_text="洪涝").click()
        page.get_by_label("任务名称").fill(title)
        page.get_by_role("button", name="用我的位置").click()
        expect(page.locator("#new-location")).to_contain_text("25.05000, 116.42000")
        team = _first_team(page)
        page.get_by_label("携带物品").fill("救生衣、沙袋")
        _wait_for_draft(page, lambda d: d["bring"] == "救生衣、沙袋" and d["targets"])

        incidents_before = _count(server, "SELECT count(*) FROM incidents")
        orders = "SELECT count(*) FROM dispatches WHERE title = ?"

        # The network goes; the officer taps send.
        ctx.set_offline(True)
        expect(page.locator("#new-net")).to_have_text("离线：调度单现在发不出去，也不会稍后自动发送。")
        page.get_by_role("button", name="下达任务").click()
        expect(page.locator("#new-error")).to_have_text(OFFLINE_ERROR)
        expect(page.get_by_role("button", name="下达任务")).to_be_enabled()
        assert _count(server, orders, title) == 0
        assert _count(server, "SELECT count(*) FROM incidents") == incidents_before
        assert _drafts(page)[0]["title"] == title
        _close_toasts(page)
        _no_sideways_scroll(page)
        screens(page, "desk-form-03-offline-not-sent-phone")

        # Still offline, the page is closed and opened again: the draft is there, nothing went.
        page.reload()
        expect(page.get_by_label("任务名称")).to_have_value(title)
        expect(page.get_by_role("checkbox", name=_named(team))).to_be_checked()
        expect(page.locator("#new-location")).to_contain_text("25.05000, 116.42000")
        expect(page.locator("#new-people-status")).to_contain_text("名单是")
        page.wait_for_timeout(1500)  # anything queued would have had time to try
        assert _count(server, orders, title) == 0

        # The signal is back: nothing went by itself; one tap sends it.
        ctx.set_offline(False)
        expect(page.locator("#new-net")).to_be_hidden()
        page.wait_for_timeout(1500)
        assert _count(server, orders, title) == 0
        page.get_by_role("button", name="下达任务").click()
        expect(page.get_by_role("heading", name="调度看板")).to_be_visible()
        expect(page.locator("#board-order-title")).to_have_text(title)
        assert _count(server, orders, title) == 1
        assert _count(server, "SELECT count(*) FROM incidents") == incidents_before + 1
        con = _db(server)
        try:
            kind, inc_title = con.execute(
                "SELECT i.kind, i.title FROM dispatches d JOIN incidents i ON i.id = d.incident_id "
                "WHERE d.title = ?",
                (title,),
            ).fetchone()
        finally:
            con.close()
        assert (kind, inc_title) == ("flood", title)
        assert _drafts(page) == []

        # The board, when the network drops: the last data, and from when.
        expect(page.locator("#board-updated")).to_contain_text("最近更新")
        ctx.set_offline(True)
        expect(page.locator("#board-updated")).to_have_text(
            re.compile(r"^离线：显示 \d\d:\d\d:\d\d 的数据$"), timeout=12000
        )
        expect(page.locator("#board-order-title")).to_have_text(title)
        expect(page.locator("#board-people .person").first).to_be_visible()
        _close_toasts(page)
        _no_sideways_scroll(page)
        screens(page, "desk-form-04-board-offline-phone")
        ctx.set_offline(False)
        expect(page.locator("#board-updated")).to_contain_text("最近更新", timeout=12000)

        # A new form is empty again.
        _open_form(page)
        expect(page.get_by_label("任务名称")).to_have_value("")
        expect(page.locator("#new-restored")).to_be_hidden()
    finally:
        ctx.close()


def test_an_order_for_an_open_incident_joins_it(browser, server, screens):
    desk = api(server["base"], "town2")
    older = desk("POST", "/api/v1/incidents", {"kind": "flood", "title": "老街内涝"})
    closed = desk("POST", "/api/v1/incidents", {"kind": "flood", "title": "已处置的塌方"})
    newest = desk(
        "POST",
        "/api/v1/incidents",
        {"kind": "geological", "title": "大坪村滑坡", "place": "大坪村后山", "severity": "orange"},
    )
    con = _db(server)
    try:
        con.execute(
            "UPDATE incidents SET closed_at = '2026-11-29 00:00:00.000000' WHERE id = ?",
            (uuid.UUID(closed["id"]).hex,),
        )
        con.commit()
    finally:
        con.close()

    title = "滑坡点二次排查（已有事件）"
    ctx = _desk(browser, server, LAPTOP)
    try:
        page = ctx.new_page()
        _login(page, "town2")
        _open_form(page)

        # The open incidents, newest first, after 新事件; the closed one is not offered.
        values = page.locator("#new-incident-choice input[name=incident]").evaluate_all(
            "(els) => els.map((e) => e.value)"
        )
        assert values[0] == "new"
        assert values.index(newest["id"]) < values.index(older["id"])
        assert closed["id"] not in values
        choice = page.get_by_role("radio", name=re.compile("^大坪村滑坡"))
        expect(choice).to_have_accessible_name(re.compile("地质灾害（滑坡） · 大坪村后山 · 较大"))
        page.locator(f'[data-incident="{newest["id"]}"] .incident-face').click()
        expect(choice).to_be_checked()
        expect(page.locator("#new-incident-fields")).to_be_hidden()

        page.get_by_label("任务名称").fill(title)
        page.get_by_role("button", name="用我的位置").click()
        expect(page.locator("#new-location")).to_contain_text("25.05000, 116.42000")
        _first_team(page)
        page.get_by_label("集合地点").fill("大坪村村委会")
        _wait_for_draft(page, lambda d: d["incident"] == newest["id"] and d["muster_point"])
        _close_toasts(page)
        _no_sideways_scroll(page)
        screens(page, "desk-form-05-existing-incident-laptop")

        # A refusal from the server (problem+json with field errors) shows next to the fields.
        incidents_before = _count(server, "SELECT count(*) FROM incidents")
        problem = {
            "type": "https://emergency-field.example/problems/validation",
            "title": "Invalid input",
            "status": 422,
            "errors": {"muster_point": ["Longer than maximum length 200."], "team_ids": ["No such team"]},
        }
        page.route(
            "**/api/v1/dispatches",
            lambda route: (
                route.fulfill(status=422, content_type="application/problem+json", body=json.dumps(problem))
                if route.request.method == "POST"
                else route.continue_()
            ),
        )
        page.get_by_role("button", name="下达任务").click()
        # In the officer's words, by field name (describeProblem); the server's English only folded away.
        expect(page.locator("#err-muster_point")).to_have_text("集合地点：太长了，请删短一些")
        expect(page.locator("#err-people")).to_have_text("队伍：找不到，或不在你的管辖区域")
        expect(page.locator("#new-error details")).to_contain_text("Longer than maximum length 200.")
        expect(page.get_by_label("集合地点")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#new-error")).to_contain_text("服务器没有接受这张调度单")
        screens(page, "desk-form-06-refused-laptop")
        page.unroute("**/api/v1/dispatches")

        # Sent for real: linked to the chosen incident, and no incident was opened.
        page.get_by_label("集合地点").fill("大坪村村委会门口")
        expect(page.locator("#err-muster_point")).to_be_hidden()
        page.get_by_role("button", name="下达任务").click()
        expect(page.get_by_role("heading", name="调度看板")).to_be_visible()
        assert _count(server, "SELECT count(*) FROM incidents") == incidents_before
        con = _db(server)
        try:
            (linked,) = con.execute("SELECT incident_id FROM dispatches WHERE title = ?", (title,)).fetchone()
        finally:
            con.close()
        assert uuid.UUID(str(linked)) == uuid.UUID(newest["id"])
        assert _drafts(page) == []
    finally:
        ctx.close()
