"""Cells for the files the county's offices open (XLSX with openpyxl, CSV for Excel), made from
text people typed. Two things such text must never do:

- break the file: XML 1.0 has no place for most control characters (a description pasted with a
  stray \\x07 made openpyxl raise and the whole export fail), so each one is written as U+FFFD,
  which shows where something unreadable was;
- run as a formula: an XLSX cell is written as text, whatever it starts with; a CSV cell that a
  spreadsheet would take for a formula (=, +, -, @, a tab or a carriage return first) gets an
  apostrophe before it, as OWASP advises for CSV injection."""

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def readable(value):
    """Text with the characters XML cannot hold replaced; anything else as it is."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def text_cell(ws, value, bold: bool = False) -> WriteOnlyCell:
    """A write-only sheet's cell; text is stored as text, never as a formula."""
    value = readable(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_value(ws, value):
    """A value for a write-only sheet's row: as it is (openpyxl's fast path), but text made
    readable, and text openpyxl would take for a formula written as a text cell."""
    value = readable(value)
    if isinstance(value, str) and value.startswith("="):
        return text_cell(ws, value)
    return value


def csv_value(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
