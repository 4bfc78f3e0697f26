"""The per-person cascade: push, then SMS, then a call; answers by SMS or key press; a real
push (VAPID-signed, aes128gcm) to a push service on loopback."""

import base64
import json
import threading
import uuid
from datetime import timedelta

import http_ece
import jwt
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization

from server.core.models import utcnow
from server.delivery import service as delivery
from server.delivery.models import PushSubscription
from server.extensions import db

from .conftest import signed


def _dispatch(auth, ids, *usernames):
    body = {
        "title": "河堤管涌抢险",
        "location": {"lat": 25.05, "lon": 116.42},
        "member_ids": [ids["users"][u] for u in usernames],
        "muster_point": "临城镇政府大院",
    }
    resp = auth("town1").post("/api/v1/dispatches", json=body)
    assert resp.status_code == 201, resp.json
    return resp.json


def _phone(auth, ids, username):
    return auth("town1").get(f"/api/v1/users/{ids['users'][username]}").json["phone"]


def _run(app, now):
    with app.app_context():
        n = delivery.run_once(now)
        db.session.remove()
    return n


def _line(auth, order, username, ids):
    lines = auth("town1").get(f"/api/v1/dispatches/{order['id']}").json["targets"]
    return next(t for t in lines if t["member_id"] == ids["users"][username])


def test_no_subscription_means_sms_at_once_then_a_call_and_an_sms_reply_accepts(app, auth, ids, gateway):
    order = _dispatch(auth, ids, "member1")
    assert _line(auth, order, "member1", ids)["delivery"]["state"] == "queued"
    now = utcnow()
    assert _run(app, now) == 1
    (sms,) = gateway.requests
    body = json.loads(sms["body"])
    phone = _phone(auth, ids, "member1")
    assert sms["path"] == "/sms" and body["to"] == phone
    assert "河堤管涌抢险" in body["text"] and "回复1接受" in body["text"]
    raw, headers = signed(app, {"id": body["id"], "to": body["to"], "text": body["text"]})
    assert sms["headers"]["X-Signature"] == headers["X-Signature"]
    assert _line(auth, order, "member1", ids)["delivery"]["state"] == "sms_sent"

    # Nothing more before the wait; then a call with "press 1 / press 2".
    assert _run(app, now + timedelta(seconds=60)) == 0
    _run(app, now + timedelta(seconds=181))
    to_member = [r for r in gateway.requests if json.loads(r["body"])["to"] == phone]
    assert [r["path"] for r in to_member] == ["/sms", "/voice"]
    call = json.loads(to_member[1]["body"])
    assert call["choices"] == {"1": "accept", "2": "decline"} and "按1" in call["text"]

    # The member answers by SMS from their registered phone.
    raw, headers = signed(app, {"id": "in-1", "from": phone.removeprefix("+86"), "text": "1"})
    resp = app.test_client().post("/api/v1/delivery/sms/inbound", data=raw, headers=headers)
    assert resp.status_code == 200 and resp.json["answer"] == "accept"
    line = _line(auth, order, "member1", ids)
    assert line["response"] == "accepted" and line["delivery"]["state"] == "answered"
    _run(app, now + timedelta(hours=1))
    assert len([r for r in gateway.requests if json.loads(r["body"])["to"] == phone]) == 2  # nothing more


def test_a_forged_or_unsigned_webhook_changes_nothing(app, auth, ids):
    order = _dispatch(auth, ids, "member2")
    raw, headers = signed(app, {"id": "x", "from": _phone(auth, ids, "member2"), "text": "1"})
    client = app.test_client()
    for bad in ({"Content-Type": "application/json"}, {**headers, "X-Signature": "sha256=" + "0" * 64}):
        resp = client.post("/api/v1/delivery/sms/inbound", data=raw, headers=bad)
        assert resp.status_code == 401 and resp.mimetype == "application/problem+json"
    assert _line(auth, order, "member2", ids)["response"] == "pending"


def test_a_key_press_declines(app, auth, ids):
    order = _dispatch(auth, ids, "member3")
    phone = _phone(auth, ids, "member3")
    raw, headers = signed(
        app, {"id": "c1", "from": f"{phone[:3]} {phone[3:6]} {phone[6:10]} {phone[10:]}", "digits": "2"}
    )
    assert (
        app.test_client().post("/api/v1/delivery/voice/inbound", data=raw, headers=headers).json["answer"]
        == "decline"
    )
    assert _line(auth, order, "member3", ids)["response"] == "declined"


def test_an_answer_in_the_app_stops_the_cascade(app, auth, ids, gateway):
    order = _dispatch(auth, ids, "member4")
    auth("member4").post(f"/api/v1/dispatches/{order['id']}/respond", json={"response": "accept"})
    assert _run(app, utcnow()) == 0
    assert gateway.requests == []


def test_a_dispatch_push_reaches_the_browser_signed_and_encrypted(
    app, auth, ids, push_service, browser_keys, gateway
):
    member = auth("member5")
    sub = {
        "endpoint": push_service.url + "/push/abc",
        "keys": {"p256dh": browser_keys["p256dh"], "auth": browser_keys["auth"]},
    }
    assert member.post("/api/v1/push/subscriptions", json=sub).status_code == 201
    server_key = app.test_client().get("/api/v1/push/vapid-public-key").json["public_key"]
    order = _dispatch(auth, ids, "member5")
    assert _run(app, utcnow()) == 1

    (push,) = push_service.requests
    headers = {k.title(): v for k, v in push["headers"].items()}
    assert int(headers["Ttl"]) >= 3600 and headers["Urgency"] == "high" and headers["Topic"]
    assert headers["Content-Encoding"] == "aes128gcm"
    scheme, params = headers["Authorization"].split(" ", 1)
    assert scheme == "vapid"
    fields = dict(p.strip().split("=", 1) for p in params.split(","))
    assert fields["k"] == server_key
    point = base64.urlsafe_b64decode(server_key + "=" * (-len(server_key) % 4))
    from cryptography.hazmat.primitives.asymmetric import ec

    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    claims = jwt.decode(
        fields["t"],
        public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        algorithms=["ES256"],
        audience=push_service.url,
    )
    assert claims["sub"].startswith("mailto:")
    plain = http_ece.decrypt(
        push["body"],
        private_key=browser_keys["private"],
        auth_secret=browser_keys["auth_raw"],
        version="aes128gcm",
    )
    payload = json.loads(plain)
    assert (
        payload["type"] == "dispatch" and payload["id"] == order["id"] and "河堤管涌抢险" in payload["title"]
    )
    assert _line(auth, order, "member5", ids)["delivery"]["state"] == "pushed"
    assert gateway.requests == []  # SMS waits for its time


def test_a_subscription_the_push_service_says_is_gone_is_deleted(
    app, auth, ids, push_service, browser_keys, gateway
):
    push_service.status = 410
    sub = {
        "endpoint": push_service.url + "/push/gone",
        "keys": {"p256dh": browser_keys["p256dh"], "auth": browser_keys["auth"]},
    }
    auth("member6").post("/api/v1/push/subscriptions", json=sub)
    _dispatch(auth, ids, "member6")
    _run(app, utcnow())
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0
        db.session.remove()
    # Push not accepted: SMS went at once.
    assert [r["path"] for r in gateway.requests] == ["/sms"]


def test_subscriptions_only_to_listed_push_services(auth, browser_keys):
    member = auth("member7")
    keys = {"p256dh": browser_keys["p256dh"], "auth": browser_keys["auth"]}
    for endpoint in (
        "https://evil.example.com/push",
        "http://fcm.googleapis.com/fcm/send/x",
        "ftp://127.0.0.1/x",
    ):
        resp = member.post("/api/v1/push/subscriptions", json={"endpoint": endpoint, "keys": keys})
        assert resp.status_code == 422, endpoint
    ok = member.post(
        "/api/v1/push/subscriptions", json={"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": keys}
    )
    assert ok.status_code == 201
    assert (
        member.delete(
            "/api/v1/push/subscriptions", json={"endpoint": "https://fcm.googleapis.com/fcm/send/x"}
        ).status_code
        == 204
    )


def test_a_worker_that_crashed_after_claiming_leaves_the_work_to_the_next(app, auth, ids, gateway):
    _dispatch(auth, ids, "member8")
    now = utcnow()
    with app.app_context():
        claimed = delivery.claim(now)  # ... and the worker dies before sending
        db.session.remove()
    assert len(claimed) == 1
    assert _run(app, now) == 0  # still leased
    assert _run(app, now + timedelta(seconds=61)) == 1
    assert [r["path"] for r in gateway.requests] == ["/sms"]


def test_two_workers_at_once_never_send_one_notification_twice(app, auth, ids, gateway):
    _dispatch(auth, ids, *[f"member{i}" for i in range(1, 13)])
    now = utcnow()
    counts = []

    def work():
        counts.append(_run(app, now))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 12
    sent_to = [json.loads(r["body"])["to"] for r in gateway.requests]
    assert len(sent_to) == len(set(sent_to)) == 12


def test_silent_members_are_reported_to_their_captain_and_the_desk_after_the_wait(app, auth, ids, gateway):
    order = _dispatch(auth, ids, "member9", "member10")
    auth("member9").post(f"/api/v1/dispatches/{order['id']}/respond", json={"response": "accept"})
    later = utcnow() + timedelta(seconds=app.config["DISPATCH_ESCALATE_S"] + 1)
    _run(app, later)
    _run(app, later)  # a second round tells nobody twice
    with app.app_context():
        from server.delivery.models import Notification

        alerts = db.session.scalars(sa.select(Notification).where(Notification.kind == "alert")).all()
        told = {str(a.user_id) for a in alerts}
        assert told == {ids["users"]["captain1"], ids["users"]["town1"]}
        assert all("1人未响应" in a.body for a in alerts)
        db.session.remove()


def test_production_refuses_to_start_without_a_vapid_key():
    import pytest

    from server import create_app
    from server.config import ProductionConfig

    class Prod(ProductionConfig):
        SECRET_KEY = "s" * 40
        JWT_SECRET_KEY = "j" * 40
        VAPID_PRIVATE_KEY = ""

    with pytest.raises(RuntimeError, match="VAPID_PRIVATE_KEY"):
        create_app(Prod)


def test_a_missed_checkin_on_scene_alerts_the_captain_and_the_desk_once(app, auth, ids):
    order = _dispatch(auth, ids, "member11")
    auth("member11").post(f"/api/v1/dispatches/{order['id']}/status", json={"status": "on_scene"})
    later = utcnow() + timedelta(minutes=31)
    _run(app, later)
    _run(app, later + timedelta(minutes=1))
    with app.app_context():
        from server.delivery.models import Notification

        alerts = db.session.scalars(
            sa.select(Notification).where(
                Notification.kind == "alert", Notification.ref_id.contains(":missed:")
            )
        ).all()
        assert {str(a.user_id) for a in alerts} == {ids["users"]["captain1"], ids["users"]["town1"]}
        assert len(alerts) == 2
        db.session.remove()


def _subscribe(auth, username, push_service, browser_keys):
    sub = {
        "endpoint": push_service.url + f"/push/{username}",
        "keys": {"p256dh": browser_keys["p256dh"], "auth": browser_keys["auth"]},
    }
    assert auth(username).post("/api/v1/push/subscriptions", json=sub).status_code == 201


def test_a_busy_push_service_is_tried_again_before_sms(app, auth, ids, push_service, browser_keys, gateway):
    _subscribe(auth, "member10", push_service, browser_keys)
    order = _dispatch(auth, ids, "member10")
    now = utcnow()
    push_service.status = 429
    assert _run(app, now) == 1
    assert len(push_service.requests) == 1 and gateway.requests == []  # no SMS yet
    assert _line(auth, order, "member10", ids)["delivery"]["state"] == "queued"
    assert _run(app, now + timedelta(seconds=2)) == 0  # backing off
    push_service.status = 201
    assert _run(app, now + timedelta(seconds=6)) == 1
    assert len(push_service.requests) == 2 and gateway.requests == []
    line = _line(auth, order, "member10", ids)["delivery"]
    assert line["state"] == "pushed"
    assert [(a["channel"], a["state"], a["status"]) for a in line["attempts"]] == [
        ("push", "refused", 429),
        ("push", "accepted", 201),
    ]


def test_a_push_service_failing_three_times_hands_over_to_sms(
    app, auth, ids, push_service, browser_keys, gateway
):
    _subscribe(auth, "member11", push_service, browser_keys)
    order = _dispatch(auth, ids, "member11")
    now = utcnow()
    push_service.status = 503
    for later in (0, 5, 20):  # the first push, then after 5 s and 15 s more
        assert _run(app, now + timedelta(seconds=later)) == 1
    assert len(push_service.requests) == 3
    assert [r["path"] for r in gateway.requests] == ["/sms"]
    assert _line(auth, order, "member11", ids)["delivery"]["state"] == "sms_sent"


def test_a_push_service_asking_to_wait_longer_than_the_sms_wait_loses_to_sms(
    app, auth, ids, push_service, browser_keys, gateway
):
    _subscribe(auth, "member12", push_service, browser_keys)
    _dispatch(auth, ids, "member12")
    push_service.status, push_service.headers = 429, {"Retry-After": "600"}
    assert _run(app, utcnow()) == 1
    assert len(push_service.requests) == 1
    assert [r["path"] for r in gateway.requests] == ["/sms"]


def test_an_sms_reply_answers_the_order_even_when_a_notice_came_after_it(app, auth, ids, gateway):
    """A notice (a shelter's fill, here) takes no answer: the "1" is for the open order."""
    order = _dispatch(auth, ids, "member5")
    with app.app_context():
        delivery.notify(
            uuid.UUID(ids["users"]["member5"]), "shelter", "x:fill90", "安置点将满", "已住9/10人", "alert", {}
        )
        db.session.commit()
        db.session.remove()
    phone = _phone(auth, ids, "member5")
    raw, headers = signed(app, {"id": "in-5", "from": phone, "text": "1"})
    resp = app.test_client().post("/api/v1/delivery/sms/inbound", data=raw, headers=headers)
    assert resp.status_code == 200 and resp.json["answer"] == "accept"
    assert _line(auth, order, "member5", ids)["response"] == "accepted"
