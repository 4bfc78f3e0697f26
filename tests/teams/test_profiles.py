"""Members' profiles: the personal part for the member, their captain and their region's desk
only; the public part for the rest; changed by the captain or the desk, never half-way."""

import re

import pytest

T1, T2 = "临城镇", "古田镇"

FULL = {
    "birth_date": "1990-05-17",
    "education": "senior_high",
    "background": "veteran",
    "skills": ["水上救援", "绳索救援"],
    "certificates": [{"name": "救生员证", "number": "JS-0042", "expires_on": "2027-06-30"}],
    "emergency_contact": {"name": "林秀英", "phone": "13905971234"},
}
PERSONAL = {"birth_date", "age", "education", "phone", "emergency_contact", "flags", "steps"}


def _texts(value):
    """Every string in a JSON value, keys aside."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _profile(client, ids, username):
    return client.get(f"/api/v1/members/{ids['users'][username]}/profile")


def test_a_captain_records_a_profile_and_the_member_reads_it_whole(auth, ids):
    put = auth("captain1").put(f"/api/v1/members/{ids['users']['member3']}/profile", json=FULL)
    assert put.status_code == 200, put.json
    mine = _profile(auth("member3"), ids, "member3").json
    assert mine["personal_visible"] is True
    assert mine["birth_date"] == "1990-05-17" and mine["education"] == "senior_high"
    assert mine["emergency_contact"] == {"name": "林秀英", "phone": "+8613905971234"}
    assert mine["phone"].startswith("+86")
    assert mine["certificates"] == [{"name": "救生员证", "number": "JS-0042", "expires_on": "2027-06-30"}]
    assert mine["skills"] == ["水上救援", "绳索救援"] and mine["background"] == "veteran"
    assert isinstance(mine["age"], int) and 35 <= mine["age"] <= 37
    assert put.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("username", "personal"),
    [
        ("member3", True),  # the member
        ("captain1", True),  # their captain
        ("town1", True),  # their township's desk
        ("duty", True),  # the county's desk
        ("admin", True),
        ("member4", False),  # a teammate: the public part
    ],
)
def test_personal_fields_only_for_the_member_the_captain_and_the_desk(auth, ids, username, personal):
    assert (
        auth("town1").put(f"/api/v1/members/{ids['users']['member3']}/profile", json=FULL).status_code == 200
    )
    body = _profile(auth(username), ids, "member3")
    assert body.status_code == 200, body.json
    assert body.json["personal_visible"] is personal
    assert body.json["skills"] == ["水上救援", "绳索救援"]
    if personal:
        assert PERSONAL <= set(body.json)
    else:
        assert not PERSONAL & set(body.json), body.json
        # In no text of the answer, masked or not (an id is a number: region 8139 is no phone).
        phone = re.compile(r"1[3-9]\d[\d*]{8}")
        texts = list(_texts(body.json))
        leaks = [t for t in texts if "1990" in t or "林秀英" in t or phone.search(re.sub(r"[\s-]", "", t))]
        assert not leaks, leaks


def test_a_captain_of_another_team_in_the_township_sees_only_the_public_part(auth, ids, app):
    """A second team in township 1 with its own captain: not member3's captain."""
    import uuid

    from server.accounts.models import User
    from server.extensions import db

    team = auth("admin").post(
        "/api/v1/teams", json={"name": "临城镇水上突击队", "region_id": ids["regions"][T1]}
    )
    assert team.status_code == 201
    with app.app_context():
        other = db.session.get(User, uuid.UUID(ids["users"]["member12"]))
        other.role, other.team_role, other.team_id = "captain", "captain", uuid.UUID(team.json["id"])
        db.session.commit()
    assert (
        auth("town1").put(f"/api/v1/members/{ids['users']['member3']}/profile", json=FULL).status_code == 200
    )
    seen = _profile(auth("member12"), ids, "member3")
    assert seen.status_code == 200 and seen.json["personal_visible"] is False
    assert "birth_date" not in seen.json
    change = auth("member12").put(f"/api/v1/members/{ids['users']['member3']}/profile", json=FULL)
    assert change.status_code == 403


def test_nobody_outside_the_region_reads_or_changes_a_profile(auth, ids):
    assert _profile(auth("town2"), ids, "member3").status_code == 404
    assert _profile(auth("captain2"), ids, "member3").status_code == 404
    assert (
        auth("town2").put(f"/api/v1/members/{ids['users']['member3']}/profile", json=FULL).status_code == 404
    )
    assert _profile(auth("officer1"), ids, "member3").status_code == 403
    assert _profile(auth("shelter1"), ids, "member3").status_code == 403
    # A member does not edit profiles, even his own (his captain or the desk does).
    assert (
        auth("member3").put(f"/api/v1/members/{ids['users']['member3']}/profile", json=FULL).status_code
        == 403
    )
    # A user who is in no team has no profile here.
    assert _profile(auth("admin"), ids, "officer1").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"education": "doctorate"}, "education"),
        ({"background": "police"}, "background"),
        ({"birth_date": "1890-01-01"}, "birth_date"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": "17/05/1990"}, "birth_date"),
        ({"emergency_contact": {"name": "林秀英", "phone": "12"}}, "emergency_contact"),
        ({"certificates": [{"name": "", "expires_on": "2027-01-01"}]}, "certificates"),
        ({"skills": ["x" * 41]}, "skills"),
    ],
)
def test_a_bad_field_is_refused_by_name_and_nothing_changes(auth, ids, change, field):
    path = f"/api/v1/members/{ids['users']['member3']}/profile"
    assert auth("town1").put(path, json=FULL).status_code == 200
    bad = auth("town1").put(path, json={**FULL, **change})
    assert bad.status_code == 422 and field in bad.json["errors"], bad.json
    assert bad.mimetype == "application/problem+json"
    assert _profile(auth("town1"), ids, "member3").json["birth_date"] == "1990-05-17"


def test_a_body_that_leaves_a_field_out_wipes_nothing(auth, ids):
    path = f"/api/v1/members/{ids['users']['member3']}/profile"
    assert auth("town1").put(path, json=FULL).status_code == 200
    partial = auth("town1").put(path, json={"skills": ["攀岩"]})
    assert partial.status_code == 422 and "birth_date" in partial.json["errors"]
    assert _profile(auth("town1"), ids, "member3").json["skills"] == ["水上救援", "绳索救援"]
    cleared = auth("town1").put(path, json={**FULL, "emergency_contact": None, "certificates": []})
    assert cleared.status_code == 200 and cleared.json["emergency_contact"] is None


def test_a_member_with_no_profile_yet_says_so(auth, ids):
    body = _profile(auth("captain1"), ids, "member5").json
    assert body["stage"] is None and body["stage_label"] == "未登记"
    assert body["birth_date"] is None and body["certificates"] == []
    assert body["steps"] == [] and body["emergency_contact"] is None
