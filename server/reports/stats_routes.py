"""Hazard statistics and the ledger (台账) exports, for the desk (`reports.stats`)."""

import re

from flask import Blueprint, current_app, g, request

from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from . import export, ledger, stats
from .stats_schemas import LedgerQuerySchema, StatsQuerySchema, StatsSchema

bp = Blueprint("report_stats", __name__, url_prefix="/api/v1")
_FILE = {"type": "string", "format": "binary"}


@bp.get("/reports/stats")
@requires("reports.stats")
@doc(
    "Hazard statistics of a region (default: the caller's) and each region directly below it, "
    "each summed over its subtree, for a period of China dates [from, to): reported, verified, "
    "closed, closed on time, overdue, the rectification rate (closed / verified) and the on-time "
    "rate (closed on time / closed), null when nothing to divide by; broken down `by` category, "
    "risk colour or responsible unit",
    response=StatsSchema,
    query=StatsQuerySchema,
)
def report_stats():
    args = load_query(StatsQuerySchema(), request.args)
    return StatsSchema().dump(stats.statistics(g.user, args))


@bp.get("/reports/stats.xlsx")
@requires("reports.stats")
@doc(
    "The same statistics as an XLSX workbook (the table, the breakdown, and each region's breakdown)",
    response=_FILE,
    query=StatsQuerySchema,
    produces=export.XLSX,
)
def report_stats_xlsx():
    args = load_query(StatsQuerySchema(), request.args)
    figures = stats.statistics(g.user, args)
    period = export.period_words(args)
    body = export.stats_xlsx(figures, period)
    name = f"隐患统计-{_safe(figures['region']['name'])}-{period}.xlsx"
    return _file(body, export.XLSX, name, f"hazard-stats-{_ascii(args)}.xlsx")


@bp.get("/reports/ledger.xlsx")
@requires("reports.stats")
@doc(
    "The hazard ledger (台账) as XLSX: one row per hazard filed in the region and period, its "
    "steps as columns, Chinese headers, China time; at most LEDGER_MAX_ROWS hazards (more: 422 "
    "too-many-rows). Audited",
    response=_FILE,
    query=LedgerQuerySchema,
    produces=export.XLSX,
)
def ledger_xlsx():
    args = load_query(LedgerQuerySchema(), request.args)
    data = ledger.ledger(g.user, args, current_app.config["LEDGER_MAX_ROWS"], "xlsx")
    period = export.period_words(args)
    title = f"{data['region'].name}风险隐患台账 {period}"
    name = f"隐患台账-{_safe(data['region'].name)}-{period}.xlsx"
    return _file(export.ledger_xlsx(data, title), export.XLSX, name, f"hazard-ledger-{_ascii(args)}.xlsx")


@bp.get("/reports/ledger.csv")
@requires("reports.stats")
@doc(
    "The same ledger as CSV (UTF-8 with a BOM, for Excel). Audited",
    response=_FILE,
    query=LedgerQuerySchema,
    produces="text/csv",
)
def ledger_csv():
    args = load_query(LedgerQuerySchema(), request.args)
    data = ledger.ledger(g.user, args, current_app.config["LEDGER_MAX_ROWS"], "csv")
    name = f"隐患台账-{_safe(data['region'].name)}-{export.period_words(args)}.csv"
    return _file(export.ledger_csv(data), export.CSV, name, f"hazard-ledger-{_ascii(args)}.csv")


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", name) or "region"


def _ascii(args: dict) -> str:
    return f"{args['from'].isoformat()}_{args['to'].isoformat()}"


def _file(body: bytes, mimetype: str, name: str, fallback: str):
    resp = current_app.response_class(body, content_type=mimetype)
    resp.headers["Content-Disposition"] = export.disposition(name, fallback)
    # Names of reporters and officers: no copy on the desk's disk cache or a proxy.
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
