"""Items, maintenance and what is overdue, with the day under the test's control."""

import uuid
from datetime import UTC, datetime

import pytest

from .conftest import T1


def test_an_item_registered_with_its_last_maintenance_is_due_an_interval_later(auth, clock, make_item):
    item = make_item(last_maintained_on="2026-09-01")
    assert item["next_due_on"] == "2026-11-30"
    assert item["overdue"] is True and item["days_overdue"] == 2
    assert item["condition"] == "good" and item["condition_label"] == "完好"
    assert item["category_label"] == "水域救援" and item["standard"] == "GB/T 32227"
    fresh = make_item()
    assert fresh["next_due_on"] == "2027-03-02" and fresh["overdue"] is False
    none = make_item(maintenance_interval_days=None)
    assert none["next_due_on"] is None and none["overdue"] is False


def test_due_today_is_not_overdue_and_the_day_turns_at_midnight_china_time(auth, clock, make_item):
    item = make_item(last_maintained_on="2026-09-03")  # due 2026-12-02, today in China
    assert item["next_due_on"] == "2026-12-02" and item["overdue"] is False
    captain = auth("captain1")
    clock["now"] = datetime(2026, 12, 2, 15, 59, tzinfo=UTC)  # 23:59 in China
    assert captain.get(f"/api/v1/equipment/{item['id']}").json["overdue"] is False
    clock["now"] = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)  # 00:00 on the 3rd in China
    body = captain.get(f"/api/v1/equipment/{item['id']}").json
    assert body["overdue"] is True and body["days_overdue"] == 1


def test_maintenance_moves_the_due_date_and_a_late_record_of_an_earlier_one_does_not(auth, clock, make_item):
    item = make_item(last_maintained_on="2026-08-01")
    captain = auth("captain1")
    resp = captain.post(
        f"/api/v1/equipment/{item['id']}/maintenance", json={"done_on": "2026-12-01", "note": "充气检查"}
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["last_maintained_on"] == "2026-12-01" and resp.json["next_due_on"] == "2027-03-01"
    assert resp.json["overdue"] is False
    older = captain.post(f"/api/v1/equipment/{item['id']}/maintenance", json={"done_on": "2026-10-01"})
    assert older.json["next_due_on"] == "2027-03-01"
    future = captain.post(f"/api/v1/equipment/{item['id']}/maintenance", json={"done_on": "2026-12-09"})
    assert future.status_code == 422 and future.mimetype == "application/problem+json"
    log = captain.get(f"/api/v1/equipment/{item['id']}").json["events"]
    assert [e["kind"] for e in log] == ["maintenance", "maintenance"]


def test_the_list_filters_by_overdue_condition_and_category(auth, clock, make_item, team1):
    late = make_item(name="抽水泵", category="pump", last_maintained_on="2026-01-01")
    make_item(name="头灯", category="lighting")
    worn = make_item(name="安全绳", category="rope", condition="worn")
    member = auth("member1")
    base = f"/api/v1/teams/{team1}/equipment"
    assert [i["id"] for i in member.get(base + "?overdue=true").json["items"]] == [late["id"]]
    assert late["id"] not in {i["id"] for i in member.get(base + "?overdue=false").json["items"]}
    assert [i["id"] for i in member.get(base + "?condition=worn").json["items"]] == [worn["id"]]
    assert [i["name"] for i in member.get(base + "?category=pump").json["items"]] == ["抽水泵"]
    assert member.get(base).json["total"] == 3


@pytest.mark.parametrize(
    "query",
    ["overdue=maybe", "condition=broken", "category=%00", "limit=0", "kit_id=not-a-uuid", "cursor=zz"],
)
def test_a_bad_query_is_a_problem_not_a_5xx(auth, clock, team1, query):
    resp = auth("captain1").get(f"/api/v1/teams/{team1}/equipment?{query}")
    assert resp.status_code in (400, 422) and resp.mimetype == "application/problem+json", resp.json


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "category": "water"},
        {"name": "x", "category": "spaceship"},
        {"name": "x", "category": "water", "quantity": 0},
        {"name": "x", "category": "water", "maintenance_interval_days": 99999},
        {"name": "x", "category": "water", "last_maintained_on": "2027-01-01"},
        {"name": "x", "category": "water", "kit_id": "5d6f1c1e-0000-4000-8000-000000000000"},
        {"name": "x", "category": "water", "condition": "shiny"},
        [],
    ],
)
def test_a_bad_item_is_refused_and_nothing_is_made(auth, clock, team1, body):
    captain = auth("captain1")
    resp = captain.post(f"/api/v1/teams/{team1}/equipment", json=body)
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json", resp.json
    assert captain.get(f"/api/v1/teams/{team1}/equipment").json["total"] == 0


def test_damage_or_loss_needs_a_note_and_is_logged(auth, clock, make_item):
    item = make_item()
    captain = auth("captain1")
    bare = captain.patch(f"/api/v1/equipment/{item['id']}", json={"condition": "damaged"})
    assert bare.status_code == 422 and "note" in bare.json["errors"]
    resp = captain.patch(
        f"/api/v1/equipment/{item['id']}", json={"condition": "damaged", "note": "浮力块破损"}
    )
    assert resp.status_code == 200 and resp.json["condition_label"] == "损坏"
    (event,) = captain.get(f"/api/v1/equipment/{item['id']}").json["events"]
    assert (event["kind"], event["condition_before"], event["condition_after"], event["note"]) == (
        "condition",
        "good",
        "damaged",
        "浮力块破损",
    )


def test_kits_group_a_teams_items(auth, clock, make_item, team1, team2):
    captain = auth("captain1")
    kit = captain.post(f"/api/v1/teams/{team1}/equipment-kits", json={"name": "水域救援包"})
    assert kit.status_code == 201
    item = make_item(kit_id=kit.json["id"])
    assert item["kit_id"] == kit.json["id"]
    listed = captain.get(f"/api/v1/teams/{team1}/equipment?kit_id={kit.json['id']}").json["items"]
    assert [i["id"] for i in listed] == [item["id"]]
    # Another team's kit is not this team's to use.
    other = auth("town2").post(f"/api/v1/teams/{team2}/equipment-kits", json={"name": "古田包"}).json
    resp = captain.patch(f"/api/v1/equipment/{item['id']}", json={"kit_id": other["id"]})
    assert resp.status_code == 422


def test_a_kit_sent_again_with_its_client_id_is_the_same_kit(auth, team1):
    captain = auth("captain1")
    kit_id = str(uuid.uuid4())
    body = {"id": kit_id, "name": "急救包", "note": "队部二楼"}
    first = captain.post(f"/api/v1/teams/{team1}/equipment-kits", json=body)
    assert first.status_code == 201 and first.json["id"] == kit_id
    # No answer reached the phone, which sends the same form again: the kit it made, once.
    again = captain.post(f"/api/v1/teams/{team1}/equipment-kits", json=body)
    assert again.status_code == 200 and again.json == first.json
    # The id with another name is not this kit: refused, nothing renamed or added.
    other = captain.post(f"/api/v1/teams/{team1}/equipment-kits", json={**body, "name": "绳索包"})
    assert other.status_code == 409 and other.json["type"].endswith("/conflict")
    kits = captain.get(f"/api/v1/teams/{team1}/equipment-kits").json["items"]
    assert [(k["id"], k["name"]) for k in kits if k["id"] == kit_id] == [(kit_id, "急救包")]
    assert sum(k["name"] == "绳索包" for k in kits) == 0


def test_the_desks_overdue_list_spans_its_region_longest_overdue_first(auth, clock, ids, make_item, team2):
    a = make_item(name="抽水泵", last_maintained_on="2026-06-01")
    b = make_item(name="发电机", last_maintained_on="2026-08-01")
    make_item(name="头灯")  # not due
    make_item(name="旧担架", last_maintained_on="2026-01-01", condition="retired")  # out of service
    c = make_item(team=team2, by="town2", name="冲锋舟", last_maintained_on="2026-05-01")
    county = auth("duty").get("/api/v1/equipment/overdue").json
    assert [i["id"] for i in county["items"]] == [c["id"], a["id"], b["id"]] and county["total"] == 3
    assert county["items"][0]["team_name"] and county["items"][0]["days_overdue"] == 125
    town1 = auth("town1").get("/api/v1/equipment/overdue").json
    assert [i["id"] for i in town1["items"]] == [a["id"], b["id"]]
    only = auth("duty").get(f"/api/v1/equipment/overdue?region_id={ids['regions'][T1]}").json
    assert [i["id"] for i in only["items"]] == [a["id"], b["id"]]
    # Not the township desk's to ask about a neighbour; not a captain's list at all.
    assert (
        auth("town1").get(f"/api/v1/equipment/overdue?region_id={ids['regions']['古田镇']}").status_code
        == 422
    )
    assert auth("captain1").get("/api/v1/equipment/overdue").status_code == 403


def test_readiness_counts_the_equipment_overdue_in_words(auth, clock, make_item):
    def town1(body):
        return next(t for t in body["townships"] if t["region_name"] == T1)

    before = town1(auth("duty").get("/api/v1/teams/readiness").json)
    assert before["teams"][0]["equipment"] == {"count": None, "label": "未登记"}
    make_item(last_maintained_on="2026-06-01")
    make_item(last_maintained_on="2026-07-01")
    make_item(last_maintained_on="2026-08-01")
    make_item()
    body = auth("duty").get("/api/v1/teams/readiness").json
    team = town1(body)["teams"][0]
    assert team["equipment"] == {"count": 3, "label": "3 件装备逾期未保养"}
    assert "3 件装备逾期未保养" in team["reasons"]
    assert body["summary"]["equipment"]["count"] == 3
