"""Hours on duty as pure functions (server/subsidy/hours.py): the union of the records, never their
sum, whatever order they arrived in, cut at China's midnights."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from server.subsidy.hours import WEIGHTS, Span, by_day, merged

BASE = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return BASE + timedelta(minutes=minutes)


spans = st.lists(
    st.tuples(st.integers(0, 3 * 24 * 60), st.integers(0, 12 * 60), st.sampled_from(WEIGHTS)).map(
        lambda t: Span(at(t[0]), at(t[0] + t[1]), t[2])
    ),
    max_size=12,
)


def total(days) -> int:
    return sum(s for slot in days.values() for s in slot.values())


@given(spans, st.randoms(use_true_random=False))
def test_the_order_records_arrive_in_changes_nothing(records, rnd):
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert by_day(shuffled) == by_day(records)


@given(spans)
def test_never_more_than_the_wall_clock_from_first_start_to_last_end(records):
    got = total(by_day(records))
    real = [r for r in records if r.end > r.start]
    if not real:
        assert got == 0
        return
    wall = max(r.end for r in real) - min(r.start for r in real)
    assert got <= wall.total_seconds()
    # ... and never less than the longest single record, nor more than their sum
    assert got >= max((r.end - r.start).total_seconds() for r in real)
    assert got <= sum((r.end - r.start).total_seconds() for r in real)


@given(spans)
def test_a_record_sent_twice_counts_once(records):
    assert by_day(records + records) == by_day(records)


@given(spans)
def test_pieces_are_disjoint_and_each_day_holds_at_most_24_hours(records):
    pieces = merged(records)
    for a, b in zip(pieces, pieces[1:], strict=False):
        assert a.end <= b.start
    for slot in by_day(records).values():
        assert sum(slot.values()) <= 24 * 3600


@given(spans, st.sampled_from(WEIGHTS))
def test_the_union_is_the_same_whatever_the_classes(records, weight):
    flat = [Span(r.start, r.end, weight) for r in records]
    assert total(by_day(flat)) == total(by_day(records))


def test_overlapping_duty_and_task_count_once_at_the_heavier_class():
    duty = Span(datetime(2026, 3, 1, 0, 0, tzinfo=UTC), datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    task = Span(datetime(2026, 3, 1, 1, 0, tzinfo=UTC), datetime(2026, 3, 1, 6, 0, tzinfo=UTC), "severe")
    # China 08:00-12:00 on duty, 09:00-14:00 on a 繁重 task: 1 h 一般, 5 h 繁重, 6 h in all.
    assert by_day([task, duty]) == {date(2026, 3, 1): {"normal": 3600, "severe": 5 * 3600}}


def test_a_shift_across_midnight_on_the_last_day_of_the_month_is_cut_there():
    # 23:00 on 31 January to 01:00 on 1 February, China time (15:00-17:00 UTC).
    shift = Span(datetime(2026, 1, 31, 15, 0, tzinfo=UTC), datetime(2026, 1, 31, 17, 0, tzinfo=UTC))
    assert by_day([shift]) == {date(2026, 1, 31): {"normal": 3600}, date(2026, 2, 1): {"normal": 3600}}


def test_a_reversed_or_empty_record_counts_nothing():
    a = datetime(2026, 1, 5, tzinfo=UTC)
    assert by_day([Span(a, a), Span(a, a - timedelta(hours=1))]) == {}
