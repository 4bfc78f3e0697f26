"""A member's path: 申请 → 培训中 → 已考核 → 试用期 → 在岗 → 离队, allowed steps only, each
recorded with its day, by whom and a note; moved by the member's captain or the desk."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.teams.profile_models import STAGES

PATH = ["applicant", "in_training", "assessed", "probation", "active"]


def _step(client, ids, username, to, **extra):
    return client.post(f"/api/v1/members/{ids['users'][username]}/path", json={"to": to, **extra})


def test_the_whole_path_is_recorded_with_day_author_and_note(auth, ids):
    captain, desk = auth("captain1"), auth("town1")
    assert _step(captain, ids, "member3", "applicant", note="退役军人，村里推荐").status_code == 201
    assert _step(captain, ids, "member3", "in_training", happened_on="2026-11-01").status_code == 201
    assert _step(desk, ids, "member3", "assessed", note="体能、技能考核合格").status_code == 201
    assert _step(desk, ids, "member3", "probation").status_code == 201
    done = _step(captain, ids, "member3", "active", note="试用期满")
    assert done.status_code == 201 and done.json["stage"] == "active" and done.json["stage_label"] == "在岗"
    steps = done.json["steps"]
    assert [s["to_stage"] for s in steps] == PATH
    assert [s["from_stage"] for s in steps] == [None, *PATH[:-1]]
    assert steps[0]["note"] == "退役军人，村里推荐" and steps[1]["happened_on"] == "2026-11-01"
    assert steps[2]["by_id"] == ids["users"]["town1"] and steps[4]["by_id"] == ids["users"]["captain1"]
    assert all(s["recorded_at"].endswith("+00:00") for s in steps)
    # The public part tells the stage, not the steps.
    public = auth("member4").get(f"/api/v1/members/{ids['users']['member3']}/profile").json
    assert public["stage"] == "active" and "steps" not in public


def test_a_step_off_the_path_is_refused_in_words_and_nothing_is_recorded(auth, ids):
    assert _step(auth("captain1"), ids, "member3", "applicant").status_code == 201
    skip = _step(auth("captain1"), ids, "member3", "active")
    assert skip.status_code == 409 and skip.json["type"].endswith("/member-path")
    assert skip.json["stage"] == "applicant" and skip.json["allowed"] == ["in_training", "inactive"]
    assert skip.json["errors"]["to"] == ["从「申请」只能到：培训中、离队"]
    body = auth("captain1").get(f"/api/v1/members/{ids['users']['member3']}/profile").json
    assert body["stage"] == "applicant" and len(body["steps"]) == 1


def test_only_the_captain_and_the_desk_move_a_member(auth, ids):
    assert _step(auth("member4"), ids, "member3", "applicant").status_code == 403
    assert _step(auth("member3"), ids, "member3", "applicant").status_code == 403
    assert _step(auth("officer1"), ids, "member3", "applicant").status_code == 403
    assert _step(auth("town2"), ids, "member3", "applicant").status_code == 404
    assert _step(auth("captain2"), ids, "member3", "applicant").status_code == 404
    assert _step(auth("captain1"), ids, "t2member1", "applicant").status_code == 404
    bad = _step(auth("town1"), ids, "member3", "retired")
    assert bad.status_code == 422 and "to" in bad.json["errors"]
    future = _step(auth("town1"), ids, "member3", "applicant", happened_on="2999-01-01")
    assert future.status_code == 422 and "happened_on" in future.json["errors"]
    assert auth("town1").get(f"/api/v1/members/{ids['users']['member3']}/profile").json["steps"] == []


def test_a_member_who_leaves_no_longer_counts_and_may_apply_again(auth, ids):
    desk = auth("town1")
    assert _step(desk, ids, "member3", "active", note="建队时已在岗").status_code == 201
    assert _step(desk, ids, "member3", "inactive", note="外出务工").status_code == 201
    team = auth("town1").get("/api/v1/teams/readiness").json["townships"][0]["teams"][0]
    assert team["size"] == 12
    assert _step(desk, ids, "member3", "applicant").status_code == 201
    assert _step(desk, ids, "member3", "active").status_code == 409


NEXT = {
    None: set(STAGES),
    "applicant": {"in_training", "inactive"},
    "in_training": {"assessed", "inactive"},
    "assessed": {"probation", "in_training", "inactive"},
    "probation": {"active", "in_training", "inactive"},
    "active": {"inactive"},
    "inactive": {"applicant"},
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tries=st.lists(st.sampled_from(STAGES), min_size=1, max_size=8))
def test_any_sequence_of_attempts_records_exactly_the_allowed_ones(auth, ids, tries):
    desk = auth("town1")
    username = "member6"
    here = desk.get(f"/api/v1/members/{ids['users'][username]}/profile").json
    stage, recorded = here["stage"], len(here["steps"])
    for to in tries:
        resp = _step(desk, ids, username, to)
        if to in NEXT[stage]:
            assert resp.status_code == 201, resp.json
            stage, recorded = to, recorded + 1
        else:
            assert resp.status_code == 409, (stage, to)
        body = desk.get(f"/api/v1/members/{ids['users'][username]}/profile").json
        assert body["stage"] == stage and len(body["steps"]) == recorded
