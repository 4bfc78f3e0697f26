"""一张图: the township desk opens the one map on a phone and on a laptop. An order is out (two
members answered it, one en route and one on scene), a third member is checked in on duty and two
hazards are reported; the demo shelters are there. No map tiles load here (no internet): the
markers still show, each layer with its count in the legend; a marker's popup says what it is and
an order's links to its board. With no signal the map is opened again and shows the kept answer,
saying "离线：显示 HH:mm 的数据"."""

import re
import urllib.request
import uuid
from datetime import UTC, datetime

from playwright.sync_api import expect

from .conftest import PHONE
from .helpers import api as _api
from .helpers import close_toasts as _close_toasts
from .helpers import no_sideways_scroll as _no_sideways_scroll

LAPTOP = {"width": 1280, "height": 800}
TITLE = "河堤巡查（地图测试）"
ORDER_AT = {"lat": 25.0525, "lon": 116.4452}
LAYERS = {
    "incidents": "事件",
    "orders": "调度任务",
    "members": "队员",
    "hazards": "隐患",
    "shelters": "避难所",
}


def _ops(call, *ops):
    """Sends field ops through the sync door, as a phone would, and checks each was applied."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    batch = [{"op_id": str(uuid.uuid4()), "type": kind, "at": at, "data": data} for kind, data in ops]
    answer = call("POST", "/api/v1/sync", {"device_id": "e2e-desk-map", "ops": batch})
    assert [r["status"] for r in answer["results"]] == ["applied"] * len(batch), answer


# The scene's two hazards (the demo's own and other tests' reports are on the map too).
HAZARD_IDS = [str(uuid.uuid4()), str(uuid.uuid4())]


def _set_the_scene(base):
    """An order to member5 and member6 (one en route, one on scene), member7 on duty, two hazards."""
    desk = _api(base, "town1")
    members = {m["username"]: m for m in desk("GET", "/api/v1/members?limit=200")["items"]}
    order = desk(
        "POST",
        "/api/v1/dispatches",
        {
            "title": TITLE,
            "location": ORDER_AT,
            "headcount": 3,
            "muster_point": "河堤管理站",
            "member_ids": [members["member5"]["id"], members["member6"]["id"]],
        },
    )
    here = {"lat": 25.0461, "lon": 116.4330, "accuracy": 10}
    _ops(
        _api(base, "member5"),
        ("dispatch.respond", {"dispatch_id": order["id"], "response": "accept", "eta_minutes": 20}),
        ("dispatch.status", {"dispatch_id": order["id"], "status": "en_route", "location": here}),
    )
    scene = {"lat": 25.0519, "lon": 116.4440, "accuracy": 8}
    _ops(
        _api(base, "member6"),
        ("dispatch.respond", {"dispatch_id": order["id"], "response": "accept", "eta_minutes": 10}),
        ("dispatch.status", {"dispatch_id": order["id"], "status": "en_route", "location": scene}),
        ("dispatch.status", {"dispatch_id": order["id"], "status": "on_scene", "location": scene}),
    )
    _ops(
        _api(base, "member7"),
        ("attendance.checkin", {"id": str(uuid.uuid4()), "location": {"lat": 25.0602, "lon": 116.4288}}),
    )
    _ops(
        _api(base, "member8"),
        (
            "report.create",
            {
                "id": HAZARD_IDS[0],
                "category": "flood",
                "description": "河堤外侧管涌，水已漫到田边。",
                "location": {"lat": 25.0478, "lon": 116.4391},
                "severity": "red",
                "people_at_risk": 12,
            },
        ),
        (
            "report.create",
            {
                "id": HAZARD_IDS[1],
                "category": "geological",
                "description": "路边小范围落石。",
                "location": {"lat": 25.0570, "lon": 116.4250},
                "severity": "yellow",
            },
        ),
    )
    return order, desk("GET", "/api/v1/map")


def _context(browser, server, viewport):
    return browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )


def _login(page, username, role="值班员"):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def _small_targets(page):
    """Visible controls on the map screen smaller than 44 px either way (the back link excepted)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                '.dm-screen button:not(.back-btn), .dm-screen summary, .dm-marker, '
                + '.dm-canvas .leaflet-bar a')]
            .filter((el) => el.offsetParent !== null)
            .map((el) => ({ t: el.textContent.trim(), r: el.getBoundingClientRect() }))
            .filter(({ r }) => r.height < 43.5 || r.width < 43.5)
            .map(({ t, r }) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )


def _markers_inside_the_map(page):
    """Every marker drawn lies inside the map's box: the first load framed them all."""
    return page.evaluate(
        """() => {
            const box = document.querySelector('#dm-canvas').getBoundingClientRect();
            return [...document.querySelectorAll('.dm-marker')].every((m) => {
                const r = m.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
            });
        }"""
    )


def _expect_layers(page, answer):
    """The legend counts each layer and the map has a marker for each item with a position."""
    for layer, name in LAYERS.items():
        items = answer[layer]
        expect(page.locator(f'.dm-toggle[data-layer="{layer}"]')).to_contain_text(f"{name} {len(items)}")
        placed = sum(1 for i in items if i.get("location"))
        expect(page.locator(f".dm-marker.dm-{layer}")).to_have_count(placed)


def test_the_desk_sees_the_one_map_online_and_offline(browser, server, phone, screens):
    order, answer = _set_the_scene(server["base"])
    # What the scene must have put on the map (the server's own answer, as town1 sees it).
    assert any(o["id"] == order["id"] for o in answer["orders"])
    states = {m["display_name"]: m["state"] for m in answer["members"]}
    assert sorted(states.values()) == ["en_route", "on_duty", "on_scene"], states
    assert set(HAZARD_IDS) <= {h["id"] for h in answer["hazards"]}
    assert answer["shelters"], "the demo shelters of 临城镇"
    assert answer["truncated"] == []

    # On a phone.
    page = phone
    _login(page, "town1")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    page.get_by_role("button", name="调度台").click()
    page.get_by_role("button", name="地图", exact=True).click()
    expect(page.get_by_role("heading", name="一张图")).to_be_visible()
    assert page.url.endswith("/desk/map")
    expect(page.locator("#dm-status")).to_contain_text(re.compile(r"更新于 \d\d:\d\d:\d\d"))
    _expect_layers(page, answer)
    # No tiles here: the markers are drawn anyway, on the grid, and the screen says why it is bare.
    expect(page.locator("#dm-tiles-note")).to_be_visible(timeout=15000)
    expect(page.locator(".dm-marker").first).to_be_visible()
    page.wait_for_timeout(400)  # let the first framing settle
    assert _markers_inside_the_map(page)
    assert _small_targets(page) == []
    _no_sideways_scroll(page)
    _close_toasts(page)
    screens(page, "desk-map-01-phone")

    # An order's popup: the essentials in Chinese and a way to its board.
    page.locator(".dm-marker.dm-orders", has_text=TITLE).click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text(TITLE)
    expect(popup).to_contain_text("已接受 2 人 / 需要 3 人")
    expect(popup).to_contain_text("在现场 1")
    expect(popup).to_contain_text("集合地点：河堤管理站")
    expect(popup).to_contain_text(re.compile(r"下达于 \d\d:\d\d"))
    page.wait_for_timeout(400)  # the popup's fade-in
    screens(page, "desk-map-02-order-popup-phone")
    page.get_by_role("link", name="打开调度看板").click()
    expect(page.get_by_role("heading", name="调度看板")).to_be_visible()
    assert page.url.endswith(f"/desk/{order['id']}")
    page.go_back()
    expect(page.get_by_role("heading", name="一张图")).to_be_visible()

    # A member on scene: the state in words and when the position was taken.
    on_scene = next(m for m in answer["members"] if m["state"] == "on_scene")
    # On scene means at the order's point: under its pin at this zoom, reached by keyboard here.
    page.locator(".dm-marker.dm-members", has_text=on_scene["display_name"]).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup")).to_contain_text("在现场")
    expect(page.locator(".leaflet-popup")).to_contain_text(re.compile(r"位置时间 \d\d:\d\d"))

    # Layers switch off and on; the count stays in the legend.
    members = page.locator('.dm-toggle[data-layer="members"]')
    members.click()
    expect(members).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".dm-marker.dm-members")).to_have_count(0)
    expect(members).to_contain_text(f"队员 {len(answer['members'])}")
    expect(members).to_contain_text("已隐藏")
    page.get_by_text("图例说明").click()
    expect(page.locator("#dm-key")).to_contain_text("将满（90% 及以上）")
    screens(page, "desk-map-02b-members-hidden-key-phone")
    page.get_by_text("图例说明").click()
    members.click()
    expect(members).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".dm-marker.dm-members")).to_have_count(len(answer["members"]))

    # In English, the same screen and counts.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="One map")).to_be_visible()
    members_en = f"Members {len(answer['members'])}"
    expect(page.locator('.dm-toggle[data-layer="members"]')).to_contain_text(members_en)
    expect(page.locator("#dm-status")).to_contain_text(re.compile(r"Updated \d\d:\d\d:\d\d"))
    expect(page.locator(".dm-marker.dm-members")).to_have_count(len(answer["members"]))
    _no_sideways_scroll(page)
    screens(page, "desk-map-03-phone-en")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="一张图")).to_be_visible()

    # A 320 px phone, opened there: nothing scrolls sideways, every marker framed.
    page.set_viewport_size({"width": 320, "height": 568})
    page.reload()
    expect(page.locator("#dm-status")).to_contain_text(re.compile(r"更新于 \d\d:\d\d:\d\d"))
    _expect_layers(page, answer)
    page.wait_for_timeout(400)
    assert _markers_inside_the_map(page)
    _no_sideways_scroll(page)
    screens(page, "desk-map-03b-phone-320")
    page.set_viewport_size({"width": 390, "height": 844})

    # No signal: the map opens again from the phone's copy, and says so.
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="一张图")).to_be_visible()
    expect(page.locator("#dm-status")).to_contain_text(re.compile(r"^离线：显示 \d\d:\d\d 的数据$"))
    _expect_layers(page, answer)
    _close_toasts(page)
    screens(page, "desk-map-04-offline-phone")
    # Navigating away and back, still offline.
    page.goto("/desk")
    expect(page.get_by_role("heading", name="调度台")).to_be_visible()
    page.get_by_role("button", name="地图", exact=True).click()
    expect(page.locator("#dm-status")).to_contain_text(re.compile(r"^离线：显示 \d\d:\d\d 的数据$"))
    expect(page.locator(".dm-marker.dm-orders", has_text=TITLE)).to_be_visible()
    page.context.set_offline(False)
    expect(page.locator("#dm-status")).to_contain_text(re.compile(r"更新于 \d\d:\d\d:\d\d"), timeout=20000)

    # On a laptop: the legend beside the map with the colour key open; from the order's board, the
    # map opens on that order.
    ctx = _context(browser, server, LAPTOP)
    try:
        desk = ctx.new_page()
        _login(desk, "town1")
        desk.goto("/desk/map")
        expect(desk.get_by_role("heading", name="一张图")).to_be_visible()
        expect(desk.locator("#dm-status")).to_contain_text(re.compile(r"更新于 \d\d:\d\d:\d\d"))
        _expect_layers(desk, answer)
        expect(desk.locator("#dm-key")).to_have_attribute("open", "")
        expect(desk.locator("#dm-key")).to_contain_text("超时未报平安")
        desk.wait_for_timeout(400)
        assert _markers_inside_the_map(desk)
        assert _small_targets(desk) == []
        _no_sideways_scroll(desk)
        _close_toasts(desk)
        screens(desk, "desk-map-05-laptop")

        # Every 15 s while the page is visible; not while it is hidden (another tab, phone locked).
        asked = []
        desk.on("request", lambda r: asked.append(r.url) if "/api/v1/map" in r.url else None)
        desk.wait_for_timeout(16000)
        assert len(asked) >= 1, "no refresh in 16 s"
        desk.evaluate(
            """() => {
                Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
                document.dispatchEvent(new Event("visibilitychange"));
            }"""
        )
        asked.clear()
        desk.wait_for_timeout(16000)
        assert asked == [], "refreshed while hidden"
        desk.evaluate(
            """() => {
                Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
                document.dispatchEvent(new Event("visibilitychange"));
            }"""
        )
        desk.wait_for_timeout(1000)
        assert len(asked) >= 1, "no refresh on coming back"

        desk.goto(f"/desk/{order['id']}")
        expect(desk.get_by_role("heading", name="调度看板")).to_be_visible()
        desk.get_by_role("button", name="地图", exact=True).click()
        expect(desk.get_by_role("heading", name="一张图")).to_be_visible()
        expect(desk.locator(".leaflet-popup")).to_contain_text(TITLE)
        _close_toasts(desk)
        desk.wait_for_timeout(400)  # the popup's fade-in
        screens(desk, "desk-map-06-laptop-from-board")
    finally:
        ctx.close()


def test_the_map_is_for_the_desk_and_captains_only(browser, server):
    """A member is refused by the server and never shown the screen; a captain sees the map, with
    no link to a board (the board is the desk's)."""
    member = _api(server["base"], "member3")
    try:
        member("GET", "/api/v1/map")
        raise AssertionError("a member read the map")
    except urllib.error.HTTPError as err:
        assert err.code == 403
    assert "orders" in _api(server["base"], "captain1")("GET", "/api/v1/map?layers=orders,members")

    ctx = _context(browser, server, PHONE)
    try:
        page = ctx.new_page()
        _login(page, "member3", "救援队员")
        page.goto("/desk/map")
        expect(page.locator(".role-chip")).to_have_text("救援队员")  # home, not the map
        expect(page.get_by_role("heading", name="一张图")).to_have_count(0)
    finally:
        ctx.close()

    ctx = _context(browser, server, PHONE)
    try:
        page = ctx.new_page()
        _login(page, "captain1", "队长")
        page.get_by_role("button", name="一张图").click()  # the captain's tile on the home screen
        expect(page.get_by_role("heading", name="一张图")).to_be_visible()
        assert page.url.endswith("/desk/map")
        expect(page.locator("#dm-status")).to_contain_text(re.compile(r"更新于 \d\d:\d\d:\d\d"))
        page.wait_for_timeout(400)  # let the first framing settle (a click while it moves misses)
        page.locator(".dm-marker.dm-shelters").first.click()
        expect(page.locator(".leaflet-popup")).to_contain_text(re.compile(r"已安置 \d+ / 可容纳 \d+ 人"))
        expect(page.get_by_role("link", name="打开调度看板")).to_have_count(0)
    finally:
        ctx.close()
