"""`make bench` (reports): the desk's hazard lists, a report's detail, the map, the change feed and
the statistics at the source's scale (issue 9: Wenzhou's 140,000 hazard points in a year),
printed, never asserted.

For each database (a fresh SQLite file, a fresh PostgreSQL database) gunicorn starts as in
production (run._serve: migrated, demo data, 2 workers), then REPORTS reports are written straight
into the tables with Core bulk inserts, spread over the demo's villages and townships, a year of
time, the eight categories and four colours, and across every state of a report's life, each with
the report_steps its state implies (verify, assign, start, rectify, close; reject) and one change
row (its latest state, for its reporter's feed); the statistics' kept counts
(report_daily_counts) are rebuilt from those rows, as the migration backfills them. Then VACUUM ANALYZE on PostgreSQL, ANALYZE on
SQLite (what autovacuum, or PRAGMA optimize, would have done by then), and p95 over REQUESTS sequential requests on one keep-alive
connection, each of:

- the county desk's list (duty, first page of 50),
- a township's list filtered by category (town1, category=flood),
- the county's overdue list (overdue=true),
- a report's detail with its timeline (a closed one: five steps),
- the desk map (duty, every layer),
- the first page of 500 of the change feed, for a reporter with tens of thousands of reports and
  for the county desk (whose feed holds few rows: the search for them is what costs),
- GET /api/v1/reports/stats, if it exists ("not built" when it answers 404).

    .venv/bin/python bench/reports.py                 # SQLite, then PostgreSQL
    .venv/bin/python bench/reports.py sqlite          # one of them
    .venv/bin/python bench/reports.py postgresql
    .venv/bin/python bench/reports.py sqlite --db sqlite:////tmp/reports.sqlite3
    .venv/bin/python bench/reports.py postgresql --db postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports

With --db URL (an existing, empty or filled, database: never dropped) the bench migrates it, fills
it only if it holds fewer than REPORTS reports, runs ANALYZE, and measures: a second run reuses the
140,000 reports (their times stay a year back from when they were filled) to compare a change's
plans without minutes of filling. For PostgreSQL, create the database first (createdb).
"""

import http.client
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

CHINA = ZoneInfo("Asia/Shanghai")
REPORTS = 140_000
REQUESTS = 60
CHUNK = 5_000
TARGET_MS = 100
FEED_TARGET_MS = 50
CATEGORIES = (
    "flood",
    "geological",
    "forest_fire",
    "earthquake",
    "epidemic",
    "road_traffic",
    "production_safety",
    "other",
)
SEVERITIES = ("red", "orange", "yellow", "blue")
# How a year's reports stand: most are closed; the rest at every other step.
STATES = (
    ("closed", 0.55),
    ("rejected", 0.08),
    ("reported", 0.07),
    ("verified", 0.07),
    ("assigned", 0.09),
    ("rectifying", 0.08),
    ("rectified", 0.06),
)
PATH = {
    "reported": (),
    "rejected": (("reject", "reported", "rejected"),),
    "verified": (("verify", "reported", "verified"),),
    "assigned": (("verify", "reported", "verified"), ("assign", "verified", "assigned")),
    "rectifying": (
        ("verify", "reported", "verified"),
        ("assign", "verified", "assigned"),
        ("start", "assigned", "rectifying"),
    ),
}
PATH["rectified"] = (*PATH["rectifying"], ("rectify", "rectifying", "rectified"))
PATH["closed"] = (*PATH["rectified"], ("close", "rectified", "closed"))
UNITS = ("县水利局", "县自然资源局", "县林业局", "县交通运输局", "乡镇人民政府", "县应急管理局")


def _pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def fill(url: str, n: int = REPORTS, seed: int = 9) -> dict:
    """Write `n` reports with their steps and feed rows; -> what the requests need to know."""
    rng = random.Random(seed)
    # The app's own tables: their column types (Uuid, UTC times) bind as the app binds them.
    from server.core.changes import Change
    from server.reports.models import Report, ReportStep

    reports, steps, changes = Report.__table__, ReportStep.__table__, Change.__table__
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        regions = conn.execute(sa.text("SELECT id, level, name FROM regions")).all()
        users = dict(conn.execute(sa.text("SELECT username, id FROM users")).all())
    places = [r.id for r in regions if r.level in ("village", "township")]
    uid = {k: uuid.UUID(str(v)) for k, v in users.items()}
    reporters = [uid["officer1"]] * 6 + [uid["officer2"]] * 2 + [uid[f"member{m}"] for m in range(2, 8)]
    verifier, assignee = uid["town1"], uid["member1"]
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=365)
    weights = [w for _, w in STATES]
    names = [s for s, _ in STATES]
    closed_ids = []
    report_rows, step_rows, change_rows = [], [], []
    t0 = time.perf_counter()

    def flush(conn):
        if report_rows:
            conn.execute(reports.insert(), report_rows)
        if step_rows:
            conn.execute(steps.insert(), step_rows)
        if change_rows:
            conn.execute(changes.insert(), change_rows)
        report_rows.clear()
        step_rows.clear()
        change_rows.clear()

    with engine.begin() as conn:
        for i in range(n):
            rid = uuid.uuid4()
            state = rng.choices(names, weights)[0]
            at = start + timedelta(seconds=int(365 * 86400 * i / n) + rng.randrange(60))
            reporter = rng.choice(reporters)
            severity = rng.choice(SEVERITIES)
            path = PATH[state]
            deadline = unit = who = closed_at = verified_at = None
            t = at
            for seq, (kind, src, dst) in enumerate(path, start=1):
                t = t + timedelta(hours=rng.randint(1, 72))
                row = {
                    "id": uuid.uuid4(),
                    "report_id": rid,
                    "seq": seq,
                    "kind": kind,
                    "from_status": src,
                    "to_status": dst,
                    "actor_id": assignee if kind in ("start", "rectify") else verifier,
                    "at": t,
                    "created_at": t,
                    "comment": None,
                    "reason": "核实为重复上报" if kind == "reject" else None,
                    "rejection": "duplicate" if kind == "reject" else None,
                    "duplicate_of": None,
                    "severity": severity if kind == "verify" else None,
                    "responsible_unit": None,
                    "assignee_id": None,
                    "deadline_at": None,
                }
                if kind == "assign":
                    unit, who = rng.choice(UNITS), assignee
                    # Open ones near today: about a third of them past their deadline.
                    base = now if state in ("assigned", "rectifying") else t
                    deadline = base + timedelta(days=rng.randint(-10, 20))
                    row.update(responsible_unit=unit, assignee_id=who, deadline_at=deadline)
                if kind == "verify":
                    verified_at = t
                if kind == "close":
                    closed_at = t
                step_rows.append(row)
            updated = min(t, now)
            entity = {
                "id": str(rid),
                "reporter_id": str(reporter),
                "category": rng.choice(CATEGORIES),
                "status": state,
                "severity": severity if path and state != "rejected" else None,
            }
            report_rows.append(
                {
                    "id": rid,
                    "reporter_id": reporter,
                    "region_id": rng.choice(places),
                    "category": entity["category"],
                    "description": f"第{i}号隐患：河道水位上涨，低洼处已进水，需尽快排查处置",
                    "lat": 25.0 + rng.random() * 0.3,
                    "lon": 116.3 + rng.random() * 0.6,
                    "accuracy_m": 12.0,
                    "severity": entity["severity"],
                    "people_at_risk": rng.randint(0, 200),
                    "status": state,
                    "reported_at": at,
                    "created_at": at,
                    "updated_at": updated,
                    "responsible_unit": unit,
                    "assignee_id": who,
                    "deadline_at": deadline,
                    "closed_at": closed_at,
                    "verified_at": verified_at,
                    "step_count": len(path),
                }
            )
            change_rows.append(
                {
                    "entity": "report",
                    "entity_id": str(rid),
                    "op": "upsert",
                    "user_id": reporter,
                    "region_id": None,
                    "data": entity,
                    "created_at": updated,
                }
            )
            if state == "closed" and len(closed_ids) < REQUESTS:
                closed_ids.append(str(rid))
            if len(report_rows) >= CHUNK:
                flush(conn)
        flush(conn)
        # Written past the services: the statistics' kept counts from the rows, as the migration
        # that made report_daily_counts backfills them.
        from server.reports import daily

        daily.rebuild(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # What autovacuum does after a bulk insert (PostgreSQL: the statistics, and the visibility
        # map an index-only scan needs); SQLite keeps only the statistics.
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    engine.dispose()
    return {"closed_ids": closed_ids, "fill_s": time.perf_counter() - t0}


class Client:
    def __init__(self, base: str):
        host, port = base.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=120)

    def call(self, method, path, token=None, body=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body) if body is not None else None
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            resp = self.conn.getresponse()
        except (ConnectionError, http.client.RemoteDisconnected):
            # gunicorn closed the keep-alive connection (its keepalive timeout after a slow
            # request): once more on a new one, as a browser would; the time includes it.
            self.conn.close()
            self.conn.connect()
            self.conn.request(method, path, body=payload, headers=headers)
            resp = self.conn.getresponse()
        raw = resp.read()
        return resp.status, raw

    def login(self, username):
        status, raw = self.call(
            "POST", "/api/v1/auth/login", body={"username": username, "password": "demo12345"}
        )
        assert status == 200, raw
        return json.loads(raw)["access_token"]

    def timed(self, paths, token) -> tuple[list[float], bytes]:
        times, raw = [], b""
        self.call("GET", paths[0], token)  # warm
        for i in range(REQUESTS):
            path = paths[i % len(paths)]
            t = time.perf_counter()
            status, raw = self.call("GET", path, token)
            times.append((time.perf_counter() - t) * 1000)
            if status != 200:
                raise SystemExit(f"GET {path}: {status} {raw[:300]!r}")
        return times, raw


def _reuse(url: str) -> dict | None:
    """A database filled before (--db): what the requests need, after ANALYZE (new indexes a
    migration just made have no statistics yet); None when it holds too few reports."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.execute(sa.text("SELECT count(*) FROM reports")).scalar_one() < REPORTS:
                return None
            closed = conn.execute(
                sa.text("SELECT id FROM reports WHERE status = 'closed' ORDER BY reported_at LIMIT :n"),
                {"n": REQUESTS},
            ).scalars()
            closed_ids = [str(uuid.UUID(str(i))) for i in closed]
        with engine.begin() as conn:
            # Filled before the fill set verified_at: from each report's verify step, as the
            # migration that added the column did.
            if conn.execute(sa.text("SELECT count(verified_at) FROM reports")).scalar_one() == 0:
                conn.execute(
                    sa.text(
                        "UPDATE reports SET verified_at = (SELECT max(s.at) FROM report_steps s"
                        " WHERE s.report_id = reports.id AND s.kind = 'verify')"
                    )
                )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    finally:
        engine.dispose()
    return {"closed_ids": closed_ids, "fill_s": 0.0}


def _stats_cases(duty, town) -> list:
    """The statistics a desk asks for: this month and the last year for the county, this month for
    a township (its default region), by category; the county year by unit too."""
    today = datetime.now(UTC).astimezone(CHINA).date()
    year = (
        f"from={today.replace(year=today.year - 1).isoformat()}&to={(today + timedelta(days=1)).isoformat()}"
    )
    return [
        ("statistics, county month", ["/api/v1/reports/stats"], duty),
        ("statistics, county year", [f"/api/v1/reports/stats?{year}"], duty),
        ("statistics, county year by unit", [f"/api/v1/reports/stats?{year}&by=unit"], duty),
        ("statistics, township month", ["/api/v1/reports/stats"], town),
    ]


def bench_reports(label: str, url: str, reuse: bool = False) -> None:
    import run

    proc, base = run._serve(url)
    try:
        filled = (_reuse(url) if reuse else None) or fill(url)
        print(
            f"reports {label:10s} filled {REPORTS} reports (steps, feed rows) in {filled['fill_s']:.0f} s"
            f"{' (reused)' if reuse and not filled['fill_s'] else ''}; p95 over {REQUESTS} requests:"
        )
        client = Client(base)
        duty, town, officer = (client.login(u) for u in ("duty", "town1", "officer1"))
        detail_paths = [f"/api/v1/reports/{i}" for i in filled["closed_ids"]]
        cases = [
            ("county list (50)", ["/api/v1/reports?limit=50"], duty, TARGET_MS),
            ("township list, category=flood", ["/api/v1/reports?category=flood&limit=50"], town, TARGET_MS),
            (
                "county list, red+orange, assigned",
                ["/api/v1/reports?status=assigned&severity=red,orange&limit=50"],
                duty,
                TARGET_MS,
            ),
            ("county overdue list", ["/api/v1/reports?overdue=true&limit=50"], duty, TARGET_MS),
            ("a report's detail (5 steps)", detail_paths, duty, TARGET_MS),
            ("desk map (every layer)", ["/api/v1/map"], duty, TARGET_MS),
            ("feed page 500, reporter", ["/api/v1/sync"], officer, FEED_TARGET_MS),
            ("feed page 500, county desk", ["/api/v1/sync"], duty, FEED_TARGET_MS),
        ]
        for name, paths, token, target in cases:
            times, raw = client.timed(paths, token)
            p95 = _pct(times, 0.95)
            extra = ""
            body = json.loads(raw)
            if "items" in body:
                extra = f"{len(body['items'])} items, total {body.get('total')}"
            elif "changes" in body:
                extra = f"{len(body['changes'])} changes"
            elif "hazards" in body:
                extra = f"{len(body['hazards'])} hazards"
            verdict = "ok" if p95 < target else f"MISSES {target} ms"
            print(
                f"reports {label:10s}   {name:34s} p95 {p95:6.0f} ms  p50 {_pct(times, 0.5):5.0f} ms  "
                f"({extra}) {verdict}"
            )
        status, _ = client.call("GET", "/api/v1/reports/stats", duty)
        if status == 404:
            print(
                f"reports {label:10s}   {'statistics':34s} not built (GET /api/v1/reports/stats answers 404)"
            )
        else:
            for name, paths, token in _stats_cases(duty, town):
                times, raw = client.timed(paths, token)
                p95 = _pct(times, 0.95)
                total = json.loads(raw)["total"]
                extra = f"reported {total['reported']}, closed {total['closed']}, overdue {total['overdue']}"
                verdict = "ok" if p95 < TARGET_MS else f"MISSES {TARGET_MS} ms"
                print(
                    f"reports {label:10s}   {name:34s} p95 {p95:6.0f} ms  p50 {_pct(times, 0.5):5.0f} ms  "
                    f"({extra}) {verdict}"
                )
    finally:
        run.stop(proc)


def main(which=("sqlite", "postgresql"), db: str | None = None) -> None:
    import shelters

    if db:
        bench_reports("SQLite" if db.startswith("sqlite") else "PostgreSQL", db, reuse=True)
        return
    if "sqlite" in which:
        with tempfile.TemporaryDirectory() as tmp:
            bench_reports("SQLite", f"sqlite:///{tmp}/reports.sqlite3")
    if "postgresql" in which:
        with shelters.fresh_postgresql() as url:
            bench_reports("PostgreSQL", url)


if __name__ == "__main__":
    args = sys.argv[1:]
    db_url = None
    if "--db" in args:
        at = args.index("--db")
        if at + 1 >= len(args):
            raise SystemExit(__doc__)
        db_url = args.pop(at + 1)
        args.pop(at)
    chosen = tuple(args) or ("sqlite", "postgresql")
    if not set(chosen) <= {"sqlite", "postgresql"} or (db_url and len(chosen) != 1):
        raise SystemExit(__doc__)
    main(chosen, db_url)
