"""The public Atom feed of warnings (RFC 4287), parsed back and checked entry by entry."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from server.warnings import atom, cap

A = "{http://www.w3.org/2005/Atom}"
BASE = "https://yj.example.gov.cn"
NOW = datetime(2026, 12, 2, 1, 30, 0, 250000, tzinfo=UTC)  # 09:30 in China
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
IDS = [uuid.UUID(int=n) for n in (0xA1, 0xB2, 0xC3)]


def entry(n: int, **over):
    values = dict(
        id=IDS[n],
        title=["台风红色预警", "台风预警降为橙色", "解除台风预警"][n],
        updated=NOW + timedelta(hours=n),
        published=NOW + timedelta(hours=n),
        summary=["县防指发布台风红色预警", "更新：台风橙色预警", "台风已过境，解除预警"][n],
        author="泰顺县防汛防台抗旱指挥部",
        cap_url=atom.cap_url(BASE + "/", IDS[n]),
        html_url=f"{BASE}/warnings/{IDS[n]}",
        category="typhoon",
        category_label="台风",
    )
    values.update(over)
    return atom.AtomEntry(**values)


def parse(xml: bytes):
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(xml)
    assert root.tag == A + "feed"
    return root


def one(el, tag):
    found = el.findall(A + tag)
    assert len(found) == 1, f"{tag}: {len(found)}"
    return found[0]


def check_rfc4287(root):
    """What RFC 4287 requires of a feed and of each entry, whatever they say."""
    for el in [root, *root.findall(A + "entry")]:
        assert re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", one(el, "id").text)
        assert one(el, "title").get("type") in (None, "text")
        assert RFC3339.match(one(el, "updated").text)
        alternates = [
            (ln.get("type"), ln.get("hreflang"))
            for ln in el.findall(A + "link")
            if ln.get("rel") in (None, "alternate")
        ]
        assert len(alternates) == len(set(alternates)), "one alternate link per type and language"
    for el in root.findall(A + "entry"):
        assert len(el.findall(A + "author")) >= 1 or root.findall(A + "author")
        for author in el.findall(A + "author"):
            assert one(author, "name").text
        assert len(el.findall(A + "summary")) <= 1
    ids = [one(el, "id").text for el in root.findall(A + "entry")]
    assert len(ids) == len(set(ids))


def test_the_feed_has_one_entry_per_message_each_linking_its_cap_file():
    xml = atom.feed(
        [entry(2), entry(1), entry(0)],
        feed_id="tag:yj.example.gov.cn,2026:warnings",
        title="泰顺县预警信息",
        updated=NOW + timedelta(hours=2),
        self_url=f"{BASE}/api/v1/warnings/feed.atom",
    )
    root = parse(xml)
    check_rfc4287(root)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert one(root, "id").text == "tag:yj.example.gov.cn,2026:warnings"
    assert one(root, "title").text == "泰顺县预警信息"
    assert one(root, "updated").text == "2026-12-02T11:30:00+08:00"
    self_link = one(root, "link")
    assert (self_link.get("rel"), self_link.get("type"), self_link.get("href")) == (
        "self",
        "application/atom+xml",
        f"{BASE}/api/v1/warnings/feed.atom",
    )
    entries = root.findall(A + "entry")
    assert len(entries) == 3
    for el, n in zip(entries, [2, 1, 0], strict=True):  # the caller's order, newest first
        given_entry = entry(n)
        assert one(el, "id").text == f"urn:uuid:{IDS[n]}"
        assert one(el, "title").text == given_entry.title
        assert one(el, "updated").text == f"2026-12-02T{9 + n:02d}:30:00+08:00"
        assert one(el, "published").text == one(el, "updated").text
        assert one(el, "summary").text == given_entry.summary
        assert one(one(el, "author"), "name").text == "泰顺县防汛防台抗旱指挥部"
        category = one(el, "category")
        assert (category.get("term"), category.get("label")) == ("typhoon", "台风")
        links = {ln.get("type"): ln for ln in el.findall(A + "link")}
        assert set(links) == {"application/cap+xml", "text/html"}
        assert links["application/cap+xml"].get("rel") == "alternate"
        assert links["application/cap+xml"].get("href") == f"{BASE}/api/v1/warnings/{IDS[n]}/cap"
        assert links["text/html"].get("href") == f"{BASE}/warnings/{IDS[n]}"


def test_an_empty_feed_is_still_a_feed():
    root = parse(atom.feed([], feed_id=uuid.UUID(int=7), title="预警信息", updated=NOW, self_url=f"{BASE}/f"))
    check_rfc4287(root)
    assert one(root, "id").text == f"urn:uuid:{uuid.UUID(int=7)}"
    assert root.findall(A + "entry") == []


def test_an_entry_without_a_page_or_category_has_only_its_cap_link():
    root = parse(
        atom.feed(
            [entry(0, html_url="", category="", published=None)],
            feed_id="urn:x:1",
            title="t",
            updated=NOW,
            self_url="u",
        )
    )
    el = one(root, "entry")
    assert [(ln.get("rel"), ln.get("type")) for ln in el.findall(A + "link")] == [
        ("alternate", "application/cap+xml")
    ]
    assert el.findall(A + "category") == [] and el.findall(A + "published") == []


def test_the_cap_url_is_under_the_public_base_url():
    assert atom.cap_url("https://a.example/", "42") == "https://a.example/api/v1/warnings/42/cap"
    assert atom.cap_url("https://a.example", IDS[0]) == f"https://a.example/api/v1/warnings/{IDS[0]}/cap"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (IDS[0], f"urn:uuid:{IDS[0]}"),
        (str(IDS[0]).upper(), f"urn:uuid:{IDS[0]}"),
        (f"urn:uuid:{IDS[0]}", f"urn:uuid:{IDS[0]}"),
        ("tag:yj.example.gov.cn,2026:warnings", "tag:yj.example.gov.cn,2026:warnings"),
    ],
)
def test_ids_are_urn_uuids_or_iris(value, expected):
    assert atom.atom_id(value) == expected


@pytest.mark.parametrize("value", ["", "42", "no scheme here", "tag:", None])
def test_an_id_that_is_no_iri_is_refused(value):
    with pytest.raises(ValueError):
        atom.atom_id(value)


@pytest.mark.parametrize("over", [{"updated": "2026-12-02"}, {"published": 5}, {"cap_url": " "}, {"id": "x"}])
def test_an_entry_the_feed_cannot_say_is_refused(over):
    with pytest.raises(ValueError):
        entry(0, **over)


_any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)


@settings(max_examples=200, deadline=None)
@given(
    title=_any_text,
    summary=_any_text,
    author=_any_text,
    feed_title=_any_text,
    label=_any_text,
    n=st.integers(0, 3),
    updated=st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(UTC)),
)
def test_any_text_gives_a_feed_that_parses_back_to_the_same_words(
    title, summary, author, feed_title, label, n, updated
):
    ids = [uuid.uuid4() for _ in range(n)]
    entries = [
        atom.AtomEntry(
            id=i,
            title=title,
            updated=updated,
            summary=summary,
            author=author,
            cap_url=atom.cap_url(BASE, i),
            category="typhoon",
            category_label=label,
        )
        for i in ids
    ]
    root = parse(atom.feed(entries, feed_id="urn:x:feed", title=feed_title, updated=updated, self_url=BASE))
    check_rfc4287(root)
    assert one(root, "title").text == (cap.clean_text(feed_title) or "预警信息")
    got = root.findall(A + "entry")
    assert [one(el, "id").text for el in got] == [i.urn for i in ids]
    for el in got:
        assert one(el, "title").text == (cap.clean_text(title) or "预警信息")
        assert (one(el, "summary").text or "") == cap.clean_text(summary)
        assert one(one(el, "author"), "name").text == (cap.clean_text(author) or "应急管理部门")
        assert (one(el, "category").get("label") or "") == cap.clean_text(label)
        assert one(el, "updated").text == cap.cap_time(updated)
