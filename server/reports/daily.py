"""The statistics' per-day counts (report_daily_counts, models.ReportDailyCount), kept as reports
change: each filing and each step adds what the report now counts for and takes away what it
counted for before, in the caller's transaction (one INSERT … ON CONFLICT DO UPDATE; services
flush, never commit). So the figures stay exactly those a count over the reports gives
(stats.one_scan, which a property test holds them to), whatever a step changes: a colour set at
verification moves the report's filing to its colour's group, a reassignment to another unit
moves its counts to that unit, a reopen takes its closure away until it is closed again.

What one report counts for (contribution): in each grouping (category, colour, unit), in its own
region, one `reported` on the China date of reported_at, one `verified` on that of verified_at, one
`closed` (and `closed_on_time` when closed_at <= deadline_at, `closed_late` when after it) on
that of closed_at; and the same
again in the rows of those dates' months (span "month"), so a year is mostly twelve months' rows
(stats.from_daily): a county's year by category is some 4,000 rows, not 35,000 days' rows."""

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from .models import Report, ReportDailyCount

CHINA = ZoneInfo("Asia/Shanghai")
KEY = ("dim", "span", "day", "region_id", "key")
FIGURES = ("reported", "verified", "closed", "closed_on_time", "closed_late")
# The report's columns its counts depend on, in the order `state` gives them.
COLUMNS = (
    "region_id",
    "category",
    "severity",
    "responsible_unit",
    "reported_at",
    "verified_at",
    "closed_at",
    "deadline_at",
)
NO_GROUP = ""  # the key of "not yet graded" / "no unit"
_CHUNK = 1_000  # rows per statement (9 values each: well under SQLite's 32,766 variables)


def china_day(at: datetime) -> date:
    try:
        return at.astimezone(CHINA).date()
    except OverflowError:  # within hours of year 1 or 9999: China's date is the UTC one's edge
        return date.min if at.year == 1 else date.max


def state(report) -> tuple:
    """What a report's counts depend on (a Report, a row dict or a row); None for no report."""
    if isinstance(report, dict):
        return tuple(report.get(c) for c in COLUMNS)
    return tuple(getattr(report, c) for c in COLUMNS)


def contribution(st: tuple | None) -> dict[tuple, list[int]]:
    """(dim, span, day, region_id, key) -> [reported, verified, closed, closed_on_time, closed_late] of one
    report: its day's rows and its month's (span "month", day the month's first)."""
    out: dict[tuple, list[int]] = {}
    if st is None:
        return out
    region_id, category, severity, unit, reported_at, verified_at, closed_at, deadline_at = st
    keys = (("category", category), ("severity", severity or NO_GROUP), ("unit", unit or NO_GROUP))
    on_time = int(closed_at is not None and deadline_at is not None and closed_at <= deadline_at)
    late = int(closed_at is not None and deadline_at is not None and closed_at > deadline_at)
    moments = (
        (reported_at, (1, 0, 0, 0, 0)),
        (verified_at, (0, 1, 0, 0, 0)),
        (closed_at, (0, 0, 1, on_time, late)),
    )
    for at, figure in moments:
        if at is None:
            continue
        day = china_day(at)
        for span, first in (("day", day), ("month", day.replace(day=1))):
            for dim, key in keys:
                counts = out.setdefault((dim, span, first, region_id, key), [0, 0, 0, 0, 0])
                for i, n in enumerate(figure):
                    counts[i] += n
    return out


def changed(pairs) -> None:
    """Apply the reports' changes: `pairs` of (state before or None, state after or None)."""
    delta: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for before, after in pairs:
        if before == after:
            continue
        for sign, st in ((-1, before), (1, after)):
            for k, counts in contribution(st).items():
                acc = delta[k]
                for i, n in enumerate(counts):
                    acc[i] += sign * n
    rows = [
        {**dict(zip(KEY, k, strict=True)), **dict(zip(FIGURES, v, strict=True))}
        # In key order: concurrent writers take the rows' locks in one order (no deadlock).
        for k, v in sorted(delta.items())
        if any(v)
    ]
    for i in range(0, len(rows), _CHUNK):
        db.session.execute(upsert(db.session.get_bind().dialect.name, rows[i : i + _CHUNK]))


def upsert(dialect: str, rows: list[dict]):
    """Add `rows`' figures to the counts (a row not there yet is inserted as it is)."""
    table = ReportDailyCount.__table__
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(rows)
    return insert.on_conflict_do_update(
        index_elements=[table.c[k] for k in KEY],
        set_={f: table.c[f] + insert.excluded[f] for f in FIGURES},
    )


def rebuild(connection) -> int:
    """Count every report afresh into report_daily_counts (a migration's backfill, a bench's fill
    written straight into the tables): -> the number of rows written."""
    table = ReportDailyCount.__table__
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    cols = [Report.__table__.c[c] for c in COLUMNS]
    for row in connection.execute(sa.select(*cols)).yield_per(10_000):
        for k, counts in contribution(tuple(row)).items():
            acc = totals[k]
            for i, n in enumerate(counts):
                acc[i] += n
    connection.execute(table.delete())
    rows = [
        {**dict(zip(KEY, k, strict=True)), **dict(zip(FIGURES, v, strict=True))}
        for k, v in sorted(totals.items())
    ]
    for i in range(0, len(rows), 5_000):
        connection.execute(table.insert(), rows[i : i + 5_000])
    return len(rows)
