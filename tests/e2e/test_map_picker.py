"""A village information officer with no GPS (permission not granted) picks the hazard's point on
the map: the pin starts at the village centre, moves with a tap and a drag, and the report reaches
the server in WGS-84 (the GCJ-02 shift of the Amap tiles undone). No tiles load here (no internet):
the picker still works on its plain grid and says the background did not load."""

import math
import re
import time

from playwright.sync_api import expect

from .conftest import SHOTS
from .helpers import no_sideways_scroll as _no_sideways_scroll

# 城东村 (server/demo/data.py): officer1's region, the picker's start when there is no fix.
CENTRE = (25.0560, 116.4420)
ZOOM = 15  # the picker's zoom for a region centre
DESCRIPTION = "河堤外侧出现管涌，水已漫到田边。"

# --- The public WGS-84 <-> GCJ-02 formulas, written again here so the test does not trust the app's.
_A = 6378245.0
_EE = 0.00669342162296594323


def _out_of_china(lat, lon):
    return lon < 72.004 or lon > 137.8347 or lat < 0.8293 or lat > 55.8271


def _d_lat(x, y):
    r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
    r += (20 * math.sin(y * math.pi) + 40 * math.sin(y / 3 * math.pi)) * 2 / 3
    r += (160 * math.sin(y / 12 * math.pi) + 320 * math.sin(y / 30 * math.pi)) * 2 / 3
    return r


def _d_lon(x, y):
    r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20 * math.sin(6 * x * math.pi) + 20 * math.sin(2 * x * math.pi)) * 2 / 3
    r += (20 * math.sin(x * math.pi) + 40 * math.sin(x / 3 * math.pi)) * 2 / 3
    r += (150 * math.sin(x / 12 * math.pi) + 300 * math.sin(x / 30 * math.pi)) * 2 / 3
    return r


def wgs_to_gcj(lat, lon):
    if _out_of_china(lat, lon):
        return lat, lon
    rad = lat / 180 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sq = math.sqrt(magic)
    d_lat = _d_lat(lon - 105, lat - 35) * 180 / ((_A * (1 - _EE)) / (magic * sq) * math.pi)
    d_lon = _d_lon(lon - 105, lat - 35) * 180 / (_A / sq * math.cos(rad) * math.pi)
    return lat + d_lat, lon + d_lon


def gcj_to_wgs(lat, lon):
    w_lat, w_lon = lat, lon
    for _ in range(30):
        g_lat, g_lon = wgs_to_gcj(w_lat, w_lon)
        w_lat, w_lon = w_lat - (g_lat - lat), w_lon - (g_lon - lon)
    return w_lat, w_lon


def metres(a, b):
    r = 6371008.8
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(h))


# --- Web Mercator, as every XYZ tile map (and Leaflet) draws it.
def to_pixels(lat, lon, zoom):
    size = 256 * 2**zoom
    s = math.sin(math.radians(lat))
    return (lon + 180) / 360 * size, (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * size


def from_pixels(x, y, zoom):
    size = 256 * 2**zoom
    lon = x / size * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / size))))
    return lat, lon


def _login(page, username="officer1"):
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text(re.compile("灾害信息员"))).to_be_visible()


def _kept(page, key):
    """A value of the app's meta store (IndexedDB), as the phone keeps it."""
    return page.evaluate(
        """async (key) => {
            const db = await new Promise((ok, err) => {
                const r = indexedDB.open("yjt"); r.onsuccess = () => ok(r.result); r.onerror = err;
            });
            return await new Promise((ok) => {
                const r = db.transaction("meta").objectStore("meta").get(key);
                r.onsuccess = () => ok(r.result ?? null);
            });
        }""",
        key,
    )


def _next_frames(page):
    page.evaluate("new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))")


def _pin_tip(pin):
    """The picked point on screen: the bottom centre of the pin (its anchor is 1 px above)."""
    box = pin.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] - 1


def _touch_drag(page, x, y, dx, dy, steps=12):
    """A one-finger drag, as real touch events (Playwright's touchscreen only taps)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, steps + 1):
        point = {"x": x + dx * i / steps, "y": y + dy * i / steps}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def _duty_reports(browser, base):
    """Reads the reports as the county duty officer, through a request context of its own (its
    cookies never mix with the officer's phone)."""
    desk = browser.new_context(base_url=base)
    try:
        login = desk.request.post("/api/v1/auth/login", data={"username": "duty", "password": "demo12345"})
        assert login.ok, login.status
        resp = desk.request.get("/api/v1/reports")
        assert resp.ok, resp.status
        return resp.json()["items"]
    finally:
        desk.close()


def test_reference_formulas_agree_with_the_published_point():
    lat, lon = wgs_to_gcj(39.9087, 116.3975)
    assert metres((lat, lon), (39.91010, 116.40374)) < 1.5
    assert metres(gcj_to_wgs(lat, lon), (39.9087, 116.3975)) < 0.01
    # The shift at the demo village is what the test below must see undone.
    assert 400 < metres(CENTRE, wgs_to_gcj(*CENTRE)) < 800


def test_a_point_picked_on_the_map_reaches_the_server_in_wgs84(phone, server, screens, browser):
    # No geolocation permission: the GPS fails at once, as when the user said no.
    _login(phone)
    phone.get_by_role("button", name="上报隐患").click()
    expect(phone.locator("#report-location")).to_contain_text("无法自动定位", timeout=20000)
    phone.get_by_text("洪涝", exact=True).click()
    phone.get_by_label("情况描述").fill(DESCRIPTION)

    phone.get_by_role("button", name="在地图上选点").click()
    dialog = phone.get_by_role("dialog", name="在地图上选点")
    expect(dialog).to_be_visible()
    readout = dialog.locator(".map-readout")
    # Starts at the village centre, shown in WGS-84 (what is stored), drawn shifted on GCJ-02 tiles.
    expect(readout).to_have_text("图钉位置：25.05600, 116.44200")
    expect(dialog).to_contain_text("起点：城东村中心")
    # No internet here: the tiles fail, the user is told, and the pin is still there to move.
    expect(dialog.get_by_text("地图底图无法加载，仍可拖动图钉选点")).to_be_visible(timeout=15000)
    pin = dialog.get_by_role("button", name=re.compile("^图钉"))
    expect(pin).to_be_visible()
    use = dialog.get_by_role("button", name="使用这个位置")
    assert use.bounding_box()["height"] >= 48
    assert dialog.get_by_role("button", name="取消").bounding_box()["height"] >= 48
    assert dialog.get_by_role("button", name="手动输入坐标").bounding_box()["height"] >= 48
    assert dialog.get_by_role("button", name="放大").bounding_box()["height"] >= 48
    _no_sideways_scroll(phone)

    # The pin stands in the middle of the map, and the map fills most of the phone. (The note took
    # its room from the map: let the map re-centre, in the next frame, before measuring.)
    _next_frames(phone)
    canvas = dialog.locator(".map-canvas").bounding_box()
    assert canvas["height"] > 844 / 2
    x0, y0 = _pin_tip(pin)
    assert abs(x0 - (canvas["x"] + canvas["width"] / 2)) <= 1.5
    assert abs(y0 - (canvas["y"] + canvas["height"] / 2)) <= 1.5
    screens(phone, "map-picker-390")

    # Tap the map: the pin goes there.
    phone.touchscreen.tap(x0 - 50, y0 + 40)
    expect(readout).not_to_have_text("图钉位置：25.05600, 116.44200")
    x1, y1 = _pin_tip(pin)
    assert abs(x1 - (x0 - 50)) <= 1.5 and abs(y1 - (y0 + 40)) <= 1.5

    # Drag the pin with a finger: it follows (grabbed by its head, not its tip).
    box = pin.bounding_box()
    _touch_drag(phone, box["x"] + box["width"] / 2, box["y"] + box["height"] / 3, 90, -70)
    x2, y2 = _pin_tip(pin)
    assert abs(x2 - (x0 + 40)) <= 1.5 and abs(y2 - (y0 - 30)) <= 1.5
    shown = readout.inner_text()
    screens(phone, "map-picker-390-moved")

    # Where that is: 40 px east and 30 px north of the start on the GCJ-02 map, back in WGS-84.
    cx, cy = to_pixels(*wgs_to_gcj(*CENTRE), ZOOM)
    gcj_point = from_pixels(cx + (x2 - x0), cy + (y2 - y0), ZOOM)
    expected = gcj_to_wgs(*gcj_point)
    shown_point = tuple(float(n) for n in re.findall(r"\d+\.\d+", shown))
    assert metres(shown_point, expected) < 15, (shown, expected)

    use.click()
    expect(dialog).to_be_hidden()
    expect(phone.locator("#report-location")).to_contain_text("地图选点")
    expect(phone.get_by_role("button", name="在地图上选点")).to_be_focused()
    phone.locator("#report-location").scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "map-picker-390-used.png"))
    phone.get_by_role("button", name="上报", exact=True).click()
    expect(phone.get_by_role("heading", name="我的上报")).to_be_visible()
    card = phone.locator(".card").filter(has_text=DESCRIPTION)
    expect(card).to_contain_text("已发送", timeout=20000)

    # The server, read by the county duty officer, holds the WGS-84 point.
    mine = [r for r in _duty_reports(browser, server["base"]) if r["description"] == DESCRIPTION]
    assert len(mine) == 1
    stored = (mine[0]["location"]["lat"], mine[0]["location"]["lon"])
    assert metres(stored, expected) < 15, (stored, expected)
    # Near the village centre (the picker's start): the pin moved ~220 m.
    assert 100 < metres(stored, CENTRE) < 400, metres(stored, CENTRE)
    # ...and not the raw map coordinates, which are ~570 m off in WGS-84 terms.
    assert metres(stored, gcj_point) > 400, metres(stored, gcj_point)


def test_the_picker_opens_offline_and_fits_the_smallest_phone(browser, server, screens):
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
    _login(page)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    # Signed in with a signal: the tile settings and the region centre are kept for later.
    region_id = page.evaluate("JSON.parse(localStorage['yjt.me']).user.region_id")
    deadline = time.monotonic() + 15
    while not (_kept(page, "map_config") and _kept(page, f"region_centre:{region_id}")):
        assert time.monotonic() < deadline, "the map settings were not kept after sign-in"
        page.wait_for_timeout(200)
    assert _kept(page, "map_config")["crs"] == "gcj02"

    # Out of range: the map (a lazy chunk, precached) still opens, at the kept village centre.
    context.set_offline(True)
    page.get_by_role("button", name="上报隐患").click()
    expect(page.get_by_label("纬度")).to_be_visible(timeout=20000)
    page.get_by_role("button", name="在地图上选点").click()
    dialog = page.get_by_role("dialog", name="在地图上选点")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".map-readout")).to_have_text("图钉位置：25.05600, 116.44200")
    expect(dialog.get_by_text("地图底图无法加载，仍可拖动图钉选点")).to_be_visible(timeout=15000)
    pin = dialog.get_by_role("button", name=re.compile("^图钉"))
    expect(pin).to_be_visible()
    canvas = dialog.locator(".map-canvas").bounding_box()
    assert canvas["height"] >= 180, canvas
    use = dialog.get_by_role("button", name="使用这个位置")
    expect(use).to_be_in_viewport()
    assert use.bounding_box()["height"] >= 48
    assert use.bounding_box()["y"] + use.bounding_box()["height"] <= 568
    _no_sideways_scroll(page)
    screens(page, "map-picker-320")

    # Without dragging: the pin takes the focus and moves with the arrow keys.
    pin.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    expect(dialog.locator(".map-readout")).not_to_have_text("图钉位置：25.05600, 116.44200")

    # The typed entry stays one tap away, from the picker too.
    dialog.get_by_role("button", name="手动输入坐标").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("纬度")).to_be_focused()

    # Escape (or the phone's back gesture) cancels and keeps nothing.
    page.get_by_role("button", name="在地图上选点").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#report-location")).not_to_contain_text("地图选点")

    # In English too, nothing sideways.
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Pick on the map").click()
    dialog = page.get_by_role("dialog", name="Pick on the map")
    expect(dialog.get_by_role("button", name="Use this point")).to_be_visible()
    expect(dialog.get_by_text("The map background cannot load")).to_be_visible(timeout=15000)
    _no_sideways_scroll(page)
    screens(page, "map-picker-320-en")
    dialog.get_by_role("button", name="Use this point").click()
    expect(page.locator("#report-location")).to_contain_text("picked on the map")
    context.close()


def _tile_png():
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 230, 200)).save(buf, "PNG")
    return buf.getvalue()


def test_tiles_seen_online_show_again_offline(phone, server, screens):
    """The tile host is played by Playwright (there is no internet here): tiles load, the worker
    keeps them, and with the host gone the same place still has its background."""
    context = phone.context
    png = _tile_png()
    served = []

    def tile(route):
        served.append(route.request.url)
        route.fulfill(
            status=200, body=png, headers={"Content-Type": "image/png", "Access-Control-Allow-Origin": "*"}
        )

    context.route(re.compile(r"^https://webrd0\d\.is\.autonavi\.com/"), tile)
    _login(phone)
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    phone.get_by_role("button", name="上报隐患").click()
    phone.get_by_role("button", name="在地图上选点").click()
    dialog = phone.get_by_role("dialog", name="在地图上选点")
    expect(dialog.locator("img.leaflet-tile-loaded").first).to_be_visible(timeout=15000)
    phone.wait_for_timeout(1000)
    expect(dialog.get_by_text("地图底图无法加载")).to_be_hidden()
    assert served
    kept = phone.evaluate("async () => (await (await caches.open('yjt-map-tiles')).keys()).length")
    assert kept > 0
    dialog.get_by_role("button", name="取消").click()

    # Out of range, in a fresh page (no image memory cache): the same place opens with its tiles,
    # from the worker's cache, and nothing asks the network for them.
    context.unroute(re.compile(r"^https://webrd0\d\.is\.autonavi\.com/"))
    asked = []
    context.route(
        re.compile(r"^https://webrd0\d\.is\.autonavi\.com/"),
        lambda r: (asked.append(r.request.url), r.abort()),
    )
    context.set_offline(True)
    phone.close()
    page = context.new_page()
    page.goto("/report")
    page.get_by_role("button", name="在地图上选点").click()
    dialog = page.get_by_role("dialog", name="在地图上选点")
    expect(dialog.locator("img.leaflet-tile-loaded").first).to_be_visible(timeout=15000)
    page.wait_for_timeout(1000)
    expect(dialog.get_by_text("地图底图无法加载")).to_be_hidden()
    assert asked == []
    screens(page, "map-picker-390-cached-tiles")


def test_tiles_from_a_host_without_cors_still_show_but_are_not_kept(phone, server):
    """Opaque answers would cost ~7 MB of quota each: shown, never cached."""
    context = phone.context
    png = _tile_png()
    context.route(
        re.compile(r"^https://webrd0\d\.is\.autonavi\.com/"),
        # Playwright adds CORS to answers it makes up unless told otherwise: name another origin.
        lambda route: route.fulfill(
            status=200,
            body=png,
            headers={"Content-Type": "image/png", "Access-Control-Allow-Origin": "https://elsewhere.example"},
        ),
    )
    _login(phone)
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)
    phone.get_by_role("button", name="上报隐患").click()
    phone.get_by_role("button", name="在地图上选点").click()
    dialog = phone.get_by_role("dialog", name="在地图上选点")
    expect(dialog.locator("img.leaflet-tile-loaded").first).to_be_visible(timeout=15000)
    phone.wait_for_timeout(1000)
    expect(dialog.get_by_text("地图底图无法加载")).to_be_hidden()
    assert phone.evaluate("async () => (await (await caches.open('yjt-map-tiles')).keys()).length") == 0
