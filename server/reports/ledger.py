"""The hazard ledger (隐患台账): one row per hazard filed in a region and period, its steps as
columns, in Chinese words and China time, for the desk to export. Three queries: the regions (a
small table), the reports with their people, their steps with theirs."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..core.audit import record
from ..core.hazards import CATEGORY_WORDS, SEVERITY_WORDS
from ..core.models import utcnow
from ..errors import ApiProblem
from ..extensions import db
from ..regions.models import Region
from ..regions.service import require_in_scope, subtree_ids
from .models import Report, ReportStep
from .stats import CHINA, china_midnight

STATUS_WORDS = {
    "reported": "待核实",
    "verified": "已核实待交办",
    "assigned": "已交办",
    "rectifying": "整改中",
    "rectified": "已整改待销号",
    "closed": "已销号",
    "rejected": "未采纳",
}
HEADERS = (
    "编号",
    "上报时间",
    "乡镇",
    "村",
    "类别",
    "风险等级",
    "描述",
    "上报人",
    "核实时间",
    "核实人",
    "交办单位",
    "责任人",
    "整改期限",
    "开始整改时间",
    "整改完成时间",
    "整改人",
    "销号时间",
    "销号人",
    "是否超期",
    "当前状态",
)


def china_time(at: datetime | None) -> str:
    return "" if at is None else at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def ledger(actor, args: dict, max_rows: int, fmt: str) -> dict:
    """{"region", "headers", "rows"} for the hazards filed in args' region and period; the export
    is audited (it carries people's names). Built in memory: more than `max_rows` hazards is a
    422 asking for a shorter period or a smaller region, never a ledger cut short in silence."""
    region = require_in_scope(actor, args.get("region_id") or actor.region_id)
    start, end = china_midnight(args["from"]), china_midnight(args["to"])
    reporter = aliased(User)
    # The subtree as a list of ids (the small regions table first): the planner counts a list
    # right, where a path LIKE subquery was taken for one region and planned as a loop.
    regions = db.session.scalars(sa.select(Region.id).where(Region.id.in_(subtree_ids(region.id)))).all()
    here = sa.and_(
        Report.region_id.in_(sorted(regions)),
        Report.reported_at >= start,
        Report.reported_at < end,
    )
    reports = db.session.execute(
        sa.select(
            Report.id,
            Report.reported_at,
            Report.region_id,
            Report.category,
            Report.severity,
            Report.description,
            Report.status,
            Report.deadline_at,
            Report.closed_at,
            reporter.display_name.label("reporter"),
        )
        .join(reporter, reporter.id == Report.reporter_id)
        .where(here)
        .order_by(Report.reported_at, Report.id)
        .limit(max_rows + 1)
    ).all()
    if len(reports) > max_rows:
        raise ApiProblem(
            422,
            "too-many-rows",
            "Too many hazards for one ledger",
            f"More than {max_rows} hazards were filed in this region and period: choose a shorter "
            "period or a smaller region.",
            max_rows=max_rows,
        )
    steps = _steps(here) if reports else {}
    names = _region_names()
    now = utcnow()
    rows = [_row(r, steps.get(r.id, []), names, now) for r in reports]
    record(
        actor,
        f"report.ledger.{fmt}",
        "region",
        region.id,
        region.id,
        {"from": args["from"].isoformat(), "to": args["to"].isoformat(), "rows": len(rows)},
    )
    return {"region": region, "headers": HEADERS, "rows": rows}


def _steps(here) -> dict:
    actor, assignee = aliased(User), aliased(User)
    rows = db.session.execute(
        sa.select(
            ReportStep.report_id,
            ReportStep.kind,
            ReportStep.at,
            ReportStep.responsible_unit,
            ReportStep.deadline_at,
            actor.display_name.label("actor"),
            assignee.display_name.label("assignee"),
        )
        .join(Report, Report.id == ReportStep.report_id)
        .join(actor, actor.id == ReportStep.actor_id)
        .outerjoin(assignee, assignee.id == ReportStep.assignee_id)
        .where(here)
        .order_by(ReportStep.report_id, ReportStep.seq)
    ).all()
    out: dict = {}
    for row in rows:
        out.setdefault(row.report_id, []).append(row)
    return out


def _region_names() -> dict:
    return {
        r.id: r
        for r in db.session.execute(sa.select(Region.id, Region.name, Region.level, Region.parent_id)).all()
    }


def _current_cycle(steps) -> dict:
    """kind -> the last step of that kind in the report's current cycle: a reopen starts the
    cycle again (its assignment, rectification and closure are history, in the timeline)."""
    latest: dict = {}
    for step in steps:
        if step.kind == "reopen":
            for kind in ("reject", "assign", "start", "rectify", "close"):
                latest.pop(kind, None)
        else:
            latest[step.kind] = step
    return latest


def _overdue(report, now: datetime) -> str:
    if report.deadline_at is None:
        return ""
    done = report.closed_at
    late = done > report.deadline_at if done is not None else now > report.deadline_at
    return "是" if late else "否"


def _row(report, steps, names: dict, now: datetime) -> list:
    town, village = _town_and_village(report.region_id, names)
    cycle = _current_cycle(steps)
    verify, assign = cycle.get("verify"), cycle.get("assign")
    start, rectify, close = cycle.get("start"), cycle.get("rectify"), cycle.get("close")
    return [
        str(report.id),
        china_time(report.reported_at),
        town,
        village,
        CATEGORY_WORDS.get(report.category, report.category),
        SEVERITY_WORDS.get(report.severity, "未定级"),
        report.description,
        report.reporter,
        china_time(verify.at) if verify else "",
        verify.actor if verify else "",
        (assign.responsible_unit or "") if assign else "",
        (assign.assignee or "") if assign else "",
        china_time(assign.deadline_at) if assign else "",
        china_time(start.at) if start else "",
        china_time(rectify.at) if rectify else "",
        rectify.actor if rectify else "",
        china_time(close.at) if close else "",
        close.actor if close else "",
        _overdue(report, now),
        STATUS_WORDS.get(report.status, report.status),
    ]


def _town_and_village(region_id: int, names: dict) -> tuple[str, str]:
    region = names.get(region_id)
    if region is None:
        return "", ""
    if region.level == "village":
        parent = names.get(region.parent_id)
        return (parent.name if parent else ""), region.name
    if region.level == "township":
        return region.name, ""
    return "", ""
