"""Hazard reports over REST (the phone's offline path is the sync door; both call the service)."""

from flask import Blueprint, g, request

from ..core.http import json_body, page_answer
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from ..extensions import db
from . import service
from .schemas import ReportCreateSchema, ReportQuerySchema, ReportSchema

bp = Blueprint("reports", __name__, url_prefix="/api/v1")


@bp.get("/reports")
@requires("reports.read")
@doc(
    "Hazard reports of the caller's region and below, newest first",
    response=ReportSchema,
    many=True,
    query=ReportQuerySchema,
)
def list_reports():
    args = load_query(ReportQuerySchema(), request.args)
    return page_answer(service.list_reports(g.user, args), ReportSchema())


@bp.get("/reports/<uuid:report_id>")
@requires("reports.read")
@doc("One hazard report", response=ReportSchema)
def get_report(report_id):
    return ReportSchema().dump(service.get_report(g.user, report_id))


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
