"""A shelter's QR poster: what it carries (decoded back from the rendered image, not read from
the source), that each file is one A4 page, and that only the people running the shelter get it."""

import io
import re
import shutil
import subprocess

import cairosvg
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from .helpers import EMPTY, OTHER_TOWN, code_of

UNMANAGED = "城东村文化礼堂"  # township 1, no manager
POSTER = "/api/v1/shelters/{}/poster"
CODE = re.compile(r"[2-9A-HJKMNP-Z]{9}")


def _decode(image: Image.Image) -> list:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert found, "no QR code found in the rendered poster"
    return found


def _url(app, ids, name) -> str:
    return f"{app.config['PUBLIC_BASE_URL']}/s/{code_of(app, ids['shelters'][name])}"


def test_the_svg_poster_is_an_a4_download_whose_qr_decodes_to_the_shelters_checkin_url(app, auth, ids):
    resp = auth("town1").get(POSTER.format(ids["shelters"][EMPTY]) + ".svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert ".svg" in resp.headers["Content-Disposition"]
    svg = resp.data
    assert b'width="210mm" height="297mm"' in svg
    png = cairosvg.svg2png(bytestring=svg, output_width=1240)
    (qr,) = _decode(Image.open(io.BytesIO(png)))
    assert qr.text == _url(app, ids, EMPTY)
    # At least M: a poster outside gets wet and torn.
    assert qr.ec_level in ("M", "Q", "H")
    assert EMPTY in svg.decode() and "临城镇北环路" in svg.decode()


def test_the_html_poster_prints_on_one_a4_page_with_a_qr_that_decodes_to_the_checkin_url(app, auth, ids):
    resp = auth("admin").get(POSTER.format(ids["shelters"][EMPTY]))
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.data.decode()
    assert re.search(r"@page\s*\{\s*size:\s*A4;\s*margin:", page)
    url = _url(app, ids, EMPTY)
    for text in (
        EMPTY,
        "临城镇北环路",
        "用微信“扫一扫”或手机相机扫描二维码登记入住；",
        "无需注册；",
        "登记信息仅用于安置管理",
        url,
    ):
        assert text in page, text
    # The page runs nothing: a policy without scripts, and no <script> in it.
    assert "script-src" not in resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    assert "<script" not in page
    # The QR as the page carries it, rendered on its own.
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=600)
    (qr,) = _decode(Image.open(io.BytesIO(png)))
    assert qr.text == url


def test_the_pdf_poster_is_one_a4_page_whose_qr_decodes_to_the_checkin_url(app, auth, ids, tmp_path):
    resp = auth("shelter1").get(POSTER.format(ids["shelters"][EMPTY]) + ".pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(resp.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed to render the PDF"
    (tmp_path / "poster.pdf").write_bytes(resp.data)
    subprocess.run(
        [pdftoppm, "-png", "-r", "100", "-singlefile", "poster.pdf", "poster"], cwd=tmp_path, check=True
    )
    (qr,) = _decode(Image.open(tmp_path / "poster.png"))
    assert qr.text == _url(app, ids, EMPTY)


def test_a_long_name_still_fits_the_qr_on_one_page(app, auth, ids, tmp_path):
    long = "临城镇北环路第一中心小学暨社区综合服务中心避灾安置点（含体育馆、礼堂及三号教学楼）" * 2
    made = auth("admin").post(
        "/api/v1/shelters",
        json={
            "name": long[:120],
            "kind": "township",
            "region_id": ids["regions"]["临城镇"],
            "location": {"lat": 25.05, "lon": 116.42},
            "capacity": 100,
            "address": "临城镇北环路" * 30,
        },
    )
    assert made.status_code == 201, made.json
    shelter = made.json
    svg = auth("admin").get(POSTER.format(shelter["id"]) + ".svg").data
    (qr,) = _decode(Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg, output_width=1240))))
    assert qr.text == shelter["checkin_url"]
    pdf = auth("admin").get(POSTER.format(shelter["id"]) + ".pdf").data
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


@pytest.mark.parametrize("suffix", ["", ".svg", ".pdf"])
def test_only_the_shelters_desk_and_managers_get_its_poster(app, auth, ids, suffix):
    own, unmanaged, other = (ids["shelters"][n] for n in (EMPTY, UNMANAGED, OTHER_TOWN))
    expected = [
        ("admin", other, 200),
        ("duty", own, 200),
        ("town1", unmanaged, 200),
        ("shelter1", own, 200),
        # Another township's duty officer: as if it did not exist.
        ("town1", other, 404),
        ("town2", own, 404),
        # A manager of other shelters in the same township: the poster is the shelter's key.
        ("shelter1", unmanaged, 404),
        # Roles that never run a shelter's door.
        ("member1", own, 403),
        ("captain1", own, 403),
        ("officer1", own, 403),
    ]
    for username, shelter, status in expected:
        resp = auth(username).get(POSTER.format(shelter) + suffix)
        assert resp.status_code == status, (username, shelter, suffix, resp.status_code)
        if status != 200:
            assert resp.mimetype == "application/problem+json"
    # No token, no poster; an id that is no shelter is not found.
    assert app.test_client().get(POSTER.format(own) + suffix).status_code == 401
    missing = auth("admin").get(POSTER.format("00000000-0000-4000-8000-000000000000") + suffix)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_shelter_codes_are_random_nine_characters_without_look_alikes(app, auth, ids):
    """31 ** 9 is about 2 ** 44.6: a code cannot be guessed from the next shelter's."""
    codes = [code_of(app, shelter_id) for shelter_id in ids["shelters"].values()]
    for n in range(30):
        made = auth("admin").post(
            "/api/v1/shelters",
            json={
                "name": f"新安置点{n}",
                "kind": "village",
                "region_id": ids["regions"]["临城镇"],
                "location": {"lat": 25.05, "lon": 116.42},
                "capacity": 10,
            },
        )
        assert made.status_code == 201
        codes.append(made.json["code"])
    assert all(CODE.fullmatch(code) for code in codes), codes
    assert len(set(codes)) == len(codes)
    # Made one after another, they share no common prefix as a counter's would.
    assert len({code[:3] for code in codes[-30:]}) >= 25
    # A code read off the poster in lower case still opens the shelter's page.
    resp = app.test_client().get(f"/api/v1/public/shelters/{codes[0].lower()}")
    assert resp.status_code == 200


@pytest.mark.parametrize(
    ("typed", "printed"),
    [("13800005009", "138 0000 5009"), ("+86 577 8888 9999", "057788889999")],
)
def test_the_poster_prints_the_contact_phone_as_it_is_dialled_in_china(app, auth, ids, typed, printed):
    shelter_id = ids["shelters"][EMPTY]
    assert (
        auth("town1").patch(f"/api/v1/shelters/{shelter_id}", json={"contact_phone": typed}).status_code
        == 200
    )
    page = auth("shelter1").get(POSTER.format(shelter_id)).data.decode()
    assert f"安置点电话 {printed}" in page and "+86" not in page
    svg = auth("shelter1").get(POSTER.format(shelter_id) + ".svg").data.decode()
    assert f"安置点电话 {printed}" in svg
    pdf = auth("shelter1").get(POSTER.format(shelter_id) + ".pdf").data
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert printed in text and "+86" not in text
