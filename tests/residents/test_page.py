"""/r with JavaScript off: plain forms posted as WeChat's browser would."""

import re

import sqlalchemy as sa

from server.extensions import db
from server.residents.models import ResidentCode, ResidentSubscription

from .conftest import last_code, run

E164 = "+8613800006001"


def _state(app):
    with app.app_context():
        subs = [(s.phone, s.state, s.region_id) for s in db.session.scalars(sa.select(ResidentSubscription))]
        db.session.remove()
    return subs


def test_the_page_says_what_comes_and_how_to_stop_and_offers_two_levels(app, client, ids):
    page = client.get("/r")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "预警信息" in html and "TD" in html and "退订" in html and "每小时最多3条" in html
    assert '<optgroup label="临城镇">' in html and '<optgroup label="古田镇">' in html
    assert f'value="{ids["regions"]["城东村"]}"' in html and f'value="{ids["regions"]["临城镇"]}"' in html
    assert f'value="{ids["regions"]["上杭县"]}"' not in html  # the county is not a choice


def test_subscribing_by_the_forms_alone(app, client, ids, gateway):
    village = ids["regions"]["城东村"]
    resp = client.post("/r", data={"phone": "138 0000 6001", "region_id": str(village)})
    assert resp.status_code == 303
    confirm_path = resp.headers["Location"]
    assert re.fullmatch(r"/r/confirm/c[\w-]+", confirm_path) and "6001" not in confirm_path
    run(app)
    page = client.get(confirm_path).get_data(as_text=True)
    assert "138****6001" in page and "已发送" in page

    wrong = client.post(confirm_path, data={"code": "12345x"})
    assert wrong.status_code == 422 and "6位数字" in wrong.get_data(as_text=True)
    code = last_code(gateway, E164)
    bad = "000000" if code != "000000" else "111111"
    wrong = client.post(confirm_path, data={"code": bad})
    assert wrong.status_code == 422 and "验证码不对" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(ResidentCode.tries)) == 1  # the wrong try counted
        db.session.remove()

    done = client.post(confirm_path, data={"code": code})
    assert done.status_code == 303
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "订阅成功" in page and "临城镇城东村" in page and "/r/td/" in page
    assert _state(app) == [(E164, "active", village)]


def test_a_bad_form_is_shown_again_with_what_was_typed_and_nothing_is_saved(app, client, ids):
    resp = client.post("/r", data={"phone": "12345", "region_id": ""})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "请填写11位手机号码" in html and "请选择所在的乡镇或村" in html
    assert 'value="12345"' in html
    resp = client.post("/r", data={"phone": "13800006001", "region_id": str(ids["regions"]["上杭县"])})
    assert resp.status_code == 422
    resp = client.post("/r", data={"phone": "13800006001", "region_id": "9" * 30})
    assert resp.status_code == 422
    assert _state(app) == []


def test_too_many_codes_from_the_page_says_so(app, client, ids):
    data = {"phone": "13800006001", "region_id": str(ids["regions"]["临城镇"])}
    for _ in range(app.config["RESIDENT_CODE_MAX_PER_HOUR"]):
        assert client.post("/r", data=data).status_code == 303
    resp = client.post("/r", data=data)
    assert resp.status_code == 429 and "一小时后再试" in resp.get_data(as_text=True)


def test_a_made_up_confirm_link_is_a_plain_not_found_page(app, client, demo):
    resp = client.get("/r/confirm/cAAAA")
    assert resp.status_code == 404 and "链接无效" in resp.get_data(as_text=True)
    assert client.post("/r/confirm/zzz", data={"code": "123456"}).status_code == 404


def test_the_push_script_and_the_residents_worker_are_served(client):
    script = client.get("/r/r-push.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert "/api/v1/public/push/subscriptions" in script.get_data(as_text=True)
    worker = client.get("/r/sw.js")
    assert worker.status_code == 200 and "showNotification" in worker.get_data(as_text=True)
