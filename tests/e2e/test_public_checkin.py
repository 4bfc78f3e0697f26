"""An evacuee scans the poster with WeChat: `/s/<code>` in a phone browser with JavaScript off
(and on, and with the app's service worker in charge of the origin): the stepper, the form, the
receipt and its QR image, a back button and the form sent again counted once, a full shelter's
page pointing elsewhere. Occupancy is read as the duty officer reads it, through the API."""

import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from .conftest import SHOTS
from .helpers import api, no_sideways_scroll

WECHAT = (
    "Mozilla/5.0 (Linux; Android 12; M2012K11AC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile "
    "Safari/537.36 MMWEBID/6169 MicroMessenger/8.0.28.2240(0x28001C35) WeChat/arm64 Weixin "
    "NetType/WIFI Language/zh_CN ABI/arm64"
)
EMPTY = "临城镇中心小学避灾安置点"
GYM = "上杭县体育馆"
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 568}


_DESKS: dict = {}


def _duty(server):
    """The duty officer, logged in once (logins are rate-limited per username)."""
    if server["base"] not in _DESKS:
        _DESKS[server["base"]] = api(server["base"], "duty")
    return _DESKS[server["base"]]


def _shelter(server, name) -> dict:
    listed = _duty(server)("GET", "/api/v1/shelters?limit=200")["items"]
    return next(s for s in listed if s["name"] == name)


def _occupancy(server, shelter) -> int:
    return _duty(server)("GET", f"/api/v1/shelters/{shelter['id']}")["occupancy"]


def _context(browser, server, js: bool, viewport=PHONE):
    return browser.new_context(
        viewport=viewport,
        user_agent=WECHAT,
        java_script_enabled=js,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=server["base"],
        is_mobile=True,
        has_touch=True,
    )


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _form_id(page) -> str:
    return page.locator('input[name="id"]').input_value()


def _decode(png: bytes) -> list[str]:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode)
    return [b.text for b in found]


def _qr_src(page) -> str:
    return page.locator("img.qr").get_attribute("src")


def _check_in(page, code: str, name: str, prefix: str, step_first: bool = True) -> str:
    """Fills the form the way a thumb does, with the stepper; returns the form's id."""
    page.goto(f"/s/{code}")
    expect(page.locator("h1")).to_have_text(EMPTY)
    if step_first:
        _shot(page, f"{prefix}-form")
    form_id = _form_id(page)
    page.get_by_label("姓名").fill(name)
    page.get_by_label("手机号码").fill("139 1234 5678")
    page.get_by_role("checkbox", name="老人").check()
    # Two taps on +: each a form post that draws the form again, every value kept.
    page.get_by_role("button", name="增加一人 More").click()
    expect(page.locator("#household_size")).to_have_value("2")
    page.get_by_role("button", name="增加一人 More").click()
    expect(page.locator("#household_size")).to_have_value("3")
    expect(page.get_by_label("姓名")).to_have_value(name)
    expect(page.get_by_label("手机号码")).to_have_value("139 1234 5678")
    expect(page.get_by_role("checkbox", name="老人")).to_be_checked()
    assert _form_id(page) == form_id
    page.locator("button.btn").click()
    expect(page).to_have_url(re.compile(rf"/s/{code}/r/[^/]+$"))
    return form_id


def _receipt_checks(page, server, receipt_url: str, prefix: str) -> str:
    expect(page.locator("h1")).to_contain_text("已登记入住")
    body = page.locator("main").inner_text()
    assert "3 人" in body and EMPTY in body and "请保存此二维码，离开时出示" in body
    assert "5678" not in page.content() and "5678" not in receipt_url
    src = _qr_src(page)
    assert src.endswith("/qr.png") and not src.startswith("data:")
    png = page.request.get(src)
    assert png.ok and png.headers["content-type"] == "image/png"
    (token,) = _decode(png.body())
    _shot(page, f"{prefix}-receipt")
    no_sideways_scroll(page)
    return token


def _image_loaded(browser, server, receipt_url: str) -> None:
    """The QR as a browser draws it (naturalWidth > 0), from a page where script may run."""
    ctx = _context(browser, server, js=True)
    page = ctx.new_page()
    page.goto(receipt_url)
    page.locator("img.qr").wait_for()
    page.wait_for_function("document.querySelector('img.qr').complete")
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    ctx.close()


def test_with_javascript_off_a_family_steps_fills_checks_in_and_a_resent_form_counts_once(browser, server):
    shelter = _shelter(server, EMPTY)
    before = _occupancy(server, shelter)
    ctx = _context(browser, server, js=False)
    page = ctx.new_page()
    form_id = _check_in(page, shelter["code"], "陈桂兰", "public-nojs")
    receipt_url = page.url
    token = _receipt_checks(page, server, receipt_url, "public-nojs")
    assert _occupancy(server, shelter) == before + 3
    _image_loaded(browser, server, receipt_url)

    # A fresh form has a new id; the old form's post again (a back button's "resend") does not
    # count twice: the same receipt.
    page.goto(f"/s/{shelter['code']}")
    assert _form_id(page) != form_id
    resend = ctx.request.post(
        f"/s/{shelter['code']}",
        form={
            "id": form_id,
            "name": "陈桂兰",
            "phone": "13912345678",
            "household_size": "3",
            "needs": "elderly",
        },
        max_redirects=0,
    )
    assert resend.status == 303 and receipt_url.endswith(resend.headers["location"])
    assert _occupancy(server, shelter) == before + 3
    ctx.close()

    # The token is what the kiosk's check-out takes.
    result = api(server["base"], "shelter1")(
        "POST",
        "/api/v1/sync",
        {
            "device_id": "5d0b4f0e-2c1a-4d8e-9a53-7a3b1c0d9e11",
            "ops": [
                {
                    "op_id": "0e6a3b6c-8b0f-4f43-a4c2-1f0f4f1d2b01",
                    "type": "shelter.checkout",
                    "at": "2026-12-01T21:00:00+08:00",
                    "data": {"token": token},
                }
            ],
        },
    )["results"][0]
    assert result["status"] == "applied", result
    assert _occupancy(server, shelter) == before


def test_the_back_button_then_the_same_form_sent_again_is_counted_once(browser, server):
    shelter = _shelter(server, EMPTY)
    before = _occupancy(server, shelter)
    ctx = _context(browser, server, js=False)
    page = ctx.new_page()
    page.goto(f"/s/{shelter['code']}")
    form_id = _form_id(page)
    page.get_by_label("姓名").fill("林小明")
    page.locator("#household_size").fill("2")
    page.locator("button.btn").click()
    expect(page).to_have_url(re.compile(r"/r/[^/]+$"))
    receipt_url = page.url
    assert _occupancy(server, shelter) == before + 2
    # Back: the form's own address (its id is in it), which now says it was sent, and leads to
    # the same receipt or to a new form; the old post sent again lands on the same receipt.
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/s/{shelter['code']}\?f={form_id}$"))
    expect(page.get_by_role("heading", name=re.compile("这张表已经提交过了"))).to_be_visible()
    _shot(page, "public-nojs-back")
    page.get_by_role("link", name=re.compile("查看我的登记凭证")).click()
    expect(page).to_have_url(receipt_url)
    resend = ctx.request.post(
        f"/s/{shelter['code']}?f={form_id}",
        form={"id": form_id, "name": "林小明", "household_size": "2"},
        max_redirects=0,
    )
    assert resend.status == 303 and receipt_url.endswith(resend.headers["location"])
    assert _occupancy(server, shelter) == before + 2
    # 再登记一户: a new form, a new id.
    page.get_by_role("link", name=re.compile("再登记一户")).click()
    expect(page.locator("h1")).to_have_text(EMPTY)
    assert _form_id(page) != form_id
    ctx.close()


def test_with_javascript_on_the_same_page_works_the_same(browser, server):
    shelter = _shelter(server, EMPTY)
    before = _occupancy(server, shelter)
    ctx = _context(browser, server, js=True)
    page = ctx.new_page()
    _check_in(page, shelter["code"], "黄志强", "public-js", step_first=False)
    _receipt_checks(page, server, page.url, "public-js")
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    assert _occupancy(server, shelter) == before + 3
    ctx.close()


def test_bad_answers_come_back_in_words_beside_each_field_with_everything_typed_kept(browser, server):
    shelter = _shelter(server, EMPTY)
    before = _occupancy(server, shelter)
    for viewport, suffix in ((PHONE, "390"), (NARROW, "320")):
        ctx = _context(browser, server, js=False, viewport=viewport)
        page = ctx.new_page()
        page.goto(f"/s/{shelter['code']}")
        if suffix == "320":
            _shot(page, "public-form-320")
        page.get_by_label("手机号码").fill("0597 123")
        page.locator("#household_size").fill("0")
        page.get_by_role("checkbox", name="孕妇").check()
        if suffix == "390":
            # Enter in a field sends the form as 登记入住 would, never as − (the first button seen).
            page.get_by_label("手机号码").press("Enter")
        else:
            page.locator("button.btn").click()
        expect(page.locator("#name-error")).to_contain_text("请填写姓名")
        expect(page.locator("#phone-error")).to_contain_text("手机号码应为11位")
        expect(page.locator("#household_size-error")).to_contain_text("人数应为1到50")
        expect(page.get_by_label("手机号码")).to_have_value("0597 123")
        expect(page.locator("#household_size")).to_have_value("0")
        expect(page.get_by_role("checkbox", name="孕妇")).to_be_checked()
        _shot(page, f"public-error-{suffix}")
        ctx.close()
    assert _occupancy(server, shelter) == before


def test_a_full_shelter_says_so_and_lists_the_nearest_with_room(browser, server):
    gym = _shelter(server, GYM)
    desk = api(server["base"], "town1")
    capacity = gym["capacity"]
    desk("PATCH", f"/api/v1/shelters/{gym['id']}", {"capacity": gym["occupancy"]})
    try:
        for viewport, suffix in ((PHONE, "390"), (NARROW, "320")):
            ctx = _context(browser, server, js=False, viewport=viewport)
            page = ctx.new_page()
            page.goto(f"/s/{gym['code']}")
            expect(page.locator(".state")).to_have_text("已满 · Full")
            expect(page.get_by_role("heading", name=re.compile("附近还有空位的安置场所"))).to_be_visible()
            first = page.locator("a.alt").first
            expect(first).to_contain_text(re.compile(r"距离 \d+(\.\d)? 公里 · 剩余 \d+ 个床位"))
            assert page.locator('input[name="name"]').count() == 0
            _shot(page, f"public-full-{suffix}")
            no_sideways_scroll(page)
            ctx.close()
        # The receipt at 320 too.
        shelter = _shelter(server, EMPTY)
        ctx = _context(browser, server, js=False, viewport=NARROW)
        page = ctx.new_page()
        _check_in(page, shelter["code"], "吴芳", "public-320", step_first=False)
        _receipt_checks(page, server, page.url, "public-320")
        ctx.close()
    finally:
        desk("PATCH", f"/api/v1/shelters/{gym['id']}", {"capacity": capacity})


def test_with_the_apps_service_worker_in_charge_the_poster_link_still_opens_the_servers_form(browser, server):
    shelter = _shelter(server, EMPTY)
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=server["base"])
    page = ctx.new_page()
    page.goto("/")
    page.get_by_label("用户名").fill("member1")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_be_visible()
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20000
    )
    page.goto(f"/s/{shelter['code']}")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    expect(page.locator("h1")).to_have_text(EMPTY)
    expect(page.locator(f'form[action^="/s/{shelter["code"]}?f="]')).to_be_visible()
    assert page.locator("#app").count() == 0  # not the app's shell
    _shot(page, "public-with-sw")
    ctx.close()


def test_a_form_sent_while_offline_checks_nobody_in_and_sent_again_online_counts_once(browser, server):
    shelter = _shelter(server, EMPTY)
    before = _occupancy(server, shelter)
    ctx = _context(browser, server, js=False)
    page = ctx.new_page()
    page.goto(f"/s/{shelter['code']}")
    form_id = _form_id(page)
    page.get_by_label("姓名").fill("郑海")
    page.locator("#household_size").fill("4")
    ctx.set_offline(True)
    try:
        page.locator("button.btn").click()
    except Exception:  # noqa: BLE001 - Chromium's own "no internet" page is the expected end
        pass
    _shot(page, "public-nojs-offline")
    ctx.set_offline(False)
    assert _occupancy(server, shelter) == before
    # Reload on the browser's "no internet" page, signal back: the same post (the same id) goes
    # again, nothing typed was lost, and it lands on the receipt.
    page.reload()
    expect(page).to_have_url(re.compile(rf"/s/{shelter['code']}/r/[^/]+$"))
    expect(page.locator("h1")).to_contain_text("已登记入住")
    assert "4 人" in page.locator("main").inner_text()
    resend = ctx.request.post(
        f"/s/{shelter['code']}?f={form_id}",
        form={"id": form_id, "name": "郑海", "household_size": "4"},
        max_redirects=0,
    )
    assert resend.status == 303 and page.url.endswith(resend.headers["location"])
    assert _occupancy(server, shelter) == before + 4
    ctx.close()
