"""Lists read a page in a fixed number of queries, however many rows it holds (no query per row:
at 3 a.m. in a typhoon the desk's board lists are what everyone refreshes)."""

import contextlib
import uuid

import sqlalchemy as sa

from server.extensions import db


@contextlib.contextmanager
def _counting(app):
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _order(auth, ids):
    body = {
        "title": f"排查 {uuid.uuid4().hex[:4]}",
        "location": {"lat": 25.05, "lon": 116.42},
        "team_ids": [ids["teams"][ids["regions"]["临城镇"]]],
    }
    assert auth("town1").post("/api/v1/dispatches", json=body).status_code == 201


def _queries(app, client, path):
    with _counting(app) as seen:
        assert client.get(path).status_code == 200
    return len(seen)


def test_the_order_list_does_not_grow_a_query_per_order(app, auth, ids):
    desk = auth("town1")
    _order(auth, ids)
    _order(auth, ids)
    few = _queries(app, desk, "/api/v1/dispatches?limit=50")
    for _ in range(6):
        _order(auth, ids)
    many = _queries(app, desk, "/api/v1/dispatches?limit=50")
    assert len(desk.get("/api/v1/dispatches?limit=50").json["items"]) == 8
    assert many == few


def test_the_team_list_counts_its_members_in_one_go(app, auth):
    admin = auth("admin")
    total = admin.get("/api/v1/teams?limit=200").json
    assert total["total"] >= 3 and all(team["size"] >= 1 for team in total["items"])
    one = _queries(app, admin, "/api/v1/teams?limit=1")
    all_ = _queries(app, admin, "/api/v1/teams?limit=200")
    assert all_ == one


def test_the_shelter_summary_reads_in_the_same_queries_however_many_shelters(app, auth, ids):
    desk = auth("duty")
    few = _queries(app, desk, "/api/v1/shelters/summary")
    admin = auth("admin")
    for n in range(8):
        body = {
            "name": f"安置点 {uuid.uuid4().hex[:4]}",
            "kind": "village",
            "region_id": ids["regions"]["古田镇" if n % 2 else "临城镇"],
            "location": {"lat": 25.1, "lon": 116.5},
            "capacity": 50,
            "status": "open",
        }
        assert admin.post("/api/v1/shelters", json=body).status_code == 201
    many = _queries(app, desk, "/api/v1/shelters/summary")
    assert desk.get("/api/v1/shelters/summary").json["total"]["open"] == 3 + 8
    assert many == few


def test_the_report_list_reads_a_page_in_the_same_queries_whatever_its_size(app, auth):
    from .sync.helpers import batch, report_op

    member, desk = auth("member1"), auth("town1")
    member.post("/api/v1/sync", json=batch(*[report_op() for _ in range(3)]))
    few = _queries(app, desk, "/api/v1/reports?limit=1")
    member.post("/api/v1/sync", json=batch(*[report_op() for _ in range(40)]))
    many = _queries(app, desk, "/api/v1/reports?limit=50")
    query = "status=reported&category=geological&overdue=false&severity=orange"
    filtered = _queries(app, desk, f"/api/v1/reports?limit=50&{query}")
    assert len(desk.get("/api/v1/reports?limit=50").json["items"]) == 43
    assert many == few == filtered
    # A later page: the same again (the cursor is a bound, not a query of its own).
    cursor = desk.get("/api/v1/reports?limit=20").json["next_cursor"]
    assert _queries(app, desk, f"/api/v1/reports?limit=20&cursor={cursor}") == many


def test_the_map_reads_its_hazards_in_a_query_per_colour_at_most_however_many(app, auth, monkeypatch):
    from server.mapview import service

    from .sync.helpers import batch, report_op

    member, desk = auth("member1"), auth("town1")
    member.post("/api/v1/sync", json=batch(report_op(severity="red")))
    sparse = _queries(app, desk, "/api/v1/map?layers=hazards")
    colours = ("red", "orange", "yellow", "blue", None)
    member.post("/api/v1/sync", json=batch(*[report_op(severity=colours[n % 5]) for n in range(30)]))
    assert _queries(app, desk, "/api/v1/map?layers=hazards") == sparse
    # Red alone fills a layer of 5: the other colours are not asked for.
    monkeypatch.setattr(service, "LIMIT", 5)
    assert _queries(app, desk, "/api/v1/map?layers=hazards") == sparse - 4


# A report's detail: the session's reads, the report, its photos, its steps, their photos and
# people (one query each, however many), its assignee, the reports merged into it; and three more
# when some are, however many (merged reports' photos and the like: selectin loads).
# Not counted: SQLite's BEGIN IMMEDIATE, which PostgreSQL has no statement for.
DETAIL_QUERIES = 9


def _reads(app, client, path) -> int:
    with _counting(app) as seen:
        assert client.get(path).status_code == 200
    return len([s for s in seen if not s.startswith("BEGIN")])


def test_a_reports_detail_reads_in_the_same_queries_however_long_its_life(app, auth, ids):
    from .reports.life import body_for, bring_to, step

    desk = auth("town1")
    short = bring_to(auth, ids, "assigned")
    long = bring_to(auth, ids, "closed")
    for kind in ("reopen", "assign", "start", "rectify"):
        actor = auth("member2") if kind in ("start", "rectify") else desk
        assert step(actor, long, kind, body_for(kind, ids, actor)).status_code == 200, kind
    assert len(desk.get(f"/api/v1/reports/{long}").json["steps"]) == 9
    assert _reads(app, desk, f"/api/v1/reports/{short}") == DETAIL_QUERIES
    assert _reads(app, desk, f"/api/v1/reports/{long}") == DETAIL_QUERIES
    # Reports merged into the short one (rejected as its duplicates): one or three, the same.
    merged = []
    for n in (1, 3):
        while len(merged) < n:
            dup = bring_to(auth, ids, "reported")
            merge = {"rejection": "duplicate", "reason": "同一处隐患", "duplicate_of": short}
            assert step(desk, dup, "reject", merge).status_code == 200
            merged.append(dup)
        assert len(desk.get(f"/api/v1/reports/{short}").json["merged"]) == n
        assert _reads(app, desk, f"/api/v1/reports/{short}") == DETAIL_QUERIES + 3


def _team_with_members(app, region_id: int, n: int) -> None:
    """A team of `n` in a township, each with a profile (a certificate, no birth date, so a flag)
    and two insurance policies: every part of readiness has rows to read for each member."""
    from datetime import UTC, date, datetime

    from server.accounts.models import User
    from server.teams.insurance_models import InsurancePolicy
    from server.teams.models import Team
    from server.teams.profile_models import MemberProfile

    now = datetime.now(UTC)
    spans = ((date(2020, 1, 1), date(2099, 12, 31)), (date(2019, 1, 1), date(2019, 12, 31)))
    with app.app_context():
        team = Team(name=f"救援二队 {uuid.uuid4().hex[:4]}", region_id=region_id, kind="comprehensive")
        db.session.add(team)
        db.session.flush()
        for m in range(n):
            role = "captain" if m == 0 else "member"
            user = User(
                username=f"q{uuid.uuid4().hex[:10]}",
                display_name=f"队员{m}",
                role=role,
                team_role=role,
                region_id=region_id,
                password_hash="!",
                team_id=team.id,
            )
            db.session.add(user)
            db.session.flush()
            certificates = [{"name": "急救员证", "expires_on": "2099-01-01"}]
            db.session.add(MemberProfile(user_id=user.id, education="senior_high", certificates=certificates))
            for starts, ends in spans:
                db.session.add(
                    InsurancePolicy(
                        user_id=user.id,
                        insurer="人保财险",
                        number=uuid.uuid4().hex[:12],
                        cover_yuan=300000,
                        starts_on=starts,
                        ends_on=ends,
                        created_at=now,
                        created_by=user.id,
                        updated_at=now,
                        updated_by=user.id,
                    )
                )
        db.session.commit()
        db.session.remove()


def test_readiness_reads_in_the_same_queries_however_many_teams_and_members(app, auth, ids):
    from server.regions.models import Region

    admin = auth("admin")
    township = ids["regions"]["才溪镇"]
    with app.app_context():
        townships = db.session.scalars(sa.select(Region.id).where(Region.level == "township")).all()
        county = db.session.scalar(sa.select(Region.id).where(Region.level == "county"))
        db.session.remove()
    # One township with a team of 3 added, and the county; then every township with another team
    # of 12: the same queries. (The county is the admin's own region, read without a query, so
    # each is measured against itself.)
    _team_with_members(app, township, 3)
    town_path, county_path = (f"/api/v1/teams/readiness?region_id={r}" for r in (township, county))
    few = (_reads(app, admin, town_path), _reads(app, admin, county_path))
    for region_id in townships:
        _team_with_members(app, region_id, 12)
    body = admin.get(county_path).json
    teams = [t for r in body["townships"] for t in r["teams"]]
    assert len(body["townships"]) == len(townships) >= 3 and len(teams) >= 2 * len(townships)
    added = [t for t in teams if t["name"].startswith("救援二队")]
    assert sorted(t["size"] for t in added) == [3] + [12] * len(townships)
    assert all(t["insurance"]["count"] == 0 and t["unchecked_members"] == t["size"] for t in added)
    assert (_reads(app, admin, town_path), _reads(app, admin, county_path)) == few
