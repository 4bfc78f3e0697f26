"""The monthly report as the finance office's files: XLSX (openpyxl) and CSV (UTF-8 with a BOM,
so Excel in China reads the Chinese right). Names typed by people stay text, never a formula
(core/sheets.py). One row per line: a member's month, or an adjustment with its original date."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ..core.sheets import csv_value, text_cell
from .money import hours

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
HEADERS = (
    "姓名",
    "队伍",
    "乡镇",
    "类型",
    "所属月份",
    "原日期",
    "一般(小时)",
    "较重(小时)",
    "繁重(小时)",
    "时长(小时)",
    "补贴(元)",
    "调整(元)",
)
TOWN_HEADERS = ("乡镇", "人数", "时长(小时)", "补贴(元)", "调整(元)", "合计(元)")
KIND_WORDS = {"month": "本月", "adjustment": "调整"}
STATE_WORDS = {"draft": "草稿（未锁定）", "locked": "已锁定"}


def title(answer: dict) -> str:
    report = answer["report"]
    return f"{report.month.year}年{report.month.month}月 救援队员补贴表 {STATE_WORDS[report.state]}"


def _rows(answer: dict):
    """Each line as (text..., numbers...): numbers as Decimal, empty as None."""
    for x in answer["lines"]:
        adjustment = x.kind == "adjustment"
        seconds = x.seconds_normal + x.seconds_heavy + x.seconds_severe
        yield (
            x.name,
            x.team_name or "",
            x.township_name,
            KIND_WORDS[x.kind],
            f"{x.for_month:%Y-%m}",
            x.day.isoformat() if x.day else "",
            hours(x.seconds_normal),
            hours(x.seconds_heavy),
            hours(x.seconds_severe),
            hours(seconds),
            None if adjustment else Decimal(x.amount),
            Decimal(x.amount) if adjustment else None,
        )


def _town_rows(answer: dict):
    for t in answer["townships"]:
        month = t["amount"] - t["adjustment_amount"]
        yield (
            t["township_name"],
            t["members"],
            hours(t["seconds"]),
            month,
            t["adjustment_amount"],
            t["amount"],
        )


def _total_row(answer: dict):
    total = answer["total"]
    return (
        "合计",
        total["members"],
        hours(total["seconds"]),
        total["amount"] - total["adjustment_amount"],
        total["adjustment_amount"],
        total["amount"],
    )


def _number(ws, value, fmt="0.00"):
    if value is None:
        return None
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = fmt
    return cell


def _xlsx_row(ws, row, numbers_from: int):
    return [
        text_cell(ws, v) if i < numbers_from else _number(ws, v, "0" if isinstance(v, int) else "0.00")
        for i, v in enumerate(row)
    ]


def report_xlsx(answer: dict) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("补贴明细")
    for col, width in zip("ABCDEFGHIJKL", (12, 18, 12, 8, 10, 12, 11, 11, 11, 11, 11, 11), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    ws.append([text_cell(ws, title(answer), bold=True)])
    ws.append([text_cell(ws, h, bold=True) for h in HEADERS])
    for row in _rows(answer):
        ws.append(_xlsx_row(ws, row, 6))
    towns = wb.create_sheet("乡镇汇总")
    towns.append([text_cell(towns, title(answer), bold=True)])
    towns.append([text_cell(towns, h, bold=True) for h in TOWN_HEADERS])
    for row in _town_rows(answer):
        towns.append(_xlsx_row(towns, row, 1))
    towns.append(_xlsx_row(towns, _total_row(answer), 1))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return csv_value(value)


def report_csv(answer: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in _rows(answer):
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
