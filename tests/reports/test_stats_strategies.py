"""The statistics count a short period from index ranges and a long one in one pass
(reports/stats.py RANGES_UP_TO): both ways must give every figure alike, for any period and
grouping, on the hand-built county of test_stats.py."""

from datetime import timedelta

import pytest

from server.reports import stats

from .test_stats import _stats, county  # noqa: F401  (county: the fixture)

PERIODS = (
    {"from": "2025-11-01", "to": "2025-12-01"},
    {"from": "2025-11-15", "to": "2025-12-15"},
    {"from": "2025-01-01", "to": "2026-01-01"},
    {"from": "2025-10-31", "to": "2025-11-02"},
    {"from": "2024-06-01", "to": "2027-06-01"},
)


def _both(monkeypatch, client, **query) -> tuple[dict, dict]:
    monkeypatch.setattr(stats, "RANGES_UP_TO", timedelta(days=100_000))
    ranges = _stats(client, **query)
    monkeypatch.setattr(stats, "RANGES_UP_TO", timedelta(0))
    scan = _stats(client, **query)
    for body in (ranges, scan):
        body.pop("generated_at")
    return ranges, scan


@pytest.mark.parametrize("by", ["category", "severity", "unit"])
def test_index_ranges_and_one_scan_count_alike(monkeypatch, county, by):  # noqa: F811
    desk = county["client"]("s_desk")
    for period in PERIODS:
        ranges, scan = _both(monkeypatch, desk, by=by, **period)
        assert ranges == scan, period
        assert ranges["total"]["reported"] + ranges["total"]["overdue"] > 0 or period["to"] < "2025-11-01"


def test_a_township_alike_both_ways(monkeypatch, county):  # noqa: F811
    town = county["client"]("s_desk")
    for region in county["regions"].values():
        ranges, scan = _both(monkeypatch, town, region_id=region, **PERIODS[2])
        assert ranges == scan, region
