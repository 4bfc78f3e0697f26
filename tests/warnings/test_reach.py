"""Reaching the area's people: responsible persons through the cascade, the others by a notice;
acknowledgements counted once across the app, an SMS reply, a key press and the signed link;
the silent reminded once and reported once; the residents' hook; the desk's counts."""

import json
import re
from datetime import timedelta

import http_ece
import pytest
import sqlalchemy as sa

from server.core.models import utcnow
from server.delivery import service as delivery
from server.delivery.models import Notification
from server.extensions import db
from server.warnings import service as warnings_service
from server.warnings import supervision

from ..delivery.conftest import signed
from .helpers import SYNC, T1, T2, ack_op, issue

RESPONSIBLE_T1 = {"town1", "captain1", "officer1"}
NOTICED_T1 = {f"member{i}" for i in range(1, 13)} | {"shelter1"}
RESPONSIBLE_T2 = {"town2", "captain2", "officer2"}


def _run(app, now=None):
    with app.app_context():
        n = delivery.run_once(now or utcnow())
        db.session.remove()
    return n


def _phones(auth, ids, usernames):
    desk = auth("duty")
    return {desk.get(f"/api/v1/users/{ids['users'][u]}").json["phone"]: u for u in usernames}


def _texts(gateway, path="/sms"):
    return [json.loads(r["body"]) for r in gateway.requests if r["path"] == path]


def _delivery(auth, w):
    resp = auth("duty").get(f"/api/v1/warnings/{w['id']}/delivery")
    assert resp.status_code == 200, resp.json
    assert resp.headers["Cache-Control"] == "no-store"  # phones of people in it
    return resp.json


def test_a_warning_to_township_1_reaches_its_people_and_nobody_of_township_2(app, auth, ids, gateway):
    w = issue(auth, ids, who="duty")
    d = _delivery(auth, w)
    assert d["going_out"] is True and d["responsible"]["targeted"] == 3
    _run(app)
    everyone = RESPONSIBLE_T1 | NOTICED_T1 | RESPONSIBLE_T2 | {"t2member1", "admin", "duty"}
    phones = _phones(auth, ids, everyone)
    sent = {phones[m["to"]]: m["text"] for m in _texts(gateway)}
    assert set(sent) == RESPONSIBLE_T1 | NOTICED_T1
    for user in RESPONSIBLE_T1:
        assert "回复1表示收到" in sent[user] and "/w/" in sent[user] and "蓝色预警" in sent[user]
    for user in NOTICED_T1:
        assert "回复1" not in sent[user] and "/w/" in sent[user]
    d = _delivery(auth, w)
    assert d["going_out"] is False
    assert d["responsible"]["reached"] == {"push": 0, "sms": 3, "voice": 0}
    assert {s["display_name"] for s in d["responsible"]["silent"]} >= {"临城镇值班员"}
    assert all(s["phone"].startswith("+86") for s in d["responsible"]["silent"])
    # Later: the responsible are called; the notices end with their SMS.
    _run(app, utcnow() + timedelta(seconds=200))
    called = {phones[c["to"]] for c in _texts(gateway, "/voice")}
    assert called == RESPONSIBLE_T1
    assert "收到请按1" in _texts(gateway, "/voice")[0]["text"]
    assert _delivery(auth, w)["responsible"]["reached"]["voice"] == 3


def _link_of(gateway, phone):
    text = next(m["text"] for m in _texts(gateway) if m["to"] == phone)
    return re.search(r"https?://\S+/w/\S+", text).group(0).split("/w/", 1)[1].rstrip("。 ")


def test_acknowledgements_are_counted_once_across_app_sms_call_and_link(app, auth, ids, gateway):
    w = issue(auth, ids, who="duty", region_ids=[ids["regions"][T1], ids["regions"][T2]])
    _run(app)
    phones = {u: p for p, u in _phones(auth, ids, RESPONSIBLE_T1 | RESPONSIBLE_T2).items()}
    client = app.test_client()

    def sms(user, text):
        raw, headers = signed(app, {"id": f"in-{user}-{text}", "from": phones[user], "text": text})
        return client.post("/api/v1/delivery/sms/inbound", data=raw, headers=headers)

    def key(user, digits):
        raw, headers = signed(app, {"id": f"v-{user}", "from": phones[user], "digits": digits})
        return client.post("/api/v1/delivery/voice/inbound", data=raw, headers=headers)

    token = _link_of(gateway, phones["officer2"])
    page = client.get(f"/w/{token}")
    assert page.status_code == 200 and "收到" in page.text and "<script" not in page.text
    assert 'method="post"' in page.text
    assert (
        auth("officer1").post(SYNC, json={"ops": [ack_op(w["id"])]}).json["results"][0]["status"] == "applied"
    )
    assert sms("captain1", "1").json["answer"] == "accept"
    assert key("town1", "1").json["answer"] == "accept"
    posted = client.post(f"/w/{token}")
    assert posted.status_code == 303
    done = client.get(f"/w/{token}")
    assert "已确认收到" in done.text and "<button" not in done.text

    # The same people again, each by another way: nothing more is counted.
    assert auth("captain1").post(f"/api/v1/warnings/{w['id']}/ack").status_code == 200
    sms("town1", "1")
    key("officer1", "1")
    client.post(f"/w/{token}")
    assert auth("officer2").post(SYNC, json={"ops": [ack_op(w["id"])]}).json["results"][0]["entity"]["acked"]

    r = _delivery(auth, w)["responsible"]
    assert r["targeted"] == 6 and r["acknowledged"] == 4
    assert r["by_channel"] == {"app": 1, "sms": 1, "voice": 1, "link": 1}
    assert {s["display_name"] for s in r["silent"]} == {
        "古田镇值班员",
        auth("duty").get(f"/api/v1/users/{ids['users']['captain2']}").json["display_name"],
    }
    # The acked are no longer chased: their cascade stopped.
    before = len(gateway.requests)
    _run(app, utcnow() + timedelta(seconds=200))
    later = [json.loads(x["body"])["to"] for x in gateway.requests[before:] if x["path"] == "/voice"]
    assert set(later) == {phones["town2"], phones["captain2"]}
    assert auth("captain1").get(f"/api/v1/warnings/{w['id']}").json["acked"] is True


def test_a_bad_or_foreign_link_shows_a_plain_refusal(app, auth, ids, gateway):
    w = issue(auth, ids, who="duty")
    _run(app)
    client = app.test_client()
    for bad in ("nope", "x" * 300, "AAAA.BBBB"):
        resp = client.get(f"/w/{bad}")
        assert resp.status_code == 404 and "链接无效" in resp.text
        assert client.post(f"/w/{bad}").status_code == 404
    from server.warnings import reach

    with app.app_context():
        import uuid

        foreign = reach.link_token(uuid.UUID(ids["users"]["officer2"]), uuid.UUID(w["id"]))
    assert client.get(f"/w/{foreign}").status_code == 404
    assert client.post(f"/w/{foreign}").status_code == 404
    assert _delivery(auth, w)["responsible"]["acknowledged"] == 0


def _sweep(app, now):
    with app.app_context():
        made = supervision.sweep(now)
        db.session.commit()
        db.session.remove()
    return made


def _alerts(app, w):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.kind == "alert", Notification.ref_id == f"{w['id']}:silent"
            )
        ).all()
        db.session.remove()
    return {str(r) for r in rows}


def test_the_silent_are_reminded_once_then_reported_once_to_the_desk(app, auth, ids, gateway):
    w = issue(auth, ids, who="duty")
    start = utcnow()
    _run(app, start)
    auth("officer1").post(f"/api/v1/warnings/{w['id']}/ack")
    assert _sweep(app, start + timedelta(minutes=14)) == 0
    assert _sweep(app, start + timedelta(minutes=16)) == 2  # town1 and captain1, not officer1
    assert _sweep(app, start + timedelta(minutes=17)) == 0
    silent = _delivery(auth, w)["responsible"]["silent"]
    assert len(silent) == 2 and all(s.get("reminded_at") for s in silent)
    phones = {u: p for p, u in _phones(auth, ids, RESPONSIBLE_T1).items()}
    before = len(_texts(gateway))
    _run(app, start + timedelta(minutes=16))
    again = {m["to"] for m in _texts(gateway)[before:]}
    assert again == {phones["town1"], phones["captain1"]}  # the cascade begun again, from the top
    assert _alerts(app, w) == set()
    assert _sweep(app, start + timedelta(minutes=31)) == 1
    assert _sweep(app, start + timedelta(minutes=45)) == 0
    desk = {ids["users"][u] for u in ("duty", "admin")}
    assert _alerts(app, w) == desk
    d = _delivery(auth, w)["responsible"]
    assert d["reported_at"] and len(d["silent"]) == 2


def test_the_worker_runs_the_warning_sweep(app, auth, ids, gateway):
    w = issue(auth, ids, who="duty")
    _run(app, utcnow() + timedelta(minutes=31))
    assert _alerts(app, w) == {ids["users"][u] for u in ("duty", "admin")}


def test_a_cancelled_warning_chases_nobody(app, auth, ids, gateway):
    w = issue(auth, ids, who="duty")
    auth("duty").post(f"/api/v1/warnings/{w['id']}/cancel", json={"reason": "已解除"})
    assert _sweep(app, utcnow() + timedelta(minutes=40)) == 0
    assert _alerts(app, w) == set()


class FakeAudience:
    def __init__(self):
        self.queued = []

    def queue(self, warning, region_ids, polygon):
        self.queued.append((warning.id, warning.msg_type, list(region_ids), polygon))
        return 7

    def counts(self, warning_id):
        return {"targeted": 7, "push": {"accepted": 4, "failed": 1, "pending": 0}, "sms": {"accepted": 2}}


@pytest.fixture()
def audience():
    fake = FakeAudience()
    warnings_service.register_audience(fake)
    yield fake
    warnings_service.AUDIENCES.remove(fake)


def test_every_issued_message_is_handed_to_the_residents_audience(app, auth, ids, audience):
    town = ids["regions"][T1]
    ring = [[25.05, 116.42], [25.10, 116.42], [25.10, 116.50]]
    draft = issue(auth, ids, draft=True, polygon=ring)
    assert audience.queued == []  # a draft reaches nobody
    auth("town1").post(f"/api/v1/warnings/{draft['id']}/issue")
    up = auth("town1").post(f"/api/v1/warnings/{draft['id']}/update", json={"reason": "更新"}).json
    auth("town1").post(f"/api/v1/warnings/{draft['id']}/cancel", json={"reason": "解除"})
    assert [(t, r, p) for _, t, r, p in audience.queued] == [
        ("alert", [town], ring),
        ("update", [town], ring),
        ("cancel", [town], ring),
    ]
    d = auth("town1").get(f"/api/v1/warnings/{up['id']}/delivery").json["residents"]
    assert d == {
        "targeted": 7,
        "push": {"accepted": 4, "failed": 1, "pending": 0},
        "sms": {"accepted": 2, "failed": 0, "pending": 0},
    }


def test_without_an_audience_the_residents_counts_are_zero(auth, ids):
    w = issue(auth, ids)
    zero = {"accepted": 0, "failed": 0, "pending": 0}
    assert auth("town1").get(f"/api/v1/warnings/{w['id']}/delivery").json["residents"] == {
        "targeted": 0,
        "push": zero,
        "sms": zero,
    }


def test_the_push_names_the_warning_its_level_and_its_page(
    app, auth, ids, push_service, browser_keys, gateway
):
    sub = {
        "endpoint": push_service.url + "/push/w1",
        "keys": {"p256dh": browser_keys["p256dh"], "auth": browser_keys["auth"]},
    }
    assert auth("officer1").post("/api/v1/push/subscriptions", json=sub).status_code == 201
    w = issue(auth, ids, level="red")
    _run(app)
    (push,) = push_service.requests
    payload = json.loads(
        http_ece.decrypt(
            push["body"],
            private_key=browser_keys["private"],
            auth_secret=browser_keys["auth_raw"],
            version="aes128gcm",
        )
    )
    assert payload["type"] == "warning" and payload["id"] == w["id"] and payload["level"] == "red"
    assert payload["url"] == f"/warnings/{w['id']}" and "红色预警" in payload["title"]
    assert _delivery(auth, w)["responsible"]["reached"]["push"] == 1
