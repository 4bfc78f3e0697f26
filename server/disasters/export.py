"""An event's situation reports as a table (XLSX, CSV) with Chinese headers: one row per report,
village by village, in the order filed."""

import csv
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font

from ..core.audit import record
from ..core.sheets import csv_value, readable
from .models import DECIMALS, FIGURES
from .service import event_reports, get_event

CHINA = ZoneInfo("Asia/Shanghai")
KIND_LABELS = {"initial": "初报", "follow_up": "续报", "verified": "核报"}
FIGURE_LABELS = {
    "affected": "受灾人口(人)",
    "dead": "死亡人口(人)",
    "missing": "失踪人口(人)",
    "injured": "受伤人口(人)",
    "evacuated": "紧急转移人口(人)",
    "resettled": "安置人口(人)",
    "houses_collapsed": "倒塌房屋(间)",
    "houses_severe": "严重损坏房屋(间)",
    "houses_light": "一般损坏房屋(间)",
    "crops_affected_ha": "农作物受灾面积(公顷)",
    "crops_lost_ha": "农作物绝收面积(公顷)",
    "loss_10k_yuan": "直接经济损失(万元)",
}
HEADERS = (
    ["乡镇", "村(社区)", "报告类型", "序号", "上报时间", "上报人"]
    + [FIGURE_LABELS[f] for f in FIGURES]
    + ["说明", "数字下调原因"]
)


def rows(actor, event) -> list[list]:
    out = []
    # In the order of the region tree (the county's own list of townships and villages).
    for r in sorted(event_reports(actor, event), key=lambda r: (r.region.path, r.seq)):
        town = r.region.parent.name if r.region and r.region.parent else ""
        out.append(
            [
                town,
                r.region.name,
                KIND_LABELS[r.kind],
                r.seq,
                r.reported_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
                r.reporter.display_name if r.reporter else "",
                *(getattr(r, f) for f in FIGURES),
                r.note or "",
                r.reason or "",
            ]
        )
    return out


def export(actor, event_id, fmt: str) -> tuple[bytes, str]:
    """The file's bytes and its name; the export is audited (the figures leave the system)."""
    event = get_event(actor, event_id)
    data = rows(actor, event)
    record(actor, f"disaster.export_{fmt}", "disaster_event", event.id, actor.region_id, {"rows": len(data)})
    name = f"灾情报告-{event.name}.{fmt}"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(HEADERS)
        for row in data:
            writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else csv_value(v) for v in row])
        # With a BOM: Excel in China opens UTF-8 CSV as GBK without one.
        return ("\ufeff" + buf.getvalue()).encode("utf-8"), name
    wb = Workbook()
    ws = wb.active
    ws.title = "灾情报告"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    first_decimal = 7 + FIGURES.index(DECIMALS[0])
    for row in data:
        # What officers typed (the note, the reason, names) is text, never a formula, and
        # readable by XML (core/sheets.py).
        ws.append([readable(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
        for col in range(first_decimal, first_decimal + len(DECIMALS)):
            ws.cell(row=ws.max_row, column=col).number_format = "0.00"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), name
