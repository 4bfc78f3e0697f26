"""The board's rules, in one place: when an on-scene check-in is due, and who is coming, done or
silent. The order's board and the desk's map both count with these."""

from datetime import timedelta


def checkin_due(line, interval_min: int):
    """When an on-scene member's next accountability check-in falls due; None off scene. `line` is
    a target or any row with its `status` and `last_ping_at` (the map reads bare rows)."""
    if line.status == "on_scene" and line.last_ping_at is not None:
        return line.last_ping_at + timedelta(minutes=interval_min)
    return None


def checkin_overdue(line, interval_min: int, now) -> bool:
    due = checkin_due(line, interval_min)
    return bool(due and now > due)


def board_counts(lines, headcount: int | None, overdue: int) -> dict:
    """The board's numbers from the target lines (anything with `response` and `status`): the
    one copy of who is coming, who is done and who is silent, for the board and for the map.
    A member who completed is done, not coming: the desk no longer waits for them; they still
    count towards the people the order wanted."""
    lines = list(lines)
    counts = {k: 0 for k in ("pending", "accepted", "declined", "en_route", "on_scene", "completed")}
    for line in lines:
        counts[line.status if line.response != "declined" else "declined"] += 1
    coming = counts["accepted"] + counts["en_route"] + counts["on_scene"]
    wanted = headcount or len(lines)
    return {
        **counts,
        "silent": counts["pending"],
        "coming": coming,
        "said_yes": coming + counts["completed"],
        "headcount": wanted,
        "short_by": max(0, wanted - coming - counts["completed"]),
        "overdue_checkins": overdue,
    }
