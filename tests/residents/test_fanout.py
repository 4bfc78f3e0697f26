"""A warning's fan-out to residents: by web push (loopback push service, decrypted here) and by
SMS (loopback gateway), to the area's subscribers only, counted exactly, never sent twice."""

import json
from datetime import timedelta

import http_ece
import sqlalchemy as sa

from server.core.models import utcnow
from server.delivery.models import PushSubscription
from server.extensions import db
from server.residents.models import ResidentDelivery

from .conftest import counts, issue, run, sms_to, subscribe, warning


def _push_sub(client, push_service, keys, region_id, name):
    body = {
        "subscription": {
            "endpoint": f"{push_service.url}/push/{name}",
            "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]},
        },
        "region_id": region_id,
    }
    resp = client.post("/api/v1/public/push/subscriptions", json=body)
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _area(app, client, gateway, push_service, keys, ids):
    """Township 1: a push resident in a village and one on the township, two SMS residents;
    township 2: one of each."""
    regions = ids["regions"]
    _push_sub(client, push_service, keys, regions["城东村"], "t1-village")
    _push_sub(client, push_service, keys, regions["临城镇"], "t1-town")
    _push_sub(client, push_service, keys, regions["五龙村"], "t2-village")
    subscribe(app, client, gateway, "13800005001", regions["紫金村"])
    subscribe(app, client, gateway, "13800005002", regions["临城镇"])
    subscribe(app, client, gateway, "13800005003", regions["古田镇"])


def _warning_sms(gateway, phone):
    return [t for t in sms_to(gateway, phone) if "验证码" not in t]


def test_a_warning_to_township_1_reaches_its_residents_by_push_and_sms_and_not_township_2s(
    app, client, ids, gateway, push_service, browser_keys
):
    _area(app, client, gateway, push_service, browser_keys, ids)
    item = warning(level="red")
    assert issue(app, item, [ids["regions"]["临城镇"]]) == 4
    assert counts(app, item.id) == {
        "targeted": 4,
        "push": {"accepted": 0, "failed": 0, "pending": 2},
        "sms": {"accepted": 0, "failed": 0, "pending": 2},
    }
    run(app)
    paths = sorted(r["path"] for r in push_service.requests)
    assert paths == ["/push/t1-town", "/push/t1-village"]
    for request in push_service.requests:
        headers = {k.title(): v for k, v in request["headers"].items()}
        assert headers["Urgency"] == "high" and headers["Content-Encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            request["body"],
            private_key=browser_keys["private"],
            auth_secret=browser_keys["auth_raw"],
            version="aes128gcm",
        )
        payload = json.loads(plain)
        assert payload["type"] == "warning" and payload["id"] == str(item.id)
        assert payload["level"] == "red" and payload["title"] == item.title
    assert len(_warning_sms(gateway, "+8613800005001")) == 1
    assert "临城镇紫金村" in _warning_sms(gateway, "+8613800005001")[0]
    assert len(_warning_sms(gateway, "+8613800005002")) == 1
    assert _warning_sms(gateway, "+8613800005003") == []
    assert counts(app, item.id) == {
        "targeted": 4,
        "push": {"accepted": 2, "failed": 0, "pending": 0},
        "sms": {"accepted": 2, "failed": 0, "pending": 0},
    }


def test_a_resent_warning_or_a_replayed_sweep_sends_nothing_twice(
    app, client, ids, gateway, push_service, browser_keys
):
    _area(app, client, gateway, push_service, browser_keys, ids)
    item = warning()
    town = ids["regions"]["临城镇"]
    assert issue(app, item, [town]) == 4
    run(app)
    sent = (len(push_service.requests), len(gateway.requests))
    # The same message queued again (a retried issue) adds no row; sweeps again send nothing.
    assert issue(app, item, [town, ids["regions"]["城东村"]]) == 4
    run(app)
    run(app, utcnow() + timedelta(minutes=10))
    assert (len(push_service.requests), len(gateway.requests)) == sent
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ResidentDelivery)) == 4


def test_a_leased_row_is_not_sent_by_a_second_sweep_until_its_lease_runs_out(app, client, ids, gateway):
    subscribe(app, client, gateway, "13800005001", ids["regions"]["临城镇"])
    item = warning()
    issue(app, item, [ids["regions"]["临城镇"]])
    from server.residents import sender

    with app.app_context():
        claimed = sender.claim(utcnow(), 100)  # a worker claimed, then died before sending
        assert len(claimed) == 1
        assert sender.claim(utcnow(), 100) == []  # another worker does not take it
        db.session.remove()
    run(app)
    assert _warning_sms(gateway, "+8613800005001") == []
    run(app, utcnow() + timedelta(minutes=3))  # the lease ran out: now it goes, once
    run(app, utcnow() + timedelta(minutes=4))
    assert len(_warning_sms(gateway, "+8613800005001")) == 1


def test_a_failing_push_service_is_tried_a_bounded_number_of_times_and_a_gone_one_is_deleted(
    app, client, ids, gateway, push_service, browser_keys
):
    town = ids["regions"]["临城镇"]
    _push_sub(client, push_service, browser_keys, town, "busy")
    push_service.status = 503
    item = warning(level="blue")
    issue(app, item, [town])
    now = utcnow()
    run(app, now)
    assert counts(app, item.id)["push"] == {"accepted": 0, "failed": 0, "pending": 1}
    run(app, now + timedelta(seconds=5))  # not yet due
    assert len(push_service.requests) == 1
    run(app, now + timedelta(seconds=11))
    run(app, now + timedelta(seconds=80))
    run(app, now + timedelta(seconds=200))
    tries = app.config["RESIDENT_SEND_TRIES"]
    assert len(push_service.requests) == tries
    assert counts(app, item.id)["push"] == {"accepted": 0, "failed": 1, "pending": 0}
    headers = {k.title(): v for k, v in push_service.requests[0]["headers"].items()}
    assert headers["Urgency"] == "normal"  # blue: not worth waking a phone

    push_service.status = 410
    second = warning(level="orange")
    issue(app, second, [town])
    run(app, now + timedelta(seconds=300))
    assert counts(app, second.id)["push"] == {"accepted": 0, "failed": 1, "pending": 0}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


def test_a_failing_sms_gateway_is_tried_again_then_counted_failed(app, client, ids, gateway):
    subscribe(app, client, gateway, "13800005001", ids["regions"]["临城镇"])
    gateway.status = 500
    item = warning()
    issue(app, item, [ids["regions"]["临城镇"]])
    now = utcnow()
    for step in (0, 11, 80, 200):
        run(app, now + timedelta(seconds=step))
    assert len(_warning_sms(gateway, "+8613800005001")) == app.config["RESIDENT_SEND_TRIES"]
    assert counts(app, item.id)["sms"] == {"accepted": 0, "failed": 1, "pending": 0}


def test_a_polygon_reaches_the_villages_whose_centre_lies_inside_it(app, client, ids, gateway):
    subscribe(app, client, gateway, "13800005001", ids["regions"]["城东村"])  # 25.0560, 116.4420
    subscribe(app, client, gateway, "13800005002", ids["regions"]["紫金村"])  # 25.0450, 116.4150
    square = [[25.05, 116.43], [25.06, 116.43], [25.06, 116.45], [25.05, 116.45]]
    item = warning()
    assert issue(app, item, [], square) == 1
    run(app)
    assert len(_warning_sms(gateway, "+8613800005001")) == 1
    assert _warning_sms(gateway, "+8613800005002") == []


def test_an_update_and_a_cancel_are_each_sent_and_say_what_they_are(app, client, ids, gateway):
    town = ids["regions"]["临城镇"]
    subscribe(app, client, gateway, "13800005001", town)
    first = warning()
    issue(app, first, [town])
    issue(app, warning(msg_type="update", references_id=first.id, level="orange"), [town])
    issue(app, warning(msg_type="cancel", references_id=first.id), [town])
    run(app)
    texts = _warning_sms(gateway, "+8613800005001")
    assert len(texts) == 3
    assert any("发布红色暴雨预警" in t for t in texts)
    assert any("更新橙色暴雨预警" in t for t in texts)
    assert any("解除红色暴雨预警" in t for t in texts)


def test_no_subscriber_no_rows_and_zero_counts(app, ids):
    item = warning()
    assert issue(app, item, [ids["regions"]["才溪镇"]]) == 0
    assert counts(app, item.id)["targeted"] == 0


def test_a_warning_issued_at_the_desk_reaches_the_residents_and_the_desk_sees_them_counted(
    app, client, auth, ids, gateway
):
    """The two halves joined: the warnings API hands its message to this audience (create_app
    registers it), and GET …/delivery counts the residents as the sweeps send to them."""
    regions = ids["regions"]
    subscribe(app, client, gateway, "13800005011", regions["城东村"])
    subscribe(app, client, gateway, "13800005012", regions["古田村"])
    body = {
        "title": "临城镇暴雨橙色预警",
        "body": "未来6小时临城镇将出现50毫米以上降水。",
        "kind": "rainstorm",
        "level": "orange",
        "region_ids": [regions["临城镇"]],
    }
    desk = auth("town1")
    made = desk.post("/api/v1/warnings", json=body)
    assert made.status_code == 201, made.json
    wid = made.json["id"]
    assert desk.get(f"/api/v1/warnings/{wid}/delivery").json["residents"] == {
        "targeted": 1,
        "push": {"accepted": 0, "failed": 0, "pending": 0},
        "sms": {"accepted": 0, "failed": 0, "pending": 1},
    }
    run(app)
    assert len(_warning_sms(gateway, "+8613800005011")) == 1
    assert _warning_sms(gateway, "+8613800005012") == []
    assert desk.get(f"/api/v1/warnings/{wid}/delivery").json["residents"]["sms"] == {
        "accepted": 1,
        "failed": 0,
        "pending": 0,
    }
