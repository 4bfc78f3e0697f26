"""The desk's hazard lists (issue 9, "The desk"): each filter, filters together, the caller's
area, bad values, and pages that neither repeat nor miss a report while new ones arrive."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from ..sync.helpers import batch, report_op
from .life import body_for, bring_to, file_report, step

LIST = "/api/v1/reports"


def _ids(client, query="") -> set[str]:
    """Every report the list answers for `query`, page after page."""
    seen, cursor = [], None
    while True:
        path = f"{LIST}?limit=200&{query}" + (f"&cursor={cursor}" if cursor else "")
        resp = client.get(path)
        assert resp.status_code == 200, (query, resp.json)
        seen += [item["id"] for item in resp.json["items"]]
        cursor = resp.json["next_cursor"]
        if cursor is None:
            assert len(seen) == len(set(seen))
            assert resp.json["total"] == len(seen) and resp.json["total_capped"] is False
            return set(seen)


@pytest.fixture()
def life(auth, ids):
    """Reports of 临城镇 in every state, one of 古田镇, each named by its state."""
    made = {state: bring_to(auth, ids, state) for state in ("reported", "verified", "assigned")}
    made["rectifying"] = bring_to(auth, ids, "rectifying")
    made["closed"] = bring_to(auth, ids, "closed")
    made["rejected"] = bring_to(auth, ids, "rejected")
    # A blue flood the town assigned to another unit, by its own duty officer.
    flood = file_report(auth("member1"), category="flood")
    desk = auth("town1")
    assert step(desk, flood, "verify", {"severity": "blue"}).status_code == 200
    body = {**body_for("assign", ids, assignee="member3"), "responsible_unit": "临城镇水利站"}
    assert step(desk, flood, "assign", body).status_code == 200
    made["flood"] = flood
    made["elsewhere"] = file_report(auth("officer2"))
    return made


def _later(monkeypatch, days: int) -> None:
    """The server's clock, `days` from now, for the requests that follow."""
    when = datetime.now(UTC) + timedelta(days=days)
    monkeypatch.setattr("server.reports.routes.utcnow", lambda: when)


def test_each_filter_answers_exactly_its_reports(auth, ids, life):
    desk = auth("town1")
    town = set(life) - {"elsewhere"}
    assert _ids(desk) == {life[k] for k in town}
    assert _ids(desk, "status=assigned") == {life["assigned"], life["flood"]}
    assert _ids(desk, "status=rectifying,closed") == {life["rectifying"], life["closed"]}
    assert _ids(desk, "status=closed,closed") == {life["closed"]}
    assert _ids(desk, "category=flood") == {life["flood"]}
    assert _ids(desk, "category=flood,geological") == {life[k] for k in town}
    assert _ids(desk, "severity=blue") == {life["flood"]}
    red = {life[k] for k in ("verified", "assigned", "rectifying", "closed")}
    assert _ids(desk, "severity=red") == red
    assert _ids(desk, "severity=red,blue") == red | {life["flood"]}
    assert _ids(desk, "responsible_unit=临城镇水利站") == {life["flood"]}
    assert _ids(desk, "responsible_unit=临城镇国土所") == {
        life[k] for k in ("assigned", "rectifying", "closed")
    }
    assert _ids(auth("member3"), "assignee=me") == {life["flood"]}
    assert _ids(auth("member2"), "assignee=me") == {life[k] for k in ("assigned", "rectifying", "closed")}
    village = ids["regions"]["城东村"]
    officer1 = {life[k] for k in ("reported", "verified", "assigned", "rectifying", "closed", "rejected")}
    assert _ids(desk, f"region_id={village}") == officer1
    assert _ids(desk, f"region_id={ids['regions']['临城镇']}") == {life[k] for k in town}


def test_overdue_is_waiting_on_its_assignee_past_the_deadline(auth, life, monkeypatch):
    desk = auth("town1")
    assert _ids(desk, "overdue=true") == set()
    everything = _ids(desk)
    assert _ids(desk, "overdue=false") == everything
    _later(monkeypatch, 4)  # the deadlines were three days out
    late = {life["assigned"], life["rectifying"], life["flood"]}
    assert _ids(desk, "overdue=true") == late
    # Rectified, closed, unassigned ones (no deadline at all) are never overdue.
    assert _ids(desk, "overdue=false") == everything - late
    assert _ids(desk, "overdue=true&status=rectifying") == {life["rectifying"]}
    assert _ids(desk, "overdue=false&status=rectifying") == set()


def test_filters_combine(auth, life, monkeypatch):
    desk = auth("town1")
    assert _ids(desk, "status=assigned,rectifying&severity=red") == {life["assigned"], life["rectifying"]}
    assert _ids(desk, "status=assigned&category=flood&severity=blue") == {life["flood"]}
    assert _ids(desk, "status=assigned&category=flood&severity=red") == set()
    assert _ids(desk, "responsible_unit=临城镇国土所&status=closed") == {life["closed"]}
    _later(monkeypatch, 4)
    assert _ids(desk, "overdue=true&category=geological&severity=red") == {
        life["assigned"],
        life["rectifying"],
    }
    assert _ids(auth("member3"), "assignee=me&overdue=true&category=flood") == {life["flood"]}


def test_a_list_stays_in_the_callers_area(auth, ids, life):
    elsewhere = life["elsewhere"]
    assert elsewhere not in _ids(auth("town1"))
    assert elsewhere not in _ids(auth("town1"), "category=geological&status=reported")
    assert _ids(auth("town2")) == {elsewhere}
    assert _ids(auth("town2"), "category=geological") == {elsewhere}
    county = auth("duty")
    assert _ids(county) == set(life.values())
    assert _ids(county, f"region_id={ids['regions']['古田镇']}") == {elsewhere}
    # A region outside one's area is a wrong question, not an empty answer.
    for region in ("古田镇", "五龙村"):
        resp = auth("town1").get(f"{LIST}?region_id={ids['regions'][region]}")
        assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
        assert "region_id" in resp.json["errors"]


@pytest.mark.parametrize(
    "query",
    [
        "status=lost",
        "status=",
        "status=reported,lost",
        "status=,",
        "category=volcano",
        "category=flood,volcano",
        "severity=pink",
        "severity=red,",
        "overdue=maybe",
        "assignee=you",
        "responsible_unit=",
        "responsible_unit=" + "单" * 101,
        "region_id=0",
        "region_id=999999",
        "region_id=99999999999",
        "limit=0",
        "limit=201",
    ],
)
def test_bad_filter_values_are_422_problems(auth, query):
    resp = auth("town1").get(f"{LIST}?{query}")
    assert resp.status_code == 422, (query, resp.json)
    assert resp.mimetype == "application/problem+json"
    assert resp.json["type"].endswith("validation")


def test_pages_neither_repeat_nor_miss_a_report_while_new_ones_arrive(auth):
    member, desk = auth("member1"), auth("town1")
    # One sync batch: its reports share one created_at, so the id alone orders them.
    ops = [report_op() for _ in range(7)]
    assert all(
        r["status"] == "applied" for r in member.post("/api/v1/sync", json=batch(*ops)).json["results"]
    )
    before = {op["data"]["id"] for op in ops}
    seen, cursor, arrived = [], None, set()
    while True:
        resp = desk.get(f"{LIST}?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        assert resp.status_code == 200
        seen += [item["id"] for item in resp.json["items"]]
        cursor = resp.json["next_cursor"]
        if cursor is None:
            break
        # Between pages: more reports arrive, one alone and a batch.
        arrived.add(file_report(member, category="flood"))
        more = [report_op(), report_op()]
        member.post("/api/v1/sync", json=batch(*more))
        arrived |= {op["data"]["id"] for op in more}
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == before
    # Newest first; the first page asked again shows the newcomers on top.
    first = desk.get(f"{LIST}?limit=50").json
    assert {item["id"] for item in first["items"][: len(arrived)]} == arrived
    assert first["total"] == 7 + len(arrived)


def test_the_total_counts_only_up_to_its_cap_and_says_so(auth, monkeypatch):
    member, desk = auth("member1"), auth("town1")
    member.post("/api/v1/sync", json=batch(*[report_op() for _ in range(5)]))
    answer = desk.get(f"{LIST}?limit=2").json
    assert answer["total"] == 5 and answer["total_capped"] is False
    monkeypatch.setattr("server.reports.service.TOTAL_CAP", 3)
    answer = desk.get(f"{LIST}?limit=2").json
    assert answer["total"] == 3 and answer["total_capped"] is True
    assert len(answer["items"]) == 2 and answer["next_cursor"]
    # Exact again below the cap.
    answer = desk.get(f"{LIST}?limit=2&category=flood").json
    assert answer["total"] == 0 and answer["total_capped"] is False


def test_a_cursor_from_elsewhere_is_a_400(auth):
    resp = auth("town1").get(f"{LIST}?cursor={uuid.uuid4().hex}")
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
