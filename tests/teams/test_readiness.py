"""Readiness per township and for the county: red where the source's standard is not met, with
the reason in words; equipment not recorded yet says so, never a zero (insurance: test_insurance)."""

from datetime import UTC, date, datetime, timedelta

import pytest

T1, T2, T3 = "临城镇", "古田镇", "才溪镇"


@pytest.fixture()
def clock(monkeypatch):
    state = {"now": datetime(2026, 12, 2, 2, 0, tzinfo=UTC)}
    monkeypatch.setattr("server.teams.profile_routes.utcnow", lambda: state["now"])
    return state


def _leave(desk, ids, usernames):
    for name in usernames:
        for to in ("active", "inactive"):
            resp = desk.post(
                f"/api/v1/members/{ids['users'][name]}/path", json={"to": to, "note": "外出务工"}
            )
            assert resp.status_code == 201, resp.json


def _town(body, name):
    return next(t for t in body["townships"] if t["region_name"] == name)


def test_a_township_with_8_members_and_no_captain_is_red_with_reasons_in_words(auth, ids, app, clock):
    import uuid

    from server.accounts.models import User
    from server.extensions import db

    # Township 2 (a captain and 11): three members leave and the captain's account is closed.
    _leave(auth("town2"), ids, [f"t2member{m}" for m in range(1, 4)])
    with app.app_context():
        db.session.get(User, uuid.UUID(ids["users"]["captain2"])).active = False
        db.session.commit()
    body = auth("duty").get("/api/v1/teams/readiness").json
    t2 = _town(body, T2)
    assert t2["status"] == "red" and t2["status_label"] == "未达标"
    assert t2["reasons"][:2] == ["队员 8 人，少于 10 人", "没有队长"]
    team = t2["teams"][0]
    assert team["size"] == 8 and team["min_size"] == 10 and team["captain"] is None
    assert team["insurance"] == {"count": 8, "expiring": 0, "label": "8 名队员无有效保险"}
    assert team["equipment"] == {"count": None, "label": "未登记"}
    t1 = _town(body, T1)
    assert t1["status"] != "red" and t1["teams"][0]["size"] == 13 and t1["teams"][0]["captain"]
    assert body["summary"]["status"] == "red" and body["summary"]["townships_short"] == 1
    assert body["summary"]["reasons"] == [f"1 个乡镇未达标（共 {body['summary']['townships']} 个）"]
    assert body["summary"]["insurance"]["count"] == sum(
        t["insurance"]["count"] for r in body["townships"] for t in r["teams"]
    )
    assert body["summary"]["equipment"]["count"] is None


def test_active_probation_expiring_certificates_and_flags_are_counted(auth, ids, clock):
    desk = auth("town1")
    for name, stage in (("member1", "active"), ("member2", "active"), ("member3", "probation")):
        assert desk.post(f"/api/v1/members/{ids['users'][name]}/path", json={"to": stage}).status_code == 201
    today = date(2026, 12, 2)
    profile = {
        "birth_date": "1995-03-03",
        "education": "primary",
        "background": "veteran",
        "skills": [],
        "certificates": [
            {"name": "救生员证", "expires_on": (today + timedelta(days=30)).isoformat()},
            {"name": "急救证", "expires_on": (today + timedelta(days=31)).isoformat()},
            {"name": "电工证", "expires_on": (today - timedelta(days=1)).isoformat()},
            {"name": "驾驶证", "expires_on": None},
        ],
        "emergency_contact": None,
    }
    assert desk.put(f"/api/v1/members/{ids['users']['member1']}/profile", json=profile).status_code == 200
    team = _town(desk.get("/api/v1/teams/readiness").json, T1)["teams"][0]
    assert team["active"] == 2 and team["probation"] == 1 and team["stages"]["unknown"] == 10
    assert [c["name"] for c in team["certificates_expiring"]] == ["救生员证"]
    assert [c["name"] for c in team["certificates_expired"]] == ["电工证"]
    assert team["flagged_members"] >= 1
    assert team["status"] == "yellow" and team["status_label"] == "需关注"
    assert "1 本证书 30 天内到期" in team["reasons"] and "1 本证书已过期" in team["reasons"]


def test_each_sees_the_readiness_of_their_own_area_only(auth, ids, clock):
    mine = auth("town1").get("/api/v1/teams/readiness").json
    assert [t["region_name"] for t in mine["townships"]] == [T1]
    assert [t["region_name"] for t in auth("captain1").get("/api/v1/teams/readiness").json["townships"]] == [
        T1
    ]
    county = auth("duty").get("/api/v1/teams/readiness").json
    assert {T1, T2, T3} <= {t["region_name"] for t in county["townships"]}
    one = auth("duty").get(f"/api/v1/teams/readiness?region_id={ids['regions'][T2]}").json
    assert [t["region_name"] for t in one["townships"]] == [T2]
    assert auth("town1").get(f"/api/v1/teams/readiness?region_id={ids['regions'][T2]}").status_code == 422
    assert auth("town1").get("/api/v1/teams/readiness?region_id=abc").status_code == 422
    assert auth("member1").get("/api/v1/teams/readiness").status_code == 403
    assert auth("officer1").get("/api/v1/teams/readiness").status_code == 403


def test_a_township_without_a_comprehensive_team_is_red(auth, ids, app, clock):
    import sqlalchemy as sa

    from server.accounts.models import User
    from server.extensions import db
    from server.teams.models import Team

    with app.app_context():
        team = db.session.scalar(sa.select(Team).where(Team.region_id == ids["regions"][T3]))
        team.kind = "flood"
        db.session.execute(sa.update(User).where(User.team_id == team.id).values(active=True))
        db.session.commit()
    t3 = _town(auth("duty").get("/api/v1/teams/readiness").json, T3)
    assert t3["status"] == "red" and t3["reasons"] == ["没有综合应急救援队"]


def test_members_never_recorded_are_told_apart_from_those_who_break_a_rule(app, auth, ids, clock):
    from server.extensions import db
    from server.teams import rules

    with app.app_context():
        rules.sweep(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
        db.session.commit()
    team = _town(auth("town1").get("/api/v1/teams/readiness").json, T1)["teams"][0]
    assert team["unchecked_members"] == 13 and team["flagged_members"] == 0
    assert "13 名队员未登记出生日期或学历" in team["reasons"]
    assert not any("不符合招募条件" in why for why in team["reasons"])
