"""A responsible person's SMS reply to a warning: 收到 / 1 / 好 / OK (full-width too) acknowledges
it once; 2, 拒绝 or any other words do not: the desk reads them, the person stays silent, and
they are told once by SMS how to acknowledge. Through the loopback gateway's inbound path."""

import json
from datetime import timedelta

import pytest

from server.core.models import utcnow
from server.delivery import service as delivery
from server.extensions import db

from ..delivery.conftest import signed
from .helpers import issue


def _run(app, now=None):
    with app.app_context():
        delivery.run_once(now or utcnow())
        db.session.remove()


def _phone(auth, ids, user):
    return auth("duty").get(f"/api/v1/users/{ids['users'][user]}").json["phone"]


def _sms_to(gateway, phone):
    return [
        json.loads(r["body"])["text"]
        for r in gateway.requests
        if r["path"] == "/sms" and json.loads(r["body"])["to"] == phone
    ]


def _reply(app, phone, text, n=[0]):  # noqa: B006 - a counter for distinct message ids
    n[0] += 1
    raw, headers = signed(app, {"id": f"in-{n[0]}", "from": phone, "text": text})
    resp = app.test_client().post("/api/v1/delivery/sms/inbound", data=raw, headers=headers)
    assert resp.status_code == 200, resp.json
    return resp.json["answer"]


def _responsible(auth, w):
    return auth("duty").get(f"/api/v1/warnings/{w['id']}/delivery").json["responsible"]


RECEIVED = ["收到", "1", "好", "OK", "ok", "１", "　收到　", " 1 ", "ＯＫ", "收到。", "好！"]


@pytest.mark.parametrize("text", RECEIVED)
def test_each_way_of_saying_received_acknowledges_once(app, auth, ids, gateway, text):
    w = issue(auth, ids, who="duty")
    _run(app)
    phone = _phone(auth, ids, "captain1")
    assert _reply(app, phone, text) == "accept"
    assert _reply(app, phone, text) is None  # the cascade stopped: a second reply is nobody's
    r = _responsible(auth, w)
    assert r["acknowledged"] == 1 and r["by_channel"]["sms"] == 1
    assert ids["users"]["captain1"] not in {s["user_id"] for s in r["silent"]}
    got = auth("captain1").get(f"/api/v1/warnings/{w['id']}").json
    assert got["acked"] is True and got["acked_at"]
    # Acknowledged: no how-to SMS, and no call later.
    assert len(_sms_to(gateway, phone)) == 1
    before = len(gateway.requests)
    _run(app, utcnow() + timedelta(seconds=200))
    called = [json.loads(x["body"])["to"] for x in gateway.requests[before:] if x["path"] == "/voice"]
    assert phone not in called


@pytest.mark.parametrize("text", ["2", "２", "拒绝", "不", "no", "什么时候撤离？"])
def test_a_reply_that_is_not_received_is_kept_and_answered_with_how_to_acknowledge(
    app, auth, ids, gateway, text
):
    w = issue(auth, ids, who="duty")
    _run(app)
    phone = _phone(auth, ids, "captain1")
    assert _reply(app, phone, text) == "reply"
    r = _responsible(auth, w)
    assert r["acknowledged"] == 0
    mine = next(s for s in r["silent"] if s["user_id"] == ids["users"]["captain1"])
    assert mine["reply"]["text"] == text and mine["reply"]["at"]
    # The desk calls them: the number as one dials it (as the shelter poster prints it).
    local = phone.removeprefix("+86")
    assert mine["phone"] == phone and mine["phone_dial"] == f"{local[:3]} {local[3:7]} {local[7:]}"
    assert auth("captain1").get(f"/api/v1/warnings/{w['id']}").json["acked"] is False
    texts = _sms_to(gateway, phone)
    assert len(texts) == 2 and "回复“收到”或1" in texts[1] and "预警" in texts[1]
    # A second wrong reply is kept too, but not answered again (no SMS ping-pong with a robot).
    assert _reply(app, phone, "？") == "reply"
    mine = next(s for s in _responsible(auth, w)["silent"] if s["user_id"] == ids["users"]["captain1"])
    assert mine["reply"]["text"] == "？"
    assert len(_sms_to(gateway, phone)) == 2
    # Still chased: the call comes, and 收到 then counts once.
    before = len(gateway.requests)
    _run(app, utcnow() + timedelta(seconds=200))
    called = [json.loads(x["body"])["to"] for x in gateway.requests[before:] if x["path"] == "/voice"]
    assert phone in called
    assert _reply(app, phone, "收到") == "accept"
    r = _responsible(auth, w)
    assert r["acknowledged"] == 1 and r["by_channel"] == {"app": 0, "sms": 1, "voice": 0, "link": 0}


def test_a_key_2_in_the_call_is_not_received_either(app, auth, ids, gateway):
    w = issue(auth, ids, who="duty")
    _run(app)
    phone = _phone(auth, ids, "officer1")
    raw, headers = signed(app, {"id": "v-1", "from": phone, "digits": "2"})
    resp = app.test_client().post("/api/v1/delivery/voice/inbound", data=raw, headers=headers)
    assert resp.json["answer"] == "reply"
    r = _responsible(auth, w)
    assert r["acknowledged"] == 0
    assert next(s for s in r["silent"] if s["user_id"] == ids["users"]["officer1"])["reply"]["text"] == "2"
    assert len(_sms_to(gateway, phone)) == 1  # a key press is not answered by SMS
    raw, headers = signed(app, {"id": "v-2", "from": phone, "digits": "1"})
    assert (
        app.test_client().post("/api/v1/delivery/voice/inbound", data=raw, headers=headers).json["answer"]
        == "accept"
    )
    assert _responsible(auth, w)["by_channel"]["voice"] == 1


def test_a_reply_from_someone_told_only_by_a_notice_counts_nothing(app, auth, ids, gateway):
    w = issue(auth, ids, who="duty")
    _run(app)
    phone = _phone(auth, ids, "member1")
    assert _reply(app, phone, "收到") is None
    assert _reply(app, phone, "2") is None
    assert _responsible(auth, w)["acknowledged"] == 0
    assert len(_sms_to(gateway, phone)) == 1


def test_a_dispatch_order_still_reads_1_and_2_and_full_width(app, auth, ids, gateway):
    from server.delivery.service import read_order_answer, reply_word

    assert read_order_answer(reply_word("２")) == "decline"
    assert read_order_answer(reply_word(" 接受。")) == "accept"
    assert read_order_answer(reply_word("什么")) is None
