"""Running shelters from the phone at 390x844: shelter1 closes a shelter (asked first), the public
JSON door then refuses with shelter-closed, the phone's copy says 关闭 offline, where the buttons
are disabled with the reason; it reopens it and the record shows both steps with shelter1's name;
supplies saved are there after a reload; the desk (town1) opens the QR poster in a new page with
its cookies, and downloads the PDF and SVG; the desk registers a shelter with the map picker (an
invalid capacity shows the field error and keeps what was typed) and it is in /shelters and in
GET /api/v1/shelters; an edit the server refuses (capacity below the people inside) shows the
error beside the field and keeps the value."""

import json
import urllib.error
import urllib.request
import uuid

from playwright.sync_api import expect

from .helpers import api, close_toasts, no_sideways_scroll

SCHOOL = "临城镇中心小学避灾安置点"
GYM = "上杭县体育馆"
MANAGER_NAME = "临城镇中心小学安置点管理员"  # shelter1's display name (server/demo/load.py)


def _login(page, username, role):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role-chip")).to_have_text(role)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    close_toasts(page)


def _public_checkin(base, code):
    body = {"id": str(uuid.uuid4()), "name": "关门测试", "household_size": 1}
    req = urllib.request.Request(
        f"{base}/api/v1/public/shelters/{code}/checkins",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def _token(base, username):
    req = urllib.request.Request(
        base + "/api/v1/auth/login",
        data=json.dumps({"username": username, "password": "demo12345"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)["access_token"]


def _delete_shelter(base, shelter_id):
    req = urllib.request.Request(
        f"{base}/api/v1/shelters/{shelter_id}",
        method="DELETE",
        headers={"Authorization": f"Bearer {_token(base, 'admin')}"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 204


def _shelter(base, username, name):
    return next(
        s for s in api(base, username)("GET", "/api/v1/shelters?limit=200")["items"] if s["name"] == name
    )


def test_a_manager_closes_and_reopens_their_shelter_and_saves_its_supplies(phone, server, screens, shot):
    base = server["base"]
    school = _shelter(base, "shelter1", SCHOOL)
    assert school["status"] == "open"
    before = {k: v["quantity"] for k, v in school["supplies"].items()}
    _login(phone, "shelter1", "安置场所管理员")
    try:
        phone.get_by_role("button", name="避难所").click()
        phone.locator(".shelter-card").filter(has_text=SCHOOL).click()
        panel = phone.locator(".manage-panel")
        expect(panel).to_be_visible()
        expect(phone.locator("#manage-state-line")).to_have_text("现在开放，正在接受入住。")
        expect(phone.locator("#manage-open")).to_be_hidden()
        expect(phone.locator("#poster-base-note")).to_contain_text("PUBLIC_BASE_URL")
        no_sideways_scroll(phone)
        screens(phone, "manage-01-kiosk-390")

        # Closing asks first, and says what closing means.
        phone.get_by_role("button", name="关闭", exact=True).click()
        dialog = phone.get_by_role("dialog", name=f"关闭{SCHOOL}？")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("不能再登记入住")
        screens(phone, "manage-02-close-confirm-390")
        dialog.get_by_role("button", name="不关闭").click()
        expect(dialog).to_be_hidden()
        assert _shelter(base, "shelter1", SCHOOL)["status"] == "open"  # "no" changed nothing

        phone.get_by_role("button", name="关闭", exact=True).click()
        dialog = phone.get_by_role("dialog", name=f"关闭{SCHOOL}？")
        dialog.get_by_role("button", name="关闭安置点").click()
        expect(phone.locator(".kiosk-count .shelter-state")).to_have_text("关闭")
        expect(phone.locator("#manage-open")).to_be_visible()
        assert _shelter(base, "shelter1", SCHOOL)["status"] == "closed"

        # The public door now refuses, by its type.
        status, problem = _public_checkin(base, school["code"])
        assert status == 409 and problem["type"].endswith("shelter-closed"), (status, problem)

        # Offline: the phone's copy says 关闭 after a reload, and every step is disabled, saying why.
        phone.context.set_offline(True)
        phone.reload()
        expect(phone.locator(".kiosk-count .shelter-state")).to_have_text("关闭")
        expect(phone.locator("#manage-offline")).to_be_visible()
        expect(phone.locator("#manage-offline")).to_contain_text("没有网络")
        expect(phone.locator("#manage-open")).to_be_disabled()
        expect(phone.locator("#supplies-save")).to_be_disabled()
        expect(phone.locator("#supply-water")).to_be_disabled()
        expect(phone.locator("#poster-print")).to_have_attribute("aria-disabled", "true")
        assert phone.locator("#poster-print").get_attribute("href") is None
        screens(phone, "manage-03-offline-390")
        phone.context.set_offline(False)
        phone.reload()
        expect(phone.locator("#manage-open")).to_be_enabled(timeout=15000)

        phone.get_by_role("button", name="开放", exact=True).click()
        expect(phone.locator(".kiosk-count .shelter-state")).to_have_text("开放")
        expect(phone.locator(".toast")).to_contain_text("已开放")
        assert _shelter(base, "shelter1", SCHOOL)["status"] == "open"

        # The record: newest first, each with who.
        rows = phone.locator("#shelter-events .event-row")
        expect(rows.first).to_contain_text("开放")
        expect(rows.nth(1)).to_contain_text("关闭")
        expect(rows.first).to_contain_text(MANAGER_NAME)
        expect(rows.nth(1)).to_contain_text(MANAGER_NAME)

        # Supplies: typed and stepped, one save, there after a reload and on the server.
        water = phone.locator("#supply-water")
        water.fill("250")
        phone.locator("#supply-food").fill("30")
        phone.get_by_role("button", name="增加食品（份）").click()
        expect(phone.locator("#supply-food")).to_have_value("40")
        phone.get_by_role("button", name="减少被褥（套）").click()  # from the stored value, never below 0
        bedding = max(0, before["bedding"] - 1)
        expect(phone.locator("#supply-bedding")).to_have_value(str(bedding))
        phone.locator("#supply-medicine").fill("abc")
        phone.get_by_role("button", name="保存物资").click()
        expect(phone.locator("#supplies-error")).to_contain_text("药品（箱）")
        expect(phone.locator("#supply-medicine")).to_have_value("abc")  # kept, to correct
        phone.locator("#supply-medicine").fill("7")
        phone.get_by_role("button", name="保存物资").click()
        expect(phone.locator("#supplies-saved")).to_contain_text("物资已保存")
        screens(phone, "manage-04-supplies-390")
        phone.reload()
        expect(phone.locator("#supply-water")).to_have_value("250")
        expect(phone.locator("#supply-food")).to_have_value("40")
        expect(phone.locator("#supply-medicine")).to_have_value("7")
        stored = {k: v["quantity"] for k, v in _shelter(base, "shelter1", SCHOOL)["supplies"].items()}
        assert stored == {"water": 250, "food": 40, "bedding": bedding, "medicine": 7}
        screens(phone, "manage-05-after-reload-390")

        phone.set_viewport_size({"width": 320, "height": 568})
        no_sideways_scroll(phone)
        screens(phone, "manage-06-kiosk-320")
        shot(phone, "manage-06-kiosk-320-full")
    finally:
        phone.context.set_offline(False)
        desk = api(base, "shelter1")
        desk("PUT", f"/api/v1/shelters/{school['id']}/supplies", before)
        desk("POST", f"/api/v1/shelters/{school['id']}/open")


def test_the_desk_opens_the_poster_in_a_new_page_with_its_cookies(phone, server, screens):
    base = server["base"]
    school = _shelter(base, "town1", SCHOOL)
    _login(phone, "town1", "值班员")
    phone.goto(f"/shelters/{school['id']}")
    link = phone.get_by_role("link", name="打印二维码海报")
    expect(link).to_have_attribute("href", f"/api/v1/shelters/{school['id']}/poster")
    expect(link).to_have_attribute("target", "_blank")
    with phone.context.expect_page() as opened:
        link.click()
    poster = opened.value
    poster.wait_for_load_state()
    assert SCHOOL in poster.content()
    expect(poster.locator("body")).to_contain_text(school["code"])
    poster.set_viewport_size({"width": 390, "height": 844})
    poster.screenshot(path="test-results/screenshots/manage-07-poster-390.png")
    poster.close()
    # The downloads, with the same cookies (no Bearer token).
    for name, kind in (("下载 PDF", "application/pdf"), ("下载 SVG", "image/svg+xml")):
        href = phone.get_by_role("link", name=name).get_attribute("href")
        resp = phone.context.request.get(base + href)
        assert resp.status == 200 and resp.headers["content-type"].startswith(kind), (name, resp.status)
    # Without the cookies the poster is refused.
    bare = phone.context.browser.new_context(base_url=base)
    try:
        assert bare.request.get(f"{base}/api/v1/shelters/{school['id']}/poster").status == 401
    finally:
        bare.close()


def test_the_desk_registers_a_shelter_with_the_map_picker_and_edits_one(phone, server, screens):
    base = server["base"]
    name = f"临城镇测试安置点{uuid.uuid4().hex[:4]}"
    made_id = None
    _login(phone, "town1", "值班员")
    try:
        phone.get_by_role("button", name="避难所").click()
        phone.get_by_role("button", name="新增避难所").click()
        expect(phone.get_by_role("heading", name="新增避难所")).to_be_visible()
        phone.get_by_label("名称").fill(name)
        phone.get_by_text("村级避灾安置点", exact=True).click()
        phone.get_by_label("可容纳人数").fill("三百")
        phone.get_by_label("面积（平方米，可不填）").fill("850.5")
        phone.get_by_label("地址（可不填）").fill("城东村村委会旁")
        phone.get_by_label("所属区域").select_option(label="　城东村")
        phone.get_by_label("联系电话（可不填）").fill("13800138000")
        phone.locator("#shelterf-managers .chip").filter(has_text=MANAGER_NAME).click()
        screens(phone, "manage-08-new-390")

        # No point yet and a capacity that is not a number: both said beside their fields.
        phone.get_by_role("button", name="登记避难所").click()
        expect(phone.locator("#shelterf-err-capacity")).to_contain_text("0 到 100000 的整数")
        expect(phone.locator("#shelterf-err-location")).to_contain_text("请填写位置")
        expect(phone.get_by_label("可容纳人数")).to_have_attribute("aria-invalid", "true")
        expect(phone.get_by_label("可容纳人数")).to_have_value("三百")  # kept, to correct
        screens(phone, "manage-09-new-errors-390")

        # The draft survives a reload.
        phone.wait_for_timeout(600)
        phone.reload()
        expect(phone.locator("#shelterf-restored")).to_contain_text("已恢复")
        expect(phone.get_by_label("名称")).to_have_value(name)
        expect(phone.get_by_label("可容纳人数")).to_have_value("三百")

        phone.get_by_label("可容纳人数").fill("300")
        phone.get_by_role("button", name="在地图上选点").click()
        dialog = phone.get_by_role("dialog", name="在地图上选点")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="使用这个位置").click()
        expect(dialog).to_be_hidden()
        expect(phone.locator("#shelterf-point")).to_contain_text("地图选点")
        with phone.expect_response(
            lambda r: r.url.endswith("/api/v1/shelters") and r.request.method == "POST"
        ) as posted:
            phone.get_by_role("button", name="登记避难所").click()
        assert posted.value.status == 201
        made_id = posted.value.json()["id"]
        expect(phone.locator(".kiosk-count .shelter-state")).to_have_text("关闭")
        expect(phone.locator("main h1")).to_have_text(name)
        screens(phone, "manage-10-made-kiosk-390")

        # On the server, and in the list.
        made = _shelter(base, "town1", name)
        assert made["id"] == made_id and made["capacity"] == 300 and made["kind"] == "village"
        assert made["floor_area_m2"] == 850.5 and made["address"] == "城东村村委会旁"
        assert made["contact_phone"] == "+8613800138000"
        assert 20 < made["location"]["lat"] < 30 and 110 < made["location"]["lon"] < 120
        shelter1 = next(
            u
            for u in api(base, "town1")("GET", "/api/v1/users?role=shelter_manager")["items"]
            if u["username"] == "shelter1"
        )
        assert made["manager_ids"] == [shelter1["id"]]
        phone.goto("/shelters")
        expect(phone.locator(".shelter-card").filter(has_text=name)).to_contain_text("关闭")
        assert (
            sum(
                1
                for s in api(base, "town1")("GET", "/api/v1/shelters?limit=200")["items"]
                if s["name"] == name
            )
            == 1
        )

        # An edit the server refuses: capacity below the people in the gym, said beside the field.
        gym = _shelter(base, "town1", GYM)
        assert gym["occupancy"] > 1
        phone.goto(f"/shelters/{gym['id']}")
        phone.get_by_role("button", name="编辑").click()
        expect(phone.get_by_role("heading", name="编辑避难所")).to_be_visible()
        expect(phone.get_by_label("名称")).to_have_value(GYM)
        phone.get_by_label("可容纳人数").fill("1")
        phone.get_by_role("button", name="保存修改").click()
        expect(phone.locator("#shelterf-err-capacity")).to_contain_text("不能少于已在内的人数")
        expect(phone.locator("#shelterf-error")).to_be_visible()
        expect(phone.get_by_label("可容纳人数")).to_have_value("1")
        assert _shelter(base, "town1", GYM)["capacity"] == gym["capacity"]
        screens(phone, "manage-11-edit-refused-390")
        phone.get_by_role("button", name="清空草稿").click()
        expect(phone.get_by_label("可容纳人数")).to_have_value(str(gym["capacity"]))

        phone.set_viewport_size({"width": 320, "height": 568})
        no_sideways_scroll(phone)
        screens(phone, "manage-12-edit-320")
    finally:
        if made_id:
            _delete_shelter(base, made_id)


def test_a_create_whose_answer_was_lost_is_not_made_twice(phone, server, screens):
    """The server made the shelter but the phone never heard (the answer lost on the way): the
    draft stays, and the next tap finds the shelter made instead of registering a second one."""
    base = server["base"]
    name = f"回答丢失测试点{uuid.uuid4().hex[:4]}"
    made_ids = []
    _login(phone, "town1", "值班员")
    try:
        phone.goto("/shelters/new")
        phone.get_by_label("名称").fill(name)
        phone.get_by_label("可容纳人数").fill("50")
        phone.get_by_label("所属区域").select_option(label="临城镇")
        phone.get_by_role("button", name="在地图上选点").click()
        dialog = phone.get_by_role("dialog", name="在地图上选点")
        dialog.get_by_role("button", name="使用这个位置").click()
        expect(dialog).to_be_hidden()

        posts = []

        def lose_the_answer(route):
            posts.append(route.request)
            resp = route.fetch()  # it reaches the server, which makes the shelter...
            made_ids.append(resp.json()["id"])
            route.abort("connectionreset")  # ...and the phone never hears

        phone.route(
            "**/api/v1/shelters",
            lambda route: lose_the_answer(route) if route.request.method == "POST" else route.continue_(),
        )
        phone.get_by_role("button", name="登记避难所").click()
        expect(phone.locator("#shelterf-error")).to_contain_text("不会重复登记")
        expect(phone.get_by_label("名称")).to_have_value(name)
        screens(phone, "manage-13-answer-lost-390")
        assert len(made_ids) == 1

        phone.unroute("**/api/v1/shelters")
        phone.get_by_role("button", name="登记避难所").click()
        expect(phone.locator("main h1")).to_have_text(name)
        assert len(posts) == 1  # the second tap looked, and did not post again
        listed = [
            s for s in api(base, "town1")("GET", "/api/v1/shelters?limit=200")["items"] if s["name"] == name
        ]
        assert [s["id"] for s in listed] == made_ids
    finally:
        for shelter_id in made_ids:
            _delete_shelter(base, shelter_id)
