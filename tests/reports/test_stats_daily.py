"""The statistics' kept counts (report_daily_counts, reports/daily.py) against a count over the
reports themselves (stats.FROM_DAILY off: reports/stats.py one_scan and statement): for random
report lives, taken through the lifecycle's own services at random China times (midnights
included), every period and grouping answers alike over HTTP. And the migration's backfill writes
the counts the services kept."""

import uuid
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.reports import daily, lifecycle, stats
from server.reports.models import CATEGORIES, SEVERITIES, ReportDailyCount
from server.reports.service import create_report

from .test_stats import CN, _stats, county  # noqa: F401  (county: the fixture)

# What each state allows, in the order a drawn number picks from.
NEXT = {
    "reported": ("verify", "reject"),
    "verified": ("assign",),
    "assigned": ("start", "assign"),
    "rectifying": ("rectify", "assign"),
    "rectified": ("close", "assign"),
    "closed": ("reopen",),
    "rejected": ("reopen",),
}
PLACES = ("测试县", "东镇", "东一村", "东二村", "西镇", "西一村")
UNITS = ("东镇水利站", "西镇国土所", "县应急管理局")
FIRST = datetime(2025, 9, 1, tzinfo=CN)  # lives from September 2025 to early 2026

# A moment, in minutes after the previous one: any, whole days (a China midnight when filed at
# one), whole hours.
_gap = st.one_of(
    st.integers(0, 4 * 24 * 60),
    st.integers(0, 6).map(lambda d: d * 24 * 60),
    # Whole hours, as deadlines are: a closure exactly at its deadline (on time) comes up.
    st.integers(0, 72).map(lambda h: h * 60),
)
_life = st.fixed_dictionaries(
    {
        "place": st.sampled_from(PLACES),
        "category": st.sampled_from(CATEGORIES),
        "filed_day": st.integers(0, 120),
        "filed_minute": st.one_of(st.just(0), st.integers(0, 24 * 60 - 1)),
        "steps": st.lists(
            st.tuples(
                st.integers(0, 7),  # which step of those its state allows
                _gap,
                st.sampled_from(SEVERITIES),
                st.sampled_from(UNITS),
                st.integers(1, 30 * 24),  # the deadline, in hours after the assignment
            ),
            max_size=9,
        ),
    }
)
_period = st.tuples(
    st.integers(-5, 130), st.integers(1, 400), st.sampled_from(["category", "severity", "unit"])
)


def _live(app, people, regions, life) -> None:
    with app.app_context():
        desk, checker, officer = (people[n] for n in ("s_desk", "s_checker", "s_officer"))
        at = FIRST + timedelta(days=life["filed_day"], minutes=life["filed_minute"])
        report_id = uuid.uuid4()
        data = {
            "id": report_id,
            "category": life["category"],
            "description": "随机隐患",
            "location": {"lat": 25.05, "lon": 116.43},
            "media_ids": [],
            "region_id": regions[life["place"]],
        }
        create_report(officer(), data, at)
        state = "reported"
        for pick, gap, severity, unit, hours in life["steps"]:
            kind = NEXT[state][pick % len(NEXT[state])]
            at = at + timedelta(minutes=gap)
            body: dict = {"report_id": report_id}
            if kind == "verify":
                body["severity"] = severity
            elif kind == "assign":
                body.update(responsible_unit=unit, deadline_at=at + timedelta(hours=hours))
            elif kind == "reject":
                body.update(rejection="false", reason="现场无此情况")
            elif kind == "reopen":
                body["reason"] = "复查发现仍有隐患"
            actor = checker() if kind == "close" else desk()
            report = getattr(lifecycle, kind)(actor, body, at)
            state = report.status
        db.session.commit()
        db.session.remove()


@pytest.fixture()
def people(app, county):  # noqa: F811
    """The fixture's people, read afresh in each app context (a callable per name)."""
    from server.accounts.models import User

    def get(username):
        return lambda: db.session.scalar(sa.select(User).where(User.username == username))

    return {n: get(n) for n in ("s_desk", "s_checker", "s_officer")}


@pytest.fixture()
def desk(county):  # noqa: F811
    return county["client"]("s_desk")  # logged in once: hypothesis runs its examples in one call


def _both(monkeypatch, client, **query) -> tuple[dict, dict]:
    kept = _stats(client, **query)
    monkeypatch.setattr(stats, "FROM_DAILY", False)
    counted = _stats(client, **query)
    monkeypatch.setattr(stats, "FROM_DAILY", True)
    for body in (kept, counted):
        body.pop("generated_at")
    return kept, counted


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lives=st.lists(_life, min_size=1, max_size=4), periods=st.lists(_period, min_size=1, max_size=3))
def test_the_kept_counts_are_a_count_over_the_reports(app, county, people, desk, monkeypatch, lives, periods):  # noqa: F811
    for life in lives:
        _live(app, people, county["regions"], life)
    for offset, length, by in periods:
        start = FIRST.date() + timedelta(days=offset)
        query = {"from": start.isoformat(), "to": (start + timedelta(days=length)).isoformat(), "by": by}
        for region in (None, county["regions"]["东镇"]):
            if region is not None:
                query["region_id"] = region
            kept, counted = _both(monkeypatch, desk, **query)
            assert kept == counted, query


def _kept(app) -> set[tuple]:
    """The kept counts, rows of zeros left out (a group every report moved away from)."""
    with app.app_context():
        rows = db.session.execute(sa.select(ReportDailyCount)).scalars().all()
        out = {
            (r.dim, r.span, r.day, r.region_id, r.key)
            + (r.reported, r.verified, r.closed, r.closed_on_time, r.closed_late)
            for r in rows
            if r.reported or r.verified or r.closed
        }
        db.session.remove()
        return out


def test_the_migration_backfills_what_the_services_kept(app, county):  # noqa: F811
    kept = _kept(app)
    assert len(kept) > 20 and {k[0] for k in kept} == {"category", "severity", "unit"}
    assert {k[1] for k in kept} == {"day", "month"}
    assert any(k[1:3] == ("day", date(2025, 11, 2)) for k in kept)
    assert any(k[1:3] == ("month", date(2025, 11, 1)) for k in kept)
    with app.app_context():
        downgrade(revision="24bb5364f66c-1")  # to just before the kept counts
        upgrade()
    assert _kept(app) == kept
    with app.app_context():
        assert daily.rebuild(db.session.connection()) == len(kept)
        db.session.commit()
    assert _kept(app) == kept


def test_one_closed_late_at_a_china_midnight_is_not_late_in_the_period_it_begins(
    app,
    county,  # noqa: F811
    people,
    desk,
    monkeypatch,
):
    """Filed at midnight, due at 02:00, closed exactly at the midnight two days on: overdue in the
    period that ends at that midnight, not in the one that begins at it."""
    day = 24 * 60
    life = {
        "place": "东一村",
        "category": "flood",
        "filed_day": 2,
        "filed_minute": 0,
        "steps": [(0, 60, "red", UNITS[0], 1), (0, 0, "red", UNITS[0], 1), (0, 60, "red", UNITS[0], 1)]
        + [(0, 0, "red", UNITS[0], 1), (0, 2 * day - 120, "red", UNITS[0], 1)],
    }
    _live(app, people, county["regions"], life)
    for first, last, overdue in (("2025-09-03", "2025-09-05", 1), ("2025-09-05", "2025-09-08", 0)):
        kept, counted = _both(monkeypatch, desk, **{"from": first, "to": last})
        assert kept == counted
        assert (kept["total"]["overdue"], kept["total"]["closed"]) == (overdue, 1 - overdue), first
