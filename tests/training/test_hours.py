"""A member's training hours over a period: attended marks of trainings not cancelled, whose
start falls within the period's China days."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .helpers import attend_op, plan, push

CHINA = ZoneInfo("Asia/Shanghai")


def _hours(client, member_id, start, end):
    return client.get(f"/api/v1/members/{member_id}/training-hours?from={start}&to={end}")


def test_hours_add_up_by_period_and_kind(auth, ids):
    m1 = ids["users"]["member1"]
    captain = auth("captain1")
    now = datetime.now(UTC).replace(microsecond=0)
    # Three trainings: 10 days ago (theory, 2 h), 2 days ago (exercise, 3 h, late for 1.5 h), and one
    # cancelled yesterday after its marks (4 h, counts for nobody). Member1 absent at a fourth.
    old = plan(
        auth,
        ids,
        kind="theory",
        planned_hours="2.0",
        starts_at=(now - timedelta(days=10)).isoformat(),
        ends_at=(now - timedelta(days=10, hours=-2)).isoformat(),
    )
    recent = plan(
        auth,
        ids,
        starts_at=(now - timedelta(days=2)).isoformat(),
        ends_at=(now - timedelta(days=2, hours=-3)).isoformat(),
    )
    dropped = plan(
        auth,
        ids,
        kind="fitness",
        planned_hours="4.0",
        starts_at=(now - timedelta(days=1)).isoformat(),
        ends_at=(now - timedelta(days=1, hours=-4)).isoformat(),
    )
    missed = plan(
        auth,
        ids,
        kind="skills",
        starts_at=(now - timedelta(hours=3)).isoformat(),
        ends_at=(now - timedelta(hours=1)).isoformat(),
    )
    results = push(
        captain,
        attend_op(old["id"], m1),
        attend_op(recent["id"], m1, status="late", hours="1.5"),
        attend_op(dropped["id"], m1),
        attend_op(missed["id"], m1, status="absent"),
        attend_op(recent["id"], ids["users"]["member2"]),
    )
    assert {r["status"] for r in results} == {"applied"}, results
    assert auth("town1").post(f"/api/v1/trainings/{dropped['id']}/cancel", json={}).status_code == 200

    today = now.astimezone(CHINA).date()
    whole = _hours(captain, m1, today - timedelta(days=30), today)
    assert whole.status_code == 200, whole.json
    assert whole.json["hours"] == "3.5" and whole.json["trainings"] == 2
    assert whole.json["by_kind"] == {"theory": "2.0", "fitness": "0", "skills": "0", "exercise": "1.5"}
    assert [i["training_id"] for i in whole.json["items"]] == [old["id"], recent["id"]]
    # The period's edges are China days, both included.
    old_day = (now - timedelta(days=10)).astimezone(CHINA).date()
    only_old = _hours(captain, m1, old_day, old_day).json
    assert only_old["hours"] == "2.0"
    after_old = _hours(captain, m1, old_day + timedelta(days=1), today).json
    assert after_old["hours"] == "1.5"
    assert _hours(captain, ids["users"]["member2"], today - timedelta(days=30), today).json["hours"] == "3.0"


def test_who_sees_a_members_hours(auth, ids):
    m1 = ids["users"]["member1"]
    span = ("2026-01-01", "2026-12-31")
    assert _hours(auth("member1"), m1, *span).status_code == 200
    assert _hours(auth("captain1"), m1, *span).status_code == 200
    assert _hours(auth("town1"), m1, *span).status_code == 200
    assert _hours(auth("member2"), m1, *span).status_code == 403
    assert _hours(auth("captain2"), m1, *span).status_code == 404
    assert _hours(auth("town2"), m1, *span).status_code == 404
    assert _hours(auth("officer1"), m1, *span).status_code == 403
    assert _hours(auth("town1"), ids["users"]["town1"], *span).status_code == 404  # not a member


def test_the_period_is_read_through_a_schema(auth, ids):
    m1 = ids["users"]["member1"]
    client = auth("captain1")
    for query in (
        "",
        "from=2026-01-01",
        "to=2026-01-01",
        "from=x&to=y",
        "from=2026-02-01&to=2026-01-01",
        "from=1900-01-01&to=2026-01-01",
        "from=2000-01-01&to=2099-12-31",
    ):
        resp = client.get(f"/api/v1/members/{m1}/training-hours?{query}")
        assert resp.status_code == 422 and resp.mimetype == "application/problem+json", query
