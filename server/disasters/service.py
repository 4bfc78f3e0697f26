"""Opening and closing disaster events, filing situation reports, and reading them. Services
never commit: the caller (a REST route or the sync batch) owns the transaction."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..core.audit import record
from ..core.models import utcnow
from ..core.pagination import paginate
from ..core.permissions import can
from ..errors import ApiProblem, not_found
from ..extensions import db
from ..regions.models import Region
from ..regions.service import require_in_scope, user_scope
from .models import (
    DECIMALS,
    FIGURES,
    DisasterEvent,
    DisasterEventVillage,
    SituationReport,
)

DESK = "disasters.manage"


def _visible(stmt, actor):
    """Events the actor sees: those touching a village in the actor's region or below (an
    officer sees the events of their village; a township desk those touching its township)."""
    touching = sa.select(DisasterEventVillage.event_id).where(
        DisasterEventVillage.region_id.in_(user_scope(actor))
    )
    return stmt.where(DisasterEvent.id.in_(touching))


def get_event(actor, event_id) -> DisasterEvent:
    event = db.session.scalar(_visible(sa.select(DisasterEvent).where(DisasterEvent.id == event_id), actor))
    if event is None:
        raise not_found("disaster event")
    return event


def list_events(actor, args):
    stmt = _visible(sa.select(DisasterEvent), actor)
    if args.get("status") == "open":
        stmt = stmt.where(DisasterEvent.closed_at.is_(None))
    elif args.get("status") == "closed":
        stmt = stmt.where(DisasterEvent.closed_at.is_not(None))
    return paginate(stmt, DisasterEvent, args)


def open_event(actor, data: dict, now: datetime) -> DisasterEvent:
    villages: set[int] = set()
    for i, region_id in enumerate(dict.fromkeys(data["region_ids"])):
        region = require_in_scope(actor, region_id, f"region_ids.{i}")
        below = sa.select(Region.id).where(Region.level == "village", Region.path.startswith(region.path))
        villages.update(db.session.scalars(below))
    if not villages:
        raise ApiProblem(
            422, "validation", "Invalid input", errors={"region_ids": ["No village lies in these regions."]}
        )
    opened_at = min(data.get("opened_at") or now, now).astimezone(UTC)
    due = timedelta(minutes=current_app.config["DISASTER_INITIAL_DUE_MIN"])
    event = DisasterEvent(
        kind=data["kind"],
        name=data["name"].strip(),
        region_id=actor.region_id,
        opened_by_id=actor.id,
        opened_at=opened_at,
        initial_due_at=opened_at + due,
        villages=[DisasterEventVillage(region_id=v) for v in sorted(villages)],
    )
    db.session.add(event)
    db.session.flush()
    record(
        actor,
        "disaster.open",
        "disaster_event",
        event.id,
        event.region_id,
        {"kind": event.kind, "name": event.name, "villages": len(villages)},
    )
    return event


def close_event(actor, event_id, now: datetime) -> DisasterEvent:
    event = get_event(actor, event_id)
    if event.closed_at is None:
        event.closed_at = now
        event.closed_by_id = actor.id
        record(actor, "disaster.close", "disaster_event", event.id, event.region_id)
        db.session.flush()
    return event


def event_reports(actor, event: DisasterEvent) -> list[SituationReport]:
    """The event's reports of the villages in the actor's region or below, village by village,
    in the order filed."""
    return list(
        db.session.scalars(
            sa.select(SituationReport)
            .where(SituationReport.event_id == event.id, SituationReport.region_id.in_(user_scope(actor)))
            .order_by(SituationReport.region_id, SituationReport.seq)
        )
    )


# ---- filing a report ---------------------------------------------------------------------------


def _same(report: SituationReport, actor, event_id, village_id, data: dict) -> bool:
    return (
        report.reporter_id == actor.id
        and report.event_id == event_id
        and report.region_id == village_id
        and report.kind == data["kind"]
        and all(getattr(report, f) == data[f] for f in FIGURES)
        and (report.note or None) == (data.get("note") or None)
        and (report.reason or None) == (data.get("reason") or None)
    )


def _problem(status: int, slug: str, title: str, detail: str, **extra) -> ApiProblem:
    return ApiProblem(status, slug, title, detail, **extra)


def file_report(actor, data: dict, at: datetime) -> SituationReport:
    """File one village's initial report, follow-up or verified report for an event. `data`:
    what SituationReportOpSchema loaded (REST puts the event from the path in it)."""
    event = get_event(actor, data["event_id"])
    village_id = data.get("region_id") or actor.region_id
    existing = db.session.get(SituationReport, data["id"])
    if existing is not None:
        if _same(existing, actor, event.id, village_id, data):
            return existing  # the same report again, by another path: nothing to do
        raise _problem(409, "conflict", "Conflict", "A different report already has this id.")
    require_in_scope(actor, village_id)
    if village_id not in event.village_ids:
        raise ApiProblem(
            422, "validation", "Invalid input", errors={"region_id": ["This village is not in the event."]}
        )
    desk = can(actor, DESK)
    if event.closed_at is not None and not desk:
        raise _problem(
            409, "disaster-closed", "Event closed", "The event is closed; ask the desk to correct it."
        )
    last = db.session.scalar(
        sa.select(SituationReport)
        .where(SituationReport.event_id == event.id, SituationReport.region_id == village_id)
        .order_by(SituationReport.seq.desc())
        .limit(1)
    )
    _check_order(data["kind"], last, desk)
    if last is not None:
        _check_lowered(data, last)
    report = SituationReport(
        id=data["id"],
        event_id=event.id,
        region_id=village_id,
        seq=(last.seq + 1) if last else 1,
        kind=data["kind"],
        reporter_id=actor.id,
        reported_at=min(at, utcnow()).astimezone(UTC),
        created_at=utcnow(),
        note=(data.get("note") or "").strip() or None,
        reason=(data.get("reason") or "").strip() or None,
        **{f: data[f] for f in FIGURES},
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
    except IntegrityError:
        # Another report of this village took the same place meanwhile: send again to be checked
        # against it.
        raise _problem(
            409,
            "report-race",
            "Another report came first",
            "Another report of this village arrived at the same moment; send again.",
            retryable=True,
        ) from None
    record(
        actor,
        "disaster.report",
        "situation_report",
        report.id,
        village_id,
        {"event_id": event.id, "kind": report.kind, "seq": report.seq},
    )
    return report


def _check_order(kind: str, last, desk: bool) -> None:
    if kind == "initial" and last is not None:
        raise _problem(
            409,
            "report-order",
            "Initial report already filed",
            "This village already has its initial report; send a follow-up.",
            have=last.kind,
        )
    if kind != "initial" and last is None:
        raise _problem(
            409,
            "report-order",
            "No initial report yet",
            "The village's initial report comes first.",
            have=None,
        )
    if last is not None and last.kind == "verified":
        if not desk:
            raise _problem(
                403,
                "report-verified",
                "Verified already",
                "The verified report is in; only the desk may correct it.",
            )
        if kind != "verified":
            raise _problem(
                409,
                "report-order",
                "Verified already",
                "After the verified report, a correction is a verified report.",
                have=last.kind,
            )


def _check_lowered(data: dict, last: SituationReport) -> None:
    lower = [f for f in FIGURES if data[f] < getattr(last, f)]
    if lower and not (data.get("reason") or "").strip():
        raise ApiProblem(
            422,
            "figure-lowered",
            "Lower than the last report",
            "Some figures are lower than the village's last report: say why in `reason`.",
            errors={f: ["Lower than the last report; give a reason."] for f in lower},
            fields=lower,
            previous={f: _out(f, getattr(last, f)) for f in lower},
        )


def _out(field: str, value):
    return str(value) if field in DECIMALS else value


def zero() -> dict:
    return {f: (Decimal("0.00") if f in DECIMALS else 0) for f in FIGURES}


def figures_of(report) -> dict:
    return {f: getattr(report, f) for f in FIGURES}


def dump_figures(figures: dict | None) -> dict | None:
    if figures is None:
        return None
    return {
        f: _out(f, Decimal(figures[f]).quantize(Decimal("0.01")) if f in DECIMALS else figures[f])
        for f in FIGURES
    }
