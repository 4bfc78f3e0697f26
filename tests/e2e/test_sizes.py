"""Every screen, as the user who works on it, at 390x844 and at 320x568: every visible thing one
taps (buttons, links, inputs, selects, [role=button], label-wrapped controls, Leaflet markers) is
at least 48x48 px, no visible text is under 16 px, and nothing scrolls sideways (UX.md)."""

import uuid

import pytest
from playwright.sync_api import expect

from .helpers import api

SIZES = [{"width": 390, "height": 844}, {"width": 320, "height": 568}]

# Collects what breaks the floor on the page as it stands. A control hidden for a custom look
# (the chips' radio inputs) is measured by the label that wraps it, which is what the thumb hits.
CHECK = """() => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false; // nothing, or clipped for screen readers only
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') return false;
    }
    return true;
  };
  const name = (el) =>
    (el.getAttribute('aria-label') || el.textContent || el.getAttribute('placeholder') || el.tagName)
      .trim().slice(0, 40);
  const small = [];
  const seen = new Set();
  const sel = 'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button], '
    + 'label, .leaflet-marker-icon';
  for (let el of document.querySelectorAll(sel)) {
    if (el.tagName === 'LABEL' && !el.querySelector('input, select, textarea')) continue;
    if (el.tagName === 'INPUT' && el.closest('label')) el = el.closest('label');
    if (seen.has(el) || !shown(el)) continue;
    seen.add(el);
    const r = el.getBoundingClientRect();
    const what = `${el.tagName.toLowerCase()}.${el.className} "${name(el)}"`;
    const wh = `${Math.round(r.width)}x${Math.round(r.height)}`;
    if (r.width < 47.5 || r.height < 47.5) small.push(`${what} ${wh}`);
  }
  const tiny = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const text = n.textContent.trim();
    const parent = n.parentElement;
    if (!text || !parent || !shown(parent)) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    const what = `${parent.tagName.toLowerCase()}.${parent.className} "${text.slice(0, 30)}"`;
    if (size < 15.95) tiny.push(`${what} ${size}px`);
  }
  const sideways = document.documentElement.scrollWidth > window.innerWidth;
  return { small: [...new Set(small)], tiny: [...new Set(tiny)], sideways };
}"""


def _login(page, username, role):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)


def _check(page, where, problems, screens):
    page.wait_for_timeout(300)  # let a screen's first fetch land and paint
    screens(page, "sizes-" + "".join(c if c.isalnum() else "-" for c in where)[:60])
    found = page.evaluate(CHECK)
    for kind in ("small", "tiny"):
        for item in found[kind]:
            problems.append(f"{where}: {kind} {item}")
    if found["sideways"]:
        problems.append(f"{where}: scrolls sideways")


@pytest.fixture(scope="module")
def order(server):
    desk = api(server["base"], "town1")
    members = desk("GET", "/api/v1/members?limit=200")["items"]
    member1 = next(m for m in members if m["username"] == "member1")
    # Incidents make more lines appear (the form's incident choice, the map's "no location" note).
    incident = desk("POST", "/api/v1/incidents", {"kind": "flood", "title": "尺寸检查事件"})
    desk(
        "POST",
        "/api/v1/incidents",
        {"kind": "geological", "title": "有位置的事件", "location": {"lat": 25.06, "lon": 116.43}},
    )
    return desk(
        "POST",
        "/api/v1/dispatches",
        {
            "title": "尺寸检查任务",
            "location": {"lat": 25.05, "lon": 116.42},
            "member_ids": [member1["id"]],
            "headcount": 1,
            "incident_id": incident["id"],
        },
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_every_screen_keeps_targets_48px_text_16px_and_no_sideways_scroll(
    browser, server, order, size, screens
):
    problems: list[str] = []
    where = f"{size['width']}"

    ctx = browser.new_context(
        viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )
    ctx.grant_permissions(["geolocation"], origin=server["base"])
    ctx.set_geolocation({"latitude": 25.05, "longitude": 116.42, "accuracy": 12})
    page = ctx.new_page()
    try:
        page.goto("/")
        expect(page.get_by_label("用户名")).to_be_visible()
        _check(page, f"{where} login", problems, screens)
        _login(page, "member1", "救援队员")
        _check(page, f"{where} home", problems, screens)
        for path, heading in (
            ("/report", "上报隐患"),
            ("/reports", "我的上报"),
            ("/checkin", None),
            ("/outbox", None),
            ("/orders", "我的任务"),
            (f"/orders/{order['id']}", None),
        ):
            page.goto(path)
            if heading:
                expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            page.locator("main h1").first.wait_for()
            _check(page, f"{where} {path}", problems, screens)
        # With something waiting: the "N 条待发送" badge (a link to the outbox) and a waiting item.
        page.goto("/checkin")
        action = page.locator("main .btn-huge").first
        expect(action).to_be_enabled()
        ctx.set_offline(True)
        # Whichever step is next: 签退 asks first (an earlier test may have left member1 on duty).
        checking_out = action.text_content() == "签退"
        action.click()
        if checking_out:
            dialog = page.get_by_role("dialog", name="确认签退？")
            expect(dialog).to_be_visible()
            _check(page, f"{where} /checkin (check-out confirmation)", problems, screens)
            dialog.get_by_role("button", name="确认签退").click()
        badge = page.locator("a.pending")
        expect(badge).to_be_visible()
        _check(page, f"{where} /checkin (offline, 1 waiting)", problems, screens)
        badge.click()
        expect(page.locator("[data-op]").first).to_be_visible()
        _check(page, f"{where} /outbox (offline, 1 waiting)", problems, screens)
        ctx.set_offline(False)
    finally:
        ctx.close()

    ctx = browser.new_context(
        viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )
    page = ctx.new_page()
    try:
        _login(page, "town1", "值班员")
        for path, ready in (
            ("/desk", "#desk-incidents"),
            (f"/desk/{order['id']}", "#board-people .person"),
            ("/desk/new", "main h1"),
            ("/desk/map", ".leaflet-container"),
        ):
            page.goto(path)
            page.locator(ready).first.wait_for()
            if path == "/desk/map":
                page.locator(".leaflet-marker-icon").first.wait_for()
            _check(page, f"{where} {path}", problems, screens)
        # 寻亲查询: empty, then two households found (one inside, one left, with needs and phone).
        desk = api(server["base"], "town1")
        school = next(
            s
            for s in desk("GET", "/api/v1/shelters?limit=200")["items"]
            if s["name"] == "临城镇中心小学避灾安置点"
        )
        for i, out in enumerate((False, True)):
            body = {
                "id": str(uuid.uuid4()),
                "name": f"尺寸寻亲{where}{i}",
                "phone": "13800005678",
                "household_size": 4,
                "needs": ["elderly", "children", "medical"],
            }
            checkin = desk("POST", f"/api/v1/shelters/{school['id']}/checkins", body)
            if out:
                desk("POST", f"/api/v1/shelters/{school['id']}/checkins/{checkin['id']}/checkout")
        page.goto("/desk/people")
        page.locator("#lookup-q").wait_for()
        _check(page, f"{where} /desk/people", problems, screens)
        page.locator("#lookup-q").fill(f"尺寸寻亲{where}")
        page.locator("#lookup-q").press("Enter")
        expect(page.locator(".lookup-person")).to_have_count(2)
        _check(page, f"{where} /desk/people (found)", problems, screens)
        page.locator("#lookup-q").fill("123")
        page.locator("#lookup-q").press("Enter")
        page.locator("#err-lookup-q:not(:empty)").wait_for()
        _check(page, f"{where} /desk/people (refused)", problems, screens)
    finally:
        ctx.close()

    # The shelter kiosk, as its manager: the list, the kiosk, its form, the present list with its
    # confirm, and the scanner (no camera in headless Chromium: the photo is offered).
    shelters = api(server["base"], "shelter1")("GET", "/api/v1/shelters?limit=200")["items"]
    gym = next(s for s in shelters if s["name"] == "上杭县体育馆")["id"]
    ctx = browser.new_context(
        viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )
    page = ctx.new_page()
    try:
        _login(page, "shelter1", "安置场所管理员")
        for path, ready in (
            ("/shelters", ".shelter-card"),
            (f"/shelters/{gym}", "#kiosk-inside"),
            (f"/shelters/{gym}/checkin", "#kiosk-name"),
            (f"/shelters/{gym}/present", ".present-person"),
        ):
            page.goto(path)
            page.locator(ready).first.wait_for()
            _check(page, f"{where} {path}", problems, screens)
        page.locator(".present-person").first.click()
        dialog = page.get_by_role("dialog", name="签出这一户？")
        expect(dialog).to_be_visible()
        _check(page, f"{where} /shelters/<id>/present (confirm)", problems, screens)
        dialog.get_by_role("button", name="不签出").click()
        page.goto(f"/shelters/{gym}")
        page.get_by_role("button", name="扫码签出").click()
        expect(page.locator("#scan-status")).to_contain_text("照片", timeout=10000)
        _check(page, f"{where} /shelters/<id> (scanner)", problems, screens)
    finally:
        ctx.close()

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_the_shelters_public_pages_keep_targets_48px_text_16px_and_no_sideways_scroll(
    browser, server, size, screens
):
    """/s/<code>, the server's own pages (tests/e2e/test_public_checkin.py): the form, its
    refusal, the receipt, a sent form's page and a closed shelter's page with alternatives."""
    problems: list[str] = []
    where = f"{size['width']}"
    listed = api(server["base"], "duty")("GET", "/api/v1/shelters?limit=200")["items"]
    open_one = next(s for s in listed if s["name"] == "临城镇中心小学避灾安置点")
    closed = next(s for s in listed if s["status"] == "closed")
    ctx = browser.new_context(
        viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )
    page = ctx.new_page()
    try:
        page.goto(f"/s/{open_one['code']}")
        _check(page, f"{where} /s/ form", problems, screens)
        page.locator("#household_size").fill("0")
        page.locator("button.btn").click()
        page.locator("#name-error").wait_for()
        _check(page, f"{where} /s/ refused", problems, screens)
        page.get_by_label("姓名").fill("尺寸")
        page.locator("#household_size").fill("1")
        form_id = page.locator('input[name="id"]').input_value()
        page.locator("button.btn").click()
        page.locator("img.qr").wait_for()
        _check(page, f"{where} /s/ receipt", problems, screens)
        page.goto(f"/s/{open_one['code']}?f={form_id}")
        page.locator("a.btn").first.wait_for()
        _check(page, f"{where} /s/ sent", problems, screens)
        page.goto(f"/s/{closed['code']}")
        page.locator("a.alt").first.wait_for()
        _check(page, f"{where} /s/ closed", problems, screens)
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_the_desks_shelter_screens_keep_targets_48px_text_16px_and_no_sideways_scroll(
    browser, server, size, screens
):
    """The desk running and registering shelters: /shelters with 新增避难所, a shelter's screen
    with its open/close, supplies, record and poster, the close confirmation (answered no), the
    register form and the edit form."""
    problems: list[str] = []
    where = f"{size['width']}"
    shelters = api(server["base"], "town1")("GET", "/api/v1/shelters?limit=200")["items"]
    school = next(s for s in shelters if s["name"] == "临城镇中心小学避灾安置点")["id"]
    ctx = browser.new_context(
        viewport=size, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=server["base"]
    )
    page = ctx.new_page()
    try:
        _login(page, "town1", "值班员")
        for path, ready in (
            ("/shelters", "#shelter-new"),
            (f"/shelters/{school}", "#shelter-events .event-row"),
            ("/shelters/new", "#shelterf-name"),
            (f"/shelters/{school}/edit", "#shelterf-managers .chip"),
        ):
            page.goto(path)
            page.locator(ready).first.wait_for()
            _check(page, f"{where} {path} (desk)", problems, screens)
        page.goto(f"/shelters/{school}")
        page.locator("#manage-close").click()
        dialog = page.get_by_role("dialog", name="关闭临城镇中心小学避灾安置点？")
        expect(dialog).to_be_visible()
        _check(page, f"{where} /shelters/<id> (close confirm)", problems, screens)
        dialog.get_by_role("button", name="不关闭").click()
        expect(dialog).to_be_hidden()
    finally:
        ctx.close()
    assert not problems, "\n".join(problems)
