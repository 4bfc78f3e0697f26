"""A shelter's printable QR poster: the QR of PUBLIC_BASE_URL/s/<code>, as an HTML page to print
on A4, an A4 SVG and an A4 PDF, shown only to those who run the shelter."""

import io
import re
import unicodedata
from xml.sax.saxutils import escape

import segno
from flask import current_app, render_template
from markupsafe import Markup

from ..core.schemas import dial_form
from ..errors import not_found
from . import service
from .models import Shelter

# Q: a poster gets rained on, torn and taped over; a short URL still gives a small version.
ERROR = "q"
# Four modules of white around the code, as the QR standard asks: scanners need it.
QUIET_ZONE = 4
KIND_LABELS = {"county": "县级避灾安置场所", "township": "乡镇级避灾安置场所", "village": "村级避灾安置点"}
INSTRUCTIONS = "用微信“扫一扫”或手机相机扫描二维码登记入住；无需注册；登记信息仅用于安置管理"
INSTRUCTIONS_EN = "Scan with WeChat or your phone camera to check in. No account needed."
TYPE_IT = "无法扫码时，在手机浏览器输入："


def instruction_lines() -> list[str]:
    """One clause a line, each ending in its semicolon: read from two metres away."""
    clauses = INSTRUCTIONS.split("；")
    return [c + "；" for c in clauses[:-1]] + clauses[-1:]


def poster_shelter(actor, shelter_id) -> Shelter:
    """The shelter, to its region's desk and its own managers; to anyone else it does not exist
    (a poster is the key to the shelter's door, so it is not handed out inside the region)."""
    shelter = service.get_shelter(actor, shelter_id)
    if not service.manages(actor, shelter):
        raise not_found("shelter")
    return shelter


def checkin_url(shelter: Shelter) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/s/{shelter.code}"


def qr_for(shelter: Shelter) -> segno.QRCode:
    # boost_error: a higher level when it fits in the same size, never a lower one.
    return segno.make_qr(checkin_url(shelter), error=ERROR, boost_error=True)


def qr_svg_inline(qr: segno.QRCode) -> Markup:
    """The QR as an <svg> element with its quiet zone, sized by CSS."""
    svg = qr.svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, dark="#000", light="#fff")
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="登记入住二维码" ', 1))  # noqa: S704 - segno's own markup


def _width(text: str) -> float:
    """Rough printed width in ems: CJK and full-width characters one, the rest about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def wrap(text: str, ems: float, max_lines: int) -> list[str]:
    """Lines of at most `ems` wide; the last one ends in … when the text does not fit."""
    lines, line = [], ""
    for char in text:
        if _width(line + char) > ems:
            lines.append(line)
            line = char.lstrip()
        else:
            line += char
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def name_size(name: str) -> str:
    """A size class for the name: as big as fits the sheet's width in at most two lines."""
    width = _width(name)
    return "xl" if width <= 10 else "l" if width <= 16 else "m" if width <= 28 else "s"


def poster_html(shelter: Shelter) -> str:
    return render_template(
        "shelters/poster.html",
        shelter=shelter,
        kind=KIND_LABELS.get(shelter.kind, ""),
        url=checkin_url(shelter),
        qr=qr_svg_inline(qr_for(shelter)),
        name_size=name_size(shelter.name),
        instructions=instruction_lines(),
        instructions_en=INSTRUCTIONS_EN,
        type_it=TYPE_IT,
        phone=dial_form(shelter.contact_phone),
    )


# --- A4 files: millimetres, the page 210 x 297 --------------------------------------------

_PAGE_W, _PAGE_H = 210, 297
_QR_MM = 120
_FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


def _layout(shelter: Shelter) -> dict:
    """Where each part goes, in mm from the top left, shared by the SVG and the PDF."""
    name_pt = {"xl": 16, "l": 12, "m": 9, "s": 7}[name_size(shelter.name)]
    name_lines = wrap(shelter.name, (_PAGE_W - 30) / name_pt, 2)
    address_lines = wrap(shelter.address or "", (_PAGE_W - 30) / 6, 2)
    instructions = [part for line in instruction_lines() for part in wrap(line, (_PAGE_W - 30) / 5.6, 2)]
    return {
        "kind": KIND_LABELS.get(shelter.kind, ""),
        "name": (name_pt, name_lines),
        "address": address_lines,
        "instructions": instructions,
        "url": checkin_url(shelter),
        "phone": dial_form(shelter.contact_phone),
    }


def _svg_text(x: float, y: float, size: float, text: str, weight: int = 400, mono: bool = False) -> str:
    family = "'DejaVu Sans Mono', monospace" if mono else _FONT
    return (
        f'<text x="{x}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
        f'font-family="{escape(family, {chr(39): "&apos;"})}" text-anchor="middle">{escape(text)}</text>'
    )


def _qr_path(qr: segno.QRCode) -> tuple[str, int]:
    """The dark modules as one path in module units, and the side with the quiet zone."""
    svg = qr.svg_inline(scale=1, border=QUIET_ZONE, omitsize=True)
    side = qr.symbol_size(scale=1, border=QUIET_ZONE)[0]
    path = re.search(r'd="([^"]+)"', svg).group(1)
    return path, side


def poster_svg(shelter: Shelter) -> str:
    lay = _layout(shelter)
    cx = _PAGE_W / 2
    parts = [
        f'<rect width="{_PAGE_W}" height="{_PAGE_H}" fill="#fff"/>',
        f'<rect x="0" y="0" width="{_PAGE_W}" height="10" fill="#c62828"/>',
        _svg_text(cx, 24, 6, lay["kind"], 700),
    ]
    y = 24
    size, lines = lay["name"]
    for line in lines:
        y += size * 1.25
        parts.append(_svg_text(cx, y, size, line, 700))
    for line in lay["address"]:
        y += 8
        parts.append(_svg_text(cx, y, 6, line))
    path, side = _qr_path(qr_for(shelter))
    top = max(y + 6, 78)
    scale = _QR_MM / side
    parts.append(
        f'<g transform="translate({cx - _QR_MM / 2:.2f} {top:.2f}) scale({scale:.5f})">'
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path d="{path}" stroke="#000" fill="none"/></g>'
    )
    y = top + _QR_MM + 4
    parts.append(_svg_text(cx, y + 4, 4.2, TYPE_IT))
    parts.append(_svg_text(cx, y + 11, 5, lay["url"], 700, mono=True))
    y += 13
    for line in lay["instructions"]:
        y += 8
        parts.append(_svg_text(cx, y, 5.6, line, 700))
    parts.append(_svg_text(cx, y + 8, 4.2, INSTRUCTIONS_EN))
    if lay["phone"]:
        parts.append(_svg_text(cx, _PAGE_H - 12, 4.6, f"安置点电话 {lay['phone']}"))
    body = "".join(parts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_PAGE_W}mm" height="{_PAGE_H}mm" '
        f'viewBox="0 0 {_PAGE_W} {_PAGE_H}">'
        f"<title>{escape(shelter.name)}</title>{body}</svg>\n"
    )


def poster_pdf(shelter: Shelter) -> bytes:
    """The same sheet as a one-page A4 PDF. STSong-Light is one of the CID fonts every PDF reader
    carries, so the file needs no embedded font and stays small."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lay = _layout(shelter)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(shelter.name)
    height = A4[1]
    cx = A4[0] / 2

    def text(y_mm: float, size_mm: float, line: str, font: str = "STSong-Light") -> None:
        pdf.setFont(font, size_mm * mm)
        pdf.drawCentredString(cx, height - y_mm * mm, line)

    pdf.setFillColorRGB(0.776, 0.157, 0.157)
    pdf.rect(0, height - 10 * mm, A4[0], 10 * mm, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    text(24, 6, lay["kind"])
    y = 24
    size, lines = lay["name"]
    for line in lines:
        y += size * 1.25
        text(y, size, line)
    for line in lay["address"]:
        y += 8
        text(y, 6, line)
    qr = qr_for(shelter)
    top = max(y + 6, 78)
    side = qr.symbol_size(scale=1, border=QUIET_ZONE)[0]
    module = _QR_MM * mm / side
    left = cx - _QR_MM * mm / 2
    for r, row in enumerate(qr.matrix):
        for c, dark in enumerate(row):
            if dark:
                x = left + (c + QUIET_ZONE) * module
                yy = height - top * mm - (r + QUIET_ZONE + 1) * module
                # A hair wider than a module, so no white seam shows between neighbours.
                pdf.rect(x, yy, module + 0.05, module + 0.05, stroke=0, fill=1)
    y = top + _QR_MM + 4
    text(y + 4, 4.2, TYPE_IT)
    text(y + 11, 5, lay["url"], "Courier-Bold")
    y += 13
    for line in lay["instructions"]:
        y += 8
        text(y, 5.6, line)
    text(y + 8, 4.2, INSTRUCTIONS_EN, "Helvetica")
    if lay["phone"]:
        text(_PAGE_H - 12, 4.6, f"安置点电话 {lay['phone']}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def filename(shelter: Shelter, ext: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "", shelter.name) or "shelter"
    return f"{safe}-二维码海报.{ext}"
