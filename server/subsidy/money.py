"""Yuan from seconds under a rule: per day at each class's rate, the day's cap, then the month's.

Amounts are Decimal yuan rounded half up to the fen, per day, before the caps."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / 3600).quantize(CENT, ROUND_HALF_UP)


def day_amount(slot: dict[str, int], rates: dict[str, Decimal], day_cap: Decimal) -> Decimal:
    raw = sum((Decimal(s) * rates[w] / 3600 for w, s in slot.items()), Decimal(0))
    return min(raw.quantize(CENT, ROUND_HALF_UP), day_cap)


def month_amount(days: dict[date, dict[str, int]], rates, day_cap, month_cap) -> Decimal:
    total = sum((day_amount(slot, rates, day_cap) for slot in days.values()), Decimal(0))
    return min(total, month_cap)
