"""Hazard reports over REST (the phone's offline path is the sync door; both call the service)."""

from flask import Blueprint, g, request

from ..core.http import json_body, page_answer
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from ..extensions import db
from . import deadlines, duplicates, lifecycle, service, supervision
from .schemas import (
    STEP_BODIES,
    DeadlineRulesSchema,
    DuplicatesSchema,
    ReportCreateSchema,
    ReportDetailSchema,
    ReportQuerySchema,
    ReportSchema,
    SupervisedQuerySchema,
    SupervisedSchema,
)

bp = Blueprint("reports", __name__, url_prefix="/api/v1")


@bp.get("/reports")
@requires("reports.read")
@doc(
    "Hazard reports of the caller's region and below, newest first, by keyset pages; filters "
    "combine (AND), a comma-separated value is any of them (OR). `total` counts at most "
    f"{service.TOTAL_CAP:,} (then `total_capped` is true)",
    response=ReportSchema,
    many=True,
    query=ReportQuerySchema,
)
def list_reports():
    args = load_query(ReportQuerySchema(), request.args)
    return page_answer(service.list_reports(g.user, args, utcnow()), ReportSchema())


@bp.get("/reports/supervised")
@requires("reports.manage")
@doc(
    "Supervised reports (督办) of the caller's region and below: the current node overdue or "
    "escalated, the newest escalation (or deadline passed) first",
    response=SupervisedSchema,
    many=True,
    query=SupervisedQuerySchema,
)
def list_supervised():
    args = load_query(SupervisedQuerySchema(), request.args)
    return page_answer(supervision.list_supervised(g.user, args, utcnow()), SupervisedSchema())


@bp.get("/reports/deadline-rules")
@requires("reports.manage")
@doc(
    "The county's deadline rules per node, category and colour (the defaults until saved)",
    response=DeadlineRulesSchema,
)
def get_deadline_rules():
    return DeadlineRulesSchema().dump(deadlines.get_rules(g.user))


@bp.put("/reports/deadline-rules")
@requires("reports.rules")
@doc(
    "Replace the county's deadline rules (county administrators): each node needs an any/any "
    "rule; new deadlines follow them, running ones keep theirs",
    body=DeadlineRulesSchema,
    response=DeadlineRulesSchema,
)
def put_deadline_rules():
    data = DeadlineRulesSchema().load(json_body())
    return DeadlineRulesSchema().dump(deadlines.put_rules(g.user, data, utcnow()))


@bp.get("/reports/<uuid:report_id>")
@requires("reports.read")
@doc("One hazard report, with its timeline (`steps`, in order)", response=ReportDetailSchema)
def get_report(report_id):
    return ReportDetailSchema().dump(service.get_report_detail(g.user, report_id))


@bp.get("/reports/<uuid:report_id>/duplicates")
@requires("reports.manage")
@doc(
    "The open reports of the same category near this one in place and time (within "
    "REPORT_DUPLICATE_RADIUS_M metres and REPORT_DUPLICATE_WINDOW_H hours of its reported_at), "
    "nearest first, in the caller's area: the desk may merge it into one (reject as `duplicate` "
    "with `duplicate_of`)",
    response=DuplicatesSchema,
)
def report_duplicates(report_id):
    return DuplicatesSchema().dump(duplicates.near_duplicates(g.user, report_id))


@bp.post("/reports")
@requires("reports.create")
@doc(
    "File a hazard report online (id made by the client; the same report again answers 200)",
    body=ReportCreateSchema,
    response=ReportSchema,
    status=201,
    also=(200,),
)
def create_report():
    data = ReportCreateSchema().load(json_body())
    existed = db.session.get(service.Report, data["id"]) is not None
    report = service.create_report(g.user, data, utcnow())
    return ReportSchema().dump(report), (200 if existed else 201)


# One route per step of a report's life (lifecycle.py says who may take which, from what state).
_STEPS = {
    "verify": ("reports.manage", "Verify a report and set its risk colour (reported -> verified)"),
    "reject": ("reports.manage", "Reject a report as a duplicate, false or not ours, with a reason"),
    "assign": ("reports.manage", "Assign a responsible unit and/or person and a deadline"),
    "start": ("reports.rectify", "The assignee (or the desk for them) starts the work"),
    "rectify": ("reports.rectify", "Report the work done, with after-photos (time and GPS point each)"),
    "close": ("reports.manage", "Close a rectified report (销号), by someone other than who did the work"),
    "reopen": ("reports.manage", "Reopen a closed or rejected report, with a reason"),
}


def _step_view(kind: str, action: str, summary: str):
    body = STEP_BODIES[kind]()
    apply = getattr(lifecycle, kind)

    def view(report_id):
        data = body.load(json_body())
        data["report_id"] = report_id
        report = apply(g.user, data, utcnow())
        return ReportDetailSchema().dump(service.get_report_detail(g.user, report.id))

    view.__name__ = f"{kind}_report"
    view = doc(
        f"{summary}. The same step id again changes nothing (200); a step its state does not "
        "allow is 409 `report-state` with the current record",
        body=STEP_BODIES[kind],
        response=ReportDetailSchema,
    )(view)
    return bp.post(f"/reports/<uuid:report_id>/{kind}")(requires(action)(view))


for _kind, (_action, _summary) in _STEPS.items():
    _step_view(_kind, _action, _summary)
