"""The recruiting rules: age at most 45 counted in China time (born on 29 February: 46 on
1 March of a common year), at least junior high school, checked on each change and nightly;
whoever breaks one is flagged with the reason in words."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.teams.profile_models import EDUCATION

FULL = {
    "birth_date": None,
    "education": "junior_high",
    "background": "militia",
    "skills": [],
    "certificates": [],
    "emergency_contact": None,
}
LEAP_BIRTHS = [date(y, 2, 29) for y in range(1976, 2001, 4)]


@pytest.fixture()
def clock(monkeypatch):
    """The server's now, as the test sets it."""
    state = {"now": datetime(2026, 12, 2, 2, 0, tzinfo=UTC)}
    monkeypatch.setattr("server.teams.profile_routes.utcnow", lambda: state["now"])
    return state


def _put(auth, ids, username, **change):
    resp = auth("town1").put(f"/api/v1/members/{ids['users'][username]}/profile", json={**FULL, **change})
    assert resp.status_code == 200, resp.json.get("errors")
    return resp.json


def _rules(body):
    return {f["rule"]: f["reason"] for f in body["flags"]}


def _over_45(birth: date, today: date) -> bool:
    """Independent of the server: 46 or more whole years, a birthday this year being passed
    when (month, day) today is at or after (month, day) of birth (29 Feb: on 1 Mar)."""
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return years > 45


def test_born_on_a_leap_day_turns_46_on_1_march_of_a_common_year_china_time(auth, ids, clock):
    # 28 Feb 2030 23:59 in China: still 45.
    clock["now"] = datetime(2030, 2, 28, 15, 59, tzinfo=UTC)
    body = _put(auth, ids, "member3", birth_date="1984-02-29")
    assert body["age"] == 45 and "age" not in _rules(body)
    # 1 Mar 2030 00:30 in China (still 28 Feb in UTC): 46, flagged in words.
    clock["now"] = datetime(2030, 2, 28, 16, 30, tzinfo=UTC)
    body = _put(auth, ids, "member3", birth_date="1984-02-29")
    assert body["age"] == 46 and _rules(body)["age"] == "年龄 46 岁，超过 45 岁"
    # In a leap year the birthday is the day itself (a 46th never falls in one: the 48th does).
    clock["now"] = datetime(2032, 2, 28, 15, 30, tzinfo=UTC)  # 28 Feb 2032 in China
    assert _put(auth, ids, "member3", birth_date="1984-02-29")["age"] == 47
    clock["now"] = datetime(2032, 2, 28, 16, 30, tzinfo=UTC)  # 29 Feb 2032 in China
    assert _put(auth, ids, "member3", birth_date="1984-02-29")["age"] == 48


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    today=st.dates(date(2024, 1, 1), date(2034, 12, 31)),
    minutes=st.integers(0, 24 * 60 - 1),
    offset=st.integers(-3, 3),
    leap=st.sampled_from([None, *LEAP_BIRTHS]),
    education=st.sampled_from([None, *EDUCATION]),
)
def test_the_age_and_education_rules_around_the_boundary(
    auth, ids, clock, today, minutes, offset, leap, education
):
    # A moment of that China day; a birth date a few days either side of the 46th birthday.
    clock["now"] = (
        datetime(today.year, today.month, today.day, tzinfo=UTC)
        - timedelta(hours=8)
        + timedelta(minutes=minutes)
    )
    if leap is not None:
        birth = leap
    else:
        try:
            birth = today.replace(year=today.year - 46) + timedelta(days=offset)
        except ValueError:
            birth = date(today.year - 46, 3, 1) + timedelta(days=offset)
    body = _put(auth, ids, "member3", birth_date=birth.isoformat(), education=education)
    flags = _rules(body)
    assert ("age" in flags) is _over_45(birth, today), (birth, today, body["age"])
    if education is None:
        assert flags["education_unknown"] == "未登记学历，无法核对（至少初中）"
    elif education == "primary":
        assert flags["education"] == "学历小学，低于初中"
    else:
        assert not {"education", "education_unknown"} & set(flags)


def test_nothing_recorded_is_flagged_not_taken_as_met(auth, ids, clock):
    body = _put(auth, ids, "member3", education=None)
    assert _rules(body) == {
        "age_unknown": "未登记出生日期，无法核对年龄（不超过 45 岁）",
        "education_unknown": "未登记学历，无法核对（至少初中）",
    }


def test_the_flags_list_names_each_member_and_the_reason(auth, ids, clock):
    _put(auth, ids, "member3", birth_date="1970-01-01", education="primary")
    listed = auth("town1").get(f"/api/v1/teams/flags?region_id={ids['regions']['临城镇']}").json
    mine = {f["rule"]: f for f in listed["items"] if f["member_id"] == ids["users"]["member3"]}
    assert (
        mine["age"]["reason"].startswith("年龄 56 岁") and mine["education"]["reason"] == "学历小学，低于初中"
    )
    assert listed["total"] == len(listed["items"])
    # Township 2's desk does not see township 1's people; a member sees no flags list.
    theirs = auth("town2").get("/api/v1/teams/flags").json["items"]
    assert ids["users"]["member3"] not in {f["member_id"] for f in theirs}
    assert auth("member1").get("/api/v1/teams/flags").status_code == 403
    assert auth("town2").get(f"/api/v1/teams/flags?region_id={ids['regions']['临城镇']}").status_code == 422


def test_the_county_changes_the_rules_and_every_member_is_checked_again(auth, ids, clock):
    assert auth("town1").get("/api/v1/teams/rules").json == {
        "max_age": 45,
        "min_education": "junior_high",
        "min_team_size": 10,
        "captain_required": True,
        "saved": False,
        "min_education_label": "初中",
        "updated_at": None,
    }
    _put(auth, ids, "member3", birth_date="1976-06-01")  # 50
    assert "age" in _rules(auth("town1").get(f"/api/v1/members/{ids['users']['member3']}/profile").json)
    new = {"max_age": 50, "min_education": "senior_high", "min_team_size": 10, "captain_required": True}
    assert auth("town1").put("/api/v1/teams/rules", json=new).status_code == 403
    saved = auth("admin").put("/api/v1/teams/rules", json=new)
    assert saved.status_code == 200 and saved.json["saved"] is True
    flags = _rules(auth("town1").get(f"/api/v1/members/{ids['users']['member3']}/profile").json)
    assert "age" not in flags and flags["education"] == "学历初中，低于高中/中专"


@pytest.mark.parametrize(
    "bad",
    [
        {"max_age": "45", "min_education": "junior_high", "min_team_size": 10, "captain_required": True},
        {"max_age": 45, "min_education": "phd", "min_team_size": 10, "captain_required": True},
        {"max_age": 45, "min_education": "junior_high", "min_team_size": 0, "captain_required": True},
        {"max_age": 45, "min_education": "junior_high", "min_team_size": 10},
    ],
)
def test_a_bad_rule_set_is_refused_and_the_old_one_stays(auth, bad):
    resp = auth("admin").put("/api/v1/teams/rules", json=bad)
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert auth("admin").get("/api/v1/teams/rules").json["saved"] is False


def test_the_nightly_check_flags_a_member_who_turned_46_overnight_and_runs_once_a_day(app, auth, ids, clock):
    from server.extensions import db
    from server.teams import rules

    clock["now"] = datetime(2027, 5, 31, 4, 0, tzinfo=UTC)
    assert "age" not in _rules(_put(auth, ids, "member3", birth_date="1981-06-01"))
    with app.app_context():
        assert rules.sweep(datetime(2027, 5, 31, 15, 0, tzinfo=UTC)) >= 3  # 23:00 in China: still 45
        db.session.commit()
        assert rules.sweep(datetime(2027, 5, 31, 15, 30, tzinfo=UTC)) == 0  # the same China day
        db.session.commit()
        assert rules.sweep(datetime(2027, 5, 31, 16, 5, tzinfo=UTC)) >= 3  # 1 June 00:05: 46
        db.session.commit()
    body = auth("town1").get(f"/api/v1/members/{ids['users']['member3']}/profile").json
    assert _rules(body)["age"] == "年龄 46 岁，超过 45 岁"
    # Members never recorded are flagged by the nightly check too, not passed over.
    other = auth("town1").get(f"/api/v1/members/{ids['users']['member5']}/profile").json
    assert set(_rules(other)) == {"age_unknown", "education_unknown"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    year=st.sampled_from([1980, 1984, 1988]),
    day=st.integers(0, 5),
    minutes=st.integers(0, 24 * 60 - 1),
)
def test_leap_day_births_around_their_46th_birthday(auth, ids, clock, year, day, minutes):
    today = date(year + 46, 2, 26) + timedelta(days=day)  # 26 Feb .. 3 Mar of a common year
    clock["now"] = (
        datetime(today.year, today.month, today.day, tzinfo=UTC)
        - timedelta(hours=8)
        + timedelta(minutes=minutes)
    )
    body = _put(auth, ids, "member3", birth_date=f"{year}-02-29")
    assert ("age" in _rules(body)) is (today >= date(year + 46, 3, 1)), (today, body["age"])


def test_a_team_change_made_elsewhere_is_checked_before_it_commits(auth, ids):
    """The administrator closes four accounts of township 2's team (12 -> 8): the team is flagged
    at once, not at night; a member moved into another team takes his flags with him."""
    admin = auth("admin")
    for m in range(1, 5):
        assert (
            admin.patch(f"/api/v1/users/{ids['users'][f't2member{m}']}", json={"active": False}).status_code
            == 200
        )
    flags = auth("town2").get("/api/v1/teams/flags").json["items"]
    team = [f for f in flags if f["member_id"] is None]
    assert [f["reason"] for f in team] == ["队员 8 人，少于 10 人"]
    assert ids["users"]["t2member1"] not in {f["member_id"] for f in flags}
    assert admin.patch(f"/api/v1/users/{ids['users']['t2member1']}", json={"active": True}).status_code == 200
    flags = auth("town2").get("/api/v1/teams/flags").json["items"]
    assert [f["reason"] for f in flags if f["member_id"] is None] == ["队员 9 人，少于 10 人"]
    assert {"age_unknown", "education_unknown"} <= {
        f["rule"] for f in flags if f["member_id"] == ids["users"]["t2member1"]
    }
