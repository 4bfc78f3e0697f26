"""A member with no signal files a hazard report with a photo and checks in; the app is closed
and opened again, still offline, and both wait on the phone; the signal returns and both reach
the server exactly once; a second sync sends nothing."""

import json
import re
import sqlite3
import urllib.request

from playwright.sync_api import expect

from .helpers import no_sideways_scroll as _no_sideways_scroll

GPS = {"latitude": 25.05, "longitude": 116.42, "accuracy": 12}
DESCRIPTION = "村口后山出现裂缝，坡下有三户人家，需要尽快排查。"


def _jpeg(tmp_path):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (2400, 1800), (90, 120, 80))
    draw = ImageDraw.Draw(img)
    draw.rectangle((600, 400, 1800, 1400), fill=(160, 110, 60))
    path = tmp_path / "slope.jpg"
    img.save(path, "JPEG", quality=85)
    return path


def _duty_get(base, path):
    """Reads the API as the county duty officer (Bearer), as a desk script would."""
    req = urllib.request.Request(
        base + "/api/v1/auth/login",
        data=json.dumps({"username": "duty", "password": "demo12345"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        token = json.load(resp)["access_token"]
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def _server_counts(db_file):
    con = sqlite3.connect(db_file)
    try:
        return {
            "reports": con.execute(
                "SELECT count(*) FROM reports WHERE description = ?", (DESCRIPTION,)
            ).fetchone()[0],
            "checkins": con.execute(
                "SELECT count(*) FROM checkins c JOIN users u ON u.id = c.user_id "
                "WHERE u.username = 'member1'"
            ).fetchone()[0],
            "ops": con.execute(
                "SELECT count(*) FROM sync_ops o JOIN users u ON u.id = o.user_id "
                "WHERE u.username = 'member1'"
            ).fetchone()[0],
            "media": con.execute("SELECT count(*) FROM report_media").fetchone()[0],
        }
    finally:
        con.close()


def test_offline_report_and_checkin_reach_the_server_exactly_once(phone, server, screens, tmp_path):
    shot = screens
    context = phone.context
    context.grant_permissions(["geolocation"], origin=server["base"])
    context.set_geolocation(GPS)
    photo = _jpeg(tmp_path)

    # Every POST to the sync door, from any page of this phone.
    sync_posts = []
    context.on(
        "request",
        lambda r: sync_posts.append(r.url) if r.method == "POST" and r.url.endswith("/api/v1/sync") else None,
    )

    # Log in online; the service worker takes the page so the app opens with no network.
    phone.goto("/")
    phone.get_by_label("用户名").fill("member1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_text(re.compile("救援队员"))).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    before = _server_counts(server["db"])

    # No signal.
    context.set_offline(True)
    expect(phone.get_by_text("离线").first).to_be_visible()
    shot(phone, "offline-01-home")

    # File a report with a photo.
    phone.get_by_role("button", name="上报隐患").click()
    expect(phone.get_by_role("heading", name="上报隐患")).to_be_visible()
    phone.get_by_text("地质灾害（滑坡）", exact=True).click()
    phone.get_by_label("情况描述").fill(DESCRIPTION)
    phone.get_by_text("较大", exact=True).click()
    for _ in range(3):
        phone.get_by_role("button", name="增加一人").click()
    expect(phone.get_by_label("受威胁人数")).to_have_value("3")
    phone.set_input_files("#report-photo", str(photo))
    expect(phone.locator(".photo img")).to_have_count(1)
    expect(phone.locator("#report-location")).to_contain_text("25.05000, 116.42000")
    expect(phone.locator("#report-location")).to_contain_text("误差约 12 米")
    _no_sideways_scroll(phone)
    shot(phone, "offline-02-report-form")

    # The photo was shrunk on the phone: longest side 1600 px, JPEG.
    kept = phone.evaluate(
        """async () => {
            const db = await new Promise((ok, err) => {
                const r = indexedDB.open("yjt"); r.onsuccess = () => ok(r.result); r.onerror = err;
            });
            const all = await new Promise((ok) => {
                const r = db.transaction("blobs").objectStore("blobs").getAll();
                r.onsuccess = () => ok(r.result);
            });
            return all.map((b) => ({ type: b.type, w: b.width, h: b.height, size: b.size }));
        }"""
    )
    assert kept == [{"type": "image/jpeg", "w": 1600, "h": 1200, "size": kept[0]["size"]}]
    assert kept[0]["size"] < photo.stat().st_size

    phone.get_by_role("button", name="上报", exact=True).click()
    expect(phone.get_by_role("heading", name="我的上报")).to_be_visible()
    card = phone.locator(".card").filter(has_text=DESCRIPTION)
    expect(card).to_contain_text("已存本机，待发送")
    expect(card).to_contain_text("较大")
    shot(phone, "offline-03-my-reports-waiting")

    # Check in, still offline.
    phone.get_by_role("button", name="返回").click()
    expect(phone.get_by_role("button", name="签到/签退")).to_be_visible()
    phone.get_by_role("button", name="签到/签退").click()
    expect(phone.locator("#checkin-state")).to_have_text("当前：未签到")
    expect(phone.locator("#checkin-location")).to_contain_text("25.05000, 116.42000")
    phone.get_by_role("button", name="签到", exact=True).click()
    expect(phone.locator("#checkin-state")).to_contain_text("当前：已签到")
    expect(phone.get_by_role("button", name="签退", exact=True)).to_be_visible()
    expect(phone.locator(".state-box")).to_contain_text("已存本机，待发送")
    expect(phone.locator(".pending")).to_have_text("2 条待发送")
    _no_sideways_scroll(phone)
    shot(phone, "offline-04-checked-in")

    # Close the app, open it again: still offline, both still waiting.
    phone.close()
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_text(re.compile("救援队员"))).to_be_visible()
    expect(page.locator(".pending")).to_have_text("2 条待发送")
    page.locator(".pending").click()
    expect(page.get_by_role("heading", name="待发送")).to_be_visible()
    waiting = page.locator(".cards .card-waiting")
    expect(waiting).to_have_count(2)
    expect(waiting.nth(0)).to_contain_text("隐患上报")
    expect(waiting.nth(1)).to_contain_text("签到")
    _no_sideways_scroll(page)
    shot(page, "offline-05-reopened-outbox")
    assert sync_posts == []
    assert _server_counts(server["db"]) == before

    # The signal returns: both go, by themselves.
    context.set_offline(False)
    expect(page.locator(".pending")).to_be_hidden(timeout=20000)
    expect(page.get_by_text("没有待发送或被退回的内容。")).to_be_visible()
    expect(page.locator(".card-sent")).to_have_count(2)
    shot(page, "online-06-outbox-sent")
    page.get_by_role("button", name="返回").click()
    page.get_by_role("button", name="我的上报").click()
    card = page.locator(".card").filter(has_text=DESCRIPTION)
    expect(card).to_contain_text("已发送")
    shot(page, "online-07-my-reports-sent")

    # The server holds exactly one of each.
    after = _server_counts(server["db"])
    assert after["reports"] == 1
    assert after["checkins"] == before["checkins"] + 1
    assert after["ops"] == before["ops"] + 2
    assert after["media"] == before["media"] + 1
    reports = _duty_get(server["base"], "/api/v1/reports")["items"]
    mine = [r for r in reports if r["description"] == DESCRIPTION]
    assert len(mine) == 1
    assert mine[0]["category"] == "geological"
    assert mine[0]["severity"] == "orange"
    assert mine[0]["people_at_risk"] == 3
    assert len(mine[0]["media_ids"]) == 1
    assert abs(mine[0]["location"]["lat"] - 25.05) < 1e-6

    # A second sync with nothing new sends nothing: the app starts again (a flush trigger),
    # comes back to the front (another), and the server is unchanged.
    posts_so_far = len(sync_posts)
    page.reload()
    expect(page.get_by_text(re.compile("我的上报|救援队员")).first).to_be_visible()
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_timeout(1500)
    assert len(sync_posts) == posts_so_far
    assert _server_counts(server["db"]) == after
    shot(page, "online-08-after-second-sync")


def test_the_report_form_fits_the_smallest_phone(browser, server, screens):
    shot = screens
    context = browser.new_context(
        viewport={"width": 320, "height": 568},
        base_url=server["base"],
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_label("用户名").fill("officer1")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="上报隐患").click()
    # No permission for the GPS here: the manual entry opens by itself.
    expect(page.get_by_label("纬度")).to_be_visible(timeout=20000)
    submit = page.get_by_role("button", name="上报", exact=True)
    assert submit.bounding_box()["height"] >= 48
    _no_sideways_scroll(page)
    shot(page, "report-form-320")
    page.get_by_label("纬度").fill("25.1")
    page.get_by_label("经度").fill("116.5")
    page.get_by_role("button", name="使用这个位置").click()
    expect(page.locator("#report-location")).to_contain_text("手动输入")

    # English is longer: still nothing sideways, and the manual point survived the re-render.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Report a hazard")).to_be_visible()
    expect(page.locator("#report-location")).to_contain_text("entered by hand")
    _no_sideways_scroll(page)
    shot(page, "report-form-320-en")
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Check in / out").click()
    expect(page.get_by_role("button", name="Check in", exact=True)).to_be_visible()
    _no_sideways_scroll(page)
    shot(page, "checkin-320-en")
    context.close()


def test_a_session_that_ended_offline_keeps_the_outbox_until_the_next_login(phone, server, screens):
    context = phone.context
    # Other tests of the session give member2 duty time of their own (the subsidy one does):
    # what this test proves is what its own check-in adds to theirs.
    con = sqlite3.connect(server["db"])
    count = "SELECT count(*) FROM checkins c JOIN users u ON u.id = c.user_id WHERE u.username = 'member2'"
    before = con.execute(count).fetchone()[0]
    phone.goto("/")
    phone.get_by_label("用户名").fill("member2")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_text(re.compile("救援队员"))).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)

    context.set_offline(True)
    phone.get_by_role("button", name="签到/签退").click()
    phone.get_by_role("button", name="签到", exact=True).click()
    expect(phone.locator(".pending")).to_have_text("1 条待发送")

    # Meanwhile the session ends on the server (signed out elsewhere; cookies gone).
    resp = context.request.post(server["base"] + "/api/v1/auth/logout")
    assert resp.status == 204
    assert not [c for c in context.cookies() if c["name"].endswith("token_cookie")]

    # The signal returns: the send is refused for auth, nothing is lost, the user is asked to log in.
    context.set_offline(False)
    expect(phone.get_by_text("请重新登录后发送 1 条")).to_be_visible(timeout=20000)
    expect(phone.get_by_label("用户名")).to_be_visible()
    screens(phone, "relogin-01-asked")
    assert con.execute(count).fetchone()[0] == before

    phone.get_by_label("用户名").fill("member2")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.locator("#checkin-state")).to_contain_text("当前：已签到")
    expect(phone.locator(".pending")).to_be_hidden(timeout=20000)
    expect(phone.locator(".state-box")).to_contain_text("已发送")
    screens(phone, "relogin-02-sent")
    assert con.execute(count).fetchone()[0] == before + 1
    con.close()
