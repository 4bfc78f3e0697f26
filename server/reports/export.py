"""The ledger and the statistics as files the county's offices open: XLSX (openpyxl) and CSV
(UTF-8 with a BOM, so Excel in China reads the Chinese right). Text people typed is never run as
a formula: an XLSX cell is written as text, a CSV cell that a spreadsheet would read as one
(=, +, -, @ first) is quoted with an apostrophe, as OWASP advises."""

import csv
import io
from datetime import timedelta
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from ..core.sheets import csv_value, text_cell, xlsx_value
from .ledger import CATEGORY_WORDS, SEVERITY_WORDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
DIMENSION_WORDS = {"category": "类别", "severity": "风险等级", "unit": "责任单位"}
STAT_HEADERS = ("上报", "核实", "销号", "按期销号", "超期", "整改率", "按期销号率")


def period_words(args: dict) -> str:
    """2026-11-01 to 2026-12-01 (half-open) -> 2026-11-01至2026-11-30, as a person says it."""
    last = args["to"] - timedelta(days=1)
    return f"{args['from'].isoformat()}至{last.isoformat()}"


def disposition(name: str, fallback: str) -> str:
    """Content-Disposition with the Chinese name (RFC 5987 filename*) and an ASCII one for old
    clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _text(ws, value, bold: bool = False):
    return text_cell(ws, value, bold)


def ledger_xlsx(data: dict, title: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("隐患台账")
    widths = (38, 17, 12, 12, 10, 11, 40, 10, 17, 10, 16, 10, 17, 17, 17, 10, 17, 10, 9, 12)
    for i, width in enumerate(widths):
        ws.column_dimensions[_column(i)].width = width
    ws.freeze_panes = "A3"
    ws.append([_text(ws, title, bold=True)])
    ws.append([_text(ws, h, bold=True) for h in data["headers"]])
    for row in data["rows"]:
        ws.append([_plain(ws, v) for v in row])
    return _save(wb)


def _plain(ws, value):
    """A value as it is (openpyxl's fast path: a cell object per value cost ten times the time),
    except text that openpyxl would take for a formula, which is written as text."""
    return xlsx_value(ws, value) or None


def ledger_csv(data: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(data["headers"])
    for row in data["rows"]:
        writer.writerow([_csv_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_safe(value):
    return csv_value(value)


def stats_xlsx(stats: dict, period: str) -> bytes:
    wb = Workbook(write_only=True)
    dim = DIMENSION_WORDS[stats["by"]]
    ws = wb.create_sheet("隐患统计")
    for i, width in enumerate((18, 9, 9, 9, 11, 9, 10, 12)):
        ws.column_dimensions[_column(i)].width = width
    ws.append([_text(ws, f"{stats['region']['name']}隐患统计 {period}", bold=True)])
    ws.append([_text(ws, h, bold=True) for h in ("地区", *STAT_HEADERS)])
    for line in stats["regions"]:
        ws.append(_figures_row(ws, line_name(stats, line), line))
    ws.append(_figures_row(ws, "合计", stats["total"], bold=True))
    ws.append([])
    ws.append([_text(ws, f"按{dim}", bold=True)])
    ws.append([_text(ws, h, bold=True) for h in (dim, *STAT_HEADERS)])
    for group in stats["total"]["groups"]:
        ws.append(_figures_row(ws, group_word(stats["by"], group["key"]), group))

    detail = wb.create_sheet(f"分地区按{dim}")
    for i, width in enumerate((18, 16, 9, 9, 9, 11, 9, 10, 12)):
        detail.column_dimensions[_column(i)].width = width
    detail.append([_text(detail, h, bold=True) for h in ("地区", dim, *STAT_HEADERS)])
    for line in stats["regions"]:
        name = line_name(stats, line)
        for group in line["groups"]:
            row = _figures_row(detail, group_word(stats["by"], group["key"]), group)
            detail.append([_text(detail, name), *row])
    return _save(wb)


def line_name(stats: dict, line: dict) -> str:
    """A region's line; the region's own reports, beside its children's, are its 本级 line."""
    return f"{line['name']}（本级）" if line["own"] and len(stats["regions"]) > 1 else line["name"]


def group_word(by: str, key) -> str:
    if by == "category":
        return CATEGORY_WORDS.get(key, key or "未分类")
    if by == "severity":
        return SEVERITY_WORDS.get(key, "未定级")
    return key or "未交办"


def _figures_row(ws, label: str, figures: dict, bold: bool = False) -> list:
    cells = [_text(ws, label, bold=bold)]
    for name in ("reported", "verified", "closed", "closed_on_time", "overdue"):
        cell = WriteOnlyCell(ws, value=figures[name])
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    for name in ("rectification_rate", "on_time_rate"):
        value = figures[name]
        if value is None:
            cells.append(_text(ws, "—"))  # nothing to divide by: no rate, not 0 %
            continue
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "0.0%"
        cell.alignment = Alignment(horizontal="right")
        cells.append(cell)
    return cells


def _column(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
