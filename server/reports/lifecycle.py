"""A hazard report's life to closure (风险隐患 跟踪销号): one function per step, called by its REST
route and by its sync op alike. Each step is checked (who, in what state, with what), written as
a row of report_steps, published to the phones concerned and audited, in the caller's
transaction: services flush, never commit.

    reported ─verify─► verified ─assign─► assigned ─start─► rectifying ─rectify─► rectified ─close─► closed
        └─reject─► rejected                    ▲ assign again (a new unit, person or deadline) from
                                               └ assigned, rectifying or rectified (sent back)
    closed ─reopen─► verified (assigned anew: the old deadline is past)   rejected ─reopen─► reported

Who may take a step:
  - verify, reject, assign, close, reopen: the desk (`reports.manage`: duty officers and
    administrators) of the report's region or above.
  - start, rectify: the report's assignee, or the desk on the assignee's behalf (a unit without
    a phone in the app, or a person who called the result in). A report assigned to a unit only
    is started and rectified by the desk.
  - close: not the person who rectified it, nor its assignee: the one who checks the work is
    never the one who did it.
"""

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..core.audit import record
from ..core.changes import emit
from ..core.models import utcnow
from ..core.permissions import can
from ..errors import ApiProblem, forbidden, not_found, validation_problem
from ..extensions import db
from ..media.service import owned_media
from ..regions.service import in_scope, scope_ids
from . import daily
from .duplicates import merged_count, merged_into
from .models import Report, ReportMedia, ReportStep, ReportStepMedia
from .schemas import ReportDetailSchema
from .service import entity_of, media_missing
from .supervision import default_rectify_deadline, schedule

# kind -> the states it may start from.
ALLOWED_FROM = {
    "verify": ("reported",),
    "reject": ("reported",),
    "assign": ("verified", "assigned", "rectifying", "rectified"),
    "start": ("assigned",),
    "rectify": ("rectifying",),
    "close": ("rectified",),
    "reopen": ("closed", "rejected"),
}
_TO = {
    "verify": "verified",
    "reject": "rejected",
    "assign": "assigned",
    "start": "rectifying",
    "rectify": "rectified",
    "close": "closed",
}
# A phone's clock may run a little ahead of ours; a photo dated further ahead is not believed.
CLOCK_SLACK = timedelta(minutes=5)
# Phones' clocks differ: an after-photo may look a little older than the report it answers.
BEFORE_REPORT_SLACK = timedelta(minutes=10)
LONGEST_DEADLINE = timedelta(days=366)

_DETAIL = ReportDetailSchema()


def verify(actor, data: dict, at: datetime) -> Report:
    """reported -> verified; the risk colour is set here (required)."""
    return _step(actor, "verify", data, at, _verify)


def reject(actor, data: dict, at: datetime) -> Report:
    """reported -> rejected, as a duplicate, false or not ours, always with a reason."""
    return _step(actor, "reject", data, at, _reject)


def assign(actor, data: dict, at: datetime) -> Report:
    """-> assigned: a responsible unit and/or a person who can see the report, and a deadline.
    Again from assigned, rectifying or rectified: handed to someone else, or sent back."""
    return _step(actor, "assign", data, at, _assign)


def start(actor, data: dict, at: datetime) -> Report:
    """assigned -> rectifying: the assignee (or the desk for them) begins the work."""
    return _step(actor, "start", data, at, _by_assignee)


def rectify(actor, data: dict, at: datetime) -> Report:
    """rectifying -> rectified, with at least one after-photo (its time and GPS point)."""
    return _step(actor, "rectify", data, at, _by_assignee)


def close(actor, data: dict, at: datetime) -> Report:
    """rectified -> closed (销号), by someone other than who rectified it."""
    return _step(actor, "close", data, at, _close)


def reopen(actor, data: dict, at: datetime) -> Report:
    """closed -> verified (to be assigned again), rejected -> reported (to be verified again),
    with a reason; every earlier step stays in the timeline."""
    return _step(actor, "reopen", data, at, _reopen)


def _step(actor, kind: str, data: dict, at: datetime, rule) -> Report:
    if data.get("id") is not None and (again := _replayed(actor, kind, data)) is not None:
        return again
    if kind not in ("start", "rectify") and not can(actor, "reports.manage"):
        raise forbidden()
    report = _locked(actor, data["report_id"])
    if report.status not in ALLOWED_FROM[kind]:
        raise _wrong_state(report, kind)
    at = min(at, utcnow())
    counted = daily.state(report)
    step = ReportStep(
        id=data.get("id") or uuid.uuid4(),
        report_id=report.id,
        seq=report.step_count + 1,
        kind=kind,
        from_status=report.status,
        to_status=_TO.get(kind, report.status),
        actor_id=actor.id,
        at=at,
        created_at=utcnow(),
        comment=(data.get("comment") or "").strip() or None,
    )
    before_assignee = report.assignee_id
    rule(actor, report, step, data)
    photos = _photos(actor, report, data.get("photos") or [])
    report.status = step.to_status
    report.step_count = step.seq
    schedule(report, step)  # the deadline of the node it now waits at (supervision.py)
    report.updated_at = utcnow()
    report.steps.append(step)
    step.photos.extend(ReportStepMedia(position=i, **photo) for i, photo in enumerate(photos))
    db.session.flush()
    daily.changed([(counted, daily.state(report))])  # the statistics' counts, moved with it
    _publish(report, {report.reporter_id, report.assignee_id, before_assignee})
    changes = {"from": step.from_status, "to": step.to_status, "step_id": step.id}
    changes.update(
        {
            k: getattr(step, k)
            for k in ("severity", "rejection", "responsible_unit", "assignee_id", "deadline_at")
            if getattr(step, k) is not None
        }
    )
    if photos:
        changes["photos"] = len(photos)
    record(actor, f"report.{kind}", "report", report.id, report.region_id, changes)
    return report


def _verify(actor, report, step, data) -> None:
    step.severity = report.severity = data["severity"]
    report.verified_at = step.at


def _reject(actor, report, step, data) -> None:
    if data.get("duplicate_of") is not None:
        step.duplicate_of = _mergeable_into(actor, report, data["duplicate_of"]).id
    step.rejection = data["rejection"]
    step.reason = data["reason"].strip()


def _mergeable_into(actor, report, original_id) -> Report:
    """The open report that `report` is merged into (rejected as its duplicate): it then lists
    `report` with its photos and reporter (duplicates.py), so it must be one a hazard can live
    on: another, in the actor's area, open, of the same category, and no merged one itself;
    and `report` must have none merged into it (they would hang off a rejected report)."""
    # Locked like the report itself: a desk closing or merging it meanwhile waits, then is seen.
    original = db.session.get(Report, original_id, with_for_update=True, populate_existing=True)
    if original is None or original.id == report.id or not in_scope(actor, original.region_id):
        raise validation_problem({"duplicate_of": ["No other report of that id in your area."]})
    current = {"current": entity_of(original)}
    if (into := merged_into(original)) is not None:
        raise ApiProblem(
            409,
            "duplicate-chain",
            "That report is merged into another",
            "The report to merge into is itself merged into another: merge into that one.",
            merged_into=str(into),
            **current,
        )
    if original.status in ("closed", "rejected"):
        raise ApiProblem(
            409,
            "duplicate-target-closed",
            "That report is no longer open",
            f"The report to merge into is {original.status}: merge into an open one, or reopen it first.",
            **current,
        )
    if original.category != report.category:
        raise ApiProblem(
            409,
            "duplicate-other-category",
            "Another kind of hazard",
            f"The report to merge into is {original.category}, this one {report.category}: "
            "only reports of the same category are merged.",
            **current,
        )
    if merged_count(report.id):
        raise ApiProblem(
            409,
            "duplicate-chain",
            "Other reports are merged into this one",
            "Reports are already merged into this one: merge the other report into it instead.",
            **current,
        )
    return original


def _assign(actor, report, step, data) -> None:
    # None: the county's rectify rule for this category and colour (deadlines.py).
    deadline = data.get("deadline_at") or default_rectify_deadline(report, step.at)
    if not step.at < deadline <= step.at + LONGEST_DEADLINE:
        raise validation_problem({"deadline_at": ["A deadline after now and within a year."]})
    assignee = None
    if data.get("assignee_id") is not None:
        assignee = db.session.get(User, data["assignee_id"])
        # Someone the desk can see, who can see the report (or they could never act on it).
        if (
            assignee is None
            or not assignee.active
            or assignee.region_id not in scope_ids(actor)
            or not in_scope(assignee, report.region_id)
        ):
            raise validation_problem(
                {"assignee_id": ["No active user of your area who can see this report's region."]}
            )
    unit = (data.get("responsible_unit") or "").strip() or None
    step.responsible_unit = report.responsible_unit = unit
    step.assignee_id = report.assignee_id = assignee.id if assignee else None
    step.deadline_at = report.deadline_at = deadline


def _by_assignee(actor, report, step, data) -> None:
    if actor.id != report.assignee_id and not can(actor, "reports.manage"):
        raise ApiProblem(
            403,
            "not-assignee",
            "Not yours to do",
            "Only the person this report is assigned to, or the desk for them, may do this.",
            current=_DETAIL.dump(report),
        )


def _close(actor, report, step, data) -> None:
    rectified_by = db.session.scalar(
        sa.select(ReportStep.actor_id)
        .where(ReportStep.report_id == report.id, ReportStep.kind == "rectify")
        .order_by(ReportStep.seq.desc())
        .limit(1)
    )
    if actor.id in (rectified_by, report.assignee_id):
        raise ApiProblem(
            403,
            "own-work",
            "Someone else must check this",
            "The person who rectified a hazard, or answers for it, cannot close it: another "
            "officer checks the work.",
            current=_DETAIL.dump(report),
        )
    report.closed_at = step.at


def _reopen(actor, report, step, data) -> None:
    step.reason = data["reason"].strip()
    # A closed one is assigned anew (its old deadline is past); a rejected one verified anew.
    step.to_status = "verified" if report.status == "closed" else "reported"
    report.closed_at = None
    report.responsible_unit = report.assignee_id = report.deadline_at = None


def _photos(actor, report, photos: list[dict]) -> list[dict]:
    """The step's photos as rows: uploaded by the actor, never attached anywhere before (an
    after-photo is new evidence, not the report's own picture), dated neither in the future
    nor before the report."""
    if not photos:
        return []
    ids = [p["media_id"] for p in photos]
    missing = owned_media(actor, ids)
    if missing:
        raise media_missing(missing, "step")
    used = set(db.session.scalars(sa.select(ReportMedia.media_id).where(ReportMedia.media_id.in_(ids))))
    used |= set(
        db.session.scalars(sa.select(ReportStepMedia.media_id).where(ReportStepMedia.media_id.in_(ids)))
    )
    errors: dict[str, list[str]] = {}
    latest = utcnow() + CLOCK_SLACK
    # A report dated at the first instant a phone could send (year 1) has nothing before it.
    floor = datetime.min.replace(tzinfo=UTC) + BEFORE_REPORT_SLACK
    earliest = report.reported_at - BEFORE_REPORT_SLACK if report.reported_at > floor else report.reported_at
    for i, photo in enumerate(photos):
        if photo["media_id"] in used:
            errors[f"photos.{i}.media_id"] = ["This photo is already attached to a report or a step."]
        if photo["taken_at"] > latest:
            errors[f"photos.{i}.taken_at"] = ["Taken in the future: check the phone's clock."]
        elif photo["taken_at"] < earliest:
            errors[f"photos.{i}.taken_at"] = ["Taken before the report was filed."]
    if errors:
        raise validation_problem(errors)
    return [
        {
            "media_id": p["media_id"],
            "taken_at": p["taken_at"],
            "lat": p["location"]["lat"],
            "lon": p["location"]["lon"],
            "accuracy_m": p["location"].get("accuracy"),
        }
        for p in photos
    ]


def _locked(actor, report_id) -> Report:
    """The report, its row locked to the end of the transaction (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already serialises writers), read fresh: two desks on one report act in turn.
    Rows first, the feed's lock last (taken at commit: core/changes.py), as every writer does."""
    report = db.session.get(Report, report_id, with_for_update=True, populate_existing=True)
    if report is None or not in_scope(actor, report.region_id):
        raise not_found("report")
    return report


def _replayed(actor, kind: str, data: dict) -> Report | None:
    """The report, when this step id was written before (the same step again: nothing to do)."""
    step = db.session.get(ReportStep, data["id"])
    if step is None:
        return None
    if step.report_id != data["report_id"] or step.kind != kind or step.actor_id != actor.id:
        raise ApiProblem(409, "conflict", "Conflict", "This step id belongs to another step.")
    report = db.session.get(Report, step.report_id)
    if report is None or not in_scope(actor, report.region_id):
        raise not_found("report")
    return report


def _wrong_state(report: Report, kind: str) -> ApiProblem:
    last = report.steps[-1] if report.steps else None
    happened = ""
    if last is not None:
        who = last.actor.display_name if last.actor else "someone"
        happened = f" (last: {last.kind} by {who} at {last.at.isoformat()})"
    return ApiProblem(
        409,
        "report-state",
        "Not possible in this state",
        f"This report is {report.status} now{happened}; `{kind}` needs it {' or '.join(ALLOWED_FROM[kind])}.",
        state=report.status,
        allowed_from=list(ALLOWED_FROM[kind]),
        current=_DETAIL.dump(report),
    )


def _publish(report: Report, people) -> None:
    """The report, as it now stands, to the phones of those it concerns: its reporter, and its
    assignee before and after (so a phone learns a task is no longer its own)."""
    entity = entity_of(report)
    for user_id in {p for p in people if p is not None}:
        emit("report", report.id, entity, user_id=user_id)
