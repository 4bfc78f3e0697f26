"""Shelters on the desk: the front page's block (开放 · 安置 · 余位 · 已满 · 将满(≥90%)) says the
server's figures, on a laptop and on a phone, and offline the last copy with its time; on the one
map a nearly full shelter says 将满 and a full one 已满 (never 将满 beside it), each beside its
colour, with the popup inside the screen at 320 px and at 1280 px."""

import re
import uuid

from playwright.sync_api import expect

from .helpers import api
from .helpers import close_toasts as _close_toasts
from .helpers import no_sideways_scroll as _no_sideways_scroll

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 568}
FIGURES = ("open", "people", "places_left", "full", "near_full")
WORDS = {
    "open": "开放 {} 处",
    "people": "安置 {} 人",
    "places_left": "余位 {}",
    "full": "已满 {}",
    "near_full": "将满(≥90%) {}",
}


def _login(page, username="town1", role="值班员"):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def _shelter(base, name, capacity, people, lat, lon):
    """A shelter of township 1, open, with `people` checked in by its desk."""
    admin, desk = api(base, "admin"), api(base, "town1")
    region = next(r for r in admin("GET", "/api/v1/regions")["items"] if r["name"] == "临城镇")
    shelter = admin(
        "POST",
        "/api/v1/shelters",
        {
            "name": name,
            "kind": "township",
            "region_id": region["id"],
            "location": {"lat": lat, "lon": lon},
            "capacity": capacity,
            "status": "open",
        },
    )
    family = {"id": str(uuid.uuid4()), "name": "王秀英", "household_size": people}
    desk("POST", f"/api/v1/shelters/{shelter['id']}/checkins", family)
    return shelter


def _expect_figures(page, figures):
    block = page.locator("#shelter-summary")
    for key in FIGURES:
        item = block.locator(f'[data-figure="{key}"]')
        expect(item).to_have_text(WORDS[key].format(figures[key]))
        expect(item).to_have_attribute("data-n", str(figures[key]))


def _popup_inside(page):
    """The open popup's box lies inside the window and inside the map."""
    return page.evaluate(
        """() => {
            const pop = document.querySelector('.leaflet-popup-content-wrapper').getBoundingClientRect();
            const map = document.querySelector('#dm-canvas').getBoundingClientRect();
            const inside = pop.left >= 0 && pop.right <= window.innerWidth && pop.left >= map.left - 0.5
                && pop.right <= map.right + 0.5 && pop.top >= map.top - 0.5;
            return { inside, pop: [pop.left, pop.right, pop.top], map: [map.left, map.right, map.top] };
        }"""
    )


def test_the_front_page_says_the_shelter_figures_online_and_offline(browser, server, screens):
    stamp = uuid.uuid4().hex[:4]
    _shelter(server["base"], f"临城镇将满测试点{stamp}", 10, 9, 25.035, 116.405)
    _shelter(server["base"], f"临城镇已满测试点{stamp}", 5, 5, 25.066, 116.462)
    figures = api(server["base"], "town1")("GET", "/api/v1/shelters/summary")
    assert figures["total"]["full"] >= 1 and figures["total"]["near_full"] >= 1, figures

    for size, name in ((LAPTOP, "1280"), (PHONE, "390")):
        ctx = browser.new_context(
            viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
        )
        page = ctx.new_page()
        try:
            _login(page)
            page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
            page.get_by_role("button", name="调度台").click()
            expect(page.get_by_role("heading", name="避难所")).to_be_visible()
            expect(page.locator("#shelter-summary-status")).to_contain_text(
                re.compile(r"更新于 \d\d:\d\d:\d\d")
            )
            _expect_figures(page, figures["total"])
            # Full and nearly full are coloured, and the word is there beside the colour.
            expect(page.locator('#shelter-summary [data-figure="full"]')).to_have_class(
                re.compile("sum-tone-bad")
            )
            expect(page.locator('#shelter-summary [data-figure="near_full"]')).to_have_class(
                re.compile("sum-tone-warn")
            )
            # Township 1's shelters all stand in the township itself, none in a village: the
            # villages are only counted.
            assert not any(c[k] for c in figures["regions"] for k in FIGURES), figures["regions"]
            expect(page.locator(".sum-quiet")).to_have_text(
                f"下辖 {len(figures['regions'])} 个地区没有在用的避难所。"
            )
            _no_sideways_scroll(page)
            _close_toasts(page)
            screens(page, f"desk-front-shelters-{name}")

            if size is PHONE:
                # No signal: the last copy, and from when.
                page.context.set_offline(True)
                page.reload()
                expect(page.get_by_role("heading", name="避难所")).to_be_visible()
                status = page.locator("#shelter-summary-status")
                expect(status).to_have_text(re.compile(r"^离线：显示 \d\d:\d\d 的数据$"))
                _expect_figures(page, figures["total"])
                _close_toasts(page)
                screens(page, "desk-front-shelters-390-offline")
                page.context.set_offline(False)
        finally:
            ctx.close()


def test_the_county_desk_sees_each_township_and_its_own_level(browser, server, screens):
    _shelter(server["base"], f"临城镇县测试点{uuid.uuid4().hex[:4]}", 10, 9, 25.040, 116.450)
    figures = api(server["base"], "duty")("GET", "/api/v1/shelters/summary")
    ctx = browser.new_context(
        viewport=LAPTOP, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )
    page = ctx.new_page()
    try:
        _login(page, "duty")
        page.goto("/desk")
        expect(page.locator("#shelter-summary-status")).to_contain_text(re.compile(r"更新于 \d\d:\d\d:\d\d"))
        _expect_figures(page, figures["total"])
        expect(page.locator(".sum-regions")).to_have_attribute("open", "")  # open on a laptop
        used = [c for c in figures["regions"] if any(c[k] for k in FIGURES)]
        assert used, figures
        for child in used:
            line = page.locator(f'.sum-region[data-region="{child["id"]}"]')
            expect(line).to_contain_text(child["name"])
            for key in FIGURES:
                expect(line.locator(f'[data-figure="{key}"]')).to_have_text(WORDS[key].format(child[key]))
        quiet = len(figures["regions"]) - len(used)
        if quiet:
            expect(page.locator(".sum-quiet")).to_have_text(f"另有 {quiet} 个地区没有在用的避难所。")
        _no_sideways_scroll(page)
        screens(page, "desk-front-shelters-county-1280")
    finally:
        ctx.close()


def test_the_map_says_nearly_full_and_full_in_words_with_the_popup_on_screen(browser, server, screens):
    stamp = uuid.uuid4().hex[:4]
    near = _shelter(server["base"], f"将满点{stamp}", 10, 9, 25.030, 116.470)
    full = _shelter(server["base"], f"已满点{stamp}", 4, 4, 25.070, 116.395)
    for size, name in ((NARROW, "320"), (LAPTOP, "1280")):
        ctx = browser.new_context(
            viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
        )
        page = ctx.new_page()
        try:
            _login(page)
            page.goto("/desk/map")
            expect(page.locator("#dm-status")).to_contain_text(re.compile(r"更新于 \d\d:\d\d:\d\d"))
            page.wait_for_timeout(400)  # the first framing
            for shelter, word, pct, left in ((near, "将满", "90%", 1), (full, "已满", "100%", 0)):
                marker = page.locator(".dm-marker.dm-shelters", has_text=shelter["name"])
                expect(marker).to_contain_text(f"（{word}）")  # its name for a screen reader, with the word
                marker.focus()
                page.keyboard.press("Enter")
                popup = page.locator(".leaflet-popup")
                expect(popup).to_contain_text(shelter["name"])
                expect(popup.locator(".dm-pop-state")).to_have_text(word)
                expect(popup).to_contain_text(f"（{pct}）")
                expect(popup).to_contain_text(f"余位 {left}")
                if word == "已满":
                    assert "将满" not in popup.inner_text()
                page.wait_for_timeout(500)  # the popup's fade-in and the pan that brings it in
                where = _popup_inside(page)
                assert where["inside"], (name, shelter["name"], where)
                _no_sideways_scroll(page)
                _close_toasts(page)
                screens(page, f"desk-map-shelter-{'near' if word == '将满' else 'full'}-popup-{name}")
                popup.locator(".leaflet-popup-close-button").click()
                expect(popup).to_have_count(0)
            if size is NARROW:
                page.get_by_text("图例说明").click()  # folded on a phone, open on a laptop
            key = page.locator("#dm-key")
            for text in ("空余（不到 90%）", "将满（90% 及以上）", "已满（100%）", "关闭"):
                expect(key).to_contain_text(text)
        finally:
            ctx.close()
