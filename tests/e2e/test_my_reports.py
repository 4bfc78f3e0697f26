"""我的上报: a report's card opens its detail, offline from what is on the phone (its photo from
the phone, where, what, how bad, "saved on this phone"), and online with the server's state
(已收到), its photo still shown (from the phone, or from GET /api/v1/media/<id>, which serves
it to the reporter). An id
that is neither on the phone nor on the server says so, with a way back."""

import json
import re
import uuid

from playwright.sync_api import expect

from .helpers import close_toasts as _close_toasts
from .helpers import no_sideways_scroll as _no_sideways_scroll
from .test_sizes import CHECK

GPS = {"latitude": 25.05, "longitude": 116.42, "accuracy": 12}
DESCRIPTION = "河堤有一段渗水，旁边是小学，请派人看看。"


def _jpeg(tmp_path):
    from PIL import Image

    path = tmp_path / "dyke.jpg"
    Image.new("RGB", (800, 600), (40, 90, 150)).save(path, "JPEG", quality=85)
    return path


def _img_loaded(page, selector):
    return page.evaluate(
        "(s) => [...document.querySelectorAll(s)].every((i) => i.complete && i.naturalWidth > 0)", selector
    )


def test_a_report_card_opens_its_detail_offline_then_with_the_servers_state(phone, server, screens, tmp_path):
    context = phone.context
    context.grant_permissions(["geolocation"], origin=server["base"])
    context.set_geolocation(GPS)
    phone.goto("/")
    phone.get_by_label("用户名").fill("officer1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.locator(".role-chip")).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)

    context.set_offline(True)
    phone.get_by_role("button", name="上报隐患").click()
    phone.get_by_text("洪涝", exact=True).click()
    phone.get_by_label("情况描述").fill(DESCRIPTION)
    phone.get_by_text("较大", exact=True).click()
    phone.set_input_files("#report-photo", str(_jpeg(tmp_path)))
    expect(phone.locator(".photo img")).to_have_count(1)
    expect(phone.locator("#report-location")).to_contain_text("25.05000, 116.42000")
    phone.get_by_role("button", name="上报", exact=True).click()
    expect(phone.get_by_role("heading", name="我的上报")).to_be_visible()

    # Offline: the card opens what the phone has.
    phone.get_by_role("link", name=re.compile("查看详情：洪涝")).first.click()
    expect(phone.get_by_role("heading", name="上报详情")).to_be_visible()
    assert re.search(r"/reports/[0-9a-f-]{36}$", phone.url)
    report_id = phone.url.rsplit("/", 1)[1]
    main = phone.locator("main")
    expect(main).to_contain_text(DESCRIPTION)
    expect(main).to_contain_text("洪涝")
    expect(main).to_contain_text("较大")
    expect(main).to_contain_text("25.05000, 116.42000")
    expect(phone.locator("#rd-phone-state")).to_contain_text("已存本机")
    expect(phone.locator("#rd-server-state")).to_have_count(0)
    link = phone.get_by_role("link", name="在地图上看")
    expect(link).to_have_attribute("href", re.compile(r"position=116\.42\d*,25\.05\d*"))
    photo = phone.locator('.rd-photo[data-from="phone"]')
    expect(photo).to_have_count(1)
    phone.wait_for_function("() => [...document.querySelectorAll('.rd-photo')].every((i) => i.complete)")
    assert _img_loaded(phone, ".rd-photo")
    _close_toasts(phone)
    _no_sideways_scroll(phone)
    screens(phone, "my-report-detail-offline-390")
    assert phone.evaluate(CHECK) == {"small": [], "tiny": [], "sideways": False}

    # Back online: it is sent; the detail shows the server's state, and the photo still.
    context.set_offline(False)
    phone.get_by_role("button", name="返回").click()
    expect(phone.locator(f'[data-id="{report_id}"] .state')).to_have_text(re.compile("已发送"), timeout=20000)
    phone.evaluate(
        "() => indexedDB.open('yjt')"
    )  # the phone's blob may be gone once sent; both ways must work
    phone.get_by_role("link", name=re.compile("查看详情：洪涝")).first.click()
    expect(phone.locator("#rd-server-state")).to_have_text("处理进度：已收到")
    expect(phone.locator("#rd-phone-state")).to_have_count(0)
    expect(phone.locator(".rd-photo")).to_have_count(1)
    phone.wait_for_function("() => [...document.querySelectorAll('.rd-photo')].every((i) => i.complete)")
    assert _img_loaded(phone, ".rd-photo")
    media_id = phone.locator(".rd-photo").get_attribute("data-media")
    served = phone.evaluate(
        "(id) => fetch('/api/v1/media/' + id).then((r) => [r.status, r.headers.get('Content-Type')])",
        media_id,
    )
    assert served == [200, "image/jpeg"]
    _close_toasts(phone)
    _no_sideways_scroll(phone)
    screens(phone, "my-report-detail-online-390")
    assert phone.evaluate(CHECK) == {"small": [], "tiny": [], "sideways": False}

    # An id that is nowhere: said so, with a way back.
    phone.goto(f"/reports/{uuid.uuid4()}")
    expect(phone.locator("#not-found")).to_contain_text("这部手机上和服务器上都找不到这条上报")
    phone.get_by_role("button", name="回到我的上报").click()
    expect(phone.get_by_role("heading", name="我的上报")).to_be_visible()


def test_a_refused_report_says_why_in_words_on_its_card_its_detail_and_the_outbox(phone, server):
    """The server's refusal (its English `detail`) is said in Chinese from the problem type and the
    field names; the server's text is only in the folded "服务器原话" line."""
    context = phone.context
    context.grant_permissions(["geolocation"], origin=server["base"])
    context.set_geolocation(GPS)
    phone.goto("/")
    phone.get_by_label("用户名").fill("officer1")
    phone.get_by_label("密码").fill("demo12345")
    phone.get_by_role("button", name="登录").click()
    expect(phone.locator(".role-chip")).to_be_visible()

    def refuse(route):
        if route.request.method != "POST":
            return route.continue_()
        ops = route.request.post_data_json["ops"]
        problem = {
            "type": "https://emergency-field.example/problems/validation",
            "title": "Invalid input",
            "status": 422,
            "detail": "The request has invalid fields.",
            "errors": {"description": ["Longer than maximum length 2000."]},
        }
        body = {
            "results": [{"op_id": op["op_id"], "status": "rejected", "error": problem} for op in ops],
            "cursor": "0",
        }
        return route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    phone.route("**/api/v1/sync", refuse)
    phone.get_by_role("button", name="上报隐患").click()
    phone.get_by_text("洪涝", exact=True).click()
    phone.get_by_label("情况描述").fill("被拒绝的上报")
    expect(phone.locator("#report-location")).to_contain_text("25.05000, 116.42000")
    phone.get_by_role("button", name="上报", exact=True).click()
    expect(phone.get_by_role("heading", name="我的上报")).to_be_visible()

    card = phone.locator(".card", has_text="被拒绝的上报")
    expect(card.locator(".refusal-message")).to_have_text("有几项需要改一下。", timeout=15000)
    expect(card.locator(".refusal-fields")).to_have_text("描述：太长了，请删短一些")
    expect(card.locator(".refusal-details")).not_to_have_attribute("open", "")
    expect(card.get_by_text("Longer than maximum length 2000.")).to_be_hidden()
    card.locator(".refusal-details summary").click()
    expect(card.locator(".refusal-details")).to_contain_text("Longer than maximum length 2000.")

    card.get_by_role("link", name=re.compile("查看详情")).click()
    expect(phone.locator("#rd-phone-state")).to_contain_text("被退回")
    expect(phone.locator("main .refusal-fields")).to_have_text("描述：太长了，请删短一些")

    phone.goto("/outbox")
    item = phone.locator("[data-op]", has_text="被拒绝的上报")
    expect(item.locator(".refusal-message")).to_have_text("有几项需要改一下。")
    expect(item.locator(".refusal-fields")).to_have_text("描述：太长了，请删短一些")
