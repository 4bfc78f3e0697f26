"""The desk is told when a shelter reaches 90 % and when it turns full, through delivery as orders
are: once per crossing, exactly, from every door, under concurrency; again after it fell back."""

import json
import uuid
from datetime import timedelta

import http_ece
import sqlalchemy as sa

from server.accounts.models import User
from server.core.models import utcnow
from server.delivery import service as delivery
from server.delivery.models import Notification
from server.extensions import db

from ..conftest import ApiClient
from ..delivery.conftest import browser_keys, gateway, push_service  # noqa: F401 - fixtures
from ..sync.helpers import batch
from .helpers import EMPTY, OTHER_TOWN, SYNC, code_of, family, kiosk_checkin, set_capacity, shelter_row
from .test_occupancy_concurrency import _run as run_at_once

DESK_ABOVE_TOWN1 = {"duty", "town1"}  # the county desk and township 1's desk


def alerts(app) -> list[tuple[str, str, str, str]]:
    """(username, line told, title, body) of every fill alert queued, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(User.username, Notification.ref_id, Notification.title, Notification.body)
            .join(User, User.id == Notification.user_id)
            .where(Notification.kind == "shelter", Notification.ref_id.contains(":fill"))
            .order_by(Notification.created_at, User.username)
        ).all()
        db.session.remove()
    return [(r.username, r.ref_id.rsplit(":", 1)[1], r.title, r.body) for r in rows]


def told(app) -> list[tuple[str, str]]:
    return sorted((who, line) for who, line, _, _ in alerts(app))


def rest_in(auth, shelter, size, username="shelter1") -> dict:
    resp = auth(username).post(f"/api/v1/shelters/{shelter}/checkins", json=family(household_size=size))
    assert resp.status_code == 201, resp.json
    return resp.json


def rest_out(auth, shelter, checkin_id, username="shelter1") -> None:
    resp = auth(username).post(f"/api/v1/shelters/{shelter}/checkins/{checkin_id}/checkout")
    assert resp.status_code == 200, resp.json


def test_crossing_90_tells_each_desk_above_once_full_once_and_again_after_falling_back(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 20)
    first = rest_in(auth, shelter, 17)  # 85 %
    assert alerts(app) == []

    rest_in(auth, shelter, 1)  # 18/20 = 90 %: the line
    name = EMPTY
    assert told(app) == [("duty", "fill90"), ("town1", "fill90")]
    (_, _, title, body), _ = alerts(app)
    assert title == f"安置点将满：{name}" and body == "已住18/20人（90%），余位2。"

    one = rest_in(auth, shelter, 1)  # 95 %: still nearly full, nobody told again
    assert len(alerts(app)) == 2

    rest_in(auth, shelter, 1)  # 20/20: full
    assert told(app) == sorted(
        [*[(u, "fill90") for u in DESK_ABOVE_TOWN1], *[(u, "fill100") for u in DESK_ABOVE_TOWN1]]
    )
    full = [a for a in alerts(app) if a[1] == "fill100"]
    assert {a[2] for a in full} == {f"安置点已满：{name}"}
    assert {a[3] for a in full} == {"已住20/20人（100%），余位0。新到的群众请引导去其他有空位的安置点。"}
    assert shelter_row(app, shelter).status == "full"

    # A check-in refused at full tells nobody; one place freed and taken again is a new crossing
    # of full, not of 90 %.
    resp = auth("shelter1").post(f"/api/v1/shelters/{shelter}/checkins", json=family(household_size=1))
    assert resp.status_code == 409
    assert len(alerts(app)) == 4
    rest_out(auth, shelter, one["id"])  # 19/20
    assert len(alerts(app)) == 4
    rest_in(auth, shelter, 1)  # full again
    assert [line for _, line in told(app)].count("fill100") == 4
    assert [line for _, line in told(app)].count("fill90") == 2

    # Below 90 %, then over it again: told again.
    rest_out(auth, shelter, first["id"])  # 3/20
    assert shelter_row(app, shelter).fill_alerted == 0
    rest_in(auth, shelter, 15)  # 18/20
    assert [line for _, line in told(app)].count("fill90") == 4
    assert len(alerts(app)) == 8

    # Nobody else: not the other township's desk, not the administrator, not the manager.
    assert {who for who, _ in told(app)} == DESK_ABOVE_TOWN1


def test_a_shelter_of_township_2_tells_its_own_desk_and_the_county_never_township_1(app, auth, ids):
    shelter = ids["shelters"][OTHER_TOWN]
    desk = auth("town2")
    resp = desk.patch(f"/api/v1/shelters/{shelter}", json={"capacity": 10, "status": "open"})
    assert resp.status_code == 200, resp.json
    rest_in(auth, shelter, 9, username="town2")
    assert told(app) == [("duty", "fill90"), ("town2", "fill90")]


def test_the_kiosk_op_and_the_public_door_both_tell_and_a_resent_op_tells_nobody_again(
    app, auth, ids, tokens
):
    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 10)
    kiosk = ApiClient(app, tokens("shelter1")["access_token"])
    op = kiosk_checkin(shelter, household_size=9)
    (result,) = kiosk.post(SYNC, json=batch(op)).json["results"]
    assert result["status"] == "applied"
    assert told(app) == [("duty", "fill90"), ("town1", "fill90")]
    (again,) = kiosk.post(SYNC, json=batch(op)).json["results"]
    assert again["status"] == "duplicate"
    assert len(alerts(app)) == 2 and shelter_row(app, shelter).occupancy == 9

    # The public page fills it.
    code = code_of(app, shelter)
    body = family(household_size=1)
    resp = app.test_client().post(f"/api/v1/public/shelters/{code}/checkins", json=body)
    assert resp.status_code == 201, resp.json
    assert [line for _, line in told(app)] == ["fill100", "fill90", "fill100", "fill90"]
    # The same family sent again by the public page: the same record, nobody told again.
    resp = app.test_client().post(f"/api/v1/public/shelters/{code}/checkins", json=body)
    assert resp.status_code in (200, 201)
    assert len(alerts(app)) == 4


def test_check_ins_crossing_together_tell_each_person_once(app, auth, ids, tokens, monkeypatch):
    monkeypatch.setitem(app.config, "SHELTER_CHECKIN_ADDRESS_RATE_LIMIT", "10000/minute")
    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 40)
    code = code_of(app, shelter)
    kiosk_token, desk_token = tokens("shelter1")["access_token"], tokens("town1")["access_token"]
    rest_in(auth, shelter, 30)  # 75 %: the rest arrive at once, one person each

    def by_kiosk():
        (result,) = (
            ApiClient(app, kiosk_token)
            .post(SYNC, json=batch(kiosk_checkin(shelter, household_size=1)))
            .json["results"]
        )
        return result["status"]

    def by_public():
        return (
            app.test_client()
            .post(f"/api/v1/public/shelters/{code}/checkins", json=family(household_size=1))
            .status_code
        )

    def by_desk():
        return (
            ApiClient(app, desk_token)
            .post(f"/api/v1/shelters/{shelter}/checkins", json=family(household_size=1))
            .status_code
        )

    answers = run_at_once([by_kiosk, by_public, by_desk] * 5)
    assert answers.count("applied") + answers.count(201) == 10, answers
    assert shelter_row(app, shelter).occupancy == 40
    assert told(app) == sorted(
        [*[(u, "fill90") for u in DESK_ABOVE_TOWN1], *[(u, "fill100") for u in DESK_ABOVE_TOWN1]]
    )


def test_no_alert_where_nobody_can_check_in_closed_or_of_no_capacity(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 0)
    resp = auth("shelter1").post(f"/api/v1/shelters/{shelter}/checkins", json=family(household_size=1))
    assert resp.status_code == 409 and resp.json["type"].endswith("/shelter-full")
    set_capacity(app, shelter, 10)
    assert auth("shelter1").post(f"/api/v1/shelters/{shelter}/close").status_code == 200
    resp = auth("shelter1").post(f"/api/v1/shelters/{shelter}/checkins", json=family(household_size=9))
    assert resp.status_code == 409 and resp.json["type"].endswith("/shelter-closed")
    assert alerts(app) == []


def test_the_alert_reaches_the_desk_by_push_and_by_sms_in_chinese(
    app,
    auth,
    ids,
    push_service,  # noqa: F811 - the loopback fixtures of tests/delivery
    browser_keys,  # noqa: F811
    gateway,  # noqa: F811
):
    sub = {
        "endpoint": push_service.url + "/push/town1",
        "keys": {"p256dh": browser_keys["p256dh"], "auth": browser_keys["auth"]},
    }
    assert auth("town1").post("/api/v1/push/subscriptions", json=sub).status_code == 201
    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 10)
    rest_in(auth, shelter, 9)
    with app.app_context():
        assert delivery.run_once(utcnow()) == 2
        duty_phone = db.session.get(User, uuid.UUID(ids["users"]["duty"])).phone
        db.session.remove()

    (push,) = push_service.requests
    plain = http_ece.decrypt(
        push["body"],
        private_key=browser_keys["private"],
        auth_secret=browser_keys["auth_raw"],
        version="aes128gcm",
    )
    payload = json.loads(plain)
    assert payload["type"] == "shelter" and payload["title"] == f"安置点将满：{EMPTY}"
    assert payload["body"] == "已住9/10人（90%），余位1。"
    # The county desk has no subscription: an SMS at once, from the approved alert template.
    (sms,) = gateway.requests
    text = json.loads(sms["body"])
    assert text["to"] == duty_phone
    assert text["text"] == f"【应急通】安置点将满：{EMPTY}已住9/10人，余位1"


def test_one_household_filling_it_from_below_90_is_told_as_full_only(app, auth, ids):
    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 10)
    rest_in(auth, shelter, 2)
    rest_in(auth, shelter, 8)  # 20 % to 100 % at once: one alert, that it is full
    assert told(app) == [("duty", "fill100"), ("town1", "fill100")]
    assert shelter_row(app, shelter).fill_alerted == 100


def test_the_notice_goes_by_push_then_sms_and_never_by_a_call(app, auth, ids, gateway):  # noqa: F811
    """A call asks to press 1 or 2: for a shelter at 90 % it would wake the desk for nothing."""
    shelter = ids["shelters"][EMPTY]
    set_capacity(app, shelter, 10)
    rest_in(auth, shelter, 9)
    now = utcnow()
    with app.app_context():
        assert delivery.run_once(now) == 2  # no subscriptions: SMS at once to both desks
        for later in (now + timedelta(seconds=181), now + timedelta(hours=2)):
            delivery.run_once(later)
        states = set(db.session.scalars(sa.select(Notification.state).where(Notification.kind == "shelter")))
        db.session.remove()
    assert sorted(r["path"] for r in gateway.requests) == ["/sms", "/sms"]
    assert states == {"sms_sent"}
