"""The desk and the captain are told 30 days before a member's cover ends and on the day it
lapses: once per policy and threshold, not again on the next sweep, not at all when the member
was renewed; time is the test's (the sweep takes the clock)."""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

T1 = "临城镇"


@pytest.fixture()
def clock(monkeypatch):
    state = {"now": datetime(2026, 11, 1, 2, 0, tzinfo=UTC)}
    for where in ("insurance_routes", "insurance"):
        monkeypatch.setattr(f"server.teams.{where}.utcnow", lambda: state["now"])
    return state


def _add(client, member_id, starts_on, ends_on):
    body = {
        "insurer": "人保财险上杭支公司",
        "number": f"P{uuid.uuid4().hex[:10]}",
        "cover_yuan": 300000,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    resp = client.post(f"/api/v1/members/{member_id}/insurance", json=body)
    assert resp.status_code == 201, resp.json
    return resp.json


def _sweep(app, at: datetime) -> int:
    from server.extensions import db
    from server.teams import insurance

    with app.app_context():
        n = insurance.sweep(at)
        db.session.commit()
        db.session.remove()
    return n


def _told(app, member_id) -> list[tuple[str, str, str]]:
    """(username, stage, title) of each notice about a member."""
    from server.accounts.models import User
    from server.delivery.models import Notification
    from server.extensions import db
    from server.teams.insurance_models import InsurancePolicy

    with app.app_context():
        policies = db.session.scalars(
            sa.select(InsurancePolicy.id).where(InsurancePolicy.user_id == uuid.UUID(member_id))
        ).all()
        rows = db.session.execute(
            sa.select(User.username, Notification.ref_id, Notification.title)
            .join(User, User.id == Notification.user_id)
            .where(
                Notification.kind == "insurance",
                sa.or_(*(Notification.ref_id.startswith(f"{p}:") for p in policies), sa.false()),
            )
            .order_by(User.username, Notification.ref_id)
        ).all()
        db.session.remove()
    return [(u, ref.rsplit(":", 1)[1], title) for u, ref, title in rows]


def at(day: str, hour_utc: int = 2) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour_utc:02d}:00:00+00:00")


def test_told_once_30_days_ahead_then_once_on_the_day_it_lapses(app, auth, ids, clock):
    member = ids["users"]["member3"]
    _add(auth("captain1"), member, "2026-01-01", "2027-01-01")
    assert _sweep(app, at("2026-12-01")) == 0  # 31 days ahead: not yet
    # 30 days ahead in China time: 16:00 UTC on 1 December is 2 December in China.
    assert _sweep(app, at("2026-12-01", 16)) == 1
    told = _told(app, member)
    assert {u for u, _, _ in told} == {"captain1", "town1"}
    assert {s for _, s, _ in told} == {"warn"} and all("保险将到期" in title for _, _, title in told)
    assert _sweep(app, at("2026-12-01", 17)) == 0  # the next sweep, and the next day: nothing
    assert _sweep(app, at("2026-12-20")) == 0
    assert _sweep(app, at("2027-01-01")) == 0  # still covered on its last day
    assert _sweep(app, at("2027-01-02")) == 1  # lapsed, and nothing newer covers the member
    told = _told(app, member)
    lapse = [(u, title) for u, s, title in told if s == "lapse"]
    assert {u for u, _ in lapse} == {"captain1", "town1"} and all("保险已失效" in t for _, t in lapse)
    assert _sweep(app, at("2027-01-03")) == 0
    assert len(_told(app, member)) == 4


def test_a_renewed_member_is_not_told(app, auth, ids, clock):
    member = ids["users"]["member4"]
    desk = auth("town1")
    _add(desk, member, "2026-01-01", "2027-01-01")
    _add(desk, member, "2027-01-02", "2028-01-01")
    for day in ("2026-12-02", "2026-12-15", "2027-01-02", "2027-01-10"):
        assert _sweep(app, at(day)) == 0, day
    assert _told(app, member) == []


def test_a_renewal_recorded_after_the_warning_stops_the_lapse_notice(app, auth, ids, clock):
    member = ids["users"]["member5"]
    desk = auth("town1")
    _add(desk, member, "2026-01-01", "2027-01-01")
    assert _sweep(app, at("2026-12-05")) == 1
    # Renewed after a gap: on the day the old one lapses the member is covered again.
    _add(desk, member, "2027-01-02", "2027-12-31")
    assert _sweep(app, at("2027-01-02")) == 0
    assert {s for _, s, _ in _told(app, member)} == {"warn"}


def test_a_policy_recorded_late_is_told_once_and_a_changed_end_is_told_again(app, auth, ids, clock):
    member = ids["users"]["member6"]
    desk = auth("town1")
    clock["now"] = at("2026-12-20")
    made = _add(desk, member, "2026-01-01", "2026-12-31")  # 11 days left when recorded
    assert _sweep(app, at("2026-12-20")) == 1 and _sweep(app, at("2026-12-21")) == 0
    # The insurer extended the same policy: its new end is told about in its turn.
    resp = desk.patch(f"/api/v1/members/{member}/insurance/{made['id']}", json={"ends_on": "2027-01-15"})
    assert resp.status_code == 200
    assert _sweep(app, at("2026-12-21")) == 1 and _sweep(app, at("2026-12-22")) == 0
    assert len([1 for _, s, _ in _told(app, member) if s == "warn"]) == 4  # 2 people, 2 ends


def test_long_lapsed_history_and_members_who_left_are_not_told(app, auth, ids, clock):
    desk = auth("town1")
    old = ids["users"]["member7"]
    _add(desk, old, "2024-01-01", "2024-12-31")  # history: lapsed long ago
    gone = ids["users"]["member8"]
    _add(desk, gone, "2026-01-01", "2026-12-20")
    for to in ("active", "inactive"):
        assert desk.post(f"/api/v1/members/{gone}/path", json={"to": to}).status_code == 201
    assert _sweep(app, at("2026-12-02")) == 0
    assert _told(app, old) == [] and _told(app, gone) == []


def test_two_sweeps_at_the_same_moment_tell_once(app, auth, ids, clock):
    """The mark is claimed by a guarded UPDATE: the second sweep of the same moment finds it set."""
    member = ids["users"]["member9"]
    _add(auth("town1"), member, "2026-01-01", "2026-12-25")
    now = at("2026-12-02")
    assert _sweep(app, now) == 1
    assert _sweep(app, now) == 0
    assert len(_told(app, member)) == 2


def test_the_push_of_a_notice_opens_the_teams_insurance_page(
    app, auth, ids, clock, push_service, browser_keys
):
    import json

    import http_ece

    from server.core.models import utcnow
    from server.delivery import service as delivery
    from server.extensions import db

    sub = {
        "endpoint": push_service.url + "/push/c1",
        "keys": {"p256dh": browser_keys["p256dh"], "auth": browser_keys["auth"]},
    }
    assert auth("captain1").post("/api/v1/push/subscriptions", json=sub).status_code == 201
    member = ids["users"]["member3"]
    policy = _add(auth("captain1"), member, "2026-01-01", "2026-12-20")
    assert _sweep(app, at("2026-12-01")) == 1
    with app.app_context():
        delivery.run_once(utcnow())  # the notice is queued at the real clock's now
        db.session.remove()
    (push,) = push_service.requests
    payload = json.loads(
        http_ece.decrypt(
            push["body"],
            private_key=browser_keys["private"],
            auth_secret=browser_keys["auth_raw"],
            version="aes128gcm",
        )
    )
    team = ids["teams"][ids["regions"][T1]]
    assert payload["type"] == "insurance" and payload["url"] == f"/teams/{team}/insurance"
    # The phone reads the team from the id's first part (pwa/src/shared/push-paths.ts).
    assert payload["id"] == f"{team}:{policy['id']}:2026-12-20:warn"
    assert "保险将到期" in payload["title"]
