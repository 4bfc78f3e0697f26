"""Automatic supervision of a report's nodes (节点自动督办): its deadline set at each step, and the
delivery worker's sweep that reminds and escalates.

For the node a report waits at (reported: verify; verified: assign; assigned or rectifying:
rectify; rectified: close), with the rule of deadlines.py:
  - remind: `remind_before_min` before the deadline, the responsible person(s) (skipped when the
    deadline has already passed: the next notice says more);
  - due: at the deadline, the same people;
  - escalate 1, 2 …: `grace_min` after the deadline, then after each further grace, the desk of
    the next region level up that has one, until the county.
The responsible person(s): for the rectify node, the assignee; for the others, or a unit-only
assignment, the desk of the report's region (its duty officers and administrators; where the
region has none, those of the nearest region above that has). Escalations start one level above
the responsible: above the report's region for an assignee, above that desk for the desk. When
there is no level above (the county's own desk answers for it), the one escalation goes to the
county desk, marked 督办.

Once each: a row of report_supervision keyed (report, the step that set the deadline, node,
stage, level) is inserted with ON CONFLICT DO NOTHING before anyone is told, in the sweep's
transaction with the notifications; a second worker's insert finds the row and tells nobody.
`reports.supervise_at` is when the report next has something due, so a sweep reads only those."""

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..accounts.models import User
from ..core.hazards import CATEGORY_WORDS, SEVERITY_WORDS
from ..delivery import service as delivery
from ..extensions import db
from ..regions.service import ancestry
from . import deadlines
from .models import Report, ReportSupervision

# The notifications' kind: quiet (push, then SMS, never a call; registered in create_app), and a
# tap opens the report (pwa/src/shared/push-paths.ts).
KIND = "report"
NODE_OF = {
    "reported": "verify",
    "verified": "assign",
    "assigned": "rectify",
    "rectifying": "rectify",
    "rectified": "close",
}
DESK_ROLES = ("duty_officer", "admin")
BATCH = 200

NODE_WORDS = {"verify": "待核实", "assign": "待交办", "rectify": "待整改", "close": "待验收销号"}


# ---- the deadline, set by each step (lifecycle.py) and at filing (service.py) ---------------


def first_notice(rules, node: str, category, severity, due_at: datetime) -> datetime:
    rule = deadlines.rule_for(rules, node, category, severity)
    return due_at - timedelta(minutes=rule["remind_before_min"])


def filing_due(rules, row: dict) -> dict:
    """The columns of a new report's first node (verify), counted from when it was reported."""
    due_at = deadlines.due(rules, "verify", row["category"], row["severity"], row["reported_at"])
    return {
        "due_at": due_at,
        "due_seq": 0,
        "supervise_at": first_notice(rules, "verify", row["category"], row["severity"], due_at),
    }


def schedule(report: Report, step) -> None:
    """After a step: the deadline of the node the report now waits at. Starting the work keeps
    the rectification's deadline (the same node); closing or rejecting ends supervision."""
    if step.kind == "start":
        return
    node = NODE_OF.get(report.status)
    if node is None:
        report.due_at = report.due_seq = report.supervise_at = None
        return
    rules = deadlines.current_rules()
    if node == "rectify":
        due_at = report.deadline_at
    else:
        due_at = deadlines.due(rules, node, report.category, report.severity, step.at)
    report.due_at, report.due_seq = due_at, step.seq
    report.supervise_at = first_notice(rules, node, report.category, report.severity, due_at)


def default_rectify_deadline(report: Report, at: datetime) -> datetime:
    """The assignment's deadline when the desk names none: the county's rectify rule."""
    return deadlines.due(deadlines.current_rules(), "rectify", report.category, report.severity, at)


# ---- the sweep --------------------------------------------------------------------------------


def sweep(now: datetime) -> int:
    """Run by the delivery worker each round (register_sweeper): say what is due, once.
    Returns how many notices it wrote (a second worker racing it writes none of the same)."""
    reports = db.session.scalars(
        sa.select(Report)
        .where(Report.supervise_at <= now, Report.due_at.is_not(None))
        .order_by(Report.supervise_at)
        .limit(BATCH)
    ).all()
    if not reports:
        return 0
    rules = deadlines.current_rules()
    done = _done({r.id for r in reports})
    written = 0
    for report in reports:
        node = NODE_OF.get(report.status)
        if node is None:
            continue
        rule = deadlines.rule_for(rules, node, report.category, report.severity)
        ladder = _ladder(report.region_id)
        responsible, levels = _people(report, node, ladder)
        plan = _plan(report.due_at, rule, len(levels))
        now_due = [
            p for p in plan if p[2] <= now and (report.id, report.due_seq, node, p[0], p[1]) not in done
        ]
        # A reminder before a deadline that has passed says nothing the `due` notice does not.
        now_due = [p for p in now_due if p[0] != "remind" or now < report.due_at]
        later = [at for _, _, at in plan if at > now]
        # Guard on the deadline read: a step that moved the report meanwhile has its own.
        moved = db.session.execute(
            sa.update(Report)
            .where(Report.id == report.id, Report.due_seq == report.due_seq, Report.due_at == report.due_at)
            .values(supervise_at=min(later) if later else None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not moved:
            continue
        for stage, level, _at in now_due:
            region_id, people = (None, responsible) if stage != "escalate" else levels[level - 1]
            if _claim(report, node, stage, level, region_id, len(people), now):
                written += 1
                _tell(report, node, stage, level, people, now)
    return written


def _plan(due_at: datetime, rule: dict, levels: int) -> list[tuple[str, int, datetime]]:
    plan = []
    if rule["remind_before_min"] > 0:
        plan.append(("remind", 0, due_at - timedelta(minutes=rule["remind_before_min"])))
    plan.append(("due", 0, due_at))
    grace = timedelta(minutes=rule["grace_min"])
    plan += [("escalate", k, due_at + k * grace) for k in range(1, levels + 1)]
    return plan


def _done(report_ids) -> set[tuple]:
    s = ReportSupervision
    return {
        tuple(row)
        for row in db.session.execute(
            sa.select(s.report_id, s.seq, s.node, s.stage, s.level).where(s.report_id.in_(report_ids))
        )
    }


def _claim(report, node, stage, level, region_id, told, now) -> bool:
    """Insert the notice's row unless it is there; True when this transaction wrote it."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(ReportSupervision.__table__)
        .values(
            id=uuid.uuid4(),
            report_id=report.id,
            seq=report.due_seq,
            node=node,
            stage=stage,
            level=level,
            due_at=report.due_at,
            region_id=region_id,
            told=told,
            at=now,
        )
        .on_conflict_do_nothing(index_elements=["report_id", "seq", "node", "stage", "level"])
        # RETURNING, not rowcount: psycopg does not give a count for an INSERT … ON CONFLICT.
        .returning(ReportSupervision.__table__.c.id)
    )
    return db.session.execute(stmt).first() is not None


def _ladder(region_id: int) -> list[int]:
    """The report's region and those above it, nearest first."""
    return ancestry(region_id)[::-1]


def _desks(ladder: list[int]) -> dict[int, list]:
    rows = db.session.execute(
        sa.select(User.region_id, User.id)
        .where(User.role.in_(DESK_ROLES), User.active.is_(True), User.region_id.in_(ladder))
        .order_by(User.id)
    )
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(row.region_id, []).append(row.id)
    return out


def _people(report, node: str, ladder: list[int]) -> tuple[list, list[tuple[int, list]]]:
    """Who answers for the node now, and the desks each escalation reaches, in order."""
    desks = _desks(ladder)
    with_desk = [r for r in ladder if desks.get(r)]
    if node == "rectify" and report.assignee_id is not None:
        responsible, above = [report.assignee_id], [r for r in with_desk if r != ladder[0]]
    else:
        own = with_desk[0] if with_desk else None
        responsible = desks.get(own, [])
        above = with_desk[1:]
    if not above and with_desk:
        above = [with_desk[-1]]  # the county's desk: 督办 at the top
    return responsible, [(r, desks[r]) for r in above]


def _tell(report, node: str, stage: str, level: int, people, now: datetime) -> None:
    ref = f"{report.id}:{report.due_seq}:{node}:{stage}{level}"
    title, body, params = message(report, node, stage, level, now)
    for user_id in people:
        delivery.notify_once(user_id, KIND, ref, title, body, "alert", params)


def overdue_words(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    return f"{mins}分钟"


def message(report, node: str, stage: str, level: int, now: datetime) -> tuple[str, str, dict]:
    """Title, body and the `alert` SMS template's parameters, in Chinese, China time."""
    what = f"{CATEGORY_WORDS.get(report.category, '隐患')}隐患"
    if report.severity:
        what += f"·{SEVERITY_WORDS[report.severity]}"
    local = report.due_at.astimezone(deadlines.CHINA).strftime("%m月%d日%H:%M")
    step = NODE_WORDS[node]
    if stage == "remind":
        head, detail = f"督办提醒：{step}", f"{what}，{local}前须完成"
    elif stage == "due":
        head, detail = f"已到期：{step}", f"{what}，时限{local}已到"
    else:
        late = overdue_words(now - report.due_at)
        head, detail = f"督办（第{level}级）：{step}超时", f"{what}，已超时{late}（时限{local}）"
    body = f"{detail}。{report.description[:60]}"
    return head, body, {"title": head, "detail": detail[:60]}


# ---- the desk's supervised list (督办) ---------------------------------------------------------


def list_supervised(actor, args, now: datetime) -> dict:
    """Reports of the caller's scope whose current node is overdue or was escalated, the newest
    move first: the last escalation's time, or the deadline for one not escalated yet. Paged by
    a cursor over (that time, id); `total` counts the whole list."""
    from ..core.pagination import decode_cursor, encode_cursor, parse_limit
    from ..errors import ApiProblem
    from ..regions.service import scoped

    s = ReportSupervision
    esc = (
        sa.select(
            s.report_id,
            s.seq,
            sa.func.max(s.at).label("escalated_at"),
            sa.func.max(s.level).label("level"),
        )
        .where(s.stage == "escalate")
        .group_by(s.report_id, s.seq)
        .subquery()
    )
    moved = sa.func.coalesce(esc.c.escalated_at, Report.due_at)
    stmt = scoped(
        sa.select(Report, esc.c.escalated_at, esc.c.level, moved.label("moved_at"))
        .outerjoin(esc, sa.and_(esc.c.report_id == Report.id, esc.c.seq == Report.due_seq))
        .where(Report.due_at.is_not(None), sa.or_(esc.c.escalated_at.is_not(None), Report.due_at <= now)),
        Report.region_id,
        actor,
    )
    if args.get("region_id"):
        from ..regions.service import subtree_ids

        stmt = stmt.where(Report.region_id.in_(subtree_ids(args["region_id"])))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    limit = parse_limit(args)
    if args.get("cursor"):
        at, ident = decode_cursor(args["cursor"])
        try:
            ident = uuid.UUID(ident)
        except (ValueError, AttributeError, TypeError) as exc:
            raise ApiProblem(400, "bad-cursor", "Bad cursor", "The cursor is not ours.") from exc
        stmt = stmt.where(sa.or_(moved < at, sa.and_(moved == at, Report.id < ident)))
    rows = db.session.execute(stmt.order_by(moved.desc(), Report.id.desc()).limit(limit + 1)).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].moved_at, rows[-1].Report.id)
    items = []
    for row in rows:
        report = row.Report
        items.append(
            {
                "report": report,
                "node": NODE_OF.get(report.status),
                "due_at": report.due_at,
                "overdue_s": max(int((now - report.due_at).total_seconds()), 0),
                "escalation_level": row.level or 0,
                "escalated_at": row.escalated_at,
            }
        )
    return {"rows": items, "total": total, "next_cursor": next_cursor}
