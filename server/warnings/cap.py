"""CAP 1.2 (OASIS Common Alerting Protocol) for warnings: plain data in, XML bytes out; no model, no app.

The national early-warning system (GB/T 35965.1) exchanges CAP 1.2 with its own identifier form and
Chinese event words; this module follows what of it is known here (see `identifier`) and the OASIS
schema for the rest. Every string goes through `clean_text`, so no title typed on a phone can make
the XML unreadable to an alert hub.
"""

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_MIME = "application/cap+xml"
# China keeps one offset all year; CAP times are written in it, as the national system writes them.
CHINA = timezone(timedelta(hours=8), "CST")

KINDS = ("typhoon", "rainstorm", "flood", "geological", "forest_fire", "heat", "cold_wave", "other")
LEVELS = ("blue", "yellow", "orange", "red")
MSG_TYPES = {"alert": "Alert", "update": "Update", "cancel": "Cancel"}

# The words of the spec (and of the phone): the kind's word, then the colour's word and 预警.
KIND_WORDS = {
    "typhoon": "台风",
    "rainstorm": "暴雨",
    "flood": "洪水",
    "geological": "地质灾害",
    "forest_fire": "森林火险",
    "heat": "高温",
    "cold_wave": "寒潮",
    "other": "其他",
}
LEVEL_WORDS = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}

# CAP 1.2 categories: Met covers weather and flood, Geo covers landslides and other ground hazards.
CATEGORY = {
    "typhoon": "Met",
    "rainstorm": "Met",
    "flood": "Met",
    "geological": "Geo",
    "forest_fire": "Fire",
    "heat": "Met",
    "cold_wave": "Met",
    "other": "Other",
}
# level -> (urgency, severity, certainty). A colour warning is a forecast of what is coming, so the
# certainty is Likely, and Possible for blue (the lowest: "may reach"); red calls for action now.
LEVEL_CAP = {
    "red": ("Immediate", "Extreme", "Likely"),
    "orange": ("Expected", "Severe", "Likely"),
    "yellow": ("Expected", "Moderate", "Likely"),
    "blue": ("Future", "Minor", "Possible"),
}
# A cancellation (解除) says the threat is over: urgency Past, and the one response is AllClear.
CANCEL_URGENCY = "Past"
CANCEL_RESPONSE = "AllClear"

# Characters XML 1.0 cannot carry at all (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# CAP 1.2 (3.2.1): identifier and sender "MUST NOT include spaces, commas or restricted characters
# (< and &)".
_CAP_TOKEN = re.compile(r"^[^\s,<&]+$")
# GB/T 35965.1 as found (see `identifier`): 6-digit GB/T 2260 code, 3-digit organisation code
# (GB/T 4657), 3-digit internal unit code, 2-digit extension.
_UNIT_CODE = re.compile(r"^\d{14}$")
_REGION_CODE = re.compile(r"^\d{6,12}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")  # xs:language
_CAP_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")


def clean_text(value) -> str:
    """The text with what XML 1.0 cannot hold dropped and line ends as \\n (a parser turns a bare
    CR into LF anyway: saying so here keeps what is written what is read); None as ''. Markup
    characters are escaped by the serialiser, not removed."""
    if value is None:
        return ""
    return _NOT_XML.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")


def event_words(kind: str, level: str) -> str:
    """台风红色预警: the kind's word, the colour's word, 预警. For "other" only 红色预警 etc., as
    "其他红色预警" is not something a county would print."""
    _check_kind_level(kind, level)
    head = "" if kind == "other" else KIND_WORDS[kind]
    return f"{head}{LEVEL_WORDS[level]}预警"


def cap_time(at: datetime) -> str:
    """2026-12-02T08:00:00+08:00: seconds (truncated), China's offset. A naive time is UTC, as the
    database keeps it (SQLite hands times back without their zone)."""
    if not isinstance(at, datetime):
        raise ValueError("a time must be a datetime")
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(CHINA).replace(microsecond=0).isoformat()


def unit_code(region_code: str, org_code: str = "000", unit: str | None = None, ext: str = "00") -> str:
    """The 14-digit issuing unit code ZZZZZZ DDD UUU XX built from the desk's region code.

    ZZZZZZ is the county's GB/T 2260 code (the first 6 digits). UUU is the unit's internal code
    ("000" by default in the standard); for a township or village desk we put the township's three
    digits (GB/T 10114, digits 7-9) there unless told otherwise, so two townships of one county
    issuing in the same second never make the same identifier. DDD is the organisation's GB/T 4657
    code, which the county must supply (its value for an emergency office was not found: "000")."""
    region_code = str(region_code)
    if not _REGION_CODE.match(region_code):
        raise ValueError("region code must be 6-12 digits (GB/T 2260 / GB/T 10114)")
    if unit is None:
        unit = region_code[6:9] if len(region_code) >= 9 else "000"
    for name, value, width in (("org_code", org_code, 3), ("unit", unit, 3), ("ext", ext, 2)):
        if not re.fullmatch(rf"\d{{{width}}}", str(value)):
            raise ValueError(f"{name} must be {width} digits")
    return f"{region_code[:6]}{org_code}{unit}{ext}"


def identifier(sender_code: str, issued_at: datetime, seq: int) -> str:
    """GB/T 35965.1 form as found: ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N (31 characters).

    sender_code: the 14-digit unit code (`unit_code`), or a 6-12 digit region code made into one.
    issued_at: the entry time, written in Beijing time. seq: N, the message's number among those of
    the same unit in the same second, 0-9 from 0. An eleventh message in one second has no number
    in that form: ValueError, and the caller takes the next second."""
    code = str(sender_code)
    if not _UNIT_CODE.match(code):
        code = unit_code(code)
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= 9:
        raise ValueError("seq must be 0-9 (GB/T 35965.1: one digit per unit and second)")
    if not isinstance(issued_at, datetime):
        raise ValueError("issued_at must be a datetime")
    local = (issued_at if issued_at.tzinfo else issued_at.replace(tzinfo=UTC)).astimezone(CHINA)
    return f"{code}_{local:%Y%m%d%H%M%S}_{seq}"


def region_geocode(region_code: str) -> tuple[str, str]:
    """(valueName, value) of an area geocode for a region: a county's code is GB/T 2260, a
    township's or village's (9 or 12 digits) is built by GB/T 10114's rules."""
    region_code = str(region_code)
    if not _REGION_CODE.match(region_code):
        raise ValueError("region code must be 6-12 digits (GB/T 2260 / GB/T 10114)")
    return ("GB/T 2260" if len(region_code) == 6 else "GB/T 10114", region_code)


def identifier_prefix(sender_code: str, issued_at: datetime) -> str:
    """The identifier without its N: what to count (LIKE 'prefix%') to choose the next seq."""
    return identifier(sender_code, issued_at, 0)[:-1]


@dataclass(frozen=True)
class CapMessage:
    """One CAP alert: plain values, checked on creation (ValueError says which)."""

    identifier: str
    sender: str
    sent: datetime
    msg_type: str  # alert|update|cancel (or Alert|Update|Cancel)
    kind: str
    level: str
    title: str
    body: str
    area_desc: str
    instructions: str = ""
    onset: datetime | None = None
    expires: datetime | None = None
    sender_name: str = ""
    contact: str = ""
    web: str = ""
    # (sender, identifier, sent) of the earlier messages this one updates or cancels.
    references: tuple = ()
    polygon: tuple | None = None  # ((lat, lon), ...) WGS-84, 3 or more points, closed or not
    geocodes: tuple = ()  # ((valueName, value), ...) e.g. ("GB/T 2260", "330327")
    status: str = "Actual"
    scope: str = "Public"
    language: str = "zh-CN"
    event: str = field(default="")  # '' -> event_words(kind, level)

    def __post_init__(self):
        set_ = object.__setattr__
        for name in ("identifier", "sender"):
            value = clean_text(getattr(self, name))
            if not _CAP_TOKEN.match(value):
                raise ValueError(f"{name} must be non-empty, without spaces, commas, < or &")
            set_(self, name, value)
        msg_type = MSG_TYPES.get(str(self.msg_type).lower())
        if msg_type is None:
            raise ValueError("msg_type must be alert, update or cancel")
        set_(self, "msg_type", msg_type)
        _check_kind_level(self.kind, self.level)
        if self.status not in ("Actual", "Exercise", "System", "Test", "Draft"):
            raise ValueError("status is not a CAP 1.2 status")
        if not _LANGUAGE.match(str(self.language)):
            raise ValueError("language must be a language tag such as zh-CN")
        if self.scope != "Public":
            raise ValueError("only Public scope is written (a warning is for everyone in its area)")
        for name in ("sent", "onset", "expires"):
            value = getattr(self, name)
            if value is not None or name == "sent":
                cap_time(value)  # raises on a non-datetime
        if self.onset is not None and self.expires is not None and _utc(self.expires) <= _utc(self.onset):
            raise ValueError("expires must be after onset")
        refs = tuple(_reference(r) for r in self.references or ())
        if msg_type != "Alert" and not refs:
            raise ValueError("an update or a cancel must reference the message it follows")
        set_(self, "references", refs)
        set_(self, "polygon", _polygon(self.polygon))
        set_(self, "geocodes", tuple(_geocode(g) for g in self.geocodes or ()))


def to_xml(msg: CapMessage) -> bytes:
    """The CAP 1.2 document, UTF-8, valid against the OASIS CAP 1.2 schema."""
    alert = ET.Element(_q("alert"))
    _sub(alert, "identifier", msg.identifier)
    _sub(alert, "sender", msg.sender)
    _sub(alert, "sent", cap_time(msg.sent))
    _sub(alert, "status", msg.status)
    _sub(alert, "msgType", msg.msg_type)
    _sub(alert, "scope", msg.scope)
    if msg.references:
        _sub(alert, "references", " ".join(",".join(r) for r in msg.references))

    info = _sub(alert, "info")
    _sub(info, "language", msg.language)
    _sub(info, "category", CATEGORY[msg.kind])
    _sub(info, "event", clean_text(msg.event) or event_words(msg.kind, msg.level))
    urgency, severity, certainty = LEVEL_CAP[msg.level]
    if msg.msg_type == "Cancel":
        _sub(info, "responseType", CANCEL_RESPONSE)
        urgency = CANCEL_URGENCY
    _sub(info, "urgency", urgency)
    _sub(info, "severity", severity)
    _sub(info, "certainty", certainty)
    if msg.onset is not None:
        _sub(info, "onset", cap_time(msg.onset))
    if msg.expires is not None:
        _sub(info, "expires", cap_time(msg.expires))
    for tag, value in (
        ("senderName", msg.sender_name),
        ("headline", msg.title),
        ("description", msg.body),
        ("instruction", msg.instructions),
        ("web", msg.web),
        ("contact", msg.contact),
    ):
        text = clean_text(value)
        if text:
            _sub(info, tag, text)
    # The colour as the national system and the phone name it, for readers that show it.
    param = _sub(info, "parameter")
    _sub(param, "valueName", "level")
    _sub(param, "value", msg.level)

    area = _sub(info, "area")
    _sub(area, "areaDesc", clean_text(msg.area_desc) or "预警区域")
    if msg.polygon:
        _sub(area, "polygon", " ".join(f"{lat},{lon}" for lat, lon in msg.polygon))
    for name, value in msg.geocodes:
        code = _sub(area, "geocode")
        _sub(code, "valueName", name)
        _sub(code, "value", value)
    return ET.tostring(alert, encoding="UTF-8", xml_declaration=True, default_namespace=CAP_NS)


def _q(tag: str) -> str:
    return f"{{{CAP_NS}}}{tag}"


def _sub(parent, tag: str, text: str | None = None):
    el = ET.SubElement(parent, _q(tag))
    if text is not None:
        el.text = clean_text(text)
    return el


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _check_kind_level(kind, level) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")


def _reference(ref) -> tuple[str, str, str]:
    try:
        sender, ident, sent = ref
    except (TypeError, ValueError):
        raise ValueError("a reference is (sender, identifier, sent)") from None
    sender, ident = clean_text(sender), clean_text(ident)
    if not _CAP_TOKEN.match(sender) or not _CAP_TOKEN.match(ident):
        raise ValueError("a reference's sender and identifier must be without spaces, commas, < or &")
    if isinstance(sent, str):
        if not _CAP_TIME.match(sent):
            raise ValueError("a reference's sent must be written as 2026-12-02T08:00:00+08:00")
        return sender, ident, sent
    return sender, ident, cap_time(sent)


def _geocode(pair) -> tuple[str, str]:
    try:
        name, value = pair
    except (TypeError, ValueError):
        raise ValueError("a geocode is (valueName, value)") from None
    name, value = clean_text(name), clean_text(value)
    if not name or not value:
        raise ValueError("a geocode needs a valueName and a value")
    return name, value


def _coord(value, limit: float, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number")
    if not -limit <= value <= limit:
        raise ValueError(f"{name} must be within ±{limit:g}")
    # Six decimals is 0.1 m: more is noise from the map, and keeps the file short.
    text = f"{round(float(value), 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _polygon(points) -> tuple | None:
    """((lat, lon), ...) as CAP text pairs, closed (first point repeated last), 4 or more pairs."""
    if points is None:
        return None
    pairs = []
    for point in points:
        try:
            lat, lon = point
        except (TypeError, ValueError):
            raise ValueError("a polygon point is (lat, lon)") from None
        pairs.append((_coord(lat, 90, "lat"), _coord(lon, 180, "lon")))
    if pairs and pairs[0] != pairs[-1]:
        pairs.append(pairs[0])
    if len(set(pairs)) < 3:
        raise ValueError("a polygon needs at least 3 distinct points")
    return tuple(pairs)
