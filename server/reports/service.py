"""Filing and reading hazard reports. Services never commit: the caller (a REST route or the
sync batch) owns the transaction."""

from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa

from ..core.audit import record
from ..core.changes import emit
from ..core.deferred import insert_rows
from ..core.models import utcnow
from ..core.pagination import paginate
from ..errors import ApiProblem
from ..extensions import db
from ..media.service import owned_media
from ..regions.service import get_scoped, require_in_scope, scoped, subtree_ids
from . import daily, deadlines
from .duplicates import merged_media_regions, merged_reports
from .models import Report, ReportMedia, ReportStep, ReportStepMedia
from .schemas import ReportSchema
from .supervision import filing_due

_DUMP = ReportSchema()


def media_regions(media_id) -> list[int]:
    """The regions of the reports a photo is attached to, as the report's own or as a step's
    (an after-photo), and of the report its own is merged into: media asks, to decide who sees it."""
    own = sa.select(Report.region_id).join(ReportMedia).where(ReportMedia.media_id == media_id)
    of_steps = (
        sa.select(Report.region_id)
        .join(ReportStep, ReportStep.report_id == Report.id)
        .join(ReportStepMedia, ReportStepMedia.step_id == ReportStep.id)
        .where(ReportStepMedia.media_id == media_id)
    )
    return list(db.session.scalars(sa.union_all(own, of_steps, merged_media_regions(media_id))))


def _same(report: Report, actor, data: dict) -> bool:
    loc = data["location"]
    return (
        report.reporter_id == actor.id
        and report.category == data["category"]
        and report.description == data["description"]
        and (report.lat, report.lon) == (loc["lat"], loc["lon"])
        and report.media_ids == list(data.get("media_ids") or [])
    )


def create_report(actor, data: dict, at: datetime) -> Report:
    (outcome,) = create_reports(actor, [(data, at)])
    if isinstance(outcome, ApiProblem):
        raise outcome
    return outcome


def create_reports(actor, items: list[tuple[dict, datetime]]) -> list[Report | SimpleNamespace | ApiProblem]:
    """File reports (one, or a phone's backlog after a storm); the ids must differ. Each item is
    checked on its own; those that pass go in with one INSERT. Answers, per item, the report or
    the problem that refused it. Plain INSERTs: the ORM's unit of work costs several times the
    statement, and reports arrive by the thousand."""
    ids = [data["id"] for data, _ in items]
    taken = set(db.session.scalars(sa.select(Report.id).where(Report.id.in_(ids)))) if ids else set()
    wanted_media = [m for data, _ in items for m in data.get("media_ids") or []]
    missing_media = set(owned_media(actor, wanted_media))
    now = utcnow()
    outcomes: list[Report | ApiProblem] = []
    rows, media_rows = [], []
    regions: dict[int, ApiProblem | None] = {}
    rules = None  # the county's deadline rules, read once for the batch
    for data, at in items:
        if data["id"] in taken:
            try:
                outcomes.append(_already_there(actor, data))
            except ApiProblem as problem:
                outcomes.append(problem)
            continue
        region_id = data.get("region_id") or actor.region_id
        if region_id not in regions:  # a backlog names few regions: check each once
            try:
                require_in_scope(actor, region_id)
                regions[region_id] = None
            except ApiProblem as problem:
                regions[region_id] = problem
        if regions[region_id] is not None:
            outcomes.append(regions[region_id])
            continue
        missing = [m for m in data.get("media_ids") or [] if m in missing_media]
        if missing:
            outcomes.append(media_missing(missing))
            continue
        loc = data["location"]
        row = {
            "id": data["id"],
            "reporter_id": actor.id,
            "region_id": region_id,
            "category": data["category"],
            "description": data["description"],
            "lat": loc["lat"],
            "lon": loc["lon"],
            "accuracy_m": loc.get("accuracy"),
            "severity": data.get("severity"),
            "people_at_risk": data.get("people_at_risk"),
            "status": "reported",
            "reported_at": at,
            "created_at": now,
            "updated_at": now,
            "responsible_unit": None,
            "assignee_id": None,
            "deadline_at": None,
            "closed_at": None,
            "step_count": 0,
        }
        if rules is None:
            rules = deadlines.current_rules()
        row.update(filing_due(rules, row))
        media = [
            {"report_id": data["id"], "media_id": m, "position": i} for i, m in enumerate(data["media_ids"])
        ]
        rows.append(row)
        media_rows += media
        # What was written, as the schema reads it; an ORM instance would cost more than the insert.
        outcomes.append(SimpleNamespace(**row, media_ids=[m["media_id"] for m in media]))
    if rows:
        insert_rows(db.session, Report.__table__, rows)
    if media_rows:
        insert_rows(db.session, ReportMedia.__table__, media_rows)
    daily.changed((None, daily.state(row)) for row in rows)  # the statistics' counts
    for report in outcomes:
        if isinstance(report, SimpleNamespace):
            report.feed_entity = entity_of(report)
            emit("report", report.id, report.feed_entity, user_id=actor.id)
            record(
                actor, "report.create", "report", report.id, report.region_id, {"category": report.category}
            )
    return outcomes


def entity_of(report) -> dict:
    """What ReportSchema().dump(report) gives (a property test holds the two equal), built
    directly: a backlog of 500 reports would spend more in the schema than in the database."""
    return {
        "id": str(report.id),
        "reporter_id": str(report.reporter_id),
        "region_id": report.region_id,
        "category": report.category,
        "description": report.description,
        "location": {"lat": report.lat, "lon": report.lon, "accuracy": report.accuracy_m},
        "severity": report.severity,
        "people_at_risk": report.people_at_risk,
        "media_ids": [str(m) for m in report.media_ids],
        "status": report.status,
        "reported_at": report.reported_at.isoformat(),
        "created_at": report.created_at.isoformat(),
        "updated_at": report.updated_at.isoformat(),
        "responsible_unit": report.responsible_unit,
        "assignee_id": None if report.assignee_id is None else str(report.assignee_id),
        "deadline_at": None if report.deadline_at is None else report.deadline_at.isoformat(),
        "closed_at": None if report.closed_at is None else report.closed_at.isoformat(),
        "due_at": None if report.due_at is None else report.due_at.isoformat(),
        "step_count": report.step_count,
    }


def media_missing(missing, what: str = "report") -> ApiProblem:
    """Refused for now, passes once the photos are uploaded (retryable)."""
    return ApiProblem(
        409,
        "media-missing",
        "Photos not uploaded yet",
        f"Upload the {what}'s photos first, then send the {what} again.",
        retryable=True,
        media_ids=[str(m) for m in missing],
    )


def _already_there(actor, data: dict) -> Report:
    existing = db.session.get(Report, data["id"], populate_existing=True)
    if _same(existing, actor, data):
        return existing  # the same report sent again by another path: nothing to do
    raise ApiProblem(
        409,
        "conflict",
        "Conflict",
        "A different report already has this id.",
        current=_DUMP.dump(existing) if existing.reporter_id == actor.id else None,
    )


def get_report(actor, report_id) -> Report:
    return get_scoped(Report, report_id, actor, what="report")


def get_report_detail(actor, report_id) -> Report:
    """One report with its timeline loaded: the steps in one query, their photos and people in
    one more each, however long the life."""
    report = get_report(actor, report_id)
    report.steps  # noqa: B018 - loaded here, in the service, not by the schema dumping it
    # Not a mapped attribute: only a detail carries it (a problem's `current` does not).
    report.merged = merged_reports(report.id)
    return report


# A list counts its rows only so far: the county's whole year (140,000 at the source's scale)
# would otherwise be walked again on every page, and a count of 10,000 filtered rows alone cost
# tens of milliseconds. At the cap the answer says total_capped ("more than 1,000"); the figures
# themselves are the statistics' job.
TOTAL_CAP = 1_000
# The states in which a report waits on its assignee against a deadline.
AWAITING_WORK = ("assigned", "rectifying")


def overdue_clause(now: datetime):
    """The one definition of "overdue" every list, count and map shares: waiting on its assignee
    and past its deadline. Never NULL (a report with no deadline is not overdue), so its
    negation is "not overdue" for every row."""
    return sa.and_(
        Report.status.in_(AWAITING_WORK),
        Report.deadline_at.is_not(None),
        Report.deadline_at < now,
    )


def list_reports(actor, args, now: datetime | None = None):
    """`args`: what ReportQuerySchema loaded. Newest first, by keyset pages."""
    stmt = scoped(sa.select(Report), Report.region_id, actor)
    if args.get("status"):
        stmt = stmt.where(Report.status.in_(args["status"]))
    if args.get("category"):
        stmt = stmt.where(Report.category.in_(args["category"]))
    if args.get("severity"):
        stmt = stmt.where(Report.severity.in_(args["severity"]))
    if args.get("responsible_unit"):
        stmt = stmt.where(Report.responsible_unit == args["responsible_unit"])
    if args.get("overdue") is not None:
        clause = overdue_clause(now or utcnow())
        stmt = stmt.where(clause if args["overdue"] else sa.not_(clause))
    if args.get("assignee") == "me":
        stmt = stmt.where(Report.assignee_id == actor.id)
    if args.get("since"):
        stmt = stmt.where(Report.created_at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(Report.created_at < args["until"])
    if args.get("region_id"):
        # A region outside the caller's area is a wrong question (422), not an empty answer.
        require_in_scope(actor, args["region_id"])
        stmt = stmt.where(Report.region_id.in_(subtree_ids(args["region_id"])))
    if args.get("mine"):
        stmt = stmt.where(Report.reporter_id == actor.id)
    return paginate(stmt, Report, args, total_cap=TOTAL_CAP)
