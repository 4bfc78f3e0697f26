"""GET /api/v1/sync: what changed since the cursor, among what the caller may see."""

from .helpers import batch, checkin_op, checkout_op, report_op

SYNC = "/api/v1/sync"


def _pull_all(client, cursor=None):
    changes = []
    while True:
        url = SYNC + (f"?cursor={cursor}" if cursor else "")
        page = client.get(url).json
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor


def test_a_phone_pulls_its_own_records_and_its_regions_shelters(auth):
    member = auth("member1")
    op = report_op()
    check = checkin_op()
    member.post(SYNC, json=batch(op, check, checkout_op(check["data"]["id"])))
    changes, cursor = _pull_all(member)
    kinds = [(c["entity"], c["op"]) for c in changes]
    assert ("report", "upsert") in kinds
    assert kinds.count(("checkin", "upsert")) == 2  # opened, then closed: applied in order
    last_checkin = [c for c in changes if c["entity"] == "checkin"][-1]
    assert last_checkin["data"]["open"] is False
    shelters = {c["data"]["name"] for c in changes if c["entity"] == "shelter"}
    assert "临城镇中心小学避灾安置点" in shelters
    assert "古田镇避灾安置中心" not in shelters
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs)

    # A second pull from the cursor brings nothing: the no-op a phone sees when all is synced.
    again = member.get(f"{SYNC}?cursor={cursor}").json
    assert again["changes"] == [] and again["cursor"] == cursor and again["has_more"] is False


def test_nobody_pulls_another_persons_reports_or_a_neighbouring_townships_shelters(auth):
    auth("member1").post(SYNC, json=batch(report_op()))
    changes, _ = _pull_all(auth("member2"))
    assert not [c for c in changes if c["entity"] in ("report", "checkin")]
    town2, _ = _pull_all(auth("town2"))
    names = {c["data"]["name"] for c in town2 if c["entity"] == "shelter"}
    assert names == {"古田镇避灾安置中心", "五龙村村部"}


def test_a_deleted_shelter_comes_as_a_tombstone(auth, ids):
    member = auth("member1")
    _, cursor = _pull_all(member)
    shelter = ids["shelters"]["城东村文化礼堂"]
    assert auth("admin").delete(f"/api/v1/shelters/{shelter}").status_code == 204
    changes, _ = _pull_all(member, cursor)
    assert changes == [{**changes[0], "entity": "shelter", "id": shelter, "op": "delete", "data": None}]


def test_paging_through_the_feed_gives_every_change_once(auth):
    member = auth("member8")
    for _ in range(2):
        assert member.post(SYNC, json=batch(*[report_op() for _ in range(600)])).status_code == 200
    changes, _ = _pull_all(member)
    reports = [c["id"] for c in changes if c["entity"] == "report"]
    assert len(reports) == len(set(reports)) == 1200


def test_a_bad_cursor_is_a_400_problem(auth):
    for bad in ("abc", "-3", "9" * 30, str(2**63)):
        resp = auth("member1").get(f"{SYNC}?cursor={bad}")
        assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
