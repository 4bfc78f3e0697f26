"""The desk prints a shelter's QR poster from Chromium: one A4 page whose QR, read back from the
screen, is the shelter's check-in URL; and the page reads on a phone too."""

import io

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from .conftest import SHOTS
from .helpers import api, no_sideways_scroll

SHELTER = "临城镇中心小学避灾安置点"


def _shelter(server) -> dict:
    listed = api(server["base"], "admin")("GET", "/api/v1/shelters?limit=200")["items"]
    return next(s for s in listed if s["name"] == SHELTER)


def _log_in(page, username: str) -> None:
    resp = page.request.post("/api/v1/auth/login", data={"username": username, "password": "demo12345"})
    assert resp.ok, resp.text()


def _decode(png: bytes) -> list[str]:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode)
    return [b.text for b in found]


def test_the_admin_prints_the_poster_on_one_a4_page_and_its_qr_reads_back_as_the_checkin_url(browser, server):
    shelter = _shelter(server)
    url = f"{server['base']}/s/{shelter['code']}"
    assert shelter["checkin_url"] == url
    # A desk's screen, A4's proportions at 96 dpi.
    context = browser.new_context(
        viewport={"width": 794, "height": 1123}, locale="zh-CN", base_url=server["base"]
    )
    page = context.new_page()
    _log_in(page, "admin")
    resp = page.goto(f"/api/v1/shelters/{shelter['id']}/poster")
    assert resp.status == 200
    assert page.locator("h1").inner_text() == SHELTER

    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(SHOTS / "shelter-poster.pdf"), format="A4", print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert url in text.replace("\n", "")

    # As it prints: the print stylesheet on screen, screenshot, QR decoded from the pixels.
    page.emulate_media(media="print")
    png = page.screenshot(path=str(SHOTS / "shelter-poster-print.png"), full_page=True)
    assert _decode(png) == [url]
    page.emulate_media(media="screen")
    assert _decode(page.screenshot(full_page=True)) == [url]
    context.close()


def test_the_poster_page_reads_on_a_phone_and_another_townships_desk_gets_404(browser, server):
    shelter = _shelter(server)
    for width, height in ((390, 844), (320, 568)):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            base_url=server["base"],
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        page = context.new_page()
        _log_in(page, "shelter1")
        assert page.goto(f"/api/v1/shelters/{shelter['id']}/poster").status == 200
        no_sideways_scroll(page)
        for link in page.locator(".tools a").all():
            box = link.bounding_box()
            assert box["width"] >= 48 and box["height"] >= 48
        page.screenshot(path=str(SHOTS / f"shelter-poster-{width}.png"), full_page=True)
        assert _decode(page.screenshot(full_page=True)) == [f"{server['base']}/s/{shelter['code']}"]
        context.close()

    context = browser.new_context(base_url=server["base"])
    page = context.new_page()
    _log_in(page, "town2")
    resp = page.goto(f"/api/v1/shelters/{shelter['id']}/poster")
    assert resp.status == 404 and resp.headers["content-type"].startswith("application/problem+json")
    context.close()


def test_a_shelter_with_a_very_long_name_and_address_still_prints_on_one_page(browser, server):
    admin = api(server["base"], "admin")
    region = next(r for r in admin("GET", "/api/v1/regions?limit=200")["items"] if r["name"] == "临城镇")
    made = admin(
        "POST",
        "/api/v1/shelters",
        {
            "name": ("临城镇北环路第一中心小学暨社区综合服务中心避灾安置点（含体育馆及三号教学楼）" * 3)[
                :120
            ],
            "kind": "village",
            "region_id": region["id"],
            "location": {"lat": 25.05, "lon": 116.42},
            "capacity": 60,
            "address": ("临城镇北环路与滨江大道交叉口东南侧" * 12)[:200],
        },
    )
    context = browser.new_context(locale="zh-CN", base_url=server["base"])
    page = context.new_page()
    _log_in(page, "admin")
    assert page.goto(f"/api/v1/shelters/{made['id']}/poster").status == 200
    pdf = page.pdf(format="A4", print_background=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    page.emulate_media(media="print")
    png = page.screenshot(path=str(SHOTS / "shelter-poster-long-name.png"), full_page=True)
    assert _decode(png) == [made["checkin_url"]]
    context.close()
