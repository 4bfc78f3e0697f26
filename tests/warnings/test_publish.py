"""The outside view of warnings, without an account: each issued message as CAP 1.2 at
/api/v1/warnings/<id>/cap (valid against the OASIS schema, field by field), its identifier in the
GB/T 35965.1 form given once at issue and unique, and the Atom feed of those in force."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from server.warnings import cap

from .helpers import T1, T2, body, issue

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "CAP-v1.2-schema.xsd")))
NS = {"c": cap.CAP_NS}
A = "{http://www.w3.org/2005/Atom}"
CHINA = cap.CHINA
TOWN1_UNIT = "35082300010000"  # 350823 county, 000 organisation, 100 临城镇, 00
TOWN2_UNIT = "35082300010100"
RING = [[25.05, 116.42], [25.06, 116.44], [25.04, 116.45]]


def cap_doc(client, warning_id):
    resp = client.get(f"/api/v1/warnings/{warning_id}/cap")
    assert resp.status_code == 200, resp.data
    assert resp.headers["Content-Type"] == "application/cap+xml; charset=utf-8"
    doc = etree.fromstring(resp.data)
    assert XSD.validate(doc), str(XSD.error_log)
    return doc


def one(doc, path):
    found = doc.xpath(path, namespaces=NS)
    assert len(found) == 1, (path, found)
    return found[0].text


def texts(doc, path):
    return [el.text for el in doc.xpath(path, namespaces=NS)]


def china(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(CHINA).replace(microsecond=0).isoformat()


@pytest.fixture()
def clock(monkeypatch):
    """Time under the test's control, for issuing (service) and the feed (publish) alike."""
    from server.warnings import publish, service

    state = {"now": None}

    def set_to(at):
        state["now"] = at
        monkeypatch.setattr(service, "utcnow", lambda: state["now"])
        monkeypatch.setattr(publish, "utcnow", lambda: state["now"])

    return set_to


# ---- CAP of an alert, an update and a cancel ---------------------------------------------------


def test_an_alert_is_public_valid_cap_and_says_field_by_field_what_the_desk_issued(client, auth, ids):
    w = issue(auth, ids, polygon=RING, level="blue", kind="typhoon")
    doc = cap_doc(client, w["id"])  # no login: alert hubs read it

    ident = one(doc, "c:identifier")
    assert ident == w["identifier"]
    assert re.fullmatch(rf"{TOWN1_UNIT}_\d{{14}}_[0-9]", ident)
    assert ident.split("_")[1] == datetime.fromisoformat(w["issued_at"]).astimezone(CHINA).strftime(
        "%Y%m%d%H%M%S"
    )
    assert one(doc, "c:sender") == TOWN1_UNIT  # no WARNING_CAP_SENDER: the unit code
    assert one(doc, "c:sent") == china(w["issued_at"]) and one(doc, "c:sent").endswith("+08:00")
    assert (one(doc, "c:status"), one(doc, "c:msgType"), one(doc, "c:scope")) == ("Actual", "Alert", "Public")
    assert doc.xpath("c:references", namespaces=NS) == []
    assert len(doc.xpath("c:info", namespaces=NS)) == 1
    info = "c:info/"
    assert one(doc, info + "c:language") == "zh-CN"
    assert one(doc, info + "c:category") == "Met"
    assert one(doc, info + "c:event") == "台风蓝色预警"
    assert (one(doc, info + "c:urgency"), one(doc, info + "c:severity"), one(doc, info + "c:certainty")) == (
        "Future",
        "Minor",
        "Possible",
    )
    assert doc.xpath(info + "c:responseType", namespaces=NS) == []
    assert one(doc, info + "c:headline") == w["title"]
    assert one(doc, info + "c:description") == w["body"]
    assert one(doc, info + "c:instruction") == w["instructions"]
    assert one(doc, info + "c:onset") == china(w["onset_at"])
    assert one(doc, info + "c:expires") == china(w["expires_at"])
    assert one(doc, info + "c:senderName") == "上杭县临城镇"
    assert doc.xpath(info + "c:contact", namespaces=NS) == []  # WARNING_CAP_CONTACT not set
    assert one(doc, info + "c:area/c:areaDesc") == T1
    assert one(doc, info + "c:area/c:polygon") == "25.05,116.42 25.06,116.44 25.04,116.45 25.05,116.42"
    assert texts(doc, info + "c:area/c:geocode/c:valueName") == ["GB/T 10114"]
    assert texts(doc, info + "c:area/c:geocode/c:value") == ["350823100"]
    # Read again: the same document, the same identifier.
    reads = {client.get(f"/api/v1/warnings/{w['id']}/cap").data for _ in range(2)}
    assert len(reads) == 1
    assert auth("town1").get(f"/api/v1/warnings/{w['id']}").json["identifier"] == ident


def test_every_kind_and_level_is_written_as_the_readme_maps_it(client, auth, ids):
    cases = [
        ("rainstorm", "red", "Met", "暴雨红色预警", ("Immediate", "Extreme", "Likely")),
        ("geological", "orange", "Geo", "地质灾害橙色预警", ("Expected", "Severe", "Likely")),
        ("forest_fire", "yellow", "Fire", "森林火险黄色预警", ("Expected", "Moderate", "Likely")),
        ("other", "red", "Other", "红色预警", ("Immediate", "Extreme", "Likely")),
    ]
    for kind, level, category, event, ladder in cases:
        w = issue(auth, ids, who="duty", region_ids=None, kind=kind, level=level)
        doc = cap_doc(client, w["id"])
        assert one(doc, "c:info/c:category") == category, kind
        assert one(doc, "c:info/c:event") == event, kind
        got = tuple(one(doc, f"c:info/c:{name}") for name in ("urgency", "severity", "certainty"))
        assert got == ladder, level
        # The county's desk: its unit code, its own name, the county's GB/T 2260 code.
        assert one(doc, "c:sender") == "35082300000000"
        assert one(doc, "c:info/c:senderName") == "上杭县"
        assert texts(doc, "c:info/c:area/c:geocode/c:valueName") == ["GB/T 2260"]
        assert doc.xpath("c:info/c:area/c:polygon", namespaces=NS) == []


def test_an_update_and_a_cancel_are_new_messages_that_reference_the_earlier_ones(client, auth, ids):
    desk = auth("duty")
    first = issue(auth, ids, who="duty", region_ids=[ids["regions"][T1], ids["regions"][T2]])
    resp = desk.post(f"/api/v1/warnings/{first['id']}/update", json={"level": "red", "reason": "风力加强"})
    assert resp.status_code == 201, resp.json
    second = resp.json
    resp = desk.post(f"/api/v1/warnings/{first['id']}/cancel", json={"reason": "台风已过境"})
    assert resp.status_code == 201, resp.json
    third = resp.json
    idents = [first["identifier"], second["identifier"], third["identifier"]]
    assert len(set(idents)) == 3

    alert, update, cancel = (cap_doc(client, w["id"]) for w in (first, second, third))
    sender = one(alert, "c:sender")
    ref_first = f"{sender},{first['identifier']},{china(first['issued_at'])}"
    ref_second = f"{sender},{second['identifier']},{china(second['issued_at'])}"

    assert one(alert, "c:msgType") == "Alert"
    assert one(update, "c:msgType") == "Update"
    assert one(update, "c:references") == ref_first
    assert one(update, "c:identifier") == second["identifier"]
    assert one(update, "c:info/c:event") == "台风红色预警"
    assert one(update, "c:info/c:urgency") == "Immediate" and one(update, "c:info/c:severity") == "Extreme"
    assert one(update, "c:info/c:area/c:areaDesc") == f"{T1}、{T2}"
    assert texts(update, "c:info/c:area/c:geocode/c:value") == ["350823100", "350823101"]

    assert one(cancel, "c:msgType") == "Cancel"
    assert one(cancel, "c:references") == f"{ref_first} {ref_second}"
    assert one(cancel, "c:info/c:responseType") == "AllClear"
    assert one(cancel, "c:info/c:urgency") == "Past"
    assert one(cancel, "c:info/c:language") == "zh-CN"
    # The earlier messages are what they were when issued: same identifier, still no references.
    assert cap_doc(client, first["id"]).xpath("c:references", namespaces=NS) == []
    assert one(cap_doc(client, first["id"]), "c:identifier") == first["identifier"]
    assert one(cap_doc(client, second["id"]), "c:references") == ref_first


def test_the_sender_and_contact_come_from_the_settings_and_stay_with_the_issued_message(
    app, client, auth, ids, monkeypatch
):
    monkeypatch.setitem(app.config, "WARNING_CAP_SENDER", "yj.shanghang.gov.cn")
    monkeypatch.setitem(app.config, "WARNING_CAP_CONTACT", "县应急管理局值班室 0597-3842110")
    w = issue(auth, ids)
    doc = cap_doc(client, w["id"])
    assert one(doc, "c:sender") == "yj.shanghang.gov.cn"
    assert one(doc, "c:info/c:contact") == "县应急管理局值班室 0597-3842110"
    monkeypatch.setitem(app.config, "WARNING_CAP_SENDER", "")
    resp = auth("town1").post(f"/api/v1/warnings/{w['id']}/update", json={"level": "red", "reason": "加强"})
    update = cap_doc(client, resp.json["id"])
    assert one(cap_doc(client, w["id"]), "c:sender") == "yj.shanghang.gov.cn"  # kept as issued
    assert one(update, "c:sender") == TOWN1_UNIT
    assert one(update, "c:references").startswith(f"yj.shanghang.gov.cn,{w['identifier']},")


def test_a_bad_cap_setting_stops_the_app_at_start():
    from server import config

    with pytest.raises(RuntimeError, match="WARNING_CAP_SENDER"):
        config._matching("WARNING_CAP_SENDER", "a b,c", r"[^\s,<&]{0,120}", "a token")
    assert config._matching("WARNING_CAP_X_UNSET", "000", r"\d{3}", "3 digits") == "000"


# ---- drafts are not published --------------------------------------------------------------------


def test_a_draft_has_no_identifier_and_no_cap_until_it_is_issued(client, auth, ids):
    resp = auth("town1").post("/api/v1/warnings", json=body(ids, draft=True))
    assert resp.status_code == 201, resp.json
    draft = resp.json
    assert draft["state"] == "draft" and draft["identifier"] is None
    resp = client.get(f"/api/v1/warnings/{draft['id']}/cap")
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
    assert resp.json["type"].endswith("not-found")
    feed = etree.fromstring(client.get("/api/v1/warnings/feed.atom").data)
    assert feed.findall(f"{A}entry") == []

    issued = auth("duty").post(f"/api/v1/warnings/{draft['id']}/issue")
    assert issued.status_code == 200, issued.json
    ident = issued.json["identifier"]
    assert re.fullmatch(rf"{TOWN1_UNIT}_\d{{14}}_[0-9]", ident)
    assert one(cap_doc(client, draft["id"]), "c:identifier") == ident
    assert auth("town1").get(f"/api/v1/warnings/{draft['id']}").json["identifier"] == ident


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/warnings/{uuid.uuid4()}/cap",
        "/api/v1/warnings/not-a-uuid/cap",
    ],
)
def test_an_unknown_message_is_a_404_problem(client, path):
    resp = client.get(path)
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


# ---- the identifier: once, at issue, unique ------------------------------------------------------


def _a_second():
    """A time under the test's control, in the middle of a second, an hour from now (the
    schemas take times near the real now only)."""
    return (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=400000)


def test_messages_of_one_desk_in_one_second_are_numbered_and_an_eleventh_takes_the_next_second(
    client, auth, ids, clock
):
    at = _a_second()
    clock(at)
    until = (at + timedelta(days=1)).isoformat()
    idents = [issue(auth, ids, expires_at=until)["identifier"] for _ in range(11)]
    stamp = at.astimezone(CHINA).strftime("%Y%m%d%H%M%S")
    assert idents[:10] == [f"{TOWN1_UNIT}_{stamp}_{n}" for n in range(10)]
    assert idents[10] == f"{TOWN1_UNIT}_{(at + timedelta(seconds=1)).astimezone(CHINA):%Y%m%d%H%M%S}_0"
    # Another township in the same second has its own unit code, so its own numbers.
    other = issue(auth, ids, who="town2", region_ids=[ids["regions"][T2]], expires_at=until)
    assert other["identifier"] == f"{TOWN2_UNIT}_{stamp}_0"


def test_a_number_taken_by_another_worker_meanwhile_is_refused_by_the_constraint_and_the_next_is_used(
    client, auth, ids, clock, monkeypatch
):
    """Two workers issuing at once: each saw the numbers free before the other committed. Here
    the look-up is made to see nothing (as the second worker did), so only the unique
    constraint and the retry in a savepoint keep the identifiers apart."""
    from server.warnings import service

    at = _a_second()
    clock(at)
    until = (at + timedelta(days=1)).isoformat()
    first = issue(auth, ids, expires_at=until)
    tried = []
    monkeypatch.setattr(service, "_taken_identifiers", lambda prefix: tried.append(prefix) or set())
    second = issue(auth, ids, title="第二条", expires_at=until)
    stamp = at.astimezone(CHINA).strftime("%Y%m%d%H%M%S")
    assert first["identifier"] == f"{TOWN1_UNIT}_{stamp}_0"
    assert second["identifier"] == f"{TOWN1_UNIT}_{stamp}_1"
    assert tried == [f"{TOWN1_UNIT}_{stamp}_"]
    # The refused try rolled back only the identifier: the message is issued, whole, and reached.
    got = auth("town1").get(f"/api/v1/warnings/{second['id']}").json
    assert got["state"] == "issued" and got["title"] == "第二条" and got["region_ids"] == [ids["regions"][T1]]
    assert auth("officer1").get(f"/api/v1/warnings/{second['id']}").status_code == 200
    assert one(cap_doc(client, first["id"]), "c:identifier") == first["identifier"]
    assert one(cap_doc(client, second["id"]), "c:identifier") == second["identifier"]


def test_desks_issuing_at_the_same_moment_from_several_threads_get_different_identifiers(
    app, auth, ids, clock, tokens
):
    """As several gunicorn workers would: each request its own connection and transaction."""
    import threading

    from ..conftest import ApiClient

    at = _a_second()
    clock(at)
    until = (at + timedelta(days=1)).isoformat()
    token = tokens("town1")["access_token"]
    n = 4
    start = threading.Barrier(n)
    answers, errors = [None] * n, []

    def send(i):
        try:
            client = ApiClient(app, token)
            start.wait(10)
            resp = client.post("/api/v1/warnings", json=body(ids, title=f"第{i}条", expires_at=until))
            answers[i] = (resp.status_code, resp.json.get("identifier"))
        except Exception as exc:  # noqa: BLE001 - report any failure of a thread
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert [status for status, _ in answers] == [201] * n
    stamp = at.astimezone(CHINA).strftime("%Y%m%d%H%M%S")
    assert sorted(ident for _, ident in answers) == [f"{TOWN1_UNIT}_{stamp}_{i}" for i in range(n)]


def test_an_identifier_is_unique_in_the_database(app, auth, ids):
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from server.extensions import db
    from server.warnings.models import Warning

    w = issue(auth, ids)
    other = issue(auth, ids, title="另一条")
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(
                sa.update(Warning)
                .where(Warning.id == uuid.UUID(other["id"]))
                .values(identifier=w["identifier"])
            )
        db.session.rollback()


# ---- the Atom feed -------------------------------------------------------------------------------


def _feed(client, **headers):
    return client.get("/api/v1/warnings/feed.atom", headers=headers)


def _entries(resp):
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = etree.fromstring(resp.data)
    assert root.tag == f"{A}feed"
    return root, root.findall(f"{A}entry")


def test_the_feed_lists_each_message_in_force_and_links_its_cap_file(app, client, auth, ids, clock):
    start = datetime.now(UTC).replace(microsecond=0)
    clock(start)
    desk = auth("duty")
    alert = issue(auth, ids, who="duty", region_ids=None, expires_at=(start + timedelta(hours=6)).isoformat())
    clock(start + timedelta(minutes=1))
    update = desk.post(f"/api/v1/warnings/{alert['id']}/update", json={"level": "red", "reason": "加强"}).json
    clock(start + timedelta(minutes=2))
    short = issue(
        auth, ids, kind="rainstorm", level="yellow", expires_at=(start + timedelta(hours=1)).isoformat()
    )
    clock(start + timedelta(minutes=3))
    gone = issue(auth, ids, kind="flood", title="已解除的预警")
    clock(start + timedelta(minutes=4))
    lifted = auth("town1").post(f"/api/v1/warnings/{gone['id']}/cancel", json={"reason": "水位回落"}).json
    draft = auth("town1").post("/api/v1/warnings", json=body(ids, draft=True)).json
    assert draft["state"] == "draft" and lifted["msg_type"] == "cancel"

    resp = _feed(client)  # no login
    assert resp.headers["Cache-Control"] == "public, max-age=60"
    root, entries = _entries(resp)
    base = app.config["PUBLIC_BASE_URL"]
    assert root.find(f"{A}id").text.startswith("urn:uuid:")
    assert root.find(f"{A}updated").text == (start + timedelta(minutes=4)).astimezone(CHINA).isoformat()
    assert root.find(f"{A}link[@rel='self']").get("href") == f"{base}/api/v1/warnings/feed.atom"
    # Newest first; neither the cancelled chain nor its cancel nor the draft.
    expected = [short, update, alert]
    assert [e.find(f"{A}id").text for e in entries] == [f"urn:uuid:{w['id']}" for w in expected]
    for entry, w in zip(entries, expected, strict=True):
        assert w["title"] in entry.find(f"{A}title").text
        assert entry.find(f"{A}summary").text == w["body"]
        assert entry.find(f"{A}updated").text == china(w["issued_at"])
        links = entry.findall(f"{A}link")
        assert [(x.get("rel"), x.get("type")) for x in links] == [("alternate", "application/cap+xml")]
        href = links[0].get("href")
        assert href == f"{base}/api/v1/warnings/{w['id']}/cap"
        # The link leads to the message's CAP file.
        assert one(cap_doc(client, w["id"]), "c:identifier") == w["identifier"]
        assert entry.find(f"{A}author/{A}name").text
    titles = [e.find(f"{A}title").text for e in entries]
    assert titles[1].startswith("台风红色预警（更新）") and titles[2].startswith("台风蓝色预警（发布）")
    assert [e.find(f"{A}category").get("term") for e in entries] == ["rainstorm", "typhoon", "typhoon"]

    # Past the short one's expiry it leaves by itself, and the feed says it changed then.
    clock(start + timedelta(hours=1, seconds=1))
    root, entries = _entries(_feed(client))
    assert [e.find(f"{A}id").text for e in entries] == [f"urn:uuid:{update['id']}", f"urn:uuid:{alert['id']}"]
    assert root.find(f"{A}updated").text == (start + timedelta(hours=1)).astimezone(CHINA).isoformat()
    # Past the typhoon's expiry the feed is empty, and still a feed.
    clock(start + timedelta(hours=7))
    root, entries = _entries(_feed(client))
    assert entries == [] and root.find(f"{A}title").text


def test_a_cancel_takes_the_whole_chain_out_of_the_feed(client, auth, ids):
    first = issue(auth, ids)
    resp = auth("town1").post(
        f"/api/v1/warnings/{first['id']}/update", json={"level": "red", "reason": "加强"}
    )
    assert resp.status_code == 201
    assert len(_entries(_feed(client))[1]) == 2
    assert (
        auth("town1").post(f"/api/v1/warnings/{first['id']}/cancel", json={"reason": "解除"}).status_code
        == 201
    )
    assert _entries(_feed(client))[1] == []


def test_the_feed_answers_304_while_nothing_changed(client, auth, ids, clock):
    start = datetime.now(UTC).replace(microsecond=0)
    clock(start)
    issue(auth, ids, expires_at=(start + timedelta(hours=2)).isoformat())
    first = _feed(client)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    again = _feed(client, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert _feed(client, **{"If-Modified-Since": modified}).status_code == 304
    # A new message: a new validator, a 200 with it.
    clock(start + timedelta(minutes=5))
    issue(auth, ids, title="第二条", expires_at=(start + timedelta(hours=1)).isoformat())
    changed = _feed(client, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert len(_entries(changed)[1]) == 2
    # An expiry changes the feed too, with nobody issuing anything.
    etag = changed.headers["ETag"]
    clock(start + timedelta(hours=1, minutes=1))
    after = _feed(client, **{"If-None-Match": etag, "If-Modified-Since": changed.headers["Last-Modified"]})
    assert after.status_code == 200 and len(_entries(after)[1]) == 1


def test_the_public_doors_ignore_unknown_parameters_and_are_in_the_openapi_document(client, auth, ids):
    w = issue(auth, ids)
    assert client.get(f"/api/v1/warnings/{w['id']}/cap?t=123").status_code == 200
    assert _feed(client, **{}).status_code == 200
    assert client.get("/api/v1/warnings/feed.atom?_=1").status_code == 200
    spec = client.get("/api/v1/openapi.json").json
    for path, mime in (
        ("/api/v1/warnings/{warning_id}/cap", "application/cap+xml"),
        ("/api/v1/warnings/feed.atom", "application/atom+xml"),
    ):
        op = spec["paths"][path]["get"]
        assert "security" not in op, path
        assert mime in op["responses"]["200"]["content"], path
