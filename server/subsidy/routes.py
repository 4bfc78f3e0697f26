"""The subsidy rules and the monthly report: the county administrator computes, reviews and
locks; the desk of each township reads its own lines and downloads them."""

import re
from urllib.parse import quote

from flask import Blueprint, current_app, g

from ..core.http import json_body, no_store
from ..core.models import utcnow
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_or_problem
from . import claims, export, service
from .schemas import (
    ClaimableSchema,
    ClaimCreateSchema,
    ClaimMoveSchema,
    ClaimSchema,
    LockSchema,
    MonthPathSchema,
    ReportSchema,
    ReportSummarySchema,
    RuleCreateSchema,
    RuleSchema,
)

bp = Blueprint("subsidy", __name__, url_prefix="/api/v1/subsidy")
_FILE = {"type": "string", "format": "binary"}


def _month(value: str):
    return load_or_problem(MonthPathSchema(), {"month": value})["month"]


def _listed(items, schema) -> dict:
    return {"items": schema.dump(items, many=True), "total": len(items), "next_cursor": None}


@bp.get("/rules")
@requires("subsidy.read")
@doc("The county's subsidy rules, every version, oldest first", response=RuleSchema, many=True)
def list_rules():
    return _listed(service.list_rules(), RuleSchema())


@bp.post("/rules")
@requires("subsidy.manage")
@doc(
    "Add a version of the rules, in force from its month (after the last locked month) until the next",
    body=RuleCreateSchema,
    response=RuleSchema,
    status=201,
)
def add_rule():
    rule = service.add_rule(g.user, RuleCreateSchema().load(json_body()))
    return RuleSchema().dump(rule), 201


@bp.get("/reports")
@requires("subsidy.read")
@doc("The monthly reports, newest first, with their state", response=ReportSummarySchema, many=True)
def list_reports():
    return _listed(service.list_reports(), ReportSummarySchema())


@bp.post("/reports/<month>/compute")
@requires("subsidy.manage")
@doc("Compute a month's draft (again) from the records; a locked month never changes", response=ReportSchema)
@no_store
def compute(month):
    month = _month(month)
    service.compute(g.user, month, utcnow())
    return ReportSchema().dump(service.get_report(g.user, month))


@bp.get("/reports/<month>")
@requires("subsidy.read")
@doc("A month's report: the lines of the caller's townships and their sums", response=ReportSchema)
@no_store
def get_report(month):
    return ReportSchema().dump(service.get_report(g.user, _month(month)))


@bp.post("/reports/<month>/lock")
@requires("subsidy.manage")
@doc(
    "Lock a month's reviewed draft (its digest): in order, once the month has ended; never undone",
    body=LockSchema,
    response=ReportSchema,
)
@no_store
def lock(month):
    month = _month(month)
    data = LockSchema().load(json_body())
    service.lock(g.user, month, data["digest"], utcnow())
    return ReportSchema().dump(service.get_report(g.user, month))


@bp.get("/reports/<month>/export.xlsx")
@requires("subsidy.read")
@doc(
    "A month's report as XLSX (Chinese headers; a sheet per township's sums)",
    response=_FILE,
    produces=export.XLSX,
)
def export_xlsx(month):
    answer = service.get_report(g.user, _month(month))
    name = f"补贴表-{answer['report'].month:%Y-%m}.xlsx"
    return _file(
        export.report_xlsx(answer), export.XLSX, name, f"subsidy-{answer['report'].month:%Y-%m}.xlsx"
    )


@bp.get("/reports/<month>/export.csv")
@requires("subsidy.read")
@doc("A month's report as CSV (UTF-8 with a BOM, for Excel)", response=_FILE, produces="text/csv")
def export_csv(month):
    answer = service.get_report(g.user, _month(month))
    name = f"补贴表-{answer['report'].month:%Y-%m}.csv"
    return _file(export.report_csv(answer), export.CSV, name, f"subsidy-{answer['report'].month:%Y-%m}.csv")


def _file(body: bytes, mimetype: str, name: str, fallback: str):
    resp = current_app.response_class(body, content_type=mimetype)
    name = quote(re.sub(r"\s+", "", name), safe="")
    resp.headers["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{name}"
    # Names and money: no copy on the desk's disk cache or a proxy.
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.get("/claims")
@requires("subsidy.claims")
@doc("Cross-township help claims made by or owed to the caller's townships", response=ClaimSchema, many=True)
def list_claims():
    return _listed(claims.list_claims(g.user), ClaimSchema())


@bp.get("/claims/claimable")
@requires("subsidy.claims")
@doc(
    "Orders that called members of the caller's townships into another's area: what a claim is filed from",
    response=ClaimableSchema,
    many=True,
)
def claimable():
    return _listed(claims.eligible(g.user), ClaimableSchema())


@bp.post("/claims")
@requires("subsidy.claims")
@doc(
    "File a claim for help given on an order in another township's area (the helper's desk)",
    body=ClaimCreateSchema,
    response=ClaimSchema,
    status=201,
)
def create_claim():
    claim = claims.create(g.user, ClaimCreateSchema().load(json_body()), utcnow())
    return ClaimSchema().dump(claim), 201


@bp.get("/claims/<uuid:claim_id>")
@requires("subsidy.claims")
@doc("One claim with its lines and each move", response=ClaimSchema)
def get_claim(claim_id):
    return ClaimSchema().dump(claims.get(g.user, claim_id))


@bp.post("/claims/<uuid:claim_id>/agree")
@requires("subsidy.claims")
@doc("The township helped agrees to the claim", body=ClaimMoveSchema, response=ClaimSchema)
def agree_claim(claim_id):
    data = ClaimMoveSchema().load(json_body())
    return ClaimSchema().dump(claims.move(g.user, claim_id, "agreed", utcnow(), data["note"]))


@bp.post("/claims/<uuid:claim_id>/paid")
@requires("subsidy.claims")
@doc("The township that helped confirms it was paid", body=ClaimMoveSchema, response=ClaimSchema)
def paid_claim(claim_id):
    data = ClaimMoveSchema().load(json_body())
    return ClaimSchema().dump(claims.move(g.user, claim_id, "paid", utcnow(), data["note"]))
