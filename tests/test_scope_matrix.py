"""Every endpoint, as every role: what each role may do, and that nobody reaches a record
outside their region. A new endpoint must be added here (the last test checks)."""

import itertools
import re
import uuid

import pytest

from .reports.life import body_for, bring_to, step

T1, T2 = "临城镇", "古田镇"

# Who sees township 1 / township 2 records (officers sit in a village: they see neither).
SEES = {
    "admin": {T1, T2},
    "duty": {T1, T2},
    "town1": {T1},
    "town2": {T2},
    "captain1": {T1},
    "member1": {T1},
    "officer1": set(),
    "officer2": set(),
    "shelter1": {T1},
}
ROLE_OF = {
    "admin": "admin",
    "duty": "duty_officer",
    "town1": "duty_officer",
    "town2": "duty_officer",
    "captain1": "captain",
    "member1": "member",
    "officer1": "info_officer",
    "officer2": "info_officer",
    "shelter1": "shelter_manager",
}
ALL = set(ROLE_OF.values())
DESK = {"admin", "duty_officer"}
LEAD = {"admin", "duty_officer", "captain"}
CALLED = {"captain", "member"}
ADMIN = {"admin"}
# Those who run a shelter's door: its managers (an object rule) and its region's desk.
SHELTER_DESK = {"admin", "duty_officer", "shelter_manager"}
TEAM_READ = {"admin", "duty_officer", "captain", "member"}

PROFILE = {
    "birth_date": "1990-05-17",
    "education": "senior_high",
    "background": "veteran",
    "skills": ["水上救援"],
    "certificates": [],
    "emergency_contact": None,
}

_counter = itertools.count()


def _uniq(prefix: str) -> str:
    return f"{prefix}{next(_counter)}{uuid.uuid4().hex[:4]}"


def _training(ids, town):
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    return {
        "kind": "theory",
        "title": "防汛知识培训",
        "place": "镇政府会议室",
        "starts_at": (now + timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=1, hours=2)).isoformat(),
        "planned_hours": "2.0",
        "member_ids": [ids["users"]["member1" if town == T1 else "t2member1"]],
    }


# Records of each township, by kind: (township 1 target, township 2 target).
def _targets(ids, records):
    r, u, s, t = ids["regions"], ids["users"], ids["shelters"], ids["teams"]
    return {
        "report": records["report"],
        "incident": records["incident"],
        "dispatch": records["dispatch"],
        # (order, a silent member on it): the desk chasing someone who has not answered.
        "dispatch_target": tuple(zip(records["dispatch"], (u["member2"], u["t2member2"]), strict=True)),
        "checkin": records["checkin"],
        "user": (u["member1"], u["captain2"]),
        "member": (u["member3"], u["t2member1"]),
        "region": (r[T1], r[T2]),
        "team": (t[r[T1]], t[r[T2]]),
        "shelter": (s["临城镇中心小学避灾安置点"], s["古田镇避灾安置中心"]),
        # Open shelters with people in them (township 1's is shelter1's).
        "people_shelter": (s["上杭县体育馆"], s["五龙村村部"]),
        "shelter_checkin": tuple(
            zip((s["上杭县体育馆"], s["五龙村村部"]), records["shelter_checkin"], strict=True)
        ),
        # An item of each township's team, registered by its desk.
        "equipment": records["equipment"],
    }


# (method, rule, roles allowed, kind of record or None, body for a township: fn(ids, town) -> json)
ITEM_ENDPOINTS = [
    ("GET", "/api/v1/users/<uuid:user_id>", DESK, "user", None),
    ("PATCH", "/api/v1/users/<uuid:user_id>", DESK, "user", lambda ids, town: {"display_name": "改名"}),
    ("POST", "/api/v1/users/<uuid:user_id>/reset-password", DESK, "user", None),
    ("GET", "/api/v1/members/<uuid:member_id>", {"admin", "duty_officer", "captain"}, "member", None),
    # Profiles: the personal part by object rule (tests/teams/test_profiles.py).
    ("GET", "/api/v1/members/<uuid:member_id>/profile", LEAD | {"member"}, "member", None),
    ("PUT", "/api/v1/members/<uuid:member_id>/profile", LEAD, "member", lambda ids, town: PROFILE),
    # Insurance: the member's captain and the desk (tests/teams/test_insurance.py).
    ("GET", "/api/v1/members/<uuid:member_id>/insurance", LEAD, "member", None),
    (
        "POST",
        "/api/v1/members/<uuid:member_id>/insurance",
        LEAD,
        "member",
        lambda ids, town: {
            "insurer": "中国人寿",
            "number": _uniq("P"),
            "cover_yuan": 500000,
            "starts_on": "2026-01-01",
            "ends_on": "2027-01-01",
        },
    ),
    ("GET", "/api/v1/regions/<int:region_id>", ALL, "region", None),
    ("PATCH", "/api/v1/regions/<int:region_id>", ADMIN, "region", lambda ids, town: {"name": town}),
    ("GET", "/api/v1/teams/<uuid:team_id>", {"admin", "duty_officer", "captain", "member"}, "team", None),
    ("PATCH", "/api/v1/teams/<uuid:team_id>", DESK, "team", lambda ids, town: {"name": f"{town}救援队"}),
    # First passwords for members imported with none (tests/teams/test_first_passwords.py).
    ("POST", "/api/v1/teams/<uuid:team_id>/first-passwords", DESK, "team", None),
    # Trainings and drills: planned by the team's captain or its region's desk (tests/training).
    (
        "GET",
        "/api/v1/teams/<uuid:team_id>/trainings",
        {"admin", "duty_officer", "captain", "member"},
        "team",
        None,
    ),
    ("POST", "/api/v1/teams/<uuid:team_id>/trainings", LEAD, "team", lambda ids, town: _training(ids, town)),
    ("GET", "/api/v1/shelters/<uuid:shelter_id>", ALL, "shelter", None),
    ("PATCH", "/api/v1/shelters/<uuid:shelter_id>", DESK, "shelter", lambda ids, town: {"capacity": 500}),
    ("GET", "/api/v1/shelters/<uuid:shelter_id>/events", ALL, "shelter", None),
    ("POST", "/api/v1/shelters/<uuid:shelter_id>/open", SHELTER_DESK, "shelter", None),
    ("POST", "/api/v1/shelters/<uuid:shelter_id>/close", SHELTER_DESK, "shelter", None),
    (
        "PUT",
        "/api/v1/shelters/<uuid:shelter_id>/supplies",
        SHELTER_DESK,
        "shelter",
        lambda ids, town: {"water": 90},
    ),
    (
        "POST",
        "/api/v1/shelters/<uuid:shelter_id>/checkins",
        SHELTER_DESK,
        "people_shelter",
        lambda ids, town: {"id": str(uuid.uuid4()), "name": "林小梅", "household_size": 2},
    ),
    ("GET", "/api/v1/shelters/<uuid:shelter_id>/checkins", SHELTER_DESK, "people_shelter", None),
    # The poster is the key to the shelter's door: its desk and managers only (tests/shelters).
    ("GET", "/api/v1/shelters/<uuid:shelter_id>/poster", SHELTER_DESK, "shelter", None),
    ("GET", "/api/v1/shelters/<uuid:shelter_id>/poster.svg", SHELTER_DESK, "shelter", None),
    ("GET", "/api/v1/shelters/<uuid:shelter_id>/poster.pdf", SHELTER_DESK, "shelter", None),
    (
        "GET",
        "/api/v1/shelters/<uuid:shelter_id>/checkins/<uuid:checkin_id>",
        SHELTER_DESK,
        "shelter_checkin",
        None,
    ),
    (
        "POST",
        "/api/v1/shelters/<uuid:shelter_id>/checkins/<uuid:checkin_id>/checkout",
        SHELTER_DESK,
        "shelter_checkin",
        None,
    ),
    ("GET", "/api/v1/reports/<uuid:report_id>", ALL, "report", None),
    ("GET", "/api/v1/reports/<uuid:report_id>/duplicates", DESK, "report", None),
    ("GET", "/api/v1/attendance/<uuid:checkin_id>", ALL, "checkin", None),
    ("GET", "/api/v1/incidents/<uuid:incident_id>", LEAD, "incident", None),
    ("GET", "/api/v1/dispatches/<uuid:dispatch_id>", ALL, "dispatch", None),
    (
        "POST",
        "/api/v1/dispatches/<uuid:dispatch_id>/respond",
        CALLED,
        "dispatch",
        lambda ids, town: {"response": "accept", "eta_minutes": 10},
    ),
    (
        "POST",
        "/api/v1/dispatches/<uuid:dispatch_id>/status",
        CALLED,
        "dispatch",
        lambda ids, town: {"status": "en_route"},
    ),
    (
        "POST",
        "/api/v1/dispatches/<uuid:dispatch_id>/targets/<uuid:member_id>/notify",
        DESK,
        "dispatch_target",
        None,
    ),
    ("DELETE", "/api/v1/shelters/<uuid:shelter_id>", ADMIN, "shelter", None),
    # A team's equipment: its desk and captain manage, its members read (the team's own only:
    # tests/equipment/test_scope.py).
    ("GET", "/api/v1/teams/<uuid:team_id>/equipment", TEAM_READ, "team", None),
    (
        "POST",
        "/api/v1/teams/<uuid:team_id>/equipment",
        LEAD,
        "team",
        lambda ids, town: {"name": "救生衣", "category": "water", "standard": "GB/T 32227"},
    ),
    ("GET", "/api/v1/teams/<uuid:team_id>/equipment-kits", TEAM_READ, "team", None),
    (
        "POST",
        "/api/v1/teams/<uuid:team_id>/equipment-kits",
        LEAD,
        "team",
        lambda ids, town: {"name": "水域救援包"},
    ),
    ("GET", "/api/v1/teams/<uuid:team_id>/equipment/orders", LEAD, "team", None),
    ("GET", "/api/v1/equipment/<uuid:item_id>", TEAM_READ, "equipment", None),
    ("PATCH", "/api/v1/equipment/<uuid:item_id>", LEAD, "equipment", lambda ids, town: {"serial": "PC-01"}),
    (
        "POST",
        "/api/v1/equipment/<uuid:item_id>/maintenance",
        LEAD,
        "equipment",
        lambda ids, town: {"note": "保养"},
    ),
]

# Check-ins are one's own, or the region's for desk roles and captains.
CHECKIN_SEES = {
    "admin": {T1, T2},
    "duty": {T1, T2},
    "town1": {T1},
    "town2": {T2},
    "captain1": {T1},
    "member1": {T1},  # township 1's check-in is member1's own
    "officer1": set(),
    "officer2": set(),
    "shelter1": set(),
}

# Orders: the desk's region's, and each member's own (the demo orders call the whole team).
DISPATCH_SEES = {**CHECKIN_SEES, "member1": {T1}, "captain1": {T1}, "shelter1": set()}


CREATE_ENDPOINTS = [
    (
        "/api/v1/incidents",
        DESK,
        lambda ids, town: {"kind": "flood", "title": "内涝", "region_id": ids["regions"][town]},
    ),
    (
        "/api/v1/dispatches",
        DESK,
        lambda ids, town: {
            "title": "协助转移",
            "location": {"lat": 25.05, "lon": 116.43},
            "region_id": ids["regions"][town],
            "member_ids": [ids["users"]["member2" if town == T1 else "t2member2"]],
        },
    ),
    (
        "/api/v1/reports",
        ALL,
        lambda ids, town: {
            "id": str(uuid.uuid4()),
            "category": "flood",
            "description": "河水上涨",
            "location": {"lat": 25.05, "lon": 116.43},
            "region_id": ids["regions"][town],
        },
    ),
    (
        "/api/v1/users",
        DESK,
        lambda ids, town: {
            "username": _uniq("u"),
            "password": "long-enough-1",
            "display_name": "新队员",
            "role": "member",
            "region_id": ids["regions"][town],
        },
    ),
    (
        "/api/v1/regions",
        ADMIN,
        lambda ids, town: {
            "parent_id": ids["regions"][town],
            "code": str(350823900000 + next(_counter)),
            "name": _uniq("新村"),
            "level": "village",
        },
    ),
    ("/api/v1/teams", DESK, lambda ids, town: {"name": _uniq("队"), "region_id": ids["regions"][town]}),
    (
        "/api/v1/shelters",
        DESK,
        lambda ids, town: {
            "name": _uniq("安置点"),
            "kind": "village",
            "region_id": ids["regions"][town],
            "location": {"lat": 25.1, "lon": 116.5},
            "capacity": 50,
        },
    ),
]

# (rule, roles allowed, how to find an item's region id)
LIST_ENDPOINTS = [
    ("/api/v1/users", DESK, "region_id"),
    ("/api/v1/members", {"admin", "duty_officer", "captain"}, "region_id"),
    ("/api/v1/regions", ALL, "id"),
    ("/api/v1/teams", {"admin", "duty_officer", "captain", "member"}, "region_id"),
    ("/api/v1/shelters", ALL, "region_id"),
    ("/api/v1/audit", ADMIN, "region_id"),
    ("/api/v1/reports", ALL, "region_id"),
    ("/api/v1/attendance", ALL, "region_id"),
    ("/api/v1/dispatches", ALL, "region_id"),
    ("/api/v1/incidents", LEAD, "region_id"),
    ("/api/v1/teams/flags", LEAD, "region_id"),
    ("/api/v1/equipment/overdue", DESK, "region_id"),
]
# Lists whose items carry the record under a key (the supervised list: {"report": {...}, ...}).
NESTED_LIST_ENDPOINTS = [("/api/v1/reports/supervised", DESK, "report")]

# Open to every signed-in user or to everyone; covered by their own tests.
OTHER_ENDPOINTS = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/me"),
    ("PATCH", "/api/v1/me"),
    # The caller's own member badge (tests/training/test_badge.py).
    ("GET", "/api/v1/me/badge"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/config"),
    # Act only on the caller's own records, with no region to name: tests/attendance, tests/sync.
    ("POST", "/api/v1/attendance/checkins"),
    ("POST", "/api/v1/attendance/checkins/<uuid:checkin_id>/checkout"),
    ("POST", "/api/v1/sync"),
    # The county's deadline rules for supervision: one set, no region (tests/reports/test_supervision.py).
    ("GET", "/api/v1/reports/deadline-rules"),
    ("PUT", "/api/v1/reports/deadline-rules"),
    # One's own devices, residents' subscriptions, and the gateways' signed webhooks: tests/delivery.
    ("GET", "/api/v1/push/vapid-public-key"),
    ("POST", "/api/v1/push/subscriptions"),
    ("DELETE", "/api/v1/push/subscriptions"),
    ("POST", "/api/v1/public/push/subscriptions"),
    ("POST", "/api/v1/delivery/sms/inbound"),
    ("POST", "/api/v1/delivery/voice/inbound"),
    ("POST", "/api/v1/delivery/status"),
    ("POST", "/api/v1/delivery/aliyun/sms-up"),
    ("POST", "/api/v1/delivery/aliyun/sms-report"),
    ("POST", "/api/v1/delivery/tencent/sms-reply"),
    # Needs the member on scene first: tests/dispatch.
    ("POST", "/api/v1/dispatches/<uuid:dispatch_id>/ping"),
    ("GET", "/api/v1/sync"),
    # Reached through the records that show them: tests/media.
    ("PUT", "/api/v1/media/<uuid:media_id>"),
    ("GET", "/api/v1/media/<uuid:media_id>"),
    # The public shelter door, without an account: tests/shelters.
    ("GET", "/api/v1/public/shelters/<code>"),
    ("POST", "/api/v1/public/shelters/<code>/checkins"),
    # An XLSX body, not JSON: by role and region in tests/teams/test_roster.py.
    ("POST", "/api/v1/teams/<uuid:team_id>/roster"),
    ("GET", "/api/v1/teams/roster-template.xlsx"),
    # Teams: the member path (its steps depend on the stage: tests/teams/test_profiles_path.py);
    # the county's one rule set (tests/teams/test_rules.py); readiness, figures per township
    # (tests/teams/test_readiness.py checks each sees only their own area).
    ("POST", "/api/v1/members/<uuid:member_id>/path"),
    ("GET", "/api/v1/teams/rules"),
    ("PUT", "/api/v1/teams/rules"),
    ("GET", "/api/v1/teams/readiness"),
    # A member's policy, by role and region in tests/teams/test_insurance.py.
    ("PATCH", "/api/v1/members/<uuid:member_id>/insurance/<uuid:policy_id>"),
    ("DELETE", "/api/v1/members/<uuid:member_id>/insurance/<uuid:policy_id>"),
    # Need an open order of the item's team, and the item in or out: tests/equipment.
    ("POST", "/api/v1/equipment/<uuid:item_id>/checkout"),
    ("POST", "/api/v1/equipment/<uuid:item_id>/return"),
    # A training's roll, changes, cancel and marks, and a member's hours: by role, team and
    # region in tests/training (the captain of the team only, not every captain of the region).
    ("GET", "/api/v1/trainings/<uuid:training_id>"),
    ("PATCH", "/api/v1/trainings/<uuid:training_id>"),
    ("POST", "/api/v1/trainings/<uuid:training_id>/cancel"),
    ("POST", "/api/v1/trainings/<uuid:training_id>/attendance"),
    ("GET", "/api/v1/members/<uuid:member_id>/training-hours"),
    # Residents subscribing to warnings, without an account: tests/residents.
    ("GET", "/api/v1/public/residents/regions"),
    ("POST", "/api/v1/public/residents/codes"),
    ("POST", "/api/v1/public/residents/subscriptions"),
    ("POST", "/api/v1/public/residents/unsubscribe"),
    # Warnings published without an account (CAP 1.2, the Atom feed): tests/warnings/test_publish.py.
    ("GET", "/api/v1/warnings/<uuid:warning_id>/cap"),
    ("GET", "/api/v1/warnings/feed.atom"),
    # Needs a query: its own test below.
    ("GET", "/api/v1/shelters/people"),
    # Figures, not records: its own test below.
    ("GET", "/api/v1/shelters/summary"),
    # The county's subsidy rules and monthly reports: one set for the county, the lines of the
    # caller's townships only (tests/subsidy/test_report.py: by role, and town2 sees its own).
    ("GET", "/api/v1/subsidy/rules"),
    ("POST", "/api/v1/subsidy/rules"),
    ("GET", "/api/v1/subsidy/reports"),
    ("GET", "/api/v1/subsidy/reports/<month>"),
    ("POST", "/api/v1/subsidy/reports/<month>/compute"),
    ("POST", "/api/v1/subsidy/reports/<month>/lock"),
    ("GET", "/api/v1/subsidy/reports/<month>/export.xlsx"),
    ("GET", "/api/v1/subsidy/reports/<month>/export.csv"),
    # Cross-township help claims: seen by the county and both townships, each move by the right
    # township's desk (tests/subsidy/test_claims.py).
    ("GET", "/api/v1/subsidy/claims"),
    ("POST", "/api/v1/subsidy/claims"),
    ("GET", "/api/v1/subsidy/claims/claimable"),
    ("GET", "/api/v1/subsidy/claims/<uuid:claim_id>"),
    ("POST", "/api/v1/subsidy/claims/<uuid:claim_id>/agree"),
    ("POST", "/api/v1/subsidy/claims/<uuid:claim_id>/paid"),
}

USERS = sorted(ROLE_OF)


@pytest.fixture()
def records(auth, ids):
    """A report and a check-in in each township, filed by a member there."""
    made = {
        "report": [],
        "checkin": [],
        "incident": [],
        "dispatch": [],
        "shelter_checkin": [],
        "equipment": [],
    }
    desk = auth("duty")
    wulong = ids["shelters"]["五龙村村部"]
    assert desk.post(f"/api/v1/shelters/{wulong}/open").status_code == 200
    for shelter in (ids["shelters"]["上杭县体育馆"], wulong):
        family = {"id": str(uuid.uuid4()), "name": "王小红", "phone": "13900001234", "household_size": 3}
        resp = desk.post(f"/api/v1/shelters/{shelter}/checkins", json=family)
        assert resp.status_code == 201, resp.json
        made["shelter_checkin"].append(resp.json["id"])
    for town, team_of in ((T1, "captain1"), (T2, "captain2")):
        incident = desk.post(
            "/api/v1/incidents", json={"kind": "flood", "title": "内涝", "region_id": ids["regions"][town]}
        )
        team = desk.get(f"/api/v1/users/{ids['users'][team_of]}").json["team_id"]
        dispatch = desk.post(
            "/api/v1/dispatches",
            json={
                "title": "排涝",
                "location": {"lat": 25.05, "lon": 116.43},
                "region_id": ids["regions"][town],
                "team_ids": [team],
                "incident_id": incident.json["id"],
            },
        )
        assert incident.status_code == 201 and dispatch.status_code == 201, dispatch.json
        made["incident"].append(incident.json["id"])
        made["dispatch"].append(dispatch.json["id"])
        item = desk.post(f"/api/v1/teams/{team}/equipment", json={"name": "头灯", "category": "lighting"})
        assert item.status_code == 201, item.json
        made["equipment"].append(item.json["id"])
    for username in ("member1", "t2member1"):
        client = auth(username)
        report = client.post(
            "/api/v1/reports",
            json={
                "id": str(uuid.uuid4()),
                "category": "road_traffic",
                "description": "塌方堵路",
                "location": {"lat": 25.1, "lon": 116.5},
            },
        )
        checkin = client.post("/api/v1/attendance/checkins", json={"id": str(uuid.uuid4())})
        assert report.status_code == 201 and checkin.status_code == 201
        made["report"].append(report.json["id"])
        made["checkin"].append(checkin.json["id"])
    return made


def _scope_region_ids(app, username):
    import sqlalchemy as sa

    from server.accounts.models import User
    from server.extensions import db
    from server.regions.service import user_scope

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        ids = set(db.session.scalars(user_scope(user)))
        db.session.remove()
    return ids


@pytest.mark.parametrize("username", USERS)
def test_item_endpoints_answer_by_role_and_region(auth, ids, records, username):
    client = auth(username)
    role = ROLE_OF[username]
    targets = _targets(ids, records)
    for method, rule, allowed, kind, body in ITEM_ENDPOINTS:
        for town, target in zip((T1, T2), targets[kind], strict=True):
            values = iter(target if isinstance(target, tuple) else (target,))
            path = re.sub(r"<[^>]+>", lambda _, values=values: str(next(values)), rule)
            json = body(ids, town) if body else None
            resp = client.open(method, path, json=json)
            sees = {"checkin": CHECKIN_SEES, "dispatch": DISPATCH_SEES, "dispatch_target": DISPATCH_SEES}.get(
                kind, SEES
            )
            if role not in allowed:
                expected = {403}
            elif town in sees[username]:
                expected = {200, 201, 204}
            else:
                expected = {404}
            assert resp.status_code in expected, (username, method, path, resp.status_code, resp.json)
            if resp.status_code >= 400:
                assert resp.mimetype == "application/problem+json"


@pytest.mark.parametrize("username", USERS)
def test_creates_only_inside_ones_own_region(auth, ids, username):
    client = auth(username)
    role = ROLE_OF[username]
    for rule, allowed, body in CREATE_ENDPOINTS:
        for town in (T1, T2):
            resp = client.post(rule, json=body(ids, town))
            if role not in allowed:
                assert resp.status_code == 403, (username, rule, resp.json)
            elif town in SEES[username]:
                assert resp.status_code == 201, (username, rule, resp.json)
            else:
                assert resp.status_code in (403, 404, 422), (username, rule, resp.json)


@pytest.mark.parametrize("username", USERS)
def test_lists_never_show_another_regions_records(app, auth, ids, username):
    client = auth(username)
    role = ROLE_OF[username]
    scope = _scope_region_ids(app, username)
    for rule, allowed, region_key in LIST_ENDPOINTS:
        resp = client.get(rule + "?limit=200")
        if role not in allowed:
            assert resp.status_code == 403, (username, rule)
            continue
        assert resp.status_code == 200, (username, rule, resp.json)
        body = resp.json
        assert {"items", "total", "next_cursor"} <= set(body)
        for item in body["items"]:
            assert item[region_key] in scope, (username, rule, item)
    for rule, allowed, key in NESTED_LIST_ENDPOINTS:
        resp = client.get(rule + "?limit=200")
        if role not in allowed:
            assert resp.status_code == 403, (username, rule)
            continue
        assert resp.status_code == 200, (username, rule, resp.json)
        for item in resp.json["items"]:
            assert item[key]["region_id"] in scope, (username, rule, item)


MAP_ROLES = LEAD


@pytest.mark.parametrize("username", USERS)
def test_the_map_shows_only_ones_own_region(auth, ids, records, username):
    resp = auth(username).get("/api/v1/map")
    if ROLE_OF[username] not in MAP_ROLES:
        assert resp.status_code == 403 and resp.mimetype == "application/problem+json"
        return
    assert resp.status_code == 200, resp.json
    shown = {layer: {item["id"] for item in resp.json[layer]} for layer in ("incidents", "orders", "hazards")}
    shown["shelters"] = {item["id"] for item in resp.json["shelters"]}
    targets = _targets(ids, records)
    for layer, kind in (
        ("incidents", "incident"),
        ("orders", "dispatch"),
        ("hazards", "report"),
        ("shelters", "shelter"),
    ):
        for town, target in zip((T1, T2), targets[kind], strict=True):
            assert (str(target) in shown[layer]) == (town in SEES[username]), (username, layer, town)


def test_a_township_officer_cannot_read_a_neighbouring_townships_shelter(auth, ids):
    other = ids["shelters"]["古田镇避灾安置中心"]
    resp = auth("town1").get(f"/api/v1/shelters/{other}")
    assert resp.status_code == 404
    listed = auth("town1").get("/api/v1/shelters?limit=200").json["items"]
    assert other not in {s["id"] for s in listed}


# Family lookup: the desk's roles, across their region's shelters only.
LOOKUP_SEES = {"admin": {T1, T2}, "duty": {T1, T2}, "town1": {T1}, "town2": {T2}}


@pytest.mark.parametrize("username", USERS)
def test_family_lookup_finds_people_only_in_the_shelters_of_ones_region(auth, ids, records, username):
    by_town = dict(zip((T1, T2), records["shelter_checkin"], strict=True))
    for q in ("王小红", "小红", "1234"):
        resp = auth(username).get(f"/api/v1/shelters/people?q={q}&limit=200")
        if username not in LOOKUP_SEES:
            assert resp.status_code == 403 and resp.mimetype == "application/problem+json", username
            continue
        assert resp.status_code == 200, (username, resp.json)
        found = {item["id"] for item in resp.json["items"]}
        for town, checkin in by_town.items():
            assert (checkin in found) == (town in LOOKUP_SEES[username]), (username, q, town)
        for item in resp.json["items"]:
            assert "phone" not in item
            if item["id"] in by_town.values():
                assert item["phone_masked"] == "139****1234"


# The steps of a report's life: (step, roles whose permission allows it, the state a report
# must be in for it). start and rectify are open to every role, for the report's assignee
# only (or the desk on their behalf): anyone else in the region is refused (403).
REPORT_STEPS = [
    ("verify", DESK, "reported"),
    ("reject", DESK, "reported"),
    ("assign", DESK, "verified"),
    ("start", ALL, "assigned"),
    ("rectify", ALL, "rectifying"),
    ("close", DESK, "rectified"),
    ("reopen", DESK, "closed"),
]
# Each township's report: filed by a member there, its desk, and the member it is assigned to.
STEP_PEOPLE = {T1: ("member1", "town1", "member2"), T2: ("t2member1", "town2", "t2member2")}


@pytest.mark.parametrize("username", USERS)
def test_report_steps_answer_by_role_and_region(auth, ids, username):
    client = auth(username)
    role = ROLE_OF[username]
    for kind, allowed, state in REPORT_STEPS:
        for town in (T1, T2):
            reporter, desk, assignee = STEP_PEOPLE[town]
            report_id = bring_to(auth, ids, state, reporter=reporter, desk=desk, assignee=assignee)
            resp = step(client, report_id, kind, body_for(kind, ids, client, assignee=assignee))
            if role not in allowed:
                expected = 403
            elif town not in SEES[username]:
                expected = 404
            elif kind in ("start", "rectify") and role not in DESK:
                expected = 403  # in the region, but not the assignee
            else:
                expected = 200
            assert resp.status_code == expected, (username, kind, town, resp.status_code, resp.json)
            if resp.status_code >= 400:
                assert resp.mimetype == "application/problem+json"


# The desk's shelter summary: the desk's roles, counting the shelters of their region only.
SUMMARY_SEES = {"admin": {T1, T2}, "duty": {T1, T2}, "town1": {T1}, "town2": {T2}}


@pytest.mark.parametrize("username", USERS)
def test_the_shelter_summary_counts_only_the_shelters_of_ones_region(auth, ids, records, username):
    resp = auth(username).get("/api/v1/shelters/summary")
    if username not in SUMMARY_SEES:
        assert resp.status_code == 403 and resp.mimetype == "application/problem+json", username
        return
    assert resp.status_code == 200, (username, resp.json)
    # The records fixture opened one shelter in each township with a family of 3 in it.
    in_town = {T1: 3 + 10, T2: 3}  # township 1's gym held the demo's 10 people already
    assert resp.json["total"]["people"] == sum(in_town[t] for t in SUMMARY_SEES[username]), username
    if SUMMARY_SEES[username] == {T1, T2}:
        below = {c["name"]: c["people"] for c in resp.json["regions"]}
        assert (below[T1], below[T2]) == (in_town[T1], in_town[T2])
    else:
        (town,) = SUMMARY_SEES[username]
        assert resp.json["region"]["name"] == town


# Disaster events (灾害过程), one over each township: the desk of its region and the information
# officers of its villages see it; officers file reports, the desk also reads, exports, closes.
DISASTER_SEES = {
    "admin": {T1, T2},
    "duty": {T1, T2},
    "town1": {T1},
    "town2": {T2},
    "officer1": {T1},
    "officer2": {T2},
}
DISASTER_READ = {"admin", "duty_officer", "info_officer"}
OFFICER_VILLAGE = {T1: "城东村", T2: "古田村"}
DISASTER_ENDPOINTS = [
    ("GET", "/api/v1/disaster-events/<uuid:event_id>", DISASTER_READ, None),
    (
        "POST",
        "/api/v1/disaster-events/<uuid:event_id>/reports",
        DISASTER_READ,
        lambda ids, town: {
            "id": str(uuid.uuid4()),
            "kind": "initial",
            "region_id": ids["regions"][OFFICER_VILLAGE[town]],
            **dict.fromkeys(("affected", "dead", "missing", "injured", "evacuated", "resettled"), 0),
            **dict.fromkeys(("houses_collapsed", "houses_severe", "houses_light"), 0),
            **dict.fromkeys(("crops_affected_ha", "crops_lost_ha", "loss_10k_yuan"), "0.00"),
        },
    ),
    ("GET", "/api/v1/disaster-events/<uuid:event_id>/summary", DESK, None),
    ("GET", "/api/v1/disaster-events/<uuid:event_id>/reports.xlsx", DESK, None),
    ("GET", "/api/v1/disaster-events/<uuid:event_id>/reports.csv", DESK, None),
    ("POST", "/api/v1/disaster-events/<uuid:event_id>/close", DESK, None),
]


@pytest.mark.parametrize("username", USERS)
def test_disaster_events_answer_by_role_and_region(auth, ids, username):
    desk = auth("duty")
    events = {}
    for town in (T1, T2):
        resp = desk.post(
            "/api/v1/disaster-events",
            json={"kind": "typhoon", "name": f"{town}台风", "region_ids": [ids["regions"][town]]},
        )
        assert resp.status_code == 201, resp.json
        events[town] = resp.json["id"]
    client = auth(username)
    role = ROLE_OF[username]
    sees = DISASTER_SEES.get(username, set())
    listed = client.get("/api/v1/disaster-events?limit=200")
    if role not in DISASTER_READ:
        assert listed.status_code == 403, username
    else:
        assert {e["id"] for e in listed.json["items"]} == {events[t] for t in sees}, username
    for method, rule, allowed, body in DISASTER_ENDPOINTS:
        for town in (T1, T2):
            path = rule.replace("<uuid:event_id>", events[town])
            resp = client.open(method, path, json=body(ids, town) if body else None)
            if role not in allowed:
                expected = {403}
            elif town in sees:
                expected = {200, 201}
            else:
                expected = {404}
            assert resp.status_code in expected, (username, method, path, resp.status_code, resp.json)
            if resp.status_code >= 400:
                assert resp.mimetype == "application/problem+json"
    for town in (T1, T2):
        resp = client.post(
            "/api/v1/disaster-events",
            json={"kind": "flood", "name": "洪水", "region_ids": [ids["regions"][town]]},
        )
        if role not in DESK:
            assert resp.status_code == 403, (username, town)
        elif town in sees:
            assert resp.status_code == 201, (username, town, resp.json)
        else:
            assert resp.status_code == 422, (username, town, resp.json)


# The hazard statistics and the ledger exports: the desk's roles, for regions of their own area.
STATS_ENDPOINTS = (
    "/api/v1/reports/stats",
    "/api/v1/reports/stats.xlsx",
    "/api/v1/reports/ledger.xlsx",
    "/api/v1/reports/ledger.csv",
)


@pytest.mark.parametrize("username", USERS)
def test_hazard_statistics_and_ledgers_only_for_the_desk_of_the_region(auth, ids, records, username):
    client = auth(username)
    for rule in STATS_ENDPOINTS:
        for town in (T1, T2):
            resp = client.get(rule, query_string={"region_id": ids["regions"][town]})
            if ROLE_OF[username] not in DESK:
                expected = 403
            elif town in SEES[username]:
                expected = 200
            else:
                expected = 422  # not a region of one's area (regions.service.require_in_scope)
            assert resp.status_code == expected, (username, rule, town, resp.status_code)
            if expected != 200:
                assert resp.mimetype == "application/problem+json"
            elif rule.endswith("/stats"):
                # The records fixture filed one road_traffic report in each township this month.
                assert resp.json["total"]["reported"] == 1, (username, town, resp.json["total"])
                assert resp.json["region"]["name"] == town


# Warnings: a field user reads those whose area covers their region (a village officer sees
# their township's); the desk acts on those of its own area (tests/warnings).
WARNING_SEES = {**SEES, "officer1": {T1}, "officer2": {T2}}
_WARN = "/api/v1/warnings/<uuid:warning_id>"
# In this order: a draft is issued, then updated, then cancelled.
WARNING_ENDPOINTS = [
    ("GET", _WARN, ALL, "issued", None),
    ("POST", _WARN + "/ack", ALL, "issued", None),
    ("GET", _WARN + "/delivery", DESK, "issued", None),
    ("POST", _WARN + "/issue", DESK, "draft", None),
    ("POST", _WARN + "/update", DESK, "issued", lambda: {"level": "orange", "reason": "风力加强"}),
    ("POST", _WARN + "/cancel", DESK, "issued", lambda: {"reason": "已解除"}),
]


@pytest.mark.parametrize("username", USERS)
def test_warnings_answer_by_role_and_area(auth, ids, username):
    desk = auth("duty")
    made = {"issued": {}, "draft": {}}
    for town in (T1, T2):
        for kind in made:
            resp = desk.post(
                "/api/v1/warnings",
                json={
                    "title": f"{town}暴雨预警",
                    "body": "强降雨",
                    "kind": "rainstorm",
                    "level": "blue",
                    "region_ids": [ids["regions"][town]],
                    "draft": kind == "draft",
                },
            )
            assert resp.status_code == 201, resp.json
            made[kind][town] = resp.json["id"]
    client = auth(username)
    role = ROLE_OF[username]
    sees = WARNING_SEES[username]
    listed = client.get("/api/v1/warnings?limit=200").json["items"]
    assert {w["id"] for w in listed} >= {made["issued"][t] for t in sees}, username
    others = {made[k][t] for k in made for t in (T1, T2) if t not in sees}
    assert not {w["id"] for w in listed} & others, username
    if role not in DESK:
        assert not {w["id"] for w in listed} & set(made["draft"].values()), username
    for method, rule, allowed, kind, body in WARNING_ENDPOINTS:
        for town in (T1, T2):
            path = rule.replace("<uuid:warning_id>", made[kind][town])
            resp = client.open(method, path, json=body() if body else None)
            if role not in allowed:
                expected = {403}
            elif town in sees:
                expected = {200, 201}
            else:
                expected = {404}
            assert resp.status_code in expected, (username, method, path, resp.status_code, resp.json)
            if resp.status_code >= 400:
                assert resp.mimetype == "application/problem+json"
    for town in (T1, T2):
        resp = client.post(
            "/api/v1/warnings",
            json={
                "title": "高温预警",
                "body": "高温",
                "kind": "heat",
                "level": "yellow",
                "region_ids": [ids["regions"][town]],
            },
        )
        if role not in DESK:
            assert resp.status_code == 403, (username, town)
        elif town in sees:
            assert resp.status_code == 201, (username, town, resp.json)
        else:
            assert resp.status_code == 422, (username, town, resp.json)


def test_every_api_endpoint_is_in_this_matrix(app):
    covered = {(m, r) for m, r, *_ in ITEM_ENDPOINTS}
    covered |= {(m, r) for m, r, *_ in DISASTER_ENDPOINTS}
    covered |= {("GET", "/api/v1/disaster-events"), ("POST", "/api/v1/disaster-events")}
    covered |= {(m, r) for m, r, *_ in WARNING_ENDPOINTS}
    covered |= {("GET", "/api/v1/warnings"), ("POST", "/api/v1/warnings")}
    covered |= {("POST", f"/api/v1/reports/<uuid:report_id>/{kind}") for kind, *_ in REPORT_STEPS}
    covered |= {("POST", r) for r, *_ in CREATE_ENDPOINTS}
    covered |= {("GET", r) for r, *_ in LIST_ENDPOINTS}
    covered |= {("GET", r) for r, *_ in NESTED_LIST_ENDPOINTS}
    covered |= OTHER_ENDPOINTS
    covered |= {("GET", r) for r in STATS_ENDPOINTS}
    covered.add(("GET", "/api/v1/map"))
    actual = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                actual.add((method, rule.rule))
    assert actual - covered == set(), "add these endpoints to the role-by-endpoint matrix"
