"""The query plans of the hazard statistics (reports/stats.py) on a filled database: what
bench/reports.py --db leaves behind. EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite,
for a county month, a county year and a township month, each by category, as the desk asks them
(stats.from_daily: the kept counts, and overdue over the reports).

    DATABASE_URL=sqlite:////tmp/reports.sqlite3 .venv/bin/python bench/explain_stats.py
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports .venv/bin/python bench/explain_stats.py
"""

import sys
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import create_app  # noqa: E402
from server.core.models import utcnow  # noqa: E402
from server.extensions import db  # noqa: E402
from server.regions.models import Region  # noqa: E402
from server.regions.service import subtree_ids  # noqa: E402
from server.reports.stats import china_midnight, china_today, from_daily  # noqa: E402


def main() -> None:
    app = create_app()
    with app.app_context():
        now = utcnow()
        today = china_today(now)
        month = (today.replace(day=1), today + timedelta(days=1))
        year = (today.replace(year=today.year - 1), month[1])
        county = db.session.scalars(sa.select(Region).where(Region.level == "county")).first()
        town = db.session.scalars(
            sa.select(Region).where(Region.level == "township").order_by(Region.code)
        ).first()
        pg = db.engine.dialect.name == "postgresql"
        for name, region, days in (
            ("county month", county, month),
            ("county year", county, year),
            ("township month", town, month),
        ):
            ids = db.session.scalars(subtree_ids(region.id)).all()
            start, end = china_midnight(days[0]), china_midnight(days[1])
            stmt = from_daily(ids, days, start, end, now, "category")
            sql = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
            print(f"== {name} ({db.engine.dialect.name})")
            for row in db.session.execute(sa.text(prefix + str(sql))).all():
                print("   ", row[-1])


if __name__ == "__main__":
    main()
