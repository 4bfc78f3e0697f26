"""Near duplicates: the open reports of the same category close to a report in place and time,
offered to the desk to merge; and the reports merged into one. A merge is the lifecycle's
reject step as a duplicate (`duplicate_of`), so "merged into A" is a query, not a table: the
reports whose last step is a rejection naming A. Reopened, such a report leaves A again."""

from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import User
from ..core.geo import box_around, metres_between
from ..extensions import db
from ..regions.service import get_scoped, scoped
from .models import Report, ReportMedia, ReportStep

# Not open: nothing to merge into, nothing to merge.
ENDED = ("closed", "rejected")
# Nearest first, at most this many: a desk reads a handful, never hundreds.
MOST = 50


class Near:
    """A candidate: the report (its fields read through), who filed it, how far and how long apart."""

    def __init__(self, report: Report, reporter_name: str, distance_m: float, apart_s: int):
        self.report, self.reporter_name = report, reporter_name
        self.distance_m, self.apart_s = distance_m, apart_s

    def __getattr__(self, name):
        return getattr(self.report, name)


def _last_step_merges():
    """The join condition "this report's last step is a rejection as a duplicate"."""
    return sa.and_(
        ReportStep.report_id == Report.id,
        ReportStep.seq == Report.step_count,
        ReportStep.kind == "reject",
        ReportStep.duplicate_of.is_not(None),
    )


def settings() -> tuple[float, timedelta]:
    cfg = current_app.config
    return float(cfg["REPORT_DUPLICATE_RADIUS_M"]), timedelta(hours=float(cfg["REPORT_DUPLICATE_WINDOW_H"]))


def near_duplicates(actor, report_id) -> dict:
    """The open reports, in the actor's area, of the report's category, within the radius and
    the window either side of its reported_at; nearest first. The box, the category and the
    window are one range scan of ix_reports_category_lat_lon_reported; only the few rows in the
    box are measured, and only the nearest are then read whole."""
    report = get_scoped(Report, report_id, actor, what="report")
    radius, window = settings()
    south, west, north, east = box_around(report.lat, report.lon, radius)
    stmt = scoped(
        sa.select(Report.id, Report.lat, Report.lon, Report.reported_at),
        Report.region_id,
        actor,
    ).where(
        Report.category == report.category,
        Report.lat.between(south, north),
        Report.lon.between(west, east),
        Report.reported_at.between(report.reported_at - window, report.reported_at + window),
        Report.status.not_in(ENDED),
        Report.id != report.id,
    )
    near = []
    for row in db.session.execute(stmt):
        metres = metres_between(report.lat, report.lon, row.lat, row.lon)
        if metres <= radius:
            apart = abs((row.reported_at - report.reported_at).total_seconds())
            near.append((metres, apart, str(row.id), row.id))
    near.sort()
    near = near[:MOST]
    rows = {}
    if near:
        found = db.session.execute(
            sa.select(Report, User.display_name)
            .join(User, User.id == Report.reporter_id)
            .where(Report.id.in_([n[3] for n in near]))
        )
        rows = {r.id: (r, name) for r, name in found}
    items = []
    for metres, apart, _, ident in near:
        other, name = rows[ident]
        items.append(Near(other, name, round(metres, 1), int(round(apart))))
    hours = window.total_seconds() / 3600
    return {"report_id": report.id, "radius_m": radius, "window_h": hours, "items": items}


def merged_reports(report_id) -> list[SimpleNamespace]:
    """The reports merged into this one, oldest report first, each with its reporter's name and
    the merge step (when, by whom, why): the survivor keeps their photos and reporters."""
    rows = db.session.execute(
        sa.select(Report, User.display_name, ReportStep)
        .join(ReportStep, _last_step_merges())
        .join(User, User.id == Report.reporter_id)
        .where(ReportStep.duplicate_of == report_id, Report.status == "rejected")
        .order_by(Report.reported_at, Report.id)
    )
    return [SimpleNamespace(report=r, reporter_name=name, step=s) for r, name, s in rows]


def merged_count(report_id) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Report)
        .join(ReportStep, _last_step_merges())
        .where(ReportStep.duplicate_of == report_id, Report.status == "rejected")
    )


def merged_into(report: Report):
    """The id of the report this one is merged into, or None (not rejected as a duplicate now)."""
    if report.status != "rejected":
        return None
    return db.session.scalar(
        sa.select(ReportStep.duplicate_of).where(
            ReportStep.report_id == report.id,
            ReportStep.seq == report.step_count,
            ReportStep.kind == "reject",
        )
    )


def merged_media_regions(media_id):
    """A SELECT of the regions of the reports that a photo's report is merged into: whoever sees
    the survivor sees the photos it keeps (media asks, through reports.service.media_regions)."""
    survivor = sa.orm.aliased(Report)
    return (
        sa.select(survivor.region_id)
        .select_from(ReportMedia)
        .join(Report, Report.id == ReportMedia.report_id)
        .join(ReportStep, _last_step_merges())
        .join(survivor, survivor.id == ReportStep.duplicate_of)
        .where(ReportMedia.media_id == media_id, Report.status == "rejected")
    )
