"""What people typed, in the files the county's offices open (core/sheets.py): a stray control
character must not break the export (XML 1.0 cannot hold it: openpyxl raised and the ledger
answered 500, found by schemathesis), and text that looks like a formula must stay text."""

import csv
import io

import openpyxl

from .disasters.helpers import EVENTS, open_event, report_body
from .reports.life import file_report

TYPED = '=HYPERLINK("http://evil.example/","点这里")\x07 挡土墙\x1b开裂'
READ_BACK = '=HYPERLINK("http://evil.example/","点这里")\ufffd 挡土墙\ufffd开裂'


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def _cells(ws):
    return [cell for row in ws.iter_rows() for cell in row if cell.value is not None]


def test_the_hazard_ledger_keeps_typed_text_as_text_with_control_characters(auth):
    file_report(auth("officer1"), description=TYPED)
    desk = auth("duty")

    xlsx = desk.get("/api/v1/reports/ledger.xlsx")
    assert xlsx.status_code == 200, xlsx.json
    [cell] = [c for c in _cells(_sheet(xlsx.data)) if "挡土墙" in str(c.value)]
    assert cell.value == READ_BACK
    assert cell.data_type == "s"  # a string, not a formula

    got = desk.get("/api/v1/reports/ledger.csv")
    assert got.status_code == 200
    rows = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    [value] = [v for row in rows for v in row if "挡土墙" in v]
    assert value == "'" + TYPED  # an apostrophe first: a spreadsheet shows it, never runs it


def test_the_disaster_export_keeps_typed_text_as_text_with_control_characters(auth, ids):
    event = open_event(auth, ids)
    filed = auth("officer1").post(f"{EVENTS}/{event['id']}/reports", json=report_body(note=TYPED))
    assert filed.status_code == 201, filed.json
    desk = auth("duty")

    xlsx = desk.get(f"{EVENTS}/{event['id']}/reports.xlsx")
    assert xlsx.status_code == 200, xlsx.json
    [cell] = [c for c in _cells(_sheet(xlsx.data)) if "挡土墙" in str(c.value)]
    assert cell.value == READ_BACK
    assert cell.data_type == "s"

    got = desk.get(f"{EVENTS}/{event['id']}/reports.csv")
    rows = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    [value] = [v for row in rows for v in row if "挡土墙" in v]
    assert value == "'" + TYPED
