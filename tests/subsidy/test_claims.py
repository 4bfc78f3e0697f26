"""Cross-township help claims: the county sends 古田镇's member to an order in 临城镇's area;
古田镇's desk claims for the hours (from the records) and the equipment, 临城镇's desk agrees,
古田镇's desk confirms it was paid; each move kept with who and when; nobody else moves it."""

import pytest

from .helpers import add_time

T1, T2 = "临城镇", "古田镇"
CLAIMS = "/api/v1/subsidy/claims"
LINES = [
    {"kind": "damaged", "description": "抽水泵（叶轮损坏）", "quantity": 1, "amount": "1200.00"},
    {"kind": "consumed", "description": "柴油", "quantity": 40, "amount": "300.50"},
]


@pytest.fixture()
def helped(app, auth, ids):
    """An order in 临城镇 calling t2member1 of 古田镇, with their time on it: 09:00-11:00 and
    10:00-12:30 (sent twice from two phones: 3.5 h, not 4.5), and a member of 临城镇 beside them."""
    resp = auth("duty").post(
        "/api/v1/dispatches",
        json={
            "title": "山体滑坡抢险",
            "location": {"lat": 25.05, "lon": 116.43},
            "region_id": ids["regions"][T1],
            "member_ids": [ids["users"]["t2member1"], ids["users"]["member1"]],
            "weight_class": "heavy",
        },
    )
    assert resp.status_code == 201, resp.json
    order = resp.json["id"]
    add_time(app, "t2member1", "2026-03-02 10:00", "2026-03-02 12:30", order)
    add_time(app, "t2member1", "2026-03-02 09:00", "2026-03-02 11:00", order)
    add_time(app, "member1", "2026-03-02 09:00", "2026-03-02 18:00", order)
    return order


def _claim(auth, ids, order, who="town2"):
    return auth(who).post(
        CLAIMS,
        json={
            "dispatch_id": order,
            "helper_township_id": ids["regions"][T2],
            "lines": LINES,
            "note": "3月2日滑坡",
        },
    )


def test_the_claim_moves_claimed_agreed_paid_by_the_right_desks(auth, ids, helped):
    made = _claim(auth, ids, helped)
    assert made.status_code == 201, made.json
    claim = made.json
    assert (claim["state"], claim["members"], claim["hours"], claim["total"]) == (
        "claimed",
        1,
        "3.50",
        "1500.50",
    )
    assert claim["helped_township_id"] == ids["regions"][T1]
    assert [line["amount"] for line in claim["lines"]] == ["1200.00", "300.50"]
    url = f"{CLAIMS}/{claim['id']}"

    # The claimant cannot agree for the township helped; the township helped cannot mark it paid.
    own = auth("town2").post(f"{url}/agree", json={})
    assert own.status_code == 403 and own.mimetype == "application/problem+json"
    early = auth("town1").post(f"{url}/paid", json={})
    assert early.status_code == 409 and early.json["type"].endswith("/claim-state")
    agreed = auth("town1").post(f"{url}/agree", json={"note": "同意"})
    assert agreed.status_code == 200 and agreed.json["state"] == "agreed"
    again = auth("town1").post(f"{url}/agree", json={})
    assert again.status_code == 409
    assert auth("town1").post(f"{url}/paid", json={}).status_code == 403
    paid = auth("town2").post(f"{url}/paid", json={})
    assert paid.status_code == 200 and paid.json["state"] == "paid"

    steps = paid.json["steps"]
    me = {u: auth(u).get("/api/v1/me").json for u in ("town1", "town2")}
    assert [(s["state"], s["by_id"], s["note"]) for s in steps] == [
        ("claimed", me["town2"]["id"], "3月2日滑坡"),
        ("agreed", me["town1"]["id"], "同意"),
        ("paid", me["town2"]["id"], None),
    ]
    assert steps[0]["at"] <= steps[1]["at"] <= steps[2]["at"]
    assert auth("town1").get(url).json == auth("town2").get(url).json == paid.json


def test_only_the_helper_claims_once_for_real_cross_township_help(auth, ids, helped):
    # 临城镇's desk cannot claim in 古田镇's name; 临城镇 helped nobody across (its own area).
    assert _claim(auth, ids, helped, who="town1").status_code == 403
    own = auth("town1").post(
        CLAIMS, json={"dispatch_id": helped, "helper_township_id": ids["regions"][T1], "lines": LINES}
    )
    assert own.status_code == 422 and own.json["type"].endswith("/not-cross-township")
    assert _claim(auth, ids, helped).status_code == 201
    twice = _claim(auth, ids, helped)
    assert twice.status_code == 409 and twice.json["type"].endswith("/claim-exists")
    assert len(auth("town2").get(CLAIMS).json["items"]) == 1


def test_bad_claims_are_problems_and_change_nothing(auth, ids, helped):
    town2 = ids["regions"][T2]
    for body in (
        {"dispatch_id": helped, "helper_township_id": town2, "lines": []},
        {"dispatch_id": helped, "helper_township_id": town2, "lines": [{**LINES[0], "amount": "-5"}]},
        {"dispatch_id": helped, "helper_township_id": town2, "lines": [{**LINES[0], "kind": "lost"}]},
        {"dispatch_id": helped, "helper_township_id": town2, "lines": [{**LINES[0], "amount": "1200.005"}]},
        {"dispatch_id": helped, "helper_township_id": 2**40, "lines": LINES},
        {"dispatch_id": "nope", "helper_township_id": town2, "lines": LINES},
    ):
        resp = auth("town2").post(CLAIMS, json=body)
        assert resp.status_code == 422 and resp.mimetype == "application/problem+json", body
    missing = auth("town2").post(
        CLAIMS,
        json={
            "dispatch_id": "00000000-0000-4000-8000-000000000000",
            "helper_township_id": town2,
            "lines": LINES,
        },
    )
    assert missing.status_code == 404
    assert auth("duty").get(CLAIMS).json["items"] == []


@pytest.mark.parametrize(
    "username", ("duty", "town1", "town2", "captain1", "member1", "officer1", "shelter1")
)
def test_who_sees_a_claim(auth, ids, helped, username):
    claim = _claim(auth, ids, helped).json
    resp = auth(username).get(f"{CLAIMS}/{claim['id']}")
    listed = auth(username).get(CLAIMS)
    if username in ("duty", "town1", "town2"):  # the county, the township helped, the helper
        assert resp.status_code == 200 and [c["id"] for c in listed.json["items"]] == [claim["id"]]
    else:
        assert resp.status_code == 403 and listed.status_code == 403


def test_a_third_townships_desk_does_not_see_it(app, auth, ids, helped):
    """Scope: a desk whose township is neither side gets 404, as for any record outside it."""
    import sqlalchemy as sa

    from server.accounts.models import User
    from server.extensions import db
    from server.regions.models import Region

    claim = _claim(auth, ids, helped).json
    with app.app_context():
        third = db.session.scalar(
            sa.select(Region).where(Region.level == "township", Region.name.not_in((T1, T2)))
        )
        if third is None:
            pytest.skip("the demo county has two townships only")
        user = db.session.scalar(sa.select(User).where(User.username == "town1"))
        user.region_id = third.id
        db.session.commit()
        db.session.remove()
    assert auth("town1").get(f"{CLAIMS}/{claim['id']}").status_code == 404


def test_the_helpers_desk_finds_the_order_to_claim_for_and_the_claim_names_both_sides(auth, ids, helped):
    """古田镇's desk cannot read an order in 临城镇's area, so it finds it among the claimable ones,
    with its members' time from the records; once claimed it says so, and the claim names both."""
    found = auth("town2").get(f"{CLAIMS}/claimable")
    assert found.status_code == 200, found.json
    [item] = found.json["items"]
    assert (item["dispatch_id"], item["title"], item["members"], item["hours"], item["claimed"]) == (
        helped,
        "山体滑坡抢险",
        1,
        "3.50",
        False,
    )
    assert (item["helper_township_name"], item["helped_township_name"]) == (T2, T1)
    # 临城镇 sent its own member1 within its own area: nothing it could claim for.
    assert auth("town1").get(f"{CLAIMS}/claimable").json["items"] == []
    assert auth("member1").get(f"{CLAIMS}/claimable").status_code == 403

    claim = _claim(auth, ids, helped).json
    assert (claim["helper_township_name"], claim["helped_township_name"], claim["dispatch_title"]) == (
        T2,
        T1,
        "山体滑坡抢险",
    )
    assert auth("town2").get(f"{CLAIMS}/claimable").json["items"][0]["claimed"] is True
