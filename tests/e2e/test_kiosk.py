"""The shelter manager's kiosk on a phone, as shelter1 at 390x844: a household checked in online
moves the count and the server's occupancy by its size; one checked in offline waits on the
phone, is counted at once, and reaches the server once; a receipt made at the public door is
checked out offline from a photo of its QR (headless Chromium has no BarcodeDetector, so this is
qr-scanner) and reaches the server once; another shelter's receipt is refused in words; a double
tap on 登记入住 makes one op; the draft survives a reload; the live camera (Chromium's fake camera
showing a receipt) reads a receipt through getUserMedia and qr-scanner's worker."""

import io
import json
import re
import sqlite3
import urllib.request
import uuid

import segno
from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll

SCHOOL = "临城镇中心小学避灾安置点"
GYM = "上杭县体育馆"


def _qr_png(tmp_path, text, name):
    path = tmp_path / f"{name}.png"
    segno.make_qr(text, error="m").save(str(path), scale=8, border=4)
    return path


def _public_checkin(base, code, name, size):
    body = {"id": str(uuid.uuid4()), "name": name, "household_size": size}
    req = urllib.request.Request(
        f"{base}/api/v1/public/shelters/{code}/checkins",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 201
        return json.load(resp)


def _ops(db_file, op_type):
    con = sqlite3.connect(db_file)
    try:
        return con.execute(
            "SELECT count(*) FROM sync_ops o JOIN users u ON u.id = o.user_id "
            "WHERE u.username = 'shelter1' AND o.type = ?",
            (op_type,),
        ).fetchone()[0]
    finally:
        con.close()


def _people(db_file, name):
    con = sqlite3.connect(db_file)
    try:
        return con.execute("SELECT count(*) FROM shelter_checkins WHERE name = ?", (name,)).fetchone()[0]
    finally:
        con.close()


def _phone_ops(page):
    """The outbox as the phone holds it (IndexedDB), for what must and must not be kept."""
    return page.evaluate(
        """async () => {
            const db = await new Promise((ok, err) => {
                const r = indexedDB.open("yjt"); r.onsuccess = () => ok(r.result); r.onerror = err;
            });
            return await new Promise((ok) => {
                const r = db.transaction("outbox").objectStore("outbox").getAll();
                r.onsuccess = () => ok(r.result.filter((o) => o.type.startsWith("shelter.")));
            });
        }"""
    )


def _fill_checkin(page, name, size, phone=None, needs=()):
    page.get_by_label("姓名（户主）").fill(name)
    if phone:
        page.get_by_label("手机号（可不填）").fill(phone)
    for _ in range(size - 1):
        page.get_by_role("button", name="增加一人").click()
    expect(page.locator("#kiosk-size")).to_have_text(str(size))
    for need in needs:
        page.get_by_role("button", name=need, exact=True).click()
        expect(page.get_by_role("button", name=need, exact=True)).to_have_attribute("aria-pressed", "true")


def test_kiosk_checks_in_and_out_online_and_offline_each_exactly_once(phone, server, screens, tmp_path):
    base = server["base"]
    desk = api(base, "shelter1")
    shelters = {s["name"]: s for s in desk("GET", "/api/v1/shelters?limit=200")["items"]}
    school, gym = shelters[SCHOOL], shelters[GYM]
    start = desk("GET", f"/api/v1/shelters/{school['id']}")["occupancy"]
    context = phone.context
    sync_posts = []
    context.on(
        "request",
        lambda r: sync_posts.append(r) if r.method == "POST" and r.url.endswith("/api/v1/sync") else None,
    )

    phone.goto("/")
    phone.get_by_label("用户名").fill("shelter1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.locator(".role-chip")).to_have_text("安置场所管理员")
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    close_toasts(phone)

    # The list: the two shelters shelter1 runs, with the state in words.
    phone.get_by_role("button", name="避难所").click()
    expect(phone.get_by_role("heading", name="避难所")).to_be_visible()
    cards = phone.locator(".shelter-card")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text=SCHOOL)).to_contain_text("开放")
    expect(cards.filter(has_text=SCHOOL)).to_contain_text(f"在内 {start} 人 / 可容纳 400 人")
    no_sideways_scroll(phone)
    screens(phone, "kiosk-01-list")

    cards.filter(has_text=SCHOOL).click()
    expect(phone.get_by_role("heading", name=SCHOOL)).to_be_visible()
    expect(phone.locator("#kiosk-inside")).to_have_text(f"{start} 人")
    expect(phone.locator("#kiosk-capacity")).to_have_text(f"可容纳 400 人，还能住 {400 - start} 人")
    screens(phone, "kiosk-02-kiosk-online")

    # Online: a household of 3 checked in, with a double tap on the button.
    phone.get_by_role("button", name="登记入住").click()
    expect(phone.get_by_role("heading", name="登记入住")).to_be_visible()
    phone.get_by_label("手机号（可不填）").fill("0597-1234567")
    phone.locator("#kiosk-submit").click()
    expect(phone.locator("#err-kiosk-name")).to_have_text("请填写姓名。")
    expect(phone.locator("#err-kiosk-phone")).to_contain_text("11 位")
    screens(phone, "kiosk-03-form-errors")
    phone.get_by_label("手机号（可不填）").fill("")
    _fill_checkin(phone, "赵大海", 3, phone="139 0000 1234", needs=["老人", "需要医疗"])
    expect(phone.locator("#err-kiosk-name")).to_have_text("")
    no_sideways_scroll(phone)
    screens(phone, "kiosk-04-form")
    phone.locator("#kiosk-submit").dblclick()
    expect(phone.get_by_role("heading", name=SCHOOL)).to_be_visible()
    first = phone.locator(".kiosk-action").first
    expect(first).to_contain_text("入住 · 赵*")
    expect(first).to_contain_text("3 人")
    expect(first).to_contain_text("已发送", timeout=15000)
    expect(phone.locator("#kiosk-inside")).to_have_text(f"{start + 3} 人")
    assert desk("GET", f"/api/v1/shelters/{school['id']}")["occupancy"] == start + 3
    assert _people(server["db"], "赵大海") == 1
    assert _ops(server["db"], "shelter.checkin") == 1
    kept = _phone_ops(phone)
    assert len(kept) == 1, kept  # the double tap made one op
    assert "赵大海" not in json.dumps(kept, ensure_ascii=False)
    assert "phone" not in kept[0]["data"] and "name" not in kept[0]["data"]
    assert kept[0]["kept"] == {"name": "赵*", "household_size": 3}

    # No signal. A household of 2 checked in; the draft survives a reload on the way.
    context.set_offline(True)
    phone.wait_for_function("navigator.onLine === false")
    expect(phone.locator("#kiosk-present")).to_be_disabled()
    expect(phone.locator("#kiosk-present-note")).to_have_text("名单签出需要网络。没有信号时请扫回执签出。")
    phone.get_by_role("button", name="登记入住").click()
    phone.get_by_label("姓名（户主）").fill("钱小梅")
    phone.get_by_role("button", name="增加一人").click()
    phone.get_by_role("button", name="儿童", exact=True).click()
    phone.wait_for_timeout(400)  # the draft is written 250 ms after the last keystroke
    phone.reload()
    expect(phone.get_by_role("heading", name="登记入住")).to_be_visible()
    expect(phone.get_by_label("姓名（户主）")).to_have_value("钱小梅")
    expect(phone.locator("#kiosk-size")).to_have_text("2")
    expect(phone.get_by_role("button", name="儿童", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(phone.get_by_text("已恢复上次没填完的登记。")).to_be_visible()
    phone.locator("#kiosk-submit").click()
    expect(phone.get_by_role("heading", name=SCHOOL)).to_be_visible()
    expect(phone.locator(".kiosk-action").first).to_contain_text("已存本机，待发送")
    expect(phone.locator("#kiosk-inside")).to_have_text(f"{start + 5} 人")
    expect(phone.locator("#kiosk-unsent")).to_have_text("含本机未发送的入住 2 人")
    assert _people(server["db"], "钱小梅") == 0

    # A receipt from the public door, checked out offline from a photo of its QR code.
    receipt = _public_checkin(base, school["code"], "孙立新", 4)
    assert receipt["household_size"] == 4 and receipt["receipt_token"]
    other = _public_checkin(base, gym["code"], "周海燕", 2)
    phone.get_by_role("button", name="扫码签出").click()
    dialog = phone.locator(".scan-dialog")
    expect(dialog).to_be_visible()
    # Headless: no camera. Said in words, with the photo offered.
    expect(dialog.locator("#scan-status")).to_contain_text("请拍一张回执的照片", timeout=10000)
    screens(phone, "kiosk-05-scan-no-camera")
    phone.set_input_files("#kiosk-photo", str(_qr_png(tmp_path, "https://example.org/not-a-receipt", "text")))
    expect(dialog.locator("#scan-problem")).to_have_text(
        "这个二维码不是入住回执。请扫入住时拿到的回执。", timeout=10000
    )
    phone.set_input_files("#kiosk-photo", str(_qr_png(tmp_path, receipt["receipt_token"], "receipt")))
    confirm = phone.locator(".confirm-dialog").filter(has_text="签出这一户？")
    expect(confirm).to_be_visible(timeout=10000)
    screens(phone, "kiosk-06-confirm")
    confirm.get_by_role("button", name="签出", exact=True).click()
    expect(phone.locator(".kiosk-action").first).to_contain_text("凭回执签出")
    expect(phone.locator(".kiosk-action").first).to_contain_text("已存本机，待发送")
    expect(phone.locator("#kiosk-unsent")).to_contain_text("另有 1 户凭回执签出待发送")

    # Another shelter's receipt, scanned here: it will be refused.
    phone.get_by_role("button", name="扫码签出").click()
    phone.set_input_files("#kiosk-photo", str(_qr_png(tmp_path, other["receipt_token"], "other")))
    confirm.get_by_role("button", name="签出", exact=True).click()
    expect(phone.locator(".kiosk-action")).to_have_count(4)
    expect(phone.locator(".pending")).to_have_text("3 条待发送")
    close_toasts(phone)
    screens(phone, "kiosk-07-offline-waiting")
    assert desk("GET", f"/api/v1/shelters/{school['id']}")["occupancy"] == start + 3 + 4

    # Signal again: everything goes, once; the count is the server's.
    context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    refused = phone.locator(".kiosk-action").first
    expect(refused).to_contain_text("被退回", timeout=20000)
    expect(refused).to_contain_text("这一户是在另一个安置点登记的，不能在这里签出。")
    expect(refused).not_to_contain_text("This person checked in at another shelter")
    expect(phone.locator(".kiosk-action").nth(1)).to_contain_text("已发送")
    expect(phone.locator(".kiosk-action").nth(1)).to_contain_text("4 人")
    expect(phone.locator(".kiosk-action").nth(2)).to_contain_text("已发送")
    expect(phone.locator("#kiosk-unsent")).to_be_hidden()
    expected = start + 3 + 2
    expect(phone.locator("#kiosk-inside")).to_have_text(f"{expected} 人")
    assert desk("GET", f"/api/v1/shelters/{school['id']}")["occupancy"] == expected
    assert desk("GET", f"/api/v1/shelters/{gym['id']}")["occupancy"] == gym["occupancy"] + 2
    assert _people(server["db"], "钱小梅") == 1
    assert _ops(server["db"], "shelter.checkin") == 2
    assert _ops(server["db"], "shelter.checkout") == 2
    close_toasts(phone)
    no_sideways_scroll(phone)
    screens(phone, "kiosk-08-states")

    # Nothing personal stays on the phone once answered; a further sync sends nothing.
    stored = json.dumps(_phone_ops(phone), ensure_ascii=False)
    for secret in ("赵大海", "钱小梅", "13900001234"):
        assert secret not in stored
    posts = len(sync_posts)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(1500)
    sent_again = [r for r in sync_posts[posts:] if json.loads(r.post_data or "{}").get("ops")]
    assert sent_again == []

    # The list check-out: online only, from the server's present list (phones masked).
    phone.get_by_role("button", name="名单签出").click()
    expect(phone.get_by_role("heading", name="名单签出")).to_be_visible()
    person = phone.locator(".present-person").filter(has_text="钱小梅")
    expect(person).to_contain_text("2 人")
    expect(phone.locator(".present-person").filter(has_text="赵大海")).to_contain_text("139****1234")
    screens(phone, "kiosk-09-present")
    person.click()
    confirm.get_by_role("button", name="签出", exact=True).click()
    expect(phone.get_by_role("heading", name=SCHOOL)).to_be_visible()
    expect(phone.locator(".kiosk-action").first).to_contain_text("签出 · 钱*")
    expect(phone.locator(".kiosk-action").first).to_contain_text("已发送", timeout=15000)
    expect(phone.locator("#kiosk-inside")).to_have_text(f"{expected - 2} 人")
    assert desk("GET", f"/api/v1/shelters/{school['id']}")["occupancy"] == expected - 2
    present = desk("GET", f"/api/v1/shelters/{school['id']}/checkins?present=1&limit=200")["items"]
    assert all(p["name"] != "钱小梅" for p in present)

    # The three states side by side: one more household, offline.
    context.set_offline(True)
    phone.wait_for_function("navigator.onLine === false")
    phone.get_by_role("button", name="登记入住").click()
    _fill_checkin(phone, "吴秀英", 1, needs=["孕妇"])
    phone.locator("#kiosk-submit").click()
    expect(phone.locator(".kiosk-action").first).to_contain_text("已存本机，待发送")
    expect(phone.locator(".kiosk-action").filter(has_text="被退回")).to_have_count(1)
    expect(phone.locator(".kiosk-action").filter(has_text="已发送")).to_have_count(4)
    expect(phone.locator("#kiosk-inside")).to_have_text(f"{expected - 1} 人")
    close_toasts(phone)
    screens(phone, "kiosk-08b-three-states")
    context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator(".kiosk-action").first).to_contain_text("已发送", timeout=20000)
    assert desk("GET", f"/api/v1/shelters/{school['id']}")["occupancy"] == expected - 1
    assert _ops(server["db"], "shelter.checkin") == 3

    # At 320 px wide: the list, the kiosk, the form.
    close_toasts(phone)
    phone.set_viewport_size({"width": 320, "height": 568})
    no_sideways_scroll(phone)
    screens(phone, "kiosk-10-kiosk-320")
    phone.get_by_role("button", name="登记入住").click()
    no_sideways_scroll(phone)
    screens(phone, "kiosk-11-form-320")
    phone.get_by_role("button", name="返回").click()
    expect(phone.get_by_role("heading", name=SCHOOL)).to_be_visible()
    phone.goto("/shelters")
    expect(phone.get_by_role("heading", name="避难所")).to_be_visible()
    expect(phone.locator(".shelter-card")).to_have_count(2)
    no_sideways_scroll(phone)
    screens(phone, "kiosk-12-list-320")


def test_the_kiosk_opens_offline_from_the_phones_copy(phone, server, screens):
    context = phone.context
    phone.goto("/")
    phone.get_by_label("用户名").fill("shelter1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.locator(".role-chip")).to_have_text("安置场所管理员")
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    phone.get_by_role("button", name="避难所").click()
    expect(phone.locator(".shelter-card")).to_have_count(2)
    context.set_offline(True)
    phone.close()
    page = context.new_page()
    page.goto("/shelters")
    expect(page.get_by_text("离线：显示的是本机上次存下的情况。")).to_be_visible()
    page.locator(".shelter-card").filter(has_text=GYM).click()
    expect(page.get_by_role("heading", name=GYM)).to_be_visible()
    expect(page.locator("#kiosk-inside")).to_have_text(re.compile(r"^\d+ 人$"))
    close_toasts(page)
    screens(page, "kiosk-13-gym-offline")
    # English second: the same screen, every word switched.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("Inside now")).to_be_visible()
    expect(page.locator("#kiosk-present-note")).to_have_text(
        "The list needs the network. With no signal, scan the receipt to check out."
    )
    expect(page.get_by_role("button", name="Scan to check out")).to_be_visible()
    no_sideways_scroll(page)
    screens(page, "kiosk-14-gym-offline-en")
    page.get_by_role("button", name="中文").click()


def _y4m(tmp_path, text):
    """A camera's picture of the receipt: the QR code as a Y4M clip for Chromium's fake camera."""
    from PIL import Image

    qr = io.BytesIO()
    symbol = segno.make_qr(text, error="m")
    # Whole pixels per module (a resampled code is blurred at its edges), about 400 px across:
    # the receipt held up to fill most of the picture's height.
    scale = max(1, 400 // symbol.symbol_size(scale=1, border=4)[0])
    symbol.save(qr, kind="png", scale=scale, border=4)
    code = Image.open(io.BytesIO(qr.getvalue())).convert("RGB")
    frame = Image.new("RGB", (640, 480), (235, 235, 230))
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (320, 240)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    path = tmp_path / "receipt.y4m"
    with open(path, "wb") as f:
        f.write(b"YUV4MPEG2 W640 H480 F5:1 Ip A1:1 C420jpeg\n")
        for _ in range(5):
            f.write(b"FRAME\n" + planes)
    return path


def test_the_camera_reads_a_receipt_live(browser, server, tmp_path, screens):
    """The camera path (getUserMedia and qr-scanner's worker, no BarcodeDetector here), with
    Chromium's fake camera showing the receipt."""
    from .conftest import CHROMIUM

    base = server["base"]
    desk = api(base, "shelter1")
    school = next(s for s in desk("GET", "/api/v1/shelters?limit=200")["items"] if s["name"] == SCHOOL)
    receipt = _public_checkin(base, school["code"], "郑春华", 3)
    before = desk("GET", f"/api/v1/shelters/{school['id']}")["occupancy"]
    clip = _y4m(tmp_path, receipt["receipt_token"])
    # A browser of its own, from the suite's Playwright: only it has the fake camera.
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={clip}",
        ],
    )
    try:
        context = camera.new_context(
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            base_url=base,
            device_scale_factor=2,
        )
        context.grant_permissions(["camera"], origin=base)
        page = context.new_page()
        page.goto("/")
        page.get_by_label("用户名").fill("shelter1")
        page.get_by_label("密码").fill("demo12345")
        page.get_by_role("button", name="登录").click()
        expect(page.locator(".role-chip")).to_have_text("安置场所管理员")
        page.goto(f"/shelters/{school['id']}")
        expect(page.get_by_role("heading", name=SCHOOL)).to_be_visible()
        assert page.evaluate("'BarcodeDetector' in window") is False
        page.get_by_role("button", name="扫码签出").click()
        confirm = page.locator(".confirm-dialog").filter(has_text="签出这一户？")
        expect(confirm).to_be_visible(timeout=15000)
        screens(page, "kiosk-15-camera-confirm")
        confirm.get_by_role("button", name="签出", exact=True).click()
        first = page.locator(".kiosk-action").first
        expect(first).to_contain_text("凭回执签出")
        expect(first).to_contain_text("已发送", timeout=15000)
        expect(first).to_contain_text("3 人")
        # The camera is off again once the code was read.
        assert page.evaluate("document.querySelector('video') === null")
        assert desk("GET", f"/api/v1/shelters/{school['id']}")["occupancy"] == before - 3
    finally:
        camera.close()
