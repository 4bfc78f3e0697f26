"""The county's deadline rules for each node of a report's life (节点时限), and the clock they run on.

A rule names a node (verify: counted from the filing; assign: from verification; rectify: the
assignment's own deadline, or this rule when the desk gives none; close: from rectification), a
category and a colour (`any` for either), how long (hours, or working days), how long before
the deadline the responsible person is reminded, and the grace after it before each escalation
one region level up. The most specific rule wins: category and colour, then category, then
colour, then `any`/`any`. Until the county saves its own set, the defaults below apply; a saved
set replaces them whole (and must say `any`/`any` for every node, so no report goes without).
A change applies to deadlines set after it: a deadline already running keeps its time.

Working days are China's official calendar (chinese_calendar.is_workday: the holidays and their
调休 make-up working days). N working days from a moment end at 18:00 China time of the N-th
working day after the day it happened (that day itself does not count). For a year the package
does not know yet, Monday to Friday are taken as working days, with one warning in the log per
year: update the package when the State Council publishes the next year's holidays."""

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import sqlalchemy as sa

from ..core.audit import record
from ..core.models import utcnow
from ..errors import forbidden, validation_problem
from ..extensions import db
from .models import ANY, NODES, ReportDeadlineRule

log = logging.getLogger(__name__)
CHINA = ZoneInfo("Asia/Shanghai")
END_OF_WORKDAY = time(18, 0)
_H, _WD = "hours", "workdays"

# (node, severity) -> (amount, unit, remind before (minutes), grace (minutes)); category `any`.
_DEFAULTS = {
    ("verify", "red"): (2, _H, 30, 60),
    ("verify", "orange"): (4, _H, 60, 120),
    ("verify", "yellow"): (8, _H, 120, 240),
    ("verify", "blue"): (24, _H, 240, 480),
    # A report's colour is usually set at verification: most are verified under this one.
    ("verify", ANY): (4, _H, 60, 120),
    ("assign", "red"): (4, _H, 60, 120),
    ("assign", "orange"): (8, _H, 120, 240),
    ("assign", "yellow"): (1, _WD, 240, 480),
    ("assign", "blue"): (2, _WD, 480, 1440),
    ("assign", ANY): (1, _WD, 240, 480),
    ("rectify", "red"): (3, _WD, 1440, 240),
    ("rectify", "orange"): (5, _WD, 1440, 480),
    ("rectify", "yellow"): (10, _WD, 2880, 1440),
    ("rectify", "blue"): (20, _WD, 2880, 2880),
    ("rectify", ANY): (10, _WD, 2880, 1440),
    ("close", "red"): (1, _WD, 240, 240),
    ("close", "orange"): (2, _WD, 480, 480),
    ("close", "yellow"): (3, _WD, 1440, 1440),
    ("close", "blue"): (5, _WD, 1440, 2880),
    ("close", ANY): (3, _WD, 1440, 1440),
}
DEFAULT_RULES = [
    {
        "node": node,
        "category": ANY,
        "severity": severity,
        "amount": amount,
        "unit": unit,
        "remind_before_min": remind,
        "grace_min": grace,
    }
    for (node, severity), (amount, unit, remind, grace) in _DEFAULTS.items()
]
FIELDS = ("node", "category", "severity", "amount", "unit", "remind_before_min", "grace_min")
MAX_HOURS = 24 * 366
MAX_WORKDAYS = 250


# ---- working days -----------------------------------------------------------------------------

_UNKNOWN_YEARS: set[int] = set()


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _UNKNOWN_YEARS:
            _UNKNOWN_YEARS.add(day.year)
            log.warning(
                "chinese_calendar has no holidays for %s: counting Monday to Friday as working "
                "days; update the chinese-calendar package",
                day.year,
            )
        return day.weekday() < 5


def add_workdays(start: datetime, n: int) -> datetime:
    """18:00 China time of the n-th working day after the (China time) day of `start`, in UTC."""
    day = start.astimezone(CHINA).date()
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
    return datetime.combine(day, END_OF_WORKDAY, tzinfo=CHINA).astimezone(start.tzinfo or CHINA)


def add_amount(start: datetime, amount: int, unit: str) -> datetime:
    return start + timedelta(hours=amount) if unit == _H else add_workdays(start, amount)


# ---- the rule set -----------------------------------------------------------------------------


def current_rules() -> list[dict]:
    """The county's saved rules, or the defaults while it has saved none."""
    rows = db.session.scalars(sa.select(ReportDeadlineRule).order_by(ReportDeadlineRule.id)).all()
    if not rows:
        return [dict(r) for r in DEFAULT_RULES]
    return [{k: getattr(r, k) for k in FIELDS} for r in rows]


def rule_for(rules: list[dict], node: str, category: str | None, severity: str | None) -> dict:
    """The most specific rule for this node, category and colour."""
    by_key = {(r["node"], r["category"], r["severity"]): r for r in rules if r["node"] == node}
    for key in ((category, severity), (category, ANY), (ANY, severity), (ANY, ANY)):
        if (node, *key) in by_key:
            return by_key[(node, *key)]
    # A saved set always has `any`/`any` (put_rules); the defaults, for a table edited by hand.
    return next(r for r in DEFAULT_RULES if r["node"] == node and r["severity"] == ANY)


def due(rules: list[dict], node: str, category, severity, start: datetime) -> datetime:
    rule = rule_for(rules, node, category, severity)
    return add_amount(start, rule["amount"], rule["unit"])


def rules_answer(rules: list[dict], saved: bool) -> dict:
    return {"saved": saved, "rules": rules}


def get_rules(actor) -> dict:
    rules = current_rules()
    saved = db.session.scalar(sa.select(sa.func.count()).select_from(ReportDeadlineRule)) > 0
    return rules_answer(rules, saved)


def put_rules(actor, data: dict, at: datetime) -> dict:
    """Replace the county's rule set (county administrators). Checked whole: no rule twice,
    every node with an `any`/`any` rule, amounts within a year."""
    if actor.role != "admin" or actor.region_id != _county_id():
        raise forbidden()
    rules = data["rules"]
    # Shaped as marshmallow shapes the schema's own errors: {"rules": {index: …, "_schema": …}}.
    errors: dict = {}
    seen: set[tuple] = set()
    for i, rule in enumerate(rules):
        key = (rule["node"], rule["category"], rule["severity"])
        if key in seen:
            errors[i] = ["This node, category and colour already has a rule."]
        seen.add(key)
        limit = MAX_HOURS if rule["unit"] == _H else MAX_WORKDAYS
        if rule["amount"] > limit:
            errors.setdefault(i, {})
            if isinstance(errors[i], dict):
                errors[i]["amount"] = [f"At most {limit} {rule['unit']}."]
    missing = [node for node in NODES if (node, ANY, ANY) not in seen]
    if missing:
        errors["_schema"] = [f"A rule for {node} with category and colour `any`." for node in missing]
    if errors:
        raise validation_problem({"rules": errors})
    db.session.execute(sa.delete(ReportDeadlineRule))
    db.session.add_all(
        ReportDeadlineRule(**{k: r[k] for k in FIELDS}, updated_at=utcnow(), updated_by=actor.id)
        for r in rules
    )
    db.session.flush()
    record(actor, "report.deadline_rules", "region", actor.region_id, actor.region_id, {"rules": len(rules)})
    return rules_answer(current_rules(), True)


def _county_id() -> int | None:
    from ..regions.models import Region

    return db.session.scalar(
        sa.select(Region.id).where(Region.parent_id.is_(None)).order_by(Region.id).limit(1)
    )
