"""The public Atom 1.0 feed (RFC 4287) of warnings, as alert hubs read them: one entry per CAP
message, each linking its CAP file as application/cap+xml. Plain data in, XML bytes out."""

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from .cap import CAP_MIME, cap_time, clean_text

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_MIME = "application/atom+xml"
# An IRI scheme (RFC 3986 3.1): what an atom:id must start with.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


@dataclass(frozen=True)
class AtomEntry:
    """One message of the feed. id: the warning's UUID (written urn:uuid:…) or an IRI (tag:…)."""

    id: object
    title: str
    updated: datetime
    summary: str
    author: str
    cap_url: str
    html_url: str = ""  # the human page, if there is one
    published: datetime | None = None
    category: str = ""  # e.g. the kind, "typhoon"
    category_label: str = ""  # its words, 台风

    def __post_init__(self):
        object.__setattr__(self, "id", atom_id(self.id))
        cap_time(self.updated)  # raises on a non-datetime
        if self.published is not None:
            cap_time(self.published)
        if not clean_text(self.cap_url).strip():
            raise ValueError("an entry links its CAP file")


def atom_id(value) -> str:
    """urn:uuid:… for a UUID (or its text), else the IRI as given; anything else is refused."""
    if isinstance(value, uuid.UUID):
        return value.urn
    text = clean_text(value).strip()
    try:
        return uuid.UUID(text).urn
    except ValueError:
        pass
    if not _SCHEME.match(text):
        raise ValueError("an Atom id is a UUID or an IRI (urn:…, tag:…)")
    return text


def cap_url(base_url: str, warning_id) -> str:
    """…/api/v1/warnings/<id>/cap under the public base URL."""
    return f"{base_url.rstrip('/')}/api/v1/warnings/{warning_id}/cap"


def feed(entries, *, feed_id, title: str, updated: datetime, self_url: str) -> bytes:
    """The feed document, UTF-8. Entries are written in the order given (newest first is the
    caller's to choose). Times are RFC 3339 in China's offset, as the CAP files write them."""
    # Unprefixed names under a written xmlns: ElementTree's default_namespace refuses the
    # unqualified attributes (rel, href, term) Atom uses, and register_namespace is process-wide.
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "zh-CN"})
    _sub(root, "id", atom_id(feed_id))
    _sub(root, "title", clean_text(title) or "预警信息")
    _sub(root, "updated", cap_time(updated))
    _link(root, "self", ATOM_MIME, self_url)
    for entry in entries:
        el = _sub(root, "entry")
        _sub(el, "id", entry.id)
        _sub(el, "title", clean_text(entry.title) or "预警信息")
        _sub(el, "updated", cap_time(entry.updated))
        if entry.published is not None:
            _sub(el, "published", cap_time(entry.published))
        author = _sub(el, "author")
        # RFC 4287 4.2.1: an entry has an author unless the feed does; every entry has one here.
        _sub(author, "name", clean_text(entry.author) or "应急管理部门")
        if entry.category:
            cat = _sub(el, "category")
            cat.set("term", clean_text(entry.category))
            if entry.category_label:
                cat.set("label", clean_text(entry.category_label))
        _sub(el, "summary", clean_text(entry.summary))
        _link(el, "alternate", CAP_MIME, entry.cap_url)
        if entry.html_url:
            _link(el, "alternate", "text/html", entry.html_url)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _sub(parent, tag: str, text: str | None = None):
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = clean_text(text)
    return el


def _link(parent, rel: str, mime: str, href: str) -> None:
    el = ET.SubElement(parent, "link")
    el.set("rel", rel)
    el.set("type", mime)
    el.set("href", clean_text(href))
