"""预警信息 at the duty desk, on a phone (390x844) and a laptop: the county desk fills the issuing
form (it survives a reload), issues a warning to a township (asked first, with the number of
regions; a double tap issues once), watches the delivery counts move as a responsible person
acknowledges, and cancels it (asked first). A polygon drawn on the GCJ-02 map arrives at the server
shifted back to WGS-84. Screenshots in test-results/screenshots/desk-warnings-*."""

import re
import uuid
from datetime import UTC, datetime

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll
from .test_map_picker import _next_frames, from_pixels, gcj_to_wgs, metres, to_pixels, wgs_to_gcj
from .test_sizes import CHECK

DRAW_ZOOM = 13  # the polygon map's zoom at the desk's region centre


def _login(page, username="duty", role="值班员"):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def _floor(page, where):
    """Targets 48 px, text 16 px, no sideways scroll (the size checks' own measure)."""
    found = page.evaluate(CHECK)
    assert (found["small"], found["tiny"], found["sideways"]) == ([], [], False), where


def _mine(base, title):
    return [w for w in api(base, "duty")("GET", "/api/v1/warnings?limit=100")["items"] if w["title"] == title]


def _open_form(page):
    page.get_by_role("button", name="调度台").click()
    page.get_by_role("button", name="预警信息").click()
    expect(page.get_by_role("heading", name="预警信息", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/desk/warnings$"))
    page.get_by_role("button", name="发布预警").click()
    expect(page.get_by_role("heading", name="发布预警信息")).to_be_visible()


def _tick(page, name):
    """Ticks a region by its words, as a thumb would. CI twice saw the tick not taken (已选 0 个地区)
    and the cause is not known: if it happens again, the failure says what the page looked like
    (what lay under the tap, the box, the toasts and the banner) instead of only the count."""
    label = page.locator("#wd-regions label").filter(has_text=name)
    box = label.locator("input[type=checkbox]")
    where = label.bounding_box()
    label.get_by_text(name).click()
    try:
        expect(box).to_be_checked(timeout=5000)
    except AssertionError:
        seen = page.evaluate(
            """([x, y]) => {
                const at = document.elementFromPoint(x, y);
                return {
                  under_tap: at ? at.outerHTML.slice(0, 200) : null,
                  chosen: document.querySelector('#wd-chosen')?.textContent,
                  boxes: [...document.querySelectorAll('#wd-regions input')]
                    .map((b) => [b.id, b.checked, b.disabled])
                    .slice(0, 6),
                  forms: document.querySelectorAll('#wd-regions').length,
                  toasts: [...document.querySelectorAll('.toast')].map((t) => t.textContent),
                  banner: document
                    .querySelector('.warning-slot, [aria-label="生效中的预警"]')
                    ?.getBoundingClientRect().height,
                  url: location.pathname,
                };
            }""",
            [where["x"] + where["width"] / 2, where["y"] + where["height"] / 2] if where else [0, 0],
        )
        raise AssertionError(
            f"the tick on {name} was not taken; label was at {where}; the page: {seen}"
        ) from None


def _count(page, key) -> int:
    return int(page.locator(f'[data-count="{key}"] .wd-count-n').inner_text())


def test_the_desk_issues_a_warning_to_a_township_watches_it_reach_people_and_cancels_it(
    phone, server, screens
):
    page = phone
    base = server["base"]
    title = f"台风橙色预警 {uuid.uuid4().hex[:6]}"
    _login(page)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    close_toasts(page)
    _open_form(page)

    # Onset now and expiry 24 h later, in China time, filled in.
    onset = page.locator("#wd-onset").input_value()
    expires = page.locator("#wd-expires").input_value()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", onset) and expires > onset

    # An empty form is refused in words, at its fields; nothing is sent.
    page.get_by_role("button", name="签发预警").click()
    expect(page.locator("#wd-kind-err")).to_have_text("请选预警类别。")
    expect(page.locator("#wd-level-err")).to_have_text("请选预警级别。")
    expect(page.locator("#wd-area-err")).to_have_text("请至少选一个乡镇或村。")
    expect(page.locator("#wd-status")).to_have_text("请先改正标出的内容。")

    page.get_by_text("台风", exact=True).click()
    page.get_by_text("橙色预警", exact=True).click()
    page.get_by_label("标题").fill(title)
    page.get_by_label("预警内容").fill("受台风影响，今晚到明天有大风和暴雨。")
    page.get_by_label("防御指引（可不填）").fill("山边、河边的群众请转移到安置点。")
    # The phone has answered (the draft is kept) and the township list is in place before the tick.
    expect(page.locator("#wd-kept")).to_contain_text("草稿已保存在本机")
    expect(page.locator("#wd-regions input[type=checkbox]").first).to_be_enabled()
    _tick(page, "临城镇（全镇）")
    expect(page.locator("#wd-chosen")).to_have_text("已选 1 个地区")

    # The phone is put away mid-form (once the tick is on the phone): on return the form is as it was.
    expect(page.locator("#wd-kept")).to_have_attribute("data-state", "saved")
    page.reload()
    expect(page.get_by_label("标题")).to_have_value(title)
    expect(page.locator("#wd-chosen")).to_have_text("已选 1 个地区")
    expect(page.locator('input[name="wd-level"][value="orange"]')).to_be_checked()
    _floor(page, "form at 390")
    no_sideways_scroll(page)
    screens(page, "desk-warnings-form-390")

    # Issuing asks first, names the level and the number of regions; a double tap issues once.
    page.get_by_role("button", name="签发预警").click()
    dialog = page.get_by_role("dialog", name="签发这条橙色预警？")
    expect(dialog).to_contain_text("1 个地区")
    page.screenshot(path="test-results/screenshots/desk-warnings-confirm-390.png")
    page.wait_for_timeout(800)  # the confirm button is inert for a moment after it appears
    dialog.get_by_role("button", name="确认签发").dblclick()
    expect(page).to_have_url(re.compile(r"/desk/warnings/[\w-]+$"))
    expect(page.locator("#wd-message")).to_contain_text(title)
    expect(page.locator("#wd-message")).to_contain_text("橙色预警")
    mine = _mine(base, title)
    assert len(mine) == 1, mine
    warning = mine[0]
    assert warning["state"] == "issued" and warning["kind"] == "typhoon" and warning["level"] == "orange"

    # The delivery counts: responsible persons targeted, and one acknowledging moves them.
    expect(page.locator("#wd-delivery")).to_be_visible(timeout=15000)
    expect(page.locator('[data-count="r-targeted"] .wd-count-n')).not_to_have_text("0", timeout=15000)
    before = _count(page, "r-acked")
    officer = api(base, "officer1")
    at = datetime.now(UTC).isoformat(timespec="seconds")
    op = {"op_id": str(uuid.uuid4()), "type": "warning.ack", "at": at, "data": {"warning_id": warning["id"]}}
    answer = officer("POST", "/api/v1/sync", {"device_id": "e2e-desk-warnings", "ops": [op]})
    assert [r["status"] for r in answer["results"]] == ["applied"], answer
    expect(page.locator('[data-count="r-acked"] .wd-count-n')).to_have_text(str(before + 1), timeout=20000)
    close_toasts(page)
    _floor(page, "warning page at 390")
    no_sideways_scroll(page)
    screens(page, "desk-warnings-counts-390")
    # The silent are listed with a number to call.
    silent = page.locator("#wd-silent a[href^='tel:']")
    if silent.count():
        assert re.fullmatch(r"tel:\+?\d+", silent.first.get_attribute("href"))
        # Shown as a person dials it (138 0000 5009), not as +8613800005009.
        assert re.fullmatch(r"1\d{2} \d{4} \d{4}|0\d+", silent.first.inner_text().strip())

    # An update is a form of its own, filled from the warning, with a reason; it asks first.
    page.get_by_role("button", name="更新").click()
    expect(page.get_by_role("heading", name="更新预警")).to_be_visible()
    expect(page.get_by_label("标题")).to_have_value(title)
    page.get_by_text("红色预警", exact=True).click()
    page.get_by_role("button", name="确认更新").click()
    expect(page.locator("#wd-reason-err")).to_have_text("请填原因。")
    page.get_by_label("更新原因").fill("风力加强")
    page.get_by_role("button", name="确认更新").click()
    ask = page.get_by_role("dialog", name="发布这条更新？")
    expect(ask).to_be_visible()
    page.wait_for_timeout(800)
    ask.get_by_role("button", name="确认更新").click()
    expect(page.locator("#wd-message")).to_have_attribute("data-msg", "update", timeout=15000)
    expect(page.locator("#wd-message")).to_contain_text("红色预警")
    expect(page.locator("#wd-chain li")).to_have_count(2)
    close_toasts(page)
    screens(page, "desk-warnings-updated-390")
    assert api(base, "duty")("GET", f"/api/v1/warnings/{warning['id']}")["superseded_by"]

    # Cancelling asks first (with a reason); saying no changes nothing.
    page.get_by_role("button", name="解除").click()
    ask = page.get_by_role("dialog", name="解除这条预警？")
    expect(ask).to_be_visible()
    ask.get_by_role("button", name="取消").click()
    assert _mine(base, title)[0].get("cancelled") is not True
    page.get_by_role("button", name="解除").click()
    ask = page.get_by_role("dialog", name="解除这条预警？")
    ask.get_by_label("解除原因").fill("台风已减弱")
    page.screenshot(path="test-results/screenshots/desk-warnings-cancel-390.png")
    ask.get_by_role("button", name="确认解除").click()
    expect(page.locator("#wd-message")).to_have_attribute("data-msg", "cancel", timeout=15000)
    first = api(base, "duty")("GET", f"/api/v1/warnings/{warning['id']}")
    assert first["cancelled"] is True and first["active"] is False
    screens(page, "desk-warnings-cancelled-390")

    # The list shows it ended, with its level's word.
    page.goto("/desk/warnings")
    ended = page.locator('[data-group="ended"]')
    expect(ended).to_contain_text(title)
    # One line for the chain of three (another test's lifted warning may be listed there too).
    mine = ended.locator(".wd-card", has_text=title)
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("共 3 条消息")
    expect(ended.locator(".wl-badge").first).to_contain_text("预警")
    screens(page, "desk-warnings-list-390")


def test_a_polygon_drawn_on_the_map_reaches_the_server_in_wgs84(phone, server, screens):
    page = phone
    base = server["base"]
    title = f"山洪地质灾害预警 {uuid.uuid4().hex[:6]}"
    _login(page, "town1")
    close_toasts(page)
    _open_form(page)
    page.get_by_text("地质灾害", exact=True).click()
    page.get_by_text("红色预警", exact=True).click()
    page.get_by_label("标题").fill(title)
    page.get_by_label("预警内容").fill("后山有滑坡迹象。")
    page.get_by_text("在地图上画范围").first.click()
    page.get_by_role("button", name="在地图上画范围").click()
    dialog = page.get_by_role("dialog", name="画预警范围")
    expect(dialog).to_be_visible()
    # No internet here: the tiles fail and the note says so (it takes its room from the map, which
    # keeps its centre: let it settle, in the next frames, before measuring).
    expect(dialog.get_by_text("地图底图没有加载出来，只显示网格。")).to_be_visible(timeout=15000)
    _next_frames(page)

    # The map opens at the desk's region centre, drawn where GCJ-02 tiles put it.
    me = api(base, "town1")("GET", "/api/v1/me")
    region = api(base, "town1")("GET", f"/api/v1/regions/{me['region_id']}")
    centre = (region["lat"], region["lon"])
    cx, cy = to_pixels(*wgs_to_gcj(*centre), DRAW_ZOOM)
    box = dialog.locator(".map-canvas").bounding_box()
    mx, my = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    taps = [(-80, -60), (90, -50), (40, 90)]
    for dx, dy in taps:
        page.touchscreen.tap(mx + dx, my + dy)
    expect(dialog.locator("#wd-map-count")).to_have_text("已画 3 个点")
    screens(page, "desk-warnings-draw-390")
    dialog.get_by_role("button", name="用这个范围（3 个点）").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#wd-polygon-n")).to_have_text("已画 3 个点")

    page.get_by_role("button", name="签发预警").click()
    ask = page.get_by_role("dialog", name="签发这条红色预警？")
    expect(ask).to_contain_text("地图上画的范围（3 个点）")
    page.wait_for_timeout(800)
    ask.get_by_role("button", name="确认签发").click()
    expect(page).to_have_url(re.compile(r"/desk/warnings/[\w-]+$"))

    stored = _mine(base, title)
    assert len(stored) == 1
    polygon = [tuple(p) for p in stored[0]["polygon"]]
    assert len(polygon) in (3, 4)  # the server may close the ring
    for (lat, lon), (dx, dy) in zip(polygon, taps, strict=False):
        gcj = from_pixels(cx + dx, cy + dy, DRAW_ZOOM)
        expected = gcj_to_wgs(*gcj)
        # Within a few pixels of the tap (~20 m a pixel at this zoom), and not the raw map point.
        assert metres((lat, lon), expected) < 40, ((lat, lon), expected)
        assert metres((lat, lon), gcj) > 300, ((lat, lon), gcj)


def test_the_desk_pages_fit_a_laptop(browser, server, screens):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800},
        base_url=server["base"],
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    page = context.new_page()
    try:
        _login(page)
        close_toasts(page)
        _open_form(page)
        no_sideways_scroll(page)
        screens(page, "desk-warnings-form-1280")
        page.goto("/desk/warnings")
        expect(page.locator("#wd-list-status")).not_to_have_text("正在加载…")
        no_sideways_scroll(page)
        screens(page, "desk-warnings-list-1280")
        # English second: the same screens in English, level words and all.
        page.get_by_role("button", name="English").click()
        page.goto("/desk/warnings/new")
        expect(page.get_by_role("heading", name="Issue a warning")).to_be_visible()
        expect(page.get_by_text("Orange warning", exact=True)).to_be_visible()
        no_sideways_scroll(page)
        screens(page, "desk-warnings-form-1280-en")
    finally:
        context.close()


def test_a_draft_waits_as_pending_and_is_issued_with_one_tap_asked_first_at_320(browser, server, screens):
    """With the signal gone the form says it cannot send and keeps what is typed; saved as a draft
    the warning is listed 待审核 and goes out only when 签发 is confirmed."""
    context = browser.new_context(
        viewport={"width": 320, "height": 568},
        base_url=server["base"],
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    base = server["base"]
    title = f"暴雨黄色预警 {uuid.uuid4().hex[:6]}"
    try:
        _login(page)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
        close_toasts(page)
        _open_form(page)
        page.get_by_text("暴雨", exact=True).click()
        page.get_by_text("黄色预警", exact=True).click()
        page.get_by_label("标题").fill(title)
        page.get_by_label("预警内容").fill("未来 6 小时有暴雨。")
        page.get_by_text("古田镇（全镇）").click()

        context.set_offline(True)
        expect(page.get_by_role("button", name="签发预警")).to_be_disabled()
        expect(page.locator("#wd-offline")).to_have_text("连不上服务器，联网后再试。")
        page.get_by_label("预警内容").fill("未来 6 小时有暴雨，局部大暴雨。")
        screens(page, "desk-warnings-form-offline-320")
        context.set_offline(False)
        expect(page.get_by_role("button", name="签发预警")).to_be_enabled()
        _floor(page, "form at 320")

        page.get_by_role("button", name="存为草稿").click()
        expect(page).to_have_url(re.compile(r"/desk/warnings/[\w-]+$"))
        expect(page.locator("#wd-state")).to_contain_text("待审核")
        [draft] = _mine(base, title)
        assert draft["state"] == "draft" and draft["body"] == "未来 6 小时有暴雨，局部大暴雨。"
        page.goto("/desk/warnings")
        expect(page.locator('[data-group="drafts"]')).to_contain_text(title)
        page.locator('[data-group="drafts"] .wd-card').filter(has_text=title).click()

        page.get_by_role("button", name="签发", exact=True).click()
        ask = page.get_by_role("dialog", name="签发这条待审核的预警？")
        expect(ask).to_contain_text("古田镇")
        ask.get_by_role("button", name="取消").click()
        assert _mine(base, title)[0]["state"] == "draft"
        page.get_by_role("button", name="签发", exact=True).click()
        page.wait_for_timeout(800)
        page.get_by_role("dialog", name="签发这条待审核的预警？").get_by_role("button", name="签发").click()
        expect(page.locator("#wd-state")).to_contain_text("生效中", timeout=15000)
        assert _mine(base, title)[0]["state"] == "issued"
        _floor(page, "warning page at 320")
        screens(page, "desk-warnings-issued-320")
    finally:
        context.close()
