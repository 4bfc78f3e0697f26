"""Who reads and who manages a team's equipment: the desk of its region, its captain; its members
read; nobody outside the region sees it."""

import pytest

ITEM = {"name": "液压破拆工具组", "category": "rescue", "standard": "GB/T 17906"}


@pytest.fixture()
def items(auth, team1, team2):
    made = {}
    for team, desk in ((team1, "town1"), (team2, "town2")):
        resp = auth(desk).post(f"/api/v1/teams/{team}/equipment", json=ITEM)
        assert resp.status_code == 201
        made[team] = resp.json["id"]
    return made


# (reads team 1's, reads team 2's, manages team 1's, manages team 2's) -> status codes.
EXPECTED = {
    "admin": (200, 200, 200, 200),
    "duty": (200, 200, 200, 200),
    "town1": (200, 404, 200, 404),
    "town2": (404, 200, 404, 200),
    "captain1": (200, 404, 200, 404),
    "member1": (200, 404, 403, 403),
    "officer1": (403, 403, 403, 403),
    "shelter1": (403, 403, 403, 403),
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_equipment_answers_by_role_team_and_region(auth, clock, items, team1, team2, username):
    client = auth(username)
    got = []
    for team in (team1, team2):
        got.append(client.get(f"/api/v1/equipment/{items[team]}").status_code)
    for team in (team1, team2):
        got.append(client.patch(f"/api/v1/equipment/{items[team]}", json={"serial": "PC-01"}).status_code)
    assert tuple(got) == EXPECTED[username], username
    lists = [client.get(f"/api/v1/teams/{t}/equipment").status_code for t in (team1, team2)]
    assert tuple(lists) == EXPECTED[username][:2], username


def test_a_member_of_another_team_in_the_township_does_not_see_it(app, auth, clock, ids, items, team1):
    import uuid

    import sqlalchemy as sa

    from server.accounts.models import User
    from server.extensions import db
    from server.teams.models import Team

    with app.app_context():
        other = Team(name="临城镇第二队", region_id=ids["regions"]["临城镇"])
        db.session.add(other)
        db.session.flush()
        db.session.execute(
            sa.update(User).where(User.id == uuid.UUID(ids["users"]["member5"])).values(team_id=other.id)
        )
        db.session.commit()
    client = auth("member5")
    assert client.get(f"/api/v1/equipment/{items[team1]}").status_code == 404
    assert client.get(f"/api/v1/teams/{team1}/equipment").status_code == 404


@pytest.mark.parametrize("username", ["town2", "captain2"])
def test_nobody_outside_the_region_takes_an_item_out_or_back(auth, clock, ids, items, team1, username):
    order = (
        auth("town1")
        .post(
            "/api/v1/dispatches",
            json={"title": "排涝", "location": {"lat": 25.05, "lon": 116.43}, "team_ids": [team1]},
        )
        .json["id"]
    )
    client = auth(username)
    out = client.post(f"/api/v1/equipment/{items[team1]}/checkout", json={"dispatch_id": order})
    back = client.post(f"/api/v1/equipment/{items[team1]}/return", json={"condition": "good"})
    assert (out.status_code, back.status_code) == (404, 404)
    assert auth("town1").get(f"/api/v1/equipment/{items[team1]}").json["out"] is None
