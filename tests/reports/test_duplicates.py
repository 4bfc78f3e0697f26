"""Near duplicates (issue 9): the open reports of the same category near a new one in place and
time are offered to the desk, nearest first, in its area; merging one into another rejects it
as a duplicate and the survivor keeps its photos and reporter. Every refusal is problem+json and
changes nothing; the same merge sent again changes nothing."""

import math
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.reports.models import Report

from ..dbstate import changed_tables, committed_rows
from ..sync.helpers import batch, jpeg
from .life import bring_to, step

SYNC = "/api/v1/sync"
PROBLEM = "application/problem+json"
# Where bring_to() files its reports (life.file_report).
HOME = (25.056, 116.442)
R = 6371008.8


def _haversine(lat1, lon1, lat2, lon2) -> float:
    """The test's own great-circle distance, to check the server's against."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1.0, math.sqrt(a)))


def _north(metres: float) -> float:
    return math.degrees(metres / R)


def _destination(lat, lon, metres, bearing_deg) -> tuple[float, float]:
    d, b = metres / R, math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def _photo(client) -> str:
    media_id = str(uuid.uuid4())
    resp = client.put(f"/api/v1/media/{media_id}", data=jpeg(), headers={"Content-Type": "image/jpeg"})
    assert resp.status_code == 201, resp.json
    return media_id


def file_at(client, hours_ago=0.0, north_m=0.0, category="geological", photos=0, at=None, **over) -> str:
    """A report filed from a phone (the sync door keeps the phone's time as reported_at)."""
    lat, lon = over.pop("point", (HOME[0] + _north(north_m), HOME[1]))
    when = at or datetime.now(UTC) - timedelta(hours=hours_ago, minutes=1)
    data = {
        "id": str(uuid.uuid4()),
        "category": category,
        "description": over.pop("description", "村口山体有裂缝，雨后扩大"),
        "location": {"lat": lat, "lon": lon},
        "media_ids": [_photo(client) for _ in range(photos)],
        **over,
    }
    op = {"op_id": str(uuid.uuid4()), "type": "report.create", "at": when.isoformat(), "data": data}
    resp = client.post(SYNC, json=batch(op))
    assert resp.status_code == 200 and resp.json["results"][0]["status"] == "applied", resp.json
    return data["id"]


def _dupes(client, report_id, status=200) -> dict:
    resp = client.get(f"/api/v1/reports/{report_id}/duplicates")
    assert resp.status_code == status, resp.json
    return resp.json


def _merge(client, report_id, into, **over):
    body = {"rejection": "duplicate", "duplicate_of": into, "reason": "同一处裂缝，已合并", **over}
    return step(client, report_id, "reject", body)


def test_the_open_reports_of_the_same_category_near_in_place_and_time_are_offered_nearest_first(auth, ids):
    officer, member, desk = auth("officer1"), auth("member1"), auth("town1")
    new = file_at(officer)
    near = file_at(member, hours_ago=2, north_m=150)
    nearer = file_at(officer, hours_ago=50, north_m=-40)
    file_at(member, hours_ago=1, north_m=230)  # outside 200 m
    file_at(member, hours_ago=73, north_m=10)  # outside 72 h before
    file_at(member, hours_ago=1, north_m=20, category="flood")  # another kind of hazard
    closed = bring_to(auth, ids, "closed", reporter="officer1")  # at HOME, closed
    rejected = bring_to(auth, ids, "rejected", reporter="officer1")  # at HOME, rejected
    verified = bring_to(auth, ids, "verified", reporter="officer1")  # open: offered

    answer = _dupes(desk, new)
    assert answer["radius_m"] == 200 and answer["window_h"] == 72 and answer["report_id"] == new
    got = [item["id"] for item in answer["items"]]
    assert got[0] == verified and got[1:] == [nearer, near]
    assert closed not in got and rejected not in got and new not in got
    by_id = {item["id"]: item for item in answer["items"]}
    assert abs(by_id[near]["distance_m"] - 150) < 1 and abs(by_id[nearer]["distance_m"] - 40) < 1
    assert abs(by_id[near]["apart_s"] - 2 * 3600) < 60 and abs(by_id[nearer]["apart_s"] - 50 * 3600) < 60
    assert by_id[near]["reporter_name"] and by_id[near]["category"] == "geological"
    assert by_id[near]["status"] == "reported" and by_id[verified]["status"] == "verified"


def test_the_window_reaches_either_side_of_the_reports_own_time(auth):
    member, desk = auth("member1"), auth("town1")
    old = file_at(member, hours_ago=100)
    later = file_at(member, hours_ago=30, north_m=5)
    much_later = file_at(member, hours_ago=0, north_m=5)
    got = [item["id"] for item in _dupes(desk, old)["items"]]
    assert got == [later]  # 70 h after it; the one 100 h after is outside
    assert much_later not in got


def test_the_radius_and_window_are_configurable(app, auth, monkeypatch):
    member, desk = auth("member1"), auth("town1")
    new = file_at(member)
    far = file_at(member, hours_ago=1, north_m=450)
    assert _dupes(desk, new)["items"] == []
    monkeypatch.setitem(app.config, "REPORT_DUPLICATE_RADIUS_M", 500.0)
    assert [i["id"] for i in _dupes(desk, new)["items"]] == [far]
    monkeypatch.setitem(app.config, "REPORT_DUPLICATE_WINDOW_H", 0.5)
    assert _dupes(desk, new)["items"] == []


def test_only_the_desk_asks_and_only_within_its_area(auth):
    mine = file_at(auth("member1"))
    theirs = file_at(auth("t2member1"), north_m=30)  # township 2, the same spot
    # The county sees both townships: each is offered the other.
    assert [i["id"] for i in _dupes(auth("duty"), mine)["items"]] == [theirs]
    assert _dupes(auth("town1"), mine)["items"] == []
    for who in ("officer1", "member1", "captain1"):
        resp = auth(who).get(f"/api/v1/reports/{mine}/duplicates")
        assert resp.status_code == 403 and resp.mimetype == PROBLEM, who
    resp = auth("town2").get(f"/api/v1/reports/{mine}/duplicates")
    assert resp.status_code == 404 and resp.mimetype == PROBLEM
    assert auth("town1").get(f"/api/v1/reports/{uuid.uuid4()}/duplicates").status_code == 404


def test_a_merged_report_keeps_its_photos_and_reporter_on_the_survivor(app, auth):
    officer, member, desk = auth("officer1"), auth("member1"), auth("town1")
    survivor = file_at(officer, hours_ago=3, photos=1)
    merged = file_at(member, north_m=60, photos=2, description="裂缝旁有落石")
    photos = _dupes(desk, merged)["items"][0]["media_ids"]
    assert len(photos) == 1
    # The village officer who filed the survivor cannot see the township member's report.
    member_photo = officer.get(f"/api/v1/reports/{merged}").status_code
    assert member_photo == 404

    resp = _merge(desk, merged, survivor)
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "rejected"
    last = resp.json["steps"][-1]
    assert (last["kind"], last["rejection"], last["duplicate_of"]) == ("reject", "duplicate", survivor)

    detail = officer.get(f"/api/v1/reports/{survivor}").json
    assert detail["status"] == "reported" and len(detail["media_ids"]) == 1
    (entry,) = detail["merged"]
    assert entry["id"] == merged and entry["reporter_id"] == str(ids_of(app, "member1"))
    assert entry["reporter_name"] and entry["description"] == "裂缝旁有落石"
    assert len(entry["media_ids"]) == 2 and entry["reason"] == "同一处裂缝，已合并" and entry["merged_by"]
    # Whoever sees the survivor sees the photos it keeps.
    for media_id in entry["media_ids"]:
        with officer.get(f"/api/v1/media/{media_id}") as resp:
            assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    # The merged one is no longer offered: it is not open.
    assert _dupes(desk, survivor)["items"] == []


def ids_of(app, username):
    from server.accounts.models import User

    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == username))
        db.session.remove()
    return user_id


def test_a_reopened_duplicate_leaves_the_survivor(app, auth):
    member, desk = auth("member1"), auth("town1")
    survivor = file_at(member, hours_ago=1)
    merged = file_at(member, photos=1)
    assert _merge(desk, merged, survivor).status_code == 200
    assert [m["id"] for m in desk.get(f"/api/v1/reports/{survivor}").json["merged"]] == [merged]
    resp = step(desk, merged, "reopen", {"reason": "不是同一处，另行核实"})
    assert resp.status_code == 200 and resp.json["status"] == "reported"
    assert desk.get(f"/api/v1/reports/{survivor}").json["merged"] == []
    assert [i["id"] for i in _dupes(desk, merged)["items"]] == [survivor]


def _refused(app, client, report_id, into, status, slug, **over):
    before = committed_rows(app)
    resp = _merge(client, report_id, into, **over)
    assert resp.status_code == status, resp.json
    assert resp.mimetype == PROBLEM and resp.json["type"].endswith("/" + slug), resp.json
    assert changed_tables(before, committed_rows(app)) == set()
    return resp.json


def test_merges_that_make_no_sense_are_refused_and_change_nothing(app, auth, ids):
    member, desk = auth("member1"), auth("town1")
    new = file_at(member)
    _refused(app, desk, new, new, 422, "validation")
    _refused(app, desk, new, str(uuid.uuid4()), 422, "validation")
    closed = bring_to(auth, ids, "closed", reporter="member1")
    body = _refused(app, desk, new, closed, 409, "duplicate-target-closed")
    assert body["current"]["id"] == closed and body["current"]["status"] == "closed"
    rejected = bring_to(auth, ids, "rejected", reporter="member1")
    _refused(app, desk, new, rejected, 409, "duplicate-target-closed")
    flood = file_at(member, category="flood")
    _refused(app, desk, new, flood, 409, "duplicate-other-category")
    # Only a report still waiting for verification is merged away.
    verified = bring_to(auth, ids, "verified", reporter="member1")
    _refused(app, desk, verified, new, 409, "report-state")
    # A report of another township: not in town1's area.
    theirs = file_at(auth("t2member1"))
    _refused(app, desk, new, theirs, 422, "validation")
    # Not the desk.
    captain = auth("captain1")
    before = committed_rows(app)
    assert _merge(captain, new, verified).status_code == 403
    assert changed_tables(before, committed_rows(app)) == set()
    # A duplicate names no target unless it is a duplicate.
    _refused(app, desk, new, verified, 422, "validation", rejection="false")


def test_no_chains_a_merged_report_takes_no_others_and_is_no_target(app, auth):
    member, desk = auth("member1"), auth("town1")
    first, second, third = (file_at(member, hours_ago=h) for h in (3, 2, 1))
    assert _merge(desk, second, first).status_code == 200
    # `second` is merged into `first`: merging into it names `first` instead.
    body = _refused(app, desk, third, second, 409, "duplicate-chain")
    assert body["merged_into"] == first
    # `first` has `second` merged into it: it cannot itself be merged away (the other way round).
    _refused(app, desk, first, third, 409, "duplicate-chain")
    assert _merge(desk, third, first).status_code == 200
    merged = [m["id"] for m in desk.get(f"/api/v1/reports/{first}").json["merged"]]
    assert merged == [second, third]


def _merge_op(report_id, into, step_id=None) -> dict:
    data = {"report_id": report_id, "rejection": "duplicate", "duplicate_of": into, "reason": "重复上报"}
    if step_id:
        data["id"] = step_id
    at = (datetime.now(UTC) - timedelta(minutes=2)).isoformat()
    return {"op_id": str(uuid.uuid4()), "type": "report.reject", "at": at, "data": data}


def test_a_merge_from_a_phone_sent_again_changes_nothing(app, auth):
    member, desk = auth("member1"), auth("town1")
    survivor = file_at(member, hours_ago=1, photos=1)
    merged = file_at(member, photos=1)
    op = _merge_op(merged, survivor, step_id=str(uuid.uuid4()))
    (first,) = desk.post(SYNC, json=batch(op)).json["results"]
    assert first["status"] == "applied" and first["entity"]["status"] == "rejected", first
    before = committed_rows(app)
    (again,) = desk.post(SYNC, json=batch(op)).json["results"]
    assert again["status"] == "duplicate" and again["entity"] == first["entity"]
    # The same step by another path (REST after a timeout): recognised, not written twice.
    resp = _merge(desk, merged, survivor, id=op["data"]["id"], reason="重复上报")
    assert resp.status_code == 200 and resp.json["step_count"] == 1
    assert changed_tables(before, committed_rows(app)) == set()
    assert [m["id"] for m in desk.get(f"/api/v1/reports/{survivor}").json["merged"]] == [merged]


def test_a_merge_that_became_impossible_offline_is_rejected_with_the_record(auth, ids):
    member, desk = auth("member1"), auth("town1")
    target = bring_to(auth, ids, "rectified", reporter="member1")
    new = file_at(member)
    assert step(auth("duty"), target, "close", {}).status_code == 200
    (result,) = desk.post(SYNC, json=batch(_merge_op(new, target))).json["results"]
    assert result["status"] == "rejected"
    assert result["error"]["type"].endswith("/duplicate-target-closed")
    assert result["error"]["current"]["status"] == "closed"


def _delete_reports(app, report_ids) -> None:
    with app.app_context():
        db.session.execute(sa.delete(Report).where(Report.id.in_([uuid.UUID(r) for r in report_ids])))
        db.session.commit()
        db.session.remove()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lat=st.floats(5, 53),
    lon=st.floats(75, 134),
    radius=st.floats(20, 5000),
    around=st.lists(st.tuples(st.floats(0.9, 1.1), st.floats(0, 360)), min_size=1, max_size=12),
)
def test_the_distance_filter_agrees_with_a_direct_haversine(app, auth, monkeypatch, lat, lon, radius, around):
    """Points at 0.9 to 1.1 times the radius in every direction, from the equator's neighbourhood
    to the far north (where a degree of longitude is shortest): the server offers exactly those
    a direct haversine puts within the radius."""
    monkeypatch.setitem(app.config, "REPORT_DUPLICATE_RADIUS_M", radius)
    member, desk = auth("member1"), auth("duty")
    at = datetime.now(UTC) - timedelta(hours=1)
    center = file_at(member, point=(lat, lon), at=at)
    made = [center]
    try:
        expected, unsure = set(), set()
        for factor, bearing in around:
            point = _destination(lat, lon, radius * factor, bearing)
            made.append(file_at(member, point=point, at=at))
            metres = _haversine(lat, lon, *point)
            if abs(metres - radius) < 1e-6:
                unsure.add(made[-1])  # on the line itself: either answer is right
            elif metres <= radius:
                expected.add(made[-1])
        got = {item["id"] for item in _dupes(desk, center)["items"]}
        assert got - unsure == expected
    finally:
        _delete_reports(app, made)
