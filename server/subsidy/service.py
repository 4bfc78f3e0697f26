"""The county's subsidy rules and the monthly report. Never commits: the request does.

Time comes from the check-in records (attendance): duty time (值班) and the time on each dispatched
task (opened on arrival, closed on completion), closed records only (an open one counts once it
is closed, in its month or, if that month is locked by then, as an adjustment). A task's weight
class is its dispatch order's; duty time is 一般. Overlapping records count once (hours.py).
Team people only: captains and members.

A month is computed as a draft, reviewed, and locked by the county administrator, in order (the
month after the last locked one), once it has ended. A locked month never changes. A record of a
locked month that is closed after the lock lands in the next draft computed as adjustment lines,
one per member and original day, paid under the original month's rule: the amount owed for that
month is recomputed with every record, caps included, less what was paid for it; the day lines
carry the day-capped difference, the last line of the member's month also what the month cap
takes away."""

import hashlib
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ..accounts.models import User
from ..attendance.models import Checkin
from ..core.audit import record
from ..dispatch.models import Dispatch
from ..errors import ApiProblem, not_found
from ..extensions import db
from ..regions.models import Region
from ..regions.service import scope_ids
from ..teams.models import Team
from .hours import WEIGHTS, Span, by_day, in_month, month_window, next_month
from .models import SubsidyLine, SubsidyReport, SubsidyRule
from .money import day_amount, month_amount

PAID_ROLES = ("captain", "member")


def month_text(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _problem(status: int, slug: str, title: str, detail: str) -> ApiProblem:
    return ApiProblem(status, slug, title, detail)


# ---- rules ------------------------------------------------------------------------------------


def rule_for(month: date) -> SubsidyRule | None:
    return db.session.scalar(
        sa.select(SubsidyRule)
        .where(SubsidyRule.effective_from <= month)
        .order_by(SubsidyRule.effective_from.desc())
        .limit(1)
    )


def rates(rule: SubsidyRule) -> dict[str, Decimal]:
    return {"normal": rule.rate_normal, "heavy": rule.rate_heavy, "severe": rule.rate_severe}


def list_rules() -> list[SubsidyRule]:
    return list(db.session.scalars(sa.select(SubsidyRule).order_by(SubsidyRule.effective_from)))


def _last_locked() -> SubsidyReport | None:
    return db.session.scalar(
        sa.select(SubsidyReport)
        .where(SubsidyReport.state == "locked")
        .order_by(SubsidyReport.month.desc())
        .limit(1)
    )


def add_rule(actor, data: dict) -> SubsidyRule:
    month = data["effective_from"]
    last = _last_locked()
    if last is not None and month <= last.month:
        raise _problem(
            409,
            "month-locked",
            "Month locked",
            f"{month_text(last.month)} is locked: a new rule may start after it, never before.",
        )
    if db.session.scalar(sa.select(SubsidyRule.id).where(SubsidyRule.effective_from == month)):
        raise _problem(409, "rule-exists", "Rule exists", "A rule already starts that month.")
    rule = SubsidyRule(
        effective_from=month,
        rate_normal=data["rate_normal"],
        rate_heavy=data["rate_heavy"],
        rate_severe=data["rate_severe"],
        day_cap=data["day_cap"],
        month_cap=data["month_cap"],
        note=data.get("note"),
        created_by=actor.id,
    )
    db.session.add(rule)
    db.session.flush()
    changes = {k: str(data[k]) for k in ("rate_normal", "rate_heavy", "rate_severe", "day_cap", "month_cap")}
    record(
        actor,
        "subsidy.rule",
        "subsidy_rule",
        rule.id,
        actor.region_id,
        {"from": month_text(month), **changes},
    )
    return rule


# ---- hours from the records -------------------------------------------------------------------


def member_days(month: date, member_ids=None) -> dict:
    """member id -> {China day of `month`: {weight: seconds}} from the closed check-ins."""
    start, end = month_window(month)
    stmt = (
        sa.select(Checkin.user_id, Checkin.checkin_at, Checkin.checkout_at, Dispatch.weight_class)
        .join(User, User.id == Checkin.user_id)
        .outerjoin(Dispatch, Dispatch.id == Checkin.dispatch_id)
        .where(
            Checkin.checkout_at.is_not(None),
            Checkin.checkin_at < end,
            Checkin.checkout_at > start,
            User.role.in_(PAID_ROLES),
        )
    )
    if member_ids is not None:
        stmt = stmt.where(Checkin.user_id.in_(member_ids))
    spans = defaultdict(list)
    for user_id, a, b, weight in db.session.execute(stmt):
        spans[user_id].append(Span(a, b, weight or "normal"))
    answer = {}
    for user_id, items in spans.items():
        days = in_month(by_day(items), month)
        if days:
            answer[user_id] = days
    return answer


def _township(region: Region) -> Region:
    while region.level == "village" and region.parent is not None:
        region = region.parent
    return region


def _who(member_ids) -> dict:
    if not member_ids:
        return {}
    rows = db.session.execute(
        sa.select(User, Team.name).outerjoin(Team, Team.id == User.team_id).where(User.id.in_(member_ids))
    ).all()
    answer = {}
    for user, team_name in rows:
        town = _township(user.region)
        answer[user.id] = {"name": user.display_name, "team_name": team_name, "town": town}
    return answer


def _days_json(days: dict) -> dict:
    return {d.isoformat(): dict(slot) for d, slot in sorted(days.items())}


def _days_from_json(blob: dict) -> dict:
    return {date.fromisoformat(k): dict(v) for k, v in blob.items()}


def _line(report, member_id, who, kind, for_month, days, amount, day=None) -> SubsidyLine:
    seconds = {w: sum(slot.get(w, 0) for slot in days.values()) for w in WEIGHTS}
    return SubsidyLine(
        report_id=report.id,
        member_id=member_id,
        kind=kind,
        for_month=for_month,
        day=day,
        name=who["name"],
        team_name=who["team_name"],
        township_id=who["town"].id,
        township_name=who["town"].name,
        seconds_normal=seconds["normal"],
        seconds_heavy=seconds["heavy"],
        seconds_severe=seconds["severe"],
        amount=amount,
        days=_days_json(days),
    )


def _adjustments(report: SubsidyReport) -> list[SubsidyLine]:
    """Lines for time of earlier locked months closed after their lock."""
    lines = []
    earlier = db.session.scalars(
        sa.select(SubsidyReport)
        .where(SubsidyReport.state == "locked", SubsidyReport.month < report.month)
        .order_by(SubsidyReport.month)
    ).all()
    for old in earlier:
        start, end = month_window(old.month)
        late = set(
            db.session.scalars(
                sa.select(Checkin.user_id).where(
                    Checkin.checkout_at.is_not(None),
                    Checkin.checkin_at < end,
                    Checkin.checkout_at > start,
                    Checkin.updated_at > old.locked_at,
                )
            )
        )
        if not late:
            continue
        current = member_days(old.month, late)
        paid = db.session.scalars(
            sa.select(SubsidyLine)
            .join(SubsidyReport, SubsidyReport.id == SubsidyLine.report_id)
            .where(
                SubsidyReport.state == "locked",
                SubsidyLine.for_month == old.month,
                SubsidyLine.member_id.in_(late),
            )
        ).all()
        paid_days = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
        paid_amount = defaultdict(Decimal)
        for line in paid:
            paid_amount[line.member_id] += line.amount
            for day, slot in _days_from_json(line.days).items():
                for w, s in slot.items():
                    paid_days[line.member_id][day][w] += s
        rule = old.rule
        r, day_cap = rates(rule), rule.day_cap
        who = _who(late)
        for member_id in sorted(late, key=str):
            if member_id not in who:
                continue
            now_days = current.get(member_id, {})
            before = {d: dict(s) for d, s in paid_days[member_id].items()}
            owed = month_amount(now_days, r, day_cap, rule.month_cap) - paid_amount[member_id]
            mine = []
            for day in sorted(set(now_days) | set(before)):
                a, b = now_days.get(day, {}), before.get(day, {})
                delta = {w: a.get(w, 0) - b.get(w, 0) for w in WEIGHTS if a.get(w, 0) != b.get(w, 0)}
                if not delta:
                    continue
                amount = day_amount(a, r, day_cap) - day_amount(b, r, day_cap)
                mine.append(
                    _line(
                        report, member_id, who[member_id], "adjustment", old.month, {day: delta}, amount, day
                    )
                )
            if mine:
                mine[-1].amount += owed - sum((line.amount for line in mine), Decimal(0))
                lines.extend(mine)
    return lines


def _digest(lines) -> str:
    rows = sorted(
        (
            str(x.member_id),
            x.kind,
            x.for_month.isoformat(),
            x.day.isoformat() if x.day else "",
            x.seconds_normal,
            x.seconds_heavy,
            x.seconds_severe,
            f"{Decimal(x.amount):.2f}",
            x.name,
            x.team_name or "",
            x.township_id,
        )
        for x in lines
    )
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def _build(report: SubsidyReport, rule: SubsidyRule) -> list[SubsidyLine]:
    days = member_days(report.month)
    who = _who(set(days))
    r = rates(rule)
    lines = [
        _line(report, m, who[m], "month", report.month, d, month_amount(d, r, rule.day_cap, rule.month_cap))
        for m, d in days.items()
    ]
    return lines + _adjustments(report)


def _check_open(month: date) -> None:
    last = _last_locked()
    if last is not None and month <= last.month:
        raise _problem(
            409,
            "month-locked",
            "Month locked",
            f"{month_text(last.month)} is locked; a locked month never changes.",
        )


def _rule_or_refuse(month: date) -> SubsidyRule:
    rule = rule_for(month)
    if rule is None:
        raise _problem(
            409, "no-subsidy-rule", "No subsidy rule", f"No subsidy rule is in force in {month_text(month)}."
        )
    return rule


def compute(actor, month: date, now) -> SubsidyReport:
    _check_open(month)
    rule = _rule_or_refuse(month)
    report = db.session.scalar(sa.select(SubsidyReport).where(SubsidyReport.month == month))
    if report is None:
        report = SubsidyReport(
            month=month, state="draft", rule_id=rule.id, digest="", computed_at=now, computed_by=actor.id
        )
        db.session.add(report)
        db.session.flush()
    report.lines = []
    db.session.flush()
    lines = _build(report, rule)
    report.lines = lines
    report.rule_id, report.rule = rule.id, rule
    report.digest = _digest(lines)
    report.computed_at, report.computed_by = now, actor.id
    db.session.flush()
    record(
        actor, "subsidy.compute", "subsidy_report", report.id, actor.region_id, {"month": month_text(month)}
    )
    return report


def lock(actor, month: date, digest: str, now) -> SubsidyReport:
    report = db.session.scalar(sa.select(SubsidyReport).where(SubsidyReport.month == month))
    if report is None:
        raise not_found("subsidy report")
    if report.state == "locked":
        raise _problem(409, "month-locked", "Month locked", f"{month_text(month)} is locked already.")
    last = _last_locked()
    if last is not None and next_month(last.month) != month:
        raise _problem(
            409,
            "lock-in-order",
            "Lock in order",
            f"Lock {month_text(next_month(last.month))} first: months are locked in order.",
        )
    if now < month_window(month)[1]:
        raise _problem(409, "month-not-over", "Month not over", f"{month_text(month)} has not ended yet.")
    rule = _rule_or_refuse(month)
    # Built again outside the session (nothing of it is stored): the records as they are now.
    fresh = _build(SubsidyReport(id=report.id, month=month), rule)
    if digest != report.digest or _digest(fresh) != report.digest or rule.id != report.rule_id:
        raise _problem(
            409,
            "report-changed",
            "Report changed",
            "The records or the draft changed since it was reviewed: compute it again and review it.",
        )
    report.state, report.locked_at, report.locked_by = "locked", now, actor.id
    db.session.flush()
    record(actor, "subsidy.lock", "subsidy_report", report.id, actor.region_id, {"month": month_text(month)})
    return report


def list_reports() -> list[SubsidyReport]:
    return list(db.session.scalars(sa.select(SubsidyReport).order_by(SubsidyReport.month.desc())))


def get_report(actor, month: date) -> dict:
    """The report with only the lines of the townships in the caller's scope, and their sums."""
    report = db.session.scalar(sa.select(SubsidyReport).where(SubsidyReport.month == month))
    if report is None:
        raise not_found("subsidy report")
    scope = scope_ids(actor)
    # In code point order, the same on every database (a collation would sort Chinese its own way).
    order = {"month": 0, "adjustment": 1}
    lines = sorted(
        (x for x in report.lines if x.township_id in scope),
        key=lambda x: (
            x.township_name,
            x.name,
            str(x.member_id),
            order[x.kind],
            x.for_month,
            x.day or x.for_month,
        ),
    )
    towns: dict[int, dict] = {}
    for x in lines:
        t = towns.setdefault(
            x.township_id,
            {
                "township_id": x.township_id,
                "township_name": x.township_name,
                "members": set(),
                "seconds": 0,
                "amount": Decimal(0),
                "adjustment_amount": Decimal(0),
            },
        )
        t["members"].add(x.member_id)
        t["seconds"] += x.seconds_normal + x.seconds_heavy + x.seconds_severe
        t["amount"] += x.amount
        if x.kind == "adjustment":
            t["adjustment_amount"] += x.amount
    townships = sorted(towns.values(), key=lambda t: t["township_name"])
    total = {
        "members": len({x.member_id for x in lines}),
        "seconds": sum(t["seconds"] for t in townships),
        "amount": sum((t["amount"] for t in townships), Decimal(0)),
        "adjustment_amount": sum((t["adjustment_amount"] for t in townships), Decimal(0)),
    }
    for t in townships:
        t["members"] = len(t["members"])
    return {"report": report, "lines": lines, "townships": townships, "total": total}
