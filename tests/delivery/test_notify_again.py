"""The desk chasing a silent member: POST .../targets/<member>/notify begins that member's cascade
again from push, once per order and member in a while, never for someone who has answered."""

import json
import uuid
from datetime import timedelta

from server.core.models import utcnow
from server.delivery import service as delivery
from server.extensions import db

PROBLEMS = "https://emergency-field.example/problems/"


def _dispatch(auth, ids, *usernames, desk="town1"):
    body = {
        "title": "河堤管涌抢险",
        "location": {"lat": 25.05, "lon": 116.42},
        "member_ids": [ids["users"][u] for u in usernames],
        "muster_point": "临城镇政府大院",
    }
    resp = auth(desk).post("/api/v1/dispatches", json=body)
    assert resp.status_code == 201, resp.json
    return resp.json


def _notify(auth, order, ids, username, desk="town1"):
    return auth(desk).post(f"/api/v1/dispatches/{order['id']}/targets/{ids['users'][username]}/notify")


def _run(app, now):
    with app.app_context():
        n = delivery.run_once(now)
        db.session.remove()
    return n


def _line(body, ids, username):
    return next(t for t in body["targets"] if t["member_id"] == ids["users"][username])


def _subscribe(auth, username, push_service, browser_keys):
    sub = {
        "endpoint": push_service.url + f"/push/{username}",
        "keys": {"p256dh": browser_keys["p256dh"], "auth": browser_keys["auth"]},
    }
    assert auth(username).post("/api/v1/push/subscriptions", json=sub).status_code == 201


def test_a_silent_member_is_reached_again_from_push_after_the_cascade_ran_out(
    app, auth, ids, push_service, browser_keys, gateway
):
    _subscribe(auth, "member5", push_service, browser_keys)
    order = _dispatch(auth, ids, "member5")
    phone = _line(auth("town1").get(f"/api/v1/dispatches/{order['id']}").json, ids, "member5")["phone"]

    def to_member():  # the escalations to the captain and the desk go to other phones
        return [r["path"] for r in gateway.requests if json.loads(r["body"])["to"] == phone]

    now = utcnow()
    for later in (0, 61, 242):  # push, then SMS, then the call
        assert _run(app, now + timedelta(seconds=later)) >= 1
    assert to_member() == ["/sms", "/voice"] and len(push_service.requests) == 1

    resp = _notify(auth, order, ids, "member5")
    assert resp.status_code == 200, resp.json
    again = auth("town1").get(f"/api/v1/dispatches/{order['id']}").json
    assert set(resp.json) == set(again) and resp.json["board"] == again["board"]
    line = _line(resp.json, ids, "member5")
    assert line["delivery"]["state"] == "queued" and line["delivery"]["restarted_at"]
    assert line["phone"] == phone

    # Push first again, then SMS after its wait: the cascade from its first step.
    later = utcnow()
    _run(app, later)
    assert len(push_service.requests) == 2 and to_member() == ["/sms", "/voice"]
    _run(app, later + timedelta(seconds=61))
    assert to_member() == ["/sms", "/voice", "/sms"]

    audit = auth("admin").get(f"/api/v1/audit?entity_type=dispatch&entity_id={order['id']}").json["items"]
    (entry,) = [e for e in audit if e["action"] == "dispatch.notify"]
    assert entry["changes"] == {"member_id": ids["users"]["member5"]}
    assert entry["actor_id"] == ids["users"]["town1"]


def test_a_cascade_begun_again_tries_a_busy_push_service_again_before_sms(
    app, auth, ids, push_service, browser_keys, gateway
):
    _subscribe(auth, "member6", push_service, browser_keys)
    order = _dispatch(auth, ids, "member6")
    now = utcnow()
    push_service.status = 503
    for later in (0, 5, 20):  # three pushes refused, then SMS
        _run(app, now + timedelta(seconds=later))
    assert len(push_service.requests) == 3 and [r["path"] for r in gateway.requests] == ["/sms"]

    assert _notify(auth, order, ids, "member6").status_code == 200
    _run(app, utcnow())
    # Its push rounds count from the new start: a refused push is retried, not skipped to SMS.
    assert len(push_service.requests) == 4 and [r["path"] for r in gateway.requests] == ["/sms"]


def test_a_member_who_answered_is_not_chased(auth, ids):
    order = _dispatch(auth, ids, "member7", "member8")
    url = f"/api/v1/dispatches/{order['id']}"
    auth("member7").post(f"{url}/respond", json={"response": "accept"})
    auth("member8").post(f"{url}/respond", json={"response": "decline", "reason": "在外地"})
    for username in ("member7", "member8"):
        resp = _notify(auth, order, ids, username)
        assert resp.status_code == 409 and resp.mimetype == "application/problem+json"
        assert resp.json["type"].endswith("already-answered")


def test_a_member_not_on_the_order_or_an_order_elsewhere_is_not_found(auth, ids):
    order = _dispatch(auth, ids, "member9")
    resp = _notify(auth, order, ids, "member10")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
    # Township 2's desk does not see township 1's order at all.
    assert _notify(auth, order, ids, "member9", desk="town2").status_code == 404
    # A member or a captain cannot chase anyone: a desk's step.
    for username in ("member1", "captain1"):
        assert _notify(auth, order, ids, "member9", desk=username).status_code == 403


def test_chasing_the_same_member_twice_at_once_calls_them_once(app, auth, ids, monkeypatch):
    order = _dispatch(auth, ids, "member11", "member12")
    assert _notify(auth, order, ids, "member11").status_code == 200
    twice = _notify(auth, order, ids, "member11", desk="duty")
    assert twice.status_code == 429 and twice.mimetype == "application/problem+json"
    assert twice.json["type"] == PROBLEMS + "rate-limited"
    assert 1 <= int(twice.headers["Retry-After"]) <= app.config["NOTIFY_AGAIN_AFTER_S"]
    # Per member: another member of the same order can be chased at once.
    assert _notify(auth, order, ids, "member12").status_code == 200
    with app.app_context():
        entries = delivery.deliveries_for("dispatch", order["id"])
        db.session.remove()
    assert entries[uuid.UUID(ids["users"]["member11"])]["state"] == "queued"
    # Once the window has passed, the desk may chase again.
    monkeypatch.setitem(app.config, "NOTIFY_AGAIN_AFTER_S", 0)
    assert _notify(auth, order, ids, "member11").status_code == 200


def test_phones_on_an_order_are_seen_by_the_desk_and_the_captain_only(auth, ids):
    order = _dispatch(auth, ids, "member2", "member3")
    url = f"/api/v1/dispatches/{order['id']}"
    for lead in ("town1", "duty", "captain1"):
        lines = auth(lead).get(url).json["targets"]
        assert len(lines) == 2 and all(t["phone"].startswith("+86") for t in lines), lead
    own = auth("member2").get(url).json["targets"]
    assert [t["member_id"] for t in own] == [ids["users"]["member2"]]
    assert auth("member4").get(url).status_code == 404


def test_a_chase_while_the_worker_is_sending_is_not_overwritten_by_the_old_step(app, auth, ids, monkeypatch):
    order = _dispatch(auth, ids, "member3")
    from server.delivery import channels

    def sms_while_the_desk_presses(message_id, to, template, params):
        # The desk presses "notify again" while this SMS (the old cascade's step) is on its way.
        assert _notify(auth, order, ids, "member3").status_code == 200
        return True

    monkeypatch.setattr(channels, "send_sms", sms_while_the_desk_presses)
    assert _run(app, utcnow()) == 1
    line = _line(auth("town1").get(f"/api/v1/dispatches/{order['id']}").json, ids, "member3")
    # The fresh start stands (queued: push or SMS again now), the SMS that went is on record.
    assert line["delivery"]["state"] == "queued"
    assert [a["channel"] for a in line["delivery"]["attempts"]] == ["sms"]
