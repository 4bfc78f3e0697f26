"""Replies and delivery reports in the providers' own shapes (Aliyun SmsUp / SmsReport, Tencent's
reply callback), reaching the same answers as the signed gateway webhooks."""

import json

import pytest

from server.core.models import utcnow

from .test_cascade import _dispatch, _line, _phone, _run

TOKEN = "t" * 40


@pytest.fixture()
def token(app):
    app.config["PROVIDER_CALLBACK_TOKEN"] = TOKEN
    yield TOKEN
    app.config["PROVIDER_CALLBACK_TOKEN"] = ""


def test_an_aliyun_reply_accepts_the_order(app, auth, ids, token):
    order = _dispatch(auth, ids, "member1")
    phone = _phone(auth, ids, "member1").removeprefix("+86")  # Aliyun sends the 11 digits
    body = [{"phone_number": phone, "send_time": "2026-11-29 09:00:00", "content": "1",
             "sign_name": "应急通", "dest_code": "1234", "sequence_id": 1234567890}]  # fmt: skip
    resp = app.test_client().post(f"/api/v1/delivery/aliyun/sms-up?token={token}", json=body)
    assert resp.status_code == 200 and resp.json["code"] == 0
    line = _line(auth, order, "member1", ids)
    assert line["response"] == "accepted" and line["delivery"]["state"] == "answered"
    # Aliyun pushes again when it is unsure; the second time changes nothing and still says OK.
    again = app.test_client().post(f"/api/v1/delivery/aliyun/sms-up?token={token}", json=body)
    assert again.status_code == 200 and again.json["answers"] == [None]


def test_a_tencent_reply_declines_the_order(app, auth, ids, token):
    order = _dispatch(auth, ids, "member2")
    phone = _phone(auth, ids, "member2").removeprefix("+86")
    body = {
        "extend": "",
        "mobile": phone,
        "nationcode": "86",
        "sign": "应急通",
        "text": "拒绝",
        "time": 1764406800,
    }
    resp = app.test_client().post(f"/api/v1/delivery/tencent/sms-reply?token={token}", json=body)
    assert resp.status_code == 200 and resp.json["result"] == 0
    assert _line(auth, order, "member2", ids)["response"] == "declined"


def test_an_aliyun_delivery_report_is_shown_on_the_board(app, auth, ids, token, gateway):
    order = _dispatch(auth, ids, "member3")
    _run(app, utcnow())  # no subscription: SMS at once, its id is the notification's
    (sms,) = gateway.requests
    out_id = json.loads(sms["body"])["id"]
    report = [
        {
            "phone_number": "13800000000",
            "send_time": "2026-11-29 09:00:00",
            "report_time": "2026-11-29 09:00:05",
            "success": True,
            "err_code": "DELIVERED",
            "err_msg": "用户接收成功",
            "sms_size": "1",
            "biz_id": "12345^0",
            "out_id": out_id,
        }
    ]
    resp = app.test_client().post(f"/api/v1/delivery/aliyun/sms-report?token={token}", json=report)
    assert resp.status_code == 200 and resp.json["code"] == 0
    attempts = _line(auth, order, "member3", ids)["delivery"]["attempts"]
    assert [(a["channel"], a["state"]) for a in attempts] == [("sms", "sent"), ("sms", "delivered")]


@pytest.mark.parametrize("query", ["", "?token=", "?token=wrong", f"?token={TOKEN}x"])
def test_a_callback_without_the_token_changes_nothing(app, auth, ids, token, query):
    order = _dispatch(auth, ids, "member4")
    phone = _phone(auth, ids, "member4").removeprefix("+86")
    client = app.test_client()
    up = client.post(f"/api/v1/delivery/aliyun/sms-up{query}", json=[{"phone_number": phone, "content": "1"}])
    reply = client.post(f"/api/v1/delivery/tencent/sms-reply{query}", json={"mobile": phone, "text": "1"})
    for resp in (up, reply):
        assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    assert _line(auth, order, "member4", ids)["response"] == "pending"


def test_with_no_token_configured_the_callbacks_are_closed(app, auth, ids):
    order = _dispatch(auth, ids, "member5")
    phone = _phone(auth, ids, "member5").removeprefix("+86")
    resp = app.test_client().post(
        "/api/v1/delivery/aliyun/sms-up?token=", json=[{"phone_number": phone, "content": "1"}]
    )
    assert resp.status_code == 401
    assert _line(auth, order, "member5", ids)["response"] == "pending"


def test_a_malformed_callback_is_a_clear_error(app, token):
    client = app.test_client()
    for body in ("not json", 7, [1, 2]):
        resp = client.post(f"/api/v1/delivery/aliyun/sms-up?token={token}", data=json.dumps(body),
                           content_type="application/json")  # fmt: skip
        assert resp.status_code == 422 and resp.mimetype == "application/problem+json", body
