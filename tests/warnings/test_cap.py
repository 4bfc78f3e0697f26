"""CAP 1.2 output of warnings: an alert, an update and a cancel valid against the OASIS schema,
the kind/level mapping, the GB/T 35965.1 identifier, and any text a desk may type."""

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from server.warnings import cap

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "CAP-v1.2-schema.xsd")))
NS = {"c": cap.CAP_NS}
ISSUED = datetime(2026, 12, 2, 0, 0, 0, 654321, tzinfo=UTC)  # 08:00 in China
SENDER = "33032700010100"


def parse_valid(xml: bytes):
    """The parsed document, after the OASIS schema has accepted it (the log says why not)."""
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    doc = etree.fromstring(xml)
    assert XSD.validate(doc), str(XSD.error_log)
    return doc


def text(doc, path):
    found = doc.xpath(path, namespaces=NS)
    return [el.text for el in found]


def message(**over):
    values = dict(
        identifier=cap.identifier(SENDER, ISSUED, 0),
        sender=SENDER,
        sent=ISSUED,
        msg_type="alert",
        kind="typhoon",
        level="red",
        title="县防指发布台风红色预警",
        body="受今年第12号台风影响，预计未来24小时我县有12级以上大风。",
        instructions="沿海村居人员立即转移到避灾安置场所。",
        onset=ISSUED,
        expires=ISSUED + timedelta(hours=24),
        sender_name="泰顺县防汛防台抗旱指挥部",
        contact="0577-67589110",
        area_desc="城关镇, 罗阳镇",
        polygon=[(27.55, 119.71), (27.60, 119.80), (27.52, 119.86)],
        geocodes=[cap.region_geocode("330329101"), cap.region_geocode("330329102")],
        web="https://yj.example.gov.cn/warnings/0b2f8d7e-3c44-4b4a-9b0e-2e0e0e0e0e0e",
    )
    values.update(over)
    return cap.CapMessage(**values)


def test_an_alert_is_valid_cap_and_says_what_the_desk_issued():
    doc = parse_valid(cap.to_xml(message()))
    assert doc.tag == f"{{{cap.CAP_NS}}}alert"
    assert text(doc, "c:identifier") == ["33032700010100_20261202080000_0"]
    assert text(doc, "c:sender") == [SENDER]
    assert text(doc, "c:sent") == ["2026-12-02T08:00:00+08:00"]
    assert text(doc, "c:status") == ["Actual"]
    assert text(doc, "c:msgType") == ["Alert"]
    assert text(doc, "c:scope") == ["Public"]
    assert doc.xpath("c:references", namespaces=NS) == []
    info = doc.xpath("c:info", namespaces=NS)
    assert len(info) == 1
    assert text(doc, "c:info/c:language") == ["zh-CN"]
    assert text(doc, "c:info/c:category") == ["Met"]
    assert text(doc, "c:info/c:event") == ["台风红色预警"]
    assert text(doc, "c:info/c:urgency") == ["Immediate"]
    assert text(doc, "c:info/c:severity") == ["Extreme"]
    assert text(doc, "c:info/c:certainty") == ["Likely"]
    assert doc.xpath("c:info/c:responseType", namespaces=NS) == []
    assert text(doc, "c:info/c:onset") == ["2026-12-02T08:00:00+08:00"]
    assert text(doc, "c:info/c:expires") == ["2026-12-03T08:00:00+08:00"]
    assert text(doc, "c:info/c:senderName") == ["泰顺县防汛防台抗旱指挥部"]
    assert text(doc, "c:info/c:headline") == ["县防指发布台风红色预警"]
    assert text(doc, "c:info/c:description") == ["受今年第12号台风影响，预计未来24小时我县有12级以上大风。"]
    assert text(doc, "c:info/c:instruction") == ["沿海村居人员立即转移到避灾安置场所。"]
    assert text(doc, "c:info/c:contact") == ["0577-67589110"]
    assert text(doc, "c:info/c:web") == [
        "https://yj.example.gov.cn/warnings/0b2f8d7e-3c44-4b4a-9b0e-2e0e0e0e0e0e"
    ]
    assert text(doc, "c:info/c:parameter/c:valueName") == ["level"]
    assert text(doc, "c:info/c:parameter/c:value") == ["red"]
    assert text(doc, "c:info/c:area/c:areaDesc") == ["城关镇, 罗阳镇"]
    # CAP polygons are "lat,lon" pairs with the first point repeated last.
    assert text(doc, "c:info/c:area/c:polygon") == ["27.55,119.71 27.6,119.8 27.52,119.86 27.55,119.71"]
    assert text(doc, "c:info/c:area/c:geocode/c:valueName") == ["GB/T 10114", "GB/T 10114"]
    assert text(doc, "c:info/c:area/c:geocode/c:value") == ["330329101", "330329102"]


def test_an_update_references_the_first_message_and_is_valid():
    first = message()
    update = message(
        identifier=cap.identifier(SENDER, ISSUED + timedelta(hours=3), 0),
        sent=ISSUED + timedelta(hours=3),
        msg_type="update",
        level="orange",
        title="台风预警降为橙色",
        references=[(first.sender, first.identifier, first.sent)],
    )
    doc = parse_valid(cap.to_xml(update))
    assert text(doc, "c:msgType") == ["Update"]
    assert text(doc, "c:references") == [
        f"{SENDER},33032700010100_20261202080000_0,2026-12-02T08:00:00+08:00"
    ]
    assert text(doc, "c:info/c:event") == ["台风橙色预警"]
    assert text(doc, "c:info/c:severity") == ["Severe"]
    assert text(doc, "c:info/c:urgency") == ["Expected"]


def test_a_cancel_says_all_clear_references_every_earlier_message_and_is_valid():
    first = message()
    second = message(
        identifier=cap.identifier(SENDER, ISSUED, 1), msg_type="update", references=[("a", "b", ISSUED)]
    )
    cancel = message(
        identifier=cap.identifier(SENDER, ISSUED + timedelta(hours=9), 0),
        sent=ISSUED + timedelta(hours=9),
        msg_type="cancel",
        title="解除台风红色预警",
        instructions="",
        polygon=None,
        references=[
            (first.sender, first.identifier, first.sent),
            (second.sender, second.identifier, "2026-12-02T08:00:00+08:00"),
        ],
    )
    doc = parse_valid(cap.to_xml(cancel))
    assert text(doc, "c:msgType") == ["Cancel"]
    assert text(doc, "c:references")[0].split(" ") == [
        f"{SENDER},33032700010100_20261202080000_0,2026-12-02T08:00:00+08:00",
        f"{SENDER},33032700010100_20261202080000_1,2026-12-02T08:00:00+08:00",
    ]
    assert text(doc, "c:info/c:responseType") == ["AllClear"]
    assert text(doc, "c:info/c:urgency") == ["Past"]
    # Nothing to do, nothing written; no polygon, the regions' codes say the area.
    assert doc.xpath("c:info/c:instruction | c:info/c:area/c:polygon", namespaces=NS) == []
    assert text(doc, "c:info/c:area/c:geocode/c:value") == ["330329101", "330329102"]


@pytest.mark.parametrize("kind", cap.KINDS)
@pytest.mark.parametrize("level", cap.LEVELS)
def test_every_kind_and_level_maps_to_cap_words_and_chinese_event_words(kind, level):
    doc = parse_valid(cap.to_xml(message(kind=kind, level=level)))
    urgency, severity, certainty = cap.LEVEL_CAP[level]
    assert text(doc, "c:info/c:category") == [cap.CATEGORY[kind]]
    assert text(doc, "c:info/c:urgency") == [urgency]
    assert text(doc, "c:info/c:severity") == [severity]
    assert text(doc, "c:info/c:certainty") == [certainty]
    event = text(doc, "c:info/c:event")[0]
    assert event.endswith(cap.LEVEL_WORDS[level] + "预警")
    assert event == cap.event_words(kind, level)


def test_event_words_read_as_a_county_prints_them():
    assert cap.event_words("typhoon", "red") == "台风红色预警"
    assert cap.event_words("rainstorm", "blue") == "暴雨蓝色预警"
    assert cap.event_words("geological", "orange") == "地质灾害橙色预警"
    assert cap.event_words("forest_fire", "yellow") == "森林火险黄色预警"
    assert cap.event_words("cold_wave", "blue") == "寒潮蓝色预警"
    assert cap.event_words("other", "red") == "红色预警"
    with pytest.raises(ValueError):
        cap.event_words("earthquake", "red")
    with pytest.raises(ValueError):
        cap.event_words("typhoon", "green")


def test_the_cap_severity_ladder_follows_the_colours():
    order = ["Minor", "Moderate", "Severe", "Extreme"]
    assert [order.index(cap.LEVEL_CAP[lv][1]) for lv in cap.LEVELS] == [0, 1, 2, 3]


# -- the identifier (GB/T 35965.1 form as found: ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N) ---------------


def test_the_identifier_is_the_unit_code_the_beijing_entry_time_and_a_digit():
    at = datetime(2026, 12, 1, 16, 30, 5, 999999, tzinfo=UTC)  # 00:30:05 on 2 December in China
    ident = cap.identifier("33032700010100", at, 3)
    assert ident == "33032700010100_20261202003005_3"
    assert len(ident) == 31
    # Any offset, the same instant, the same identifier; a naive time is UTC, as the database keeps it.
    assert cap.identifier("33032700010100", at.astimezone(timezone(timedelta(hours=-5))), 3) == ident
    assert cap.identifier("33032700010100", at.replace(tzinfo=None), 3) == ident


def test_a_region_code_becomes_a_unit_code_that_tells_townships_apart():
    assert cap.unit_code("330327") == "33032700000000"
    assert cap.unit_code("330327101") == "33032700010100"
    assert cap.unit_code("330327101207") == "33032700010100"  # a village desk issues as its township
    assert cap.unit_code("330327101", org_code="416") == "33032741610100"
    assert cap.identifier("330327101", ISSUED, 0) != cap.identifier("330327102", ISSUED, 0)
    assert cap.identifier_prefix("330327101", ISSUED) == "33032700010100_20261202080000_"


@pytest.mark.parametrize("code", ["", "3303", "33032710120799", "3303271012071", "abcdef", "330327 101"])
def test_a_code_that_is_neither_a_region_nor_a_unit_code_is_refused(code):
    if len(code) == 14 and code.isdigit():
        assert cap.identifier(code, ISSUED, 0).startswith(code)  # a full unit code is used as given
        return
    with pytest.raises(ValueError):
        cap.identifier(code, ISSUED, 0)


def test_region_geocodes_name_the_standard_of_their_code():
    assert cap.region_geocode("330327") == ("GB/T 2260", "330327")
    assert cap.region_geocode("330327101") == ("GB/T 10114", "330327101")
    assert cap.region_geocode("330327101207") == ("GB/T 10114", "330327101207")
    with pytest.raises(ValueError):
        cap.region_geocode("33032")


@given(
    st.lists(
        st.tuples(st.integers(1, 999), st.integers(0, 86399), st.integers(0, 9)),
        min_size=2,
        max_size=50,
        unique=True,
    )
)
def test_different_townships_seconds_or_numbers_never_share_an_identifier(keys):
    day = datetime(2026, 12, 2, tzinfo=cap.CHINA)
    idents = {cap.identifier(f"330327{t:03d}", day + timedelta(seconds=s), n) for t, s, n in keys}
    assert len(idents) == len(keys)


@pytest.mark.parametrize("seq", [-1, 10, 1.0, True, "1"])
def test_the_sequence_is_one_digit(seq):
    with pytest.raises(ValueError):
        cap.identifier(SENDER, ISSUED, seq)


@given(
    at=st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC)),
    seq=st.integers(0, 9),
    township=st.integers(1, 999),
)
def test_every_identifier_has_the_form_and_is_valid_in_cap(at, seq, township):
    ident = cap.identifier(f"330327{township:03d}", at, seq)
    assert re.fullmatch(r"\d{14}_\d{14}_\d", ident)
    assert ident[15:29] == at.astimezone(cap.CHINA).strftime("%Y%m%d%H%M%S")
    parse_valid(cap.to_xml(message(identifier=ident, sent=at, onset=None, expires=None)))


# -- what a message refuses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "over",
    [
        {"identifier": "has space"},
        {"identifier": "a,b"},
        {"sender": "a&b"},
        {"sender": ""},
        {"msg_type": "ack"},
        {"kind": "earthquake"},
        {"level": "green"},
        {"status": "Rumour"},
        {"scope": "Private"},
        {"sent": "2026-12-02"},
        {"expires": ISSUED},  # = onset
        {"msg_type": "update"},  # no references
        {"msg_type": "cancel", "references": [("a", "b")]},
        {"msg_type": "cancel", "references": [("a b", "c", ISSUED)]},
        {"msg_type": "cancel", "references": [("a", "c", "yesterday")]},
        {"polygon": [(27.0, 119.0), (27.1, 119.1)]},
        {"polygon": [(27.0, 119.0), (27.1, 119.1), (27.0, 119.0)]},  # closed triangle of 2 points
        {"polygon": [(91.0, 119.0), (27.1, 119.1), (27.2, 119.0)]},
        {"polygon": [(27.0, 181.0), (27.1, 119.1), (27.2, 119.0)]},
        {"polygon": [(float("nan"), 119.0), (27.1, 119.1), (27.2, 119.0)]},
        {"polygon": [(27.0, 119.0, 5.0), (27.1, 119.1), (27.2, 119.0)]},
        {"polygon": [("27.0", 119.0), (27.1, 119.1), (27.2, 119.0)]},
        {"geocodes": [("GB/T 2260", "")]},
        {"geocodes": ["330327"]},
        {"language": "zh CN"},
    ],
)
def test_a_message_that_cap_cannot_say_is_refused_with_a_reason(over):
    with pytest.raises(ValueError):
        message(**over)


def test_a_closed_polygon_is_not_closed_twice_and_keeps_its_precision_to_six_decimals():
    # As the JSON column gives it back: lists, not tuples.
    ring = [[27.1234567, 119.7], [27.6, 119.8], [27.5, 119.9], [27.1234567, 119.7]]
    doc = parse_valid(cap.to_xml(message(polygon=ring)))
    assert text(doc, "c:info/c:area/c:polygon") == ["27.123457,119.7 27.6,119.8 27.5,119.9 27.123457,119.7"]


def test_a_body_of_4000_characters_and_markup_in_every_field_stay_valid():
    body = ("<b>&amp;]]>'\"" + "暴雨" * 10)[:30] * 134
    doc = parse_valid(cap.to_xml(message(body=body[:4000], title="<script>&", area_desc="]]>")))
    assert text(doc, "c:info/c:description") == [body[:4000]]
    assert text(doc, "c:info/c:headline") == ["<script>&"]
    assert text(doc, "c:info/c:area/c:areaDesc") == ["]]>"]


# -- any Unicode a desk can type, any polygon it can draw ------------------------------------------

_any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
_lat = st.floats(-90, 90, allow_nan=False)
_lon = st.floats(-180, 180, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    title=_any_text,
    body=_any_text,
    instructions=_any_text,
    area_desc=_any_text,
    sender_name=_any_text,
    contact=_any_text,
    kind=st.sampled_from(cap.KINDS),
    level=st.sampled_from(cap.LEVELS),
    msg_type=st.sampled_from(["alert", "update", "cancel", "Alert", "Update", "Cancel"]),
    polygon=st.none() | st.lists(st.tuples(_lat, _lon), min_size=3, max_size=200),
    geocodes=st.lists(
        st.tuples(st.sampled_from(["GB/T 2260", "ADM"]), st.from_regex(r"\d{6,12}", fullmatch=True))
    ),
)
def test_any_text_polygon_kind_and_level_gives_valid_cap_that_reads_back(
    title, body, instructions, area_desc, sender_name, contact, kind, level, msg_type, polygon, geocodes
):
    try:
        msg = message(
            title=title,
            body=body,
            instructions=instructions,
            area_desc=area_desc,
            sender_name=sender_name,
            contact=contact,
            kind=kind,
            level=level,
            msg_type=msg_type,
            polygon=polygon,
            geocodes=geocodes,
            references=[(SENDER, cap.identifier(SENDER, ISSUED, 0), ISSUED)],
        )
    except ValueError as err:
        # Only a drawn shape with fewer than 3 distinct points (at 6 decimals) may be refused.
        assert "distinct points" in str(err)
        distinct = {(round(a, 6) + 0.0, round(b, 6) + 0.0) for a, b in polygon}
        assert len(distinct) < 3
        return
    doc = parse_valid(cap.to_xml(msg))
    for tag, value in [
        ("headline", title),
        ("description", body),
        ("instruction", instructions),
        ("senderName", sender_name),
        ("contact", contact),
    ]:
        expected = cap.clean_text(value)
        assert text(doc, f"c:info/c:{tag}") == ([expected] if expected else [])
    assert text(doc, "c:info/c:area/c:areaDesc") == [cap.clean_text(area_desc) or "预警区域"]
    assert text(doc, "c:info/c:event") == [cap.event_words(kind, level)]
    if polygon is None:
        assert doc.xpath("c:info/c:area/c:polygon", namespaces=NS) == []
    else:
        pairs = text(doc, "c:info/c:area/c:polygon")[0].split(" ")
        assert pairs[0] == pairs[-1] and len(pairs) >= 4
        assert len(pairs) in (len(polygon), len(polygon) + 1)
        for pair, (lat, lon) in zip(pairs, polygon, strict=False):
            got_lat, got_lon = (float(x) for x in pair.split(","))
            assert abs(got_lat - lat) <= 5e-7 and abs(got_lon - lon) <= 5e-7
    assert text(doc, "c:info/c:area/c:geocode/c:value") == [v for _, v in geocodes]


@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_clean_text_keeps_everything_xml_can_hold_and_only_that(value):
    cleaned = cap.clean_text(value)
    assert "\r" not in cleaned
    for ch in cleaned:
        o = ord(ch)
        assert ch in "\t\n" or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000
    kept = [ch for ch in value.replace("\r\n", "\n").replace("\r", "\n") if ch in cleaned]
    assert "".join(kept) == cleaned
