"""Time on duty, as pure functions over intervals.

A member's records overlap (a duty check-in stays open while they are sent to a task; two orders'
times may touch): the time is their union, never the sum. Where records of different task weight
classes (一般/较重/繁重) overlap, that stretch counts once, at the heaviest class. Records arrive
offline and out of order: the answer depends on the set of records, never on their order. Days
and months are China's (Asia/Shanghai): a shift from 23:00 to 01:00 is one hour on each day."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
# Lightest first: where records overlap, the later (heavier) one is paid.
WEIGHTS = ("normal", "heavy", "severe")
WEIGHT_WORDS = {"normal": "一般", "heavy": "较重", "severe": "繁重"}
_RANK = {w: i for i, w in enumerate(WEIGHTS)}


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime
    weight: str = "normal"


def merged(spans: Iterable[Span]) -> list[Span]:
    """Disjoint, sorted pieces covering the union of `spans`, each at the heaviest class of the
    records covering it; touching pieces of one class joined. Empty or reversed spans count nothing."""
    spans = [s for s in spans if s.end > s.start]
    points = sorted({s.start for s in spans} | {s.end for s in spans})
    pieces: list[Span] = []
    for a, b in zip(points, points[1:], strict=False):
        covering = [s.weight for s in spans if s.start <= a and s.end >= b]
        if not covering:
            continue
        weight = max(covering, key=_RANK.__getitem__)
        if pieces and pieces[-1].end == a and pieces[-1].weight == weight:
            pieces[-1] = Span(pieces[-1].start, b, weight)
        else:
            pieces.append(Span(a, b, weight))
    return pieces


def china_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), CHINA).astimezone(UTC)


def by_day(spans: Iterable[Span]) -> dict[date, dict[str, int]]:
    """Whole seconds on duty per China day and weight class, from the merged pieces."""
    exact: dict[date, dict[str, timedelta]] = {}
    for piece in merged(spans):
        start = piece.start
        while start < piece.end:
            day = start.astimezone(CHINA).date()
            cut = min(piece.end, china_midnight(day + timedelta(days=1)))
            slot = exact.setdefault(day, {})
            slot[piece.weight] = slot.get(piece.weight, timedelta()) + (cut - start)
            start = cut
    return {d: {w: int(td.total_seconds()) for w, td in sorted(s.items())} for d, s in sorted(exact.items())}


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_window(month: date) -> tuple[datetime, datetime]:
    """The China month's [start, end) in UTC."""
    return china_midnight(month), china_midnight(next_month(month))


def in_month(days: dict[date, dict[str, int]], month: date) -> dict[date, dict[str, int]]:
    return {d: v for d, v in days.items() if month_of(d) == month}
