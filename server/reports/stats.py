"""Hazard statistics per region and period (隐患统计): reported, verified, closed, overdue and the
two rates, for a region and each region directly below it (each summed over its whole subtree),
and the same broken down by category, risk colour or responsible unit.

One statement, whatever the number of reports: for each figure one range of an index that
holds every column it needs (no row read), GROUP BY region and dimension in SQL (_rows); the few
rows it answers (villages × groups × figures) are summed up the tree here from the small regions
table (a region's path names its ancestors).

What each figure counts, for a period [start, end) of China dates (Asia/Shanghai midnights):
  reported  filed in the period (reported_at, the phone's time of the report);
  verified  verified in the period (verified_at, its one verify step's time);
  closed    closed (销号) in the period, and still closed: a reopened report counts again when it
            is closed again, never twice;
  closed_on_time  of those, closed at or before their rectification deadline;
  overdue   past its rectification deadline and not closed at some moment of the period (up to
            now, for a period that has not ended): deadline < min(end, now) and not closed by
            max(deadline, start). One late all month and one that went late on the 20th count
            alike; one closed late counts in each period it was late in.
  rectification_rate = closed / verified, on_time_rate = closed_on_time / closed; null when the
  divisor is 0. Closed and verified in a period need not be the same reports (one verified last
  month and closed this month), so the rectification rate can pass 1.
The deadline and the closure are the report's current ones: a new assignment replaces the
deadline, a reopen clears both until the report is assigned and closed again.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..core.models import utcnow
from ..extensions import db
from ..regions.models import Region
from ..regions.service import require_in_scope, subtree_ids
from .daily import NO_GROUP
from .models import CATEGORIES, SEVERITIES, Report, ReportDailyCount

CHINA = ZoneInfo("Asia/Shanghai")
LAST_INSTANT = datetime.max.replace(tzinfo=UTC)
COUNTS = ("reported", "verified", "closed", "closed_on_time", "overdue")
DIMENSIONS = {
    "category": Report.category,
    "severity": Report.severity,
    "unit": Report.responsible_unit,
}


def china_midnight(day: date) -> datetime:
    """The instant a China date begins, in UTC."""
    return datetime.combine(day, time.min, tzinfo=CHINA).astimezone(UTC)


def china_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(CHINA).date()


def rates(figures: dict) -> dict:
    """The counts with their two rates (rounded to 4 places; null when there is nothing to divide)."""
    out = dict(figures)
    out["rectification_rate"] = _ratio(figures["closed"], figures["verified"])
    out["on_time_rate"] = _ratio(figures["closed_on_time"], figures["closed"])
    return out


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def _zero() -> dict:
    return dict.fromkeys(COUNTS, 0)


# The statistics count from report_daily_counts (daily.py): the counts kept per China date,
# region and group as reports change, so a county's year sums at most 366 days × regions × groups
# rows, never its reports; only overdue (which depends on now) is counted over the reports. False:
# every figure counted over the reports (one_scan, statement), what the kept counts are held to.
FROM_DAILY = True
# Counted over the reports, up to this long a period is counted from index ranges (statement): a
# month reads its month. A longer one touches most reports, and one pass over them (one_scan) is
# cheaper than five ranges that add up to more entries than the table has rows (at 140,000
# reports, a county year: 93 ms against 195 ms on PostgreSQL, alike on SQLite). All three count
# the same figures.
RANGES_UP_TO = timedelta(days=92)


def _rows(region_ids, days: tuple[date, date], now: datetime, by: str):
    start, end = china_midnight(days[0]), china_midnight(days[1])
    if FROM_DAILY:
        return db.session.execute(from_daily(region_ids, days, start, end, now, by)).all()
    build = statement if end - start <= RANGES_UP_TO else one_scan
    return db.session.execute(build(region_ids, start, end, now, by)).all()


def from_daily(region_ids, days: tuple[date, date], start: datetime, end: datetime, now: datetime, by: str):
    """Rows of (region, group, the five counts), as `statement` gives them: filed, verified, closed
    and closed on time summed from report_daily_counts, the whole months of the period from their
    month rows and the days before and after them from their day rows (each one range of its
    primary key).

    Overdue, for a period that began before L = min(end, now): the open ones past their deadline
    counted over the reports (one range of ix_reports_stats_closed, as `statement` does), and those
    closed late (closed_at > deadline_at) and late in the period, closed_at > start and
    deadline_at < L, worked out exactly from the kept `closed_late` of [start, end) and three
    small ranges over the reports:
      - those closed exactly at `start` (not late in the period: they were closed when it began);
      - when L = now < end, those closed in (L, end) with deadline_at >= L (late only after now:
        none unless a closure is dated ahead of the server's clock);
      - plus those closed at or after `end` with deadline_at < L (late in the period, closed after
        it: for a period that has not ended, none).
    The kept part of a period that began before now therefore reads no report."""
    in_scope = Report.region_id.in_(sorted(region_ids))
    late_until = min(end, now)
    counts_overdue = start < late_until
    parts = [_kept(region_ids, by, span, a, b, counts_overdue) for span, a, b in _spans(*days)]
    if counts_overdue:
        dim = DIMENSIONS[by]
        late = Report.closed_at > Report.deadline_at
        parts += [
            _overdue_part(in_scope, dim, [Report.closed_at.is_(None), Report.deadline_at < late_until]),
            _overdue_part(in_scope, dim, [Report.closed_at == start, late], sign=-1),
            _overdue_part(
                in_scope,
                dim,
                # LAST_INSTANT: SQLite reads a one-sided range as a quarter of the table otherwise.
                [
                    Report.closed_at >= end,
                    Report.closed_at <= LAST_INSTANT,
                    late,
                    Report.deadline_at < late_until,
                ],
            ),
        ]
        if late_until < end:
            parts.append(
                _overdue_part(
                    in_scope,
                    dim,
                    [
                        Report.closed_at > late_until,
                        Report.closed_at < end,
                        late,
                        Report.deadline_at >= late_until,
                    ],
                    sign=-1,
                )
            )
    return sa.union_all(*parts)


def _overdue_part(in_scope, dim, where, sign: int = 1):
    zero = sa.literal(0)
    return (
        sa.select(
            Report.region_id.label("region_id"),
            dim.label("key"),
            zero.label("reported"),
            zero.label("verified"),
            zero.label("closed"),
            zero.label("closed_on_time"),
            (sa.func.count() * sign).label("overdue"),
        )
        .where(in_scope, *where)
        .group_by(Report.region_id, dim)
    )


def _spans(first: date, last: date) -> list[tuple[str, date, date]]:
    """[first, last) as the ranges of the kept rows that cover it: ("month", a, b) for the months
    that begin in [a, b) and lie wholly in it, ("day", a, b) for the days before and after."""
    try:
        months_from = first if first.day == 1 else (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    except OverflowError:  # in the last month Python has
        months_from = last
    months_to = last.replace(day=1)
    if months_from >= months_to:
        return [("day", first, last)]
    spans = [("month", months_from, months_to)]
    if first < months_from:
        spans.append(("day", first, months_from))
    if months_to < last:
        spans.append(("day", months_to, last))
    return spans


def _kept(region_ids, by: str, span: str, first: date, last: date, overdue: bool):
    kept = ReportDailyCount
    total = sa.func.sum
    return (
        sa.select(
            kept.region_id.label("region_id"),
            # '' is kept for "no group" (a key must not be NULL): NULL, as the reports say it.
            sa.func.nullif(kept.key, NO_GROUP).label("key"),
            total(kept.reported).label("reported"),
            total(kept.verified).label("verified"),
            total(kept.closed).label("closed"),
            total(kept.closed_on_time).label("closed_on_time"),
            (total(kept.closed_late) if overdue else sa.literal(0)).label("overdue"),
        )
        .where(
            kept.dim == by,
            kept.span == span,
            kept.day >= first,
            kept.day < last,
            kept.region_id.in_(sorted(region_ids)),
        )
        .group_by(kept.region_id, kept.key)
        # A group whose reports all moved away (reassigned to another unit) keeps rows of zeros:
        # not a group of the answer, as it is not one counted over the reports.
        .having(total(kept.reported) + total(kept.verified) + total(kept.closed) > 0)
    )


def one_scan(region_ids, start: datetime, end: datetime, now: datetime, by: str):
    """The figures of `statement` in one pass over the reports touched in the period (four
    conditions OR-ed, one CASE per figure), one GROUP BY: for long periods."""
    dim = DIMENSIONS[by]
    in_range = lambda col: sa.and_(col >= start, col < end)  # noqa: E731
    reported = in_range(Report.reported_at)
    verified = in_range(Report.verified_at)
    closed = in_range(Report.closed_at)
    late_until = min(end, now)
    # Past its deadline and not closed at some moment of [start, min(end, now)).
    overdue = (
        sa.and_(
            Report.deadline_at < late_until,
            sa.or_(
                Report.closed_at.is_(None),
                sa.and_(Report.closed_at > Report.deadline_at, Report.closed_at > start),
            ),
        )
        if start < late_until
        else sa.false()
    )
    count = lambda cond: sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)  # noqa: E731
    return (
        sa.select(
            Report.region_id.label("region_id"),
            dim.label("key"),
            count(reported).label("reported"),
            count(verified).label("verified"),
            count(closed).label("closed"),
            count(sa.and_(closed, Report.closed_at <= Report.deadline_at)).label("closed_on_time"),
            count(overdue).label("overdue"),
        )
        .where(Report.region_id.in_(sorted(region_ids)), sa.or_(reported, verified, closed, overdue))
        .group_by(Report.region_id, dim)
    )


def statement(region_ids, start: datetime, end: datetime, now: datetime, by: str):
    """The statistics' one statement (bench/explain_stats.py shows its plans): rows of (region,
    group, the five counts) for reports of `region_ids` (a subtree, read first from the small
    regions table), several rows per region and group: the caller adds them up.

    One statement, whatever the number of reports: a UNION ALL of five GROUP BYs, each one range
    of the index its figure is counted on, read from the index alone (every column the figure and
    the groups need is in it, reports/models.py), so a month reads a month's entries and no row:
      filed    reported_at in the period (ix_reports_stats_reported);
      verified verified_at in the period (ix_reports_stats_verified);
      closed   closed_at in the period, and on time when closed_at <= deadline_at
               (ix_reports_stats_closed);
      overdue  two parts that cannot overlap: still open (closed_at null) with deadline_at before
               min(end, now), the range (NULL, < t) of ix_reports_stats_closed, the open ones
               with a deadline only; and closed late after the period began
               (closed_at > start and > deadline_at, deadline_at before min(end, now)), from
               ix_reports_stats_closed's range closed_at > start.
    Together the same figures as one CASE per figure over every report touched in the period."""
    dim = DIMENSIONS[by]
    in_scope = Report.region_id.in_(sorted(region_ids))
    zero = sa.literal(0)
    one = sa.func.count()

    def part(where, reported=zero, verified=zero, closed=zero, on_time=zero, overdue=zero):
        return (
            sa.select(
                Report.region_id.label("region_id"),
                dim.label("key"),
                reported.label("reported"),
                verified.label("verified"),
                closed.label("closed"),
                on_time.label("closed_on_time"),
                overdue.label("overdue"),
            )
            .where(in_scope, *where)
            .group_by(Report.region_id, dim)
        )

    on_time = sa.func.coalesce(sa.func.sum(sa.case((Report.closed_at <= Report.deadline_at, 1), else_=0)), 0)
    parts = [
        part([Report.reported_at >= start, Report.reported_at < end], reported=one),
        part([Report.verified_at >= start, Report.verified_at < end], verified=one),
        part([Report.closed_at >= start, Report.closed_at < end], closed=one, on_time=on_time),
    ]
    parts += _overdue_parts(in_scope, dim, start, end, now)
    return sa.union_all(*parts)


def _overdue_parts(in_scope, dim, start: datetime, end: datetime, now: datetime) -> list:
    """Overdue, counted over the reports (`statement` says how): two GROUP BYs that cannot
    overlap, none for a period that begins after now."""
    late_until = min(end, now)
    if not start < late_until:
        return []
    one = sa.func.count()

    def part(where):
        zero = sa.literal(0)
        return (
            sa.select(
                Report.region_id.label("region_id"),
                dim.label("key"),
                zero.label("reported"),
                zero.label("verified"),
                zero.label("closed"),
                zero.label("closed_on_time"),
                one.label("overdue"),
            )
            .where(in_scope, *where)
            .group_by(Report.region_id, dim)
        )

    return [
        part([Report.closed_at.is_(None), Report.deadline_at < late_until]),
        part(
            [
                # An upper bound every time meets (the last one Python has): without it SQLite
                # guesses a one-sided range at a quarter of the table and scans a region index
                # instead. Not `now`: a closure dated ahead of the server's clock (an old row, a
                # clock set back) must still count.
                Report.closed_at > start,
                Report.closed_at <= LAST_INSTANT,
                Report.closed_at > Report.deadline_at,
                Report.deadline_at < late_until,
            ]
        ),
    ]


def statistics(actor, args: dict) -> dict:
    """`args`: what StatsQuerySchema loaded (region_id, from, to: China dates, by)."""
    region = require_in_scope(actor, args.get("region_id") or actor.region_id)
    by = args["by"]
    children = db.session.scalars(
        sa.select(Region).where(Region.parent_id == region.id).order_by(Region.code)
    ).all()
    paths = dict(
        db.session.execute(
            sa.select(Region.id, Region.path).where(Region.id.in_(subtree_ids(region.id)))
        ).all()
    )
    total: dict = {}
    below: dict[int, dict] = {c.id: {} for c in children}
    own: dict = {}
    child_paths = [(c.id, c.path) for c in children]
    for row in _rows(paths, (args["from"], args["to"]), utcnow(), by):
        path = paths.get(row.region_id, "")
        child = next((cid for cid, cpath in child_paths if path.startswith(cpath)), None)
        for sums in (total, below[child] if child is not None else own):
            _add(sums, row)
    regions = [_line(c, below[c.id], own=False) for c in children]
    # Reports filed at the region itself (not in any region below): their own line, so the lines
    # always add up to the total.
    if own or not children:
        regions.append(_line(region, own, own=True))
    return {
        "generated_at": utcnow(),
        "region": {"id": region.id, "name": region.name, "level": region.level},
        "from": args["from"],
        "to": args["to"],
        "by": by,
        "total": _figures(total),
        "regions": regions,
    }


def _add(sums: dict, row) -> None:
    """sums: group key -> counts."""
    counts = sums.setdefault(row.key, _zero())
    for name in COUNTS:
        counts[name] += int(getattr(row, name))


def _figures(by_key: dict) -> dict:
    total = _zero()
    for counts in by_key.values():
        for name in COUNTS:
            total[name] += counts[name]
    groups = [{"key": key, **rates(counts)} for key, counts in sorted(by_key.items(), key=_order)]
    return {**rates(total), "groups": groups}


# Groups in the order the desk reads them (categories as listed, colours from red down, units by
# name); the unnamed group (not yet graded, not yet assigned) last.
_RANK = {**{c: i for i, c in enumerate(CATEGORIES)}, **{s: i for i, s in enumerate(SEVERITIES)}}


def _order(item) -> tuple:
    key = item[0]
    return (key is None, _RANK.get(key, len(_RANK)), key or "")


def _line(region: Region, by_key: dict, own: bool) -> dict:
    return {"id": region.id, "name": region.name, "level": region.level, "own": own, **_figures(by_key)}
