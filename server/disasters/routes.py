"""Disaster events and situation reports over REST (the phone's offline path is the sync op
`disaster.report`; both call the service)."""

import io

from flask import Blueprint, g, request, send_file

from ..core.http import json_body, no_store, page_answer
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from ..extensions import db
from . import export, service, summary
from .schemas import (
    EventCreateSchema,
    EventDetailSchema,
    EventQuerySchema,
    EventSchema,
    SituationReportCreateSchema,
    SituationReportSchema,
)

bp = Blueprint("disasters", __name__, url_prefix="/api/v1")


@bp.get("/disaster-events")
@requires("disasters.read")
@doc(
    "Disaster events touching the caller's region and below, newest first",
    response=EventSchema,
    many=True,
    query=EventQuerySchema,
)
def list_events():
    args = load_query(EventQuerySchema(), request.args)
    return page_answer(service.list_events(g.user, args), EventSchema())


@bp.post("/disaster-events")
@requires("disasters.manage")
@doc(
    "Open a disaster event (灾害过程) over townships and/or villages; initial reports fall due "
    "DISASTER_INITIAL_DUE_MIN minutes after opened_at",
    body=EventCreateSchema,
    response=EventSchema,
    status=201,
)
def open_event():
    data = EventCreateSchema().load(json_body())
    return EventSchema().dump(service.open_event(g.user, data, utcnow())), 201


@bp.get("/disaster-events/<uuid:event_id>")
@requires("disasters.read")
@doc("One disaster event with the reports of the caller's villages, in order", response=EventDetailSchema)
def get_event(event_id):
    event = service.get_event(g.user, event_id)
    body = EventDetailSchema().dump(event)
    body["reports"] = SituationReportSchema(many=True).dump(service.event_reports(g.user, event))
    return body


@bp.post("/disaster-events/<uuid:event_id>/close")
@requires("disasters.manage")
@doc("Close a disaster event (closing it again changes nothing)", response=EventSchema)
def close_event(event_id):
    return EventSchema().dump(service.close_event(g.user, event_id, utcnow()))


@bp.post("/disaster-events/<uuid:event_id>/reports")
@requires("disasters.report")
@doc(
    "File a village's situation report (初报 initial, 续报 follow_up, 核报 verified); id made by "
    "the client, the same report again answers 200. A figure lower than the village's last report "
    "without a reason is 422 `figure-lowered` naming the fields",
    body=SituationReportCreateSchema,
    response=SituationReportSchema,
    status=201,
    also=(200,),
)
def file_report(event_id):
    data = SituationReportCreateSchema().load(json_body())
    data["event_id"] = event_id
    existed = db.session.get(service.SituationReport, data["id"]) is not None
    report = service.file_report(g.user, data, utcnow())
    return SituationReportSchema().dump(report), (200 if existed else 201)


@bp.get("/disaster-events/<uuid:event_id>/summary")
@requires("disasters.manage")
@doc(
    "Per village: the latest figures, the kind and time of its latest report and what changed "
    "since the one before; the villages still owing an initial report; sums up the region tree",
    response={"type": "object"},
)
def event_summary(event_id):
    return summary.event_summary(g.user, event_id, utcnow())


def _file(event_id, fmt: str, mimetype: str):
    data, name = export.export(g.user, event_id, fmt)
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/disaster-events/<uuid:event_id>/reports.xlsx")
@requires("disasters.manage")
@doc(
    "The event's reports as XLSX, Chinese headers, one row per report (audited)",
    produces="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    response={"type": "string", "format": "binary"},
)
@no_store
def export_xlsx(event_id):
    return _file(event_id, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/disaster-events/<uuid:event_id>/reports.csv")
@requires("disasters.manage")
@doc(
    "The event's reports as CSV (UTF-8 with BOM), Chinese headers, one row per report (audited)",
    produces="text/csv",
    response={"type": "string"},
)
@no_store
def export_csv(event_id):
    return _file(event_id, "csv", "text/csv; charset=utf-8")
