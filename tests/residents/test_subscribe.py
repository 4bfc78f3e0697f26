"""A resident subscribes a mobile number by a one-time code, and stops by TD / 退订 or a link."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.core.models import utcnow
from server.extensions import db, limiter
from server.residents.models import ResidentCode, ResidentDelivery, ResidentSubscription

from .conftest import counts, issue, last_code, run, sms_to, subscribe, warning

PHONE = "13800001111"
E164 = "+8613800001111"


def _rows(app, model) -> list:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(model)))
        db.session.expunge_all()
        db.session.remove()
    return rows


def _ask(client, phone=PHONE, region_id=None):
    return client.post("/api/v1/public/residents/codes", json={"phone": phone, "region_id": region_id})


def _confirm(client, code, phone=PHONE):
    return client.post("/api/v1/public/residents/subscriptions", json={"phone": phone, "code": code})


def test_the_right_code_makes_the_subscription_active_and_only_its_hash_is_kept(app, client, ids, gateway):
    village = ids["regions"]["城东村"]
    resp = _ask(client, region_id=village)
    assert resp.status_code == 202 and resp.json["phone"] == "138****1111"
    assert _rows(app, ResidentSubscription)[0].state == "pending"
    run(app)
    (text,) = sms_to(gateway, E164)
    code = last_code(gateway, E164)
    assert "临城镇城东村" in text and "10分钟" in text
    (row,) = _rows(app, ResidentCode)
    assert row.outbox_code is None and code not in row.code_hash and row.sent_at is not None

    resp = _confirm(client, code)
    assert resp.status_code == 200, resp.json
    assert resp.json["state"] == "active" and resp.json["region_id"] == village
    assert resp.json["stop_url"].startswith(app.config["PUBLIC_BASE_URL"] + "/r/td/")
    # The code is spent: the same code again is refused.
    again = _confirm(client, code)
    assert again.status_code == 422 and again.json["type"].endswith("/code-expired")


def test_a_wrong_code_is_refused_and_a_few_wrong_tries_burn_it(app, client, ids, gateway):
    _ask(client, region_id=ids["regions"]["临城镇"])
    run(app)
    code = last_code(gateway, E164)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(app.config["RESIDENT_CODE_MAX_TRIES"] - 1):
        resp = _confirm(client, wrong)
        assert resp.status_code == 422 and resp.json["type"].endswith("/wrong-code")
        assert resp.mimetype == "application/problem+json"
    resp = _confirm(client, wrong)
    assert resp.json["type"].endswith("/code-burnt")
    # Burnt: even the right code no longer works, and nothing became active.
    assert _confirm(client, code).json["type"].endswith("/code-expired")
    assert _rows(app, ResidentSubscription)[0].state == "pending"


def test_an_expired_code_is_refused(app, client, ids, gateway):
    _ask(client, region_id=ids["regions"]["临城镇"])
    run(app)
    code = last_code(gateway, E164)
    with app.app_context():
        db.session.execute(sa.update(ResidentCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    resp = _confirm(client, code)
    assert resp.status_code == 422 and resp.json["type"].endswith("/code-expired")
    assert _rows(app, ResidentSubscription)[0].state == "pending"


def test_a_number_gets_only_so_many_codes_an_hour(app, client, ids, gateway):
    town = ids["regions"]["临城镇"]
    for _ in range(app.config["RESIDENT_CODE_MAX_PER_HOUR"]):
        assert _ask(client, region_id=town).status_code == 202
    resp = _ask(client, region_id=town)
    assert resp.status_code == 429 and resp.mimetype == "application/problem+json"
    assert resp.json["type"].endswith("/too-many-codes") and resp.headers["Retry-After"]
    run(app)
    # Only the codes allowed were sent, and only the newest of them confirms.
    assert len(sms_to(gateway, E164)) == app.config["RESIDENT_CODE_MAX_PER_HOUR"]
    assert len(_rows(app, ResidentCode)) == app.config["RESIDENT_CODE_MAX_PER_HOUR"]


def test_one_address_asking_for_many_numbers_is_limited(app, client, ids):
    saved = app.config["RESIDENT_CODE_ADDRESS_RATE_LIMIT"]
    app.config["RESIDENT_CODE_ADDRESS_RATE_LIMIT"] = "2 per hour"
    try:
        town = ids["regions"]["临城镇"]
        assert _ask(client, "13800002001", town).status_code == 202
        assert _ask(client, "13800002002", town).status_code == 202
        resp = _ask(client, "13800002003", town)
        assert resp.status_code == 429 and resp.mimetype == "application/problem+json"
        assert len(_rows(app, ResidentSubscription)) == 2
    finally:
        app.config["RESIDENT_CODE_ADDRESS_RATE_LIMIT"] = saved


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "12345", "region_id": 1},
        {"phone": "+85291234567", "region_id": 1},
        {"phone": PHONE, "region_id": 999999},
        {"phone": PHONE, "region_id": "1"},
        {"phone": PHONE},
        {"phone": PHONE, "region_id": 1, "extra": True},
        [],
    ],
)
def test_bad_input_is_refused_and_changes_nothing(app, client, ids, body):
    resp = client.post("/api/v1/public/residents/codes", json=body)
    assert 400 <= resp.status_code < 500 and resp.mimetype == "application/problem+json"
    assert _rows(app, ResidentSubscription) == [] and _rows(app, ResidentCode) == []


def test_the_county_itself_is_not_a_choice(app, client, ids):
    resp = _ask(client, region_id=ids["regions"]["上杭县"])
    assert resp.status_code == 422 and "region_id" in resp.json["errors"]
    assert _rows(app, ResidentSubscription) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.text(max_size=12))
def test_any_code_text_answers_a_clear_4xx(app, client, code):
    limiter.reset()  # the per-address limit would answer 429 past 30 examples
    resp = _confirm(client, code, phone="13900009999")
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"


def test_replying_td_unsubscribes_and_a_later_warning_is_not_sent_to_that_phone(
    app, client, ids, gateway, sms_inbound
):
    town = ids["regions"]["临城镇"]
    subscribe(app, client, gateway, PHONE, town)
    subscribe(app, client, gateway, "13800003333", town)
    resp = sms_inbound(PHONE, " 退订 ")
    assert resp.status_code == 200 and resp.json["answer"] == "unsubscribed"
    assert sms_inbound("13800003333", "td").json["answer"] == "unsubscribed"
    assert sms_inbound("13800003333", "TD").json["answer"] is None  # already stopped
    assert [s.phone for s in _rows(app, ResidentSubscription)] == []  # both numbers forgotten
    subscribe(app, client, gateway, "13800003333", town)  # subscribes again by a new code

    before = len(sms_to(gateway, E164))
    item = warning()
    assert issue(app, item, [town]) == 1
    run(app)
    assert len(sms_to(gateway, E164)) == before
    (text,) = [t for t in sms_to(gateway, "+8613800003333") if "预警" in t and "验证码" not in t]
    assert "红色暴雨预警" in text and "回复TD" in text and "/r/td/" in text


def test_td_from_a_number_nobody_subscribed_is_not_an_answer(app, sms_inbound, demo):
    assert sms_inbound("13800004444", "TD").json["answer"] is None


def test_the_link_in_the_sms_unsubscribes_with_a_confirm_step(app, client, ids, gateway):
    town = ids["regions"]["临城镇"]
    stop_url = subscribe(app, client, gateway, PHONE, town)["stop_url"]
    path = stop_url.removeprefix(app.config["PUBLIC_BASE_URL"])
    page = client.get(path)
    assert page.status_code == 200 and "确认退订" in page.get_data(as_text=True)
    assert _rows(app, ResidentSubscription)[0].state == "active"  # a GET changes nothing
    done = client.post(path)
    assert done.status_code == 200 and "已退订" in done.get_data(as_text=True)
    assert _rows(app, ResidentSubscription) == []  # the number is forgotten
    assert client.post(path).status_code == 200  # the same link again: the same answer
    issue(app, warning(), [town])
    assert [r for r in _rows(app, ResidentDelivery) if r.channel == "sms"] == []


def test_a_tampered_link_changes_nothing(app, client, ids, gateway):
    stop_url = subscribe(app, client, gateway, PHONE, ids["regions"]["临城镇"])["stop_url"]
    token = stop_url.rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for bad in (forged, "s" + "A" * 37, "x", "c" + token[1:]):
        assert client.post(f"/r/td/{bad}").status_code == 404
        resp = client.post("/api/v1/public/residents/unsubscribe", json={"token": bad})
        assert 400 <= resp.status_code < 500
    assert _rows(app, ResidentSubscription)[0].state == "active"
    resp = client.post("/api/v1/public/residents/unsubscribe", json={"token": token})
    assert resp.status_code == 200 and resp.json["state"] == "stopped"


def test_a_number_never_confirmed_is_forgotten_a_day_after_its_last_code(app, client, ids, gateway):
    assert _ask(client, region_id=ids["regions"]["临城镇"]).status_code == 202
    run(app, utcnow() + timedelta(hours=23))
    assert [s.phone for s in _rows(app, ResidentSubscription)] == [E164]
    run(app, utcnow() + timedelta(days=1, minutes=1))
    assert _rows(app, ResidentSubscription) == [] and _rows(app, ResidentCode) == []


def test_stopping_after_a_warning_went_keeps_the_desks_counts(app, client, ids, gateway, sms_inbound):
    town = ids["regions"]["临城镇"]
    subscribe(app, client, gateway, PHONE, town)
    item = warning()
    issue(app, item, [town])
    run(app)
    assert sms_inbound(PHONE, "TD").json["answer"] == "unsubscribed"
    assert counts(app, item.id)["sms"] == {"accepted": 1, "failed": 0, "pending": 0}
