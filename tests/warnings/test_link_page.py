"""The one-tap page `/w/<token>` in each state, plain HTML without script: a tampered or made-up
link (404), an expired link (410), a cancelled warning (已解除), an expired warning (已过期), one
already acknowledged (已确认 with the time and the way), one sent only to read; an old form posted
again counts nothing twice, and nothing a browser sends gives a 500."""

import time
import uuid
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner

from server.core.models import utcnow
from server.warnings import link_page, reach

from ..delivery.conftest import signed
from .helpers import SYNC, ack_op, issue


def _token(app, ids, user, w, age_h=0.0):
    with app.app_context():
        if not age_h:
            return reach.link_token(uuid.UUID(ids["users"][user]), uuid.UUID(w["id"]))
        then = int(time.time() - age_h * 3600)
        real = TimestampSigner.get_timestamp
        TimestampSigner.get_timestamp = lambda self: then
        try:
            return reach.link_token(uuid.UUID(ids["users"][user]), uuid.UUID(w["id"]))
        finally:
            TimestampSigner.get_timestamp = real


def _acks(auth, w):
    return auth("duty").get(f"/api/v1/warnings/{w['id']}/delivery").json["responsible"]


def _plain(resp):
    assert resp.mimetype == "text/html" and "<script" not in resp.text
    assert resp.headers["Cache-Control"] == "no-store"
    return resp.text


def test_an_open_link_shows_the_button_and_counts_once(app, auth, ids):
    w = issue(auth, ids, who="duty")
    client, token = app.test_client(), _token(app, ids, "captain1", w)
    page = _plain(client.get(f"/w/{token}"))
    assert '<html lang="zh-CN">' in page and "收到" in page and 'method="post"' in page
    assert client.post(f"/w/{token}").status_code == 303
    assert client.post(f"/w/{token}").status_code == 303  # the old form again
    r = _acks(auth, w)
    assert r["acknowledged"] == 1 and r["by_channel"]["link"] == 1


def test_a_link_older_than_its_lifetime_is_gone_and_counts_nothing(app, auth, ids):
    w = issue(auth, ids, who="duty")
    client = app.test_client()
    ttl = app.config["WARNING_LINK_TTL_H"]
    old = _token(app, ids, "captain1", w, age_h=ttl + 1)
    got = client.get(f"/w/{old}")
    assert got.status_code == 410 and "链接已过期" in _plain(got) and "<form" not in got.text
    assert client.post(f"/w/{old}").status_code == 410
    assert _acks(auth, w)["acknowledged"] == 0
    # Within its lifetime it still opens.
    young = _token(app, ids, "captain1", w, age_h=ttl - 1)
    assert client.get(f"/w/{young}").status_code == 200


def test_a_tampered_link_is_refused_plainly(app, auth, ids):
    w = issue(auth, ids, who="duty")
    client = app.test_client()
    good = _token(app, ids, "captain1", w)
    payload, stamp, sig = good.split(".")
    flipped = "A" if payload[0] != "A" else "B"
    other = _token(app, ids, "officer1", w).split(".")[0]
    for bad in (
        f"{flipped}{payload[1:]}.{stamp}.{sig}",  # the payload changed
        f"{other}.{stamp}.{sig}",  # someone else's payload under this signature
        f"{payload}.{stamp}.{sig[:-2]}",  # cut short
        f"{payload}.{stamp}",
        f"{payload}.AAAAAA.{sig}",  # another time
        "%00%ff",
        "链接",
        "." * 150,
        "a" * 201,
    ):
        for resp in (client.get(f"/w/{bad}"), client.post(f"/w/{bad}")):
            assert resp.status_code == 404, bad
            assert "链接无效" in _plain(resp)
    assert _acks(auth, w)["acknowledged"] == 0


def test_a_cancelled_warning_says_lifted_and_an_old_form_counts_nothing(app, auth, ids):
    w = issue(auth, ids, who="duty")
    client, token = app.test_client(), _token(app, ids, "captain1", w)
    assert 'method="post"' in client.get(f"/w/{token}").text  # the form as it was opened
    lifted = auth("duty").post(f"/api/v1/warnings/{w['id']}/cancel", json={"reason": "台风转向"})
    assert lifted.status_code == 201
    page = client.get(f"/w/{token}")
    assert page.status_code == 200
    text = _plain(page)
    assert "已解除" in text and "<form" not in text and "<button" not in text
    posted = client.post(f"/w/{token}")
    assert posted.status_code == 409 and "已解除" in posted.text and "未记录确认" in posted.text
    assert _acks(auth, w)["acknowledged"] == 0


def test_an_expired_warning_says_so_and_an_old_form_counts_nothing(app, auth, ids, monkeypatch):
    soon = utcnow() + timedelta(minutes=30)
    w = issue(auth, ids, who="duty", expires_at=soon.isoformat())
    client, token = app.test_client(), _token(app, ids, "captain1", w)
    monkeypatch.setattr(link_page, "utcnow", lambda: soon + timedelta(minutes=1))
    page = client.get(f"/w/{token}")
    assert page.status_code == 200
    text = _plain(page)
    assert "已过期" in text and "<form" not in text
    posted = client.post(f"/w/{token}")
    assert posted.status_code == 409 and "已过期" in posted.text
    assert _acks(auth, w)["acknowledged"] == 0


@pytest.mark.parametrize("how", ["app", "sms", "link"])
def test_already_acknowledged_shows_when_and_how_and_an_old_form_counts_nothing(app, auth, ids, how):
    w = issue(auth, ids, who="duty")
    client, token = app.test_client(), _token(app, ids, "captain1", w)
    if how == "app":
        auth("captain1").post(SYNC, json={"ops": [ack_op(w["id"])]})
    elif how == "sms":
        phone = auth("duty").get(f"/api/v1/users/{ids['users']['captain1']}").json["phone"]
        raw, headers = signed(app, {"id": "in-1", "from": phone, "text": "收到"})
        answer = client.post("/api/v1/delivery/sms/inbound", data=raw, headers=headers).json["answer"]
        assert answer == "accept"
    else:
        client.post(f"/w/{token}")
    page = client.get(f"/w/{token}")
    text = _plain(page)
    word = {"app": "通过应用", "sms": "通过短信回复", "link": "通过此链接"}[how]
    assert page.status_code == 200 and "已确认收到" in text and "北京时间" in text and word in text
    assert "<form" not in text
    assert client.post(f"/w/{token}").status_code == 303
    r = _acks(auth, w)
    assert r["acknowledged"] == 1 and r["by_channel"][how] == 1


def test_someone_sent_it_only_to_read_gets_no_button_and_cannot_post(app, auth, ids):
    w = issue(auth, ids, who="duty")
    client, token = app.test_client(), _token(app, ids, "member1", w)
    page = client.get(f"/w/{token}")
    assert page.status_code == 200 and "无需确认" in _plain(page) and "<form" not in page.text
    assert client.post(f"/w/{token}").status_code == 403
    assert auth("member1").get(f"/api/v1/warnings/{w['id']}").json["acked"] is False
