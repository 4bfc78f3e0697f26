"""`/s/<code>`, the page a poster's QR opens, as a browser with JavaScript off uses it: plain form
posts, a 303 to the receipt, refusals as pages in words with their status codes; the same service,
schema and rate limits as the JSON door; the personal QR a real PNG whose token the kiosk takes."""

import html
import io
import re
import uuid

import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from werkzeug.datastructures import MultiDict

from ..dbstate import changed_tables, committed_rows
from ..sync.helpers import batch
from .helpers import EMPTY, GYM, OTHER_TOWN, SYNC, code_of, kiosk_checkout, people_in, shelter_row

PHONE = "13812345678"


def _page(client, app, ids, where=EMPTY):
    code = code_of(app, ids["shelters"][where])
    resp = client.get(f"/s/{code}", follow_redirects=True)
    return code, resp, resp.get_data(as_text=True)


def _form_id(page: str) -> str:
    return re.search(r'name="id" value="([^"]*)"', page).group(1)


def _value(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def _checked(page: str) -> set[str]:
    return set(re.findall(r'name="needs" value="(\w+)" checked', page))


def _form(form_id, **over) -> dict:
    return {"id": form_id, "name": "王秀英", "phone": PHONE, "household_size": "3", **over}


def _errors(page: str) -> list[str]:
    return re.findall(r'<p class="error" id="([\w]+)-error"', page)


def _html(resp) -> str:
    assert resp.mimetype == "text/html", resp.mimetype
    return resp.get_data(as_text=True)


def test_the_page_of_an_open_shelter_shows_its_name_address_state_and_places_left_and_a_form(
    app, client, ids
):
    _code, resp, page = _page(client, app, ids)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    for text in (
        EMPTY,
        "临城镇北环路",
        "开放",
        "Open",
        "剩余 400 个床位",
        "400 places left",
        "登记入住",
        "Check in",
    ):
        assert text in page, text
    assert uuid.UUID(_form_id(page))
    # Five needs, a stepper of two submit buttons, and no script anywhere.
    assert len(re.findall(r'type="checkbox" name="needs"', page)) == 5
    assert 'name="step" value="-1"' in page and 'name="step" value="+1"' in page
    assert "<script" not in page
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp and "img-src 'self'" in csp
    assert "script-src" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    # Each visit mints its own id, into the form's address (a back button brings it back).
    assert _form_id(_page(client, app, ids)[2]) != _form_id(page)
    first = client.get(f"/s/{_code}")
    assert first.status_code == 303 and first.headers["Cache-Control"] == "no-store"
    form_id = re.fullmatch(rf"/s/{_code}\?f=([0-9a-f-]{{36}})", first.headers["Location"]).group(1)
    assert _form_id(_html(client.get(first.headers["Location"]))) == form_id
    assert resp.headers["Cache-Control"] == "no-store"


def test_back_on_a_form_already_sent_shows_its_receipt_link_and_a_new_form_link_not_the_form(
    app, client, ids
):
    code, resp, page = _page(client, app, ids)
    form_id = _form_id(page)
    receipt = client.post(f"/s/{code}?f={form_id}", data=_form(form_id)).headers["Location"]
    back = client.get(f"/s/{code}?f={form_id}")
    text = _html(back)
    assert back.status_code == 200 and "这张表已经提交过了" in text
    assert f'href="{receipt}"' in text and f'href="/s/{code}"' in text
    assert 'name="name"' not in text


def test_a_sent_form_filled_again_for_another_household_is_refused_409_with_a_new_id(app, client, ids):
    shelter = ids["shelters"][EMPTY]
    code, _resp, page = _page(client, app, ids)
    form_id = _form_id(page)
    assert client.post(f"/s/{code}", data=_form(form_id)).status_code == 303
    before = committed_rows(app)
    other = client.post(f"/s/{code}", data=_form(form_id, name="张伟", household_size="2"))
    text = _html(other)
    assert other.status_code == 409 and "这张表已经登记过另一户" in text
    assert _form_id(text) != form_id and _value(text, "name") == "张伟"
    assert changed_tables(before, committed_rows(app)) == set()
    assert (
        client.post(f"/s/{code}", data=_form(_form_id(text), name="张伟", household_size="2")).status_code
        == 303
    )
    assert shelter_row(app, shelter).occupancy == 5 == people_in(app, shelter)


def test_a_full_shelter_says_so_and_points_to_the_nearest_open_ones_with_distance_and_places(
    app, auth, client, ids
):
    gym = ids["shelters"][GYM]
    auth("town1").patch(f"/api/v1/shelters/{gym}", json={"capacity": shelter_row(app, gym).occupancy})
    _code, resp, page = _page(client, app, ids, GYM)
    assert resp.status_code == 200
    assert "已满" in page and "Full" in page and "附近还有空位的安置场所" in page
    assert "这里已经住满了" in page and "This shelter is full" in page
    assert re.search(r"距离 \d+(\.\d)? 公里 · 剩余 \d+ 个床位", page)
    assert re.search(r"\d+(\.\d)? km away · \d+ places left", page)
    assert f'href="/s/{code_of(app, ids["shelters"][EMPTY])}"' in page
    assert 'name="household_size"' not in page  # no form to fill in vain


def test_a_closed_shelter_says_so_and_lists_alternatives(app, client, ids):
    _code, resp, page = _page(client, app, ids, OTHER_TOWN)
    assert resp.status_code == 200 and "关闭" in page and "Closed" in page
    assert "附近还有空位的安置场所" in page and "km away" in page
    assert 'name="household_size"' not in page


def test_an_unknown_code_or_path_is_a_404_page_not_the_app(client):
    for path in ("/s/NOSUCHONE", "/s/%00", "/s/", "/s/" + "A" * 300, "/s/ABC/x/y"):
        resp = client.get(path)
        assert resp.status_code == 404, path
        assert "找不到这个安置场所" in _html(resp)
    assert client.post("/s/NOSUCHONE", data=_form(str(uuid.uuid4()))).status_code == 404


def test_a_family_checks_in_once_and_the_same_form_sent_again_answers_the_same_receipt(app, client, ids):
    shelter = ids["shelters"][EMPTY]
    code, _resp, page = _page(client, app, ids)
    form = _form(_form_id(page), needs=["elderly", "children"])
    first = client.post(f"/s/{code}", data=form)
    assert first.status_code == 303
    receipt = first.headers["Location"]
    assert receipt.startswith(f"/s/{code}/r/")
    assert shelter_row(app, shelter).occupancy == 3 == people_in(app, shelter)
    # A back button and the same form again: the same receipt, nothing moves.
    before = committed_rows(app)
    again = client.post(f"/s/{code}", data=form)
    assert again.status_code == 303 and again.headers["Location"] == receipt
    assert changed_tables(before, committed_rows(app)) == set()
    shown = client.get(receipt)
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    text = _html(shown)
    for words in (EMPTY, "王*", "3 人", "3 people", "老人", "儿童", "北京时间", "China time", "离开时出示"):
        assert words in text, words
    assert "Keep this code: show it when you check out" in text
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", text)
    # Never the phone, nor the full name, in the receipt or its address.
    for secret in (PHONE, PHONE[-4:], "王秀英", "秀英"):
        assert secret not in text and secret not in receipt


def test_the_receipts_qr_is_a_png_that_decodes_to_a_token_the_kiosk_checks_out_with(app, auth, client, ids):
    shelter = ids["shelters"][EMPTY]
    code, _resp, page = _page(client, app, ids)
    receipt = client.post(f"/s/{code}", data=_form(_form_id(page), household_size="2")).headers["Location"]
    text = _html(client.get(receipt))
    src = html.unescape(re.search(r'<img class="qr" src="([^"]+)"', text).group(1))
    assert src.startswith("/s/") and not src.startswith("data:")
    png = client.get(src)
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.headers["Cache-Control"].startswith("private")
    (qr,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)), formats=zxingcpp.BarcodeFormat.QRCode)
    token = qr.text
    assert PHONE not in token and "王" not in token
    assert shelter_row(app, shelter).occupancy == 2
    (result,) = auth("shelter1").post(SYNC, json=batch(kiosk_checkout(token=token))).json["results"]
    assert result["status"] == "applied", result
    assert shelter_row(app, shelter).occupancy == 0 == people_in(app, shelter)
    assert "已离开" in _html(client.get(receipt))


def test_a_forged_or_foreign_receipt_is_a_404_page(app, client, ids):
    code, _resp, page = _page(client, app, ids)
    receipt = client.post(f"/s/{code}", data=_form(_form_id(page))).headers["Location"]
    token = receipt.rsplit("/", 1)[1]
    other = code_of(app, ids["shelters"][GYM])
    for path in (
        f"/s/{code}/r/{token[:-2]}xx",
        f"/s/{code}/r/not-a-token",
        f"/s/{other}/r/{token}",
        f"/s/{code}/r/{token[:-2]}xx/qr.png",
        f"/s/{code}/r/" + "x" * 5000,
    ):
        resp = client.get(path)
        assert resp.status_code == 404, path
        assert "text/html" in resp.content_type


@pytest.mark.parametrize(
    ("button", "typed", "shown"),
    [("+1", "3", "4"), ("-1", "3", "2"), ("-1", "1", "1"), ("+1", "50", "50"), ("+1", "x", "2")],
)
def test_the_stepper_redraws_the_form_with_every_value_kept_and_checks_nobody_in(
    app, client, ids, button, typed, shown
):
    code, _resp, page = _page(client, app, ids)
    form_id = _form_id(page)
    before = committed_rows(app)
    resp = client.post(
        f"/s/{code}", data=_form(form_id, household_size=typed, step=button, needs=["pregnant", "medical"])
    )
    assert resp.status_code == 200
    page = _html(resp)
    assert _value(page, "household_size") == shown
    assert (_form_id(page), _value(page, "name"), _value(page, "phone")) == (form_id, "王秀英", PHONE)
    assert _checked(page) == {"pregnant", "medical"}
    assert _errors(page) == []
    assert resp.headers["Cache-Control"] == "no-store"
    assert changed_tables(before, committed_rows(app)) == set()


BAD = [
    ({"household_size": "0"}, "household_size"),
    ({"household_size": "-2"}, "household_size"),
    ({"household_size": "51"}, "household_size"),
    ({"household_size": "三"}, "household_size"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "名" * 61}, "name"),
    ({"name": "王\x00英"}, "name"),
    ({"phone": "0592-1234567"}, "phone"),
    ({"phone": "12345"}, "phone"),
    ({"needs": ["elderly", "pets"]}, "needs"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_each_bad_answer_redraws_the_form_422_with_its_message_beside_it_and_changes_nothing(
    app, client, ids, change, field
):
    code, _resp, page = _page(client, app, ids)
    form = _form(_form_id(page), **change)
    before = committed_rows(app)
    resp = client.post(f"/s/{code}", data=form)
    assert resp.status_code == 422
    page = _html(resp)
    assert _errors(page) == [field]
    assert "有几项需要修改" in page
    for name in ("name", "phone", "household_size"):
        assert _value(page, name) == form[name], name
    assert _form_id(page) == form["id"]
    assert changed_tables(before, committed_rows(app)) == set()
    assert shelter_row(app, ids["shelters"][EMPTY]).occupancy == 0


def test_a_missing_name_and_a_landline_are_both_named_and_the_typed_values_stay(app, client, ids):
    code, _resp, page = _page(client, app, ids)
    resp = client.post(
        f"/s/{code}", data={"id": _form_id(page), "phone": "0597 1234567", "household_size": "4"}
    )
    page = _html(resp)
    assert resp.status_code == 422 and set(_errors(page)) == {"name", "phone"}
    assert "请填写姓名" in page and "手机号码应为11位" in page
    assert re.search(r"手机号码应为11位[^<]*<span class=\"en\">Not a [^<]+</span>", page)
    assert (_value(page, "phone"), _value(page, "household_size")) == ("0597 1234567", "4")


def test_a_malformed_id_is_refused_and_the_form_comes_back_with_a_fresh_one(app, client, ids):
    code, _resp, _page_html = _page(client, app, ids)
    before = committed_rows(app)
    resp = client.post(f"/s/{code}", data=_form("not-a-uuid"))
    page = _html(resp)
    assert resp.status_code == 422 and _errors(page) == ["id"]
    assert uuid.UUID(_form_id(page)) and _value(page, "name") == "王秀英"
    assert changed_tables(before, committed_rows(app)) == set()
    assert client.post(f"/s/{code}", data=_form(_form_id(page))).status_code == 303


def _multipart(fields: dict) -> tuple[bytes, str]:
    """The body built here as bytes (the test client would spool a big one to a file it never closes)."""
    boundary = "b0undary" + uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_a_two_megabyte_name_is_refused_as_a_page_and_changes_nothing(app, client, ids, multipart):
    code, _resp, page = _page(client, app, ids)
    before = committed_rows(app)
    form = _form(_form_id(page), name="王" * 700_000)  # 2.1 MB of UTF-8
    if multipart:
        body, content_type = _multipart(form)
        resp = client.post(f"/s/{code}", data=body, content_type=content_type)
    else:
        resp = client.post(f"/s/{code}", data=form)
    assert resp.status_code == (413 if multipart else 422)  # a multipart field past 500 kB is 413
    page = _html(resp)
    assert len(page) < 100_000  # not echoed back whole
    assert "没有登记" in page or "请填写姓名" in page
    assert changed_tables(before, committed_rows(app)) == set()


def test_a_rate_limited_post_to_an_unknown_code_is_a_429_page_too(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SHELTER_CHECKIN_ADDRESS_RATE_LIMIT", "1/minute")
    assert client.post("/s/NOSUCHONE", data=_form(str(uuid.uuid4()))).status_code == 404
    resp = client.post("/s/NOSUCHONE", data=_form(str(uuid.uuid4())))
    assert resp.status_code == 429 and "请求太多" in _html(resp) and resp.headers["Retry-After"]


def test_a_household_too_big_for_the_places_left_is_refused_409_with_the_form_kept_and_alternatives(
    app, auth, client, ids
):
    gym = ids["shelters"][GYM]
    inside = shelter_row(app, gym).occupancy
    auth("town1").patch(f"/api/v1/shelters/{gym}", json={"capacity": inside + 2})
    code, _resp, page = _page(client, app, ids, GYM)
    resp = client.post(f"/s/{code}", data=_form(_form_id(page), household_size="3"))
    assert resp.status_code == 409
    page = _html(resp)
    assert "这里只剩 2 个床位，住不下 3 人" in page and "not enough for 3" in page
    assert "附近还有空位的安置场所" in page and "km away" in page
    assert _value(page, "name") == "王秀英"
    assert shelter_row(app, gym).occupancy == inside


def test_a_form_sent_to_a_shelter_that_closed_meanwhile_is_a_409_page_with_alternatives(
    app, auth, client, ids
):
    shelter = ids["shelters"][EMPTY]
    code, _resp, page = _page(client, app, ids)
    assert auth("shelter1").post(f"/api/v1/shelters/{shelter}/close").status_code == 200
    resp = client.post(f"/s/{code}", data=_form(_form_id(page)))
    assert resp.status_code == 409
    page = _html(resp)
    assert "这个安置场所现在没有开放" in page and "This shelter is not open" in page
    assert "附近还有空位的安置场所" in page
    assert shelter_row(app, shelter).occupancy == 0


def test_both_doors_share_the_per_address_and_the_per_shelter_limits(app, client, ids, monkeypatch):
    monkeypatch.setitem(app.config, "SHELTER_CHECKIN_ADDRESS_RATE_LIMIT", "3/minute")
    monkeypatch.setitem(app.config, "SHELTER_CHECKIN_SHELTER_RATE_LIMIT", "8/minute")
    code, _resp, page = _page(client, app, ids)
    json_door = f"/api/v1/public/shelters/{code}/checkins"
    body = {"name": "李", "household_size": 1}
    assert client.post(json_door, json={**body, "id": str(uuid.uuid4())}).status_code == 201
    assert client.post(json_door, json={**body, "id": str(uuid.uuid4())}).status_code == 201
    assert client.post(f"/s/{code}", data=_form(str(uuid.uuid4()), household_size="1")).status_code == 303
    # The stepper checks nobody in and is not counted.
    assert client.post(f"/s/{code}", data=_form(str(uuid.uuid4()), step="+1")).status_code == 200
    limited = client.post(f"/s/{code}", data=_form(_form_id(page), needs=["medical"]))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    text = _html(limited)
    assert "现在登记的人太多" in text and "what you typed is kept" in text
    assert (_value(text, "name"), _value(text, "phone"), _checked(text)) == ("王秀英", PHONE, {"medical"})
    assert client.post(json_door, json={**body, "id": str(uuid.uuid4())}).status_code == 429
    # Other addresses: the shelter's own limit counts both doors' check-ins together (8 at most,
    # and the refused attempts above may have counted too, as at the JSON door).
    answers = [
        client.post(
            f"/s/{code}",
            data=_form(str(uuid.uuid4()), household_size="1"),
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        ).status_code
        for n in range(6)
    ]
    assert answers[0] == 303 and answers[-1] == 429 and answers == sorted(answers)
    assert shelter_row(app, ids["shelters"][EMPTY]).occupancy == 3 + answers.count(303) <= 8


FIELDS = st.sampled_from(["id", "name", "phone", "household_size", "needs", "step", "x", "id[]", ""])
VALUES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        ["", "0", "-1", "1", "50", "51", "+1", "-1", "1e9", "99999999999999999999", PHONE, "elderly"]
    ),
    st.uuids().map(str),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.lists(st.tuples(FIELDS, VALUES), max_size=12))
def test_no_form_post_whatever_it_holds_gets_a_5xx(app, client, ids, monkeypatch, form):
    monkeypatch.setitem(app.config, "SHELTER_CHECKIN_ADDRESS_RATE_LIMIT", "100000/minute")
    monkeypatch.setitem(app.config, "SHELTER_CHECKIN_SHELTER_RATE_LIMIT", "100000/minute")
    code = code_of(app, ids["shelters"][EMPTY])
    resp = client.post(f"/s/{code}", data=MultiDict(form))
    assert resp.status_code < 500, resp.get_data(as_text=True)[:500]
    assert resp.status_code in (200, 303, 409, 422)
