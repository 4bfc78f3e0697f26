"""Planning trainings and drills: who may, what is refused (and changes nothing), the roll."""

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.training.models import Training, TrainingExpected

from .helpers import plan, plan_body, team1, when


def _count(app):
    with app.app_context():
        n = (
            db.session.scalar(sa.select(sa.func.count()).select_from(Training)),
            db.session.scalar(sa.select(sa.func.count()).select_from(TrainingExpected)),
        )
        db.session.remove()
    return n


def test_the_captain_plans_a_drill_and_the_team_sees_it(auth, ids):
    made = plan(auth, ids)
    assert made["kind"] == "exercise" and made["kind_label"] == "模拟演练"
    assert made["planned_hours"] == "3.0" and made["status"] == "planned"
    assert sorted(made["member_ids"]) == sorted(ids["users"][m] for m in ("member1", "member2", "member3"))
    listed = auth("member5").get(f"/api/v1/teams/{team1(ids)}/trainings").json
    assert [t["id"] for t in listed["items"]] == [made["id"]] and listed["total"] == 1
    roll = auth("captain1").get(f"/api/v1/trainings/{made['id']}").json
    assert [r["team_role"] for r in roll["roll"]][0] == "vice_captain"  # member1 first
    assert roll["counts"] == {"expected": 3, "present": 0, "late": 0, "absent": 0, "unmarked": 3}
    assert all(r["mark"] is None for r in roll["roll"])


@pytest.mark.parametrize(
    ("who", "status"),
    [("captain1", 201), ("town1", 201), ("duty", 201), ("captain2", 404), ("town2", 404), ("member1", 403)],
)
def test_only_the_teams_captain_and_its_desk_plan(app, auth, ids, who, status):
    resp = auth(who).post(f"/api/v1/teams/{team1(ids)}/trainings", json=plan_body(ids))
    assert resp.status_code == status, resp.json
    if status >= 400:
        assert resp.mimetype == "application/problem+json"
        assert _count(app) == (0, 0)


BAD = [
    {"kind": "swimming"},
    {"kind": None},
    {"title": ""},
    {"title": "x" * 121},
    {"place": 7},
    {"starts_at": "2026-12-01T09:00:00"},  # no offset
    {"starts_at": "0001-01-01T00:00:00+08:00"},
    {"ends_at": when(hours=-3)},  # before the start
    {"ends_at": when(days=9)},
    {"planned_hours": "25"},
    {"planned_hours": "-1"},
    {"planned_hours": "NaN"},
    {"planned_hours": "2.55"},  # tenths of an hour at most: never rounded silently
    {"member_ids": []},
    {"member_ids": ["not-a-uuid"]},
    {"surprise": 1},
]


@pytest.mark.parametrize("over", BAD)
def test_a_bad_plan_is_a_problem_and_changes_nothing(app, auth, ids, over):
    resp = auth("captain1").post(f"/api/v1/teams/{team1(ids)}/trainings", json=plan_body(ids, **over))
    assert resp.status_code == 422, resp.json
    assert resp.mimetype == "application/problem+json"
    assert _count(app) == (0, 0)


def test_members_of_another_team_cannot_be_expected(app, auth, ids):
    body = plan_body(ids, members=("member1", "t2member1"))
    resp = auth("town1").post(f"/api/v1/teams/{team1(ids)}/trainings", json=body)
    assert resp.status_code == 422 and "member_ids" in resp.json["errors"]
    assert _count(app) == (0, 0)


def test_a_body_that_is_not_json_changes_nothing(app, auth, ids):
    resp = auth("captain1").post(
        f"/api/v1/teams/{team1(ids)}/trainings", data="kind=exercise", content_type="text/plain"
    )
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
    assert _count(app) == (0, 0)


def test_update_and_cancel(auth, ids):
    made = plan(auth, ids)
    path = f"/api/v1/trainings/{made['id']}"
    changed = auth("captain1").patch(
        path, json={"place": "村部广场", "member_ids": [ids["users"]["member4"]]}
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["place"] == "村部广场" and changed.json["member_ids"] == [ids["users"]["member4"]]
    assert auth("captain1").patch(path, json={"ends_at": when(hours=-5)}).status_code == 422
    assert auth("captain2").post(f"{path}/cancel", json={}).status_code == 404
    assert auth("member4").post(f"{path}/cancel", json={}).status_code == 403
    cancelled = auth("town1").post(f"{path}/cancel", json={"reason": "台风停课"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert cancelled.json["cancel_reason"] == "台风停课"
    again = auth("town1").post(f"{path}/cancel", json={"reason": "别的"})
    assert again.json["cancel_reason"] == "台风停课"
    refused = auth("captain1").patch(path, json={"title": "改"})
    assert refused.status_code == 409 and refused.json["type"].endswith("/training-cancelled")


def test_the_list_reads_its_query_through_a_schema(auth, ids):
    made = plan(auth, ids)
    team = team1(ids)
    client = auth("captain1")
    for bad in ("from=yesterday", "to=2026-13-01", "from=2026-12-02&to=2026-12-01", "status=done", "limit=0"):
        resp = client.get(f"/api/v1/teams/{team}/trainings?{bad}")
        assert resp.status_code == 422 and resp.mimetype == "application/problem+json", bad
    today = made["starts_at"][:10]
    assert client.get(f"/api/v1/teams/{team}/trainings?status=cancelled").json["total"] == 0
    assert client.get(f"/api/v1/teams/{team}/trainings?from=2000-01-01&to=2000-01-02").json["total"] == 0
    # China days: the drill started two hours ago, within yesterday..tomorrow for sure.
    from datetime import date, timedelta

    day = date.fromisoformat(today)
    window = f"from={day - timedelta(days=1)}&to={day + timedelta(days=1)}"
    assert client.get(f"/api/v1/teams/{team}/trainings?{window}").json["total"] == 1
    assert auth("captain2").get(f"/api/v1/teams/{team}/trainings").status_code == 404
    assert auth("officer1").get(f"/api/v1/teams/{team}/trainings").status_code == 403
    assert auth("captain2").get(f"/api/v1/trainings/{made['id']}").status_code == 404
