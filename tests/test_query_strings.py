"""Query strings are parsed like bodies: a bad value of a known parameter is a 422 problem naming
it (never silently ignored), the page parameters are checked on every list, and the OpenAPI
document lists each parameter from the same schema the view loads it with."""

import re

import pytest

# (who may read it, the list, a parameter, a value it must refuse)
BAD = [
    ("duty", "/api/v1/reports", "status", "lost"),
    ("duty", "/api/v1/reports", "category", "volcano"),
    ("duty", "/api/v1/reports", "since", "yesterday"),
    ("duty", "/api/v1/reports", "until", "2026-01-01T00:00:00"),
    ("duty", "/api/v1/reports", "region_id", "x"),
    ("duty", "/api/v1/reports", "region_id", "99999999999999999999"),
    ("duty", "/api/v1/reports", "mine", "perhaps"),
    ("duty", "/api/v1/shelters", "status", "busy"),
    ("duty", "/api/v1/teams", "region_id", "1.5"),
    ("duty", "/api/v1/members", "active", "foo"),
    ("duty", "/api/v1/members", "team_id", "not-a-uuid"),
    ("duty", "/api/v1/members", "region_id", "-1"),
    ("admin", "/api/v1/users", "active", "foo"),
    ("admin", "/api/v1/users", "role", "king"),
    ("admin", "/api/v1/users", "q", "x" * 65),
    ("duty", "/api/v1/attendance", "open", "sometimes"),
    ("duty", "/api/v1/attendance", "user_id", "x"),
    ("duty", "/api/v1/incidents", "open", "maybe"),
    ("duty", "/api/v1/dispatches", "open", "2"),
    ("admin", "/api/v1/audit", "entity_type", "e" * 41),
]
LISTS = sorted({(who, path) for who, path, _, _ in BAD})


@pytest.mark.parametrize(("who", "path", "name", "value"), BAD, ids=[f"{p}?{n}" for _, p, n, _ in BAD])
def test_a_bad_query_value_is_a_422_naming_the_parameter_and_changes_nothing(auth, who, path, name, value):
    client = auth(who)
    before = client.get(path + "?limit=200").json
    resp = client.get(path, query_string={name: value})
    assert resp.status_code == 422, resp.json
    assert resp.mimetype == "application/problem+json"
    assert resp.json["type"].endswith("/validation")
    assert list(resp.json["errors"]) == [name]
    assert client.get(path + "?limit=200").json == before


@pytest.mark.parametrize(("who", "path"), LISTS)
@pytest.mark.parametrize("limit", ["0", "201", "abc", "-5", "1e3"])
def test_every_list_checks_its_page_size(auth, who, path, limit):
    resp = auth(who).get(path, query_string={"limit": limit})
    assert resp.status_code == 422, resp.json
    assert list(resp.json["errors"]) == ["limit"]


@pytest.mark.parametrize(("who", "path"), LISTS)
def test_a_good_query_still_lists_and_an_unknown_parameter_is_ignored(auth, who, path):
    client = auth(who)
    plain = client.get(path).json
    assert client.get(path, query_string={"_": "1700000000", "limit": "50"}).json == plain


def test_members_are_the_active_ones_unless_asked_otherwise(auth, app):
    desk = auth("town1")
    active = desk.get("/api/v1/members?limit=200").json
    assert active["total"] == desk.get("/api/v1/members?active=true&limit=200").json["total"]
    assert desk.get("/api/v1/members?active=false").json["total"] == 0
    assert active["total"] > 0


def test_filters_still_filter(auth, ids):
    desk = auth("duty")
    open_shelters = desk.get("/api/v1/shelters?status=open&limit=200").json["items"]
    assert open_shelters and {s["status"] for s in open_shelters} == {"open"}
    township = ids["regions"]["临城镇"]
    teams = desk.get(f"/api/v1/teams?region_id={township}").json["items"]
    assert teams and {t["region_id"] for t in teams} == {township}
    admin = auth("admin")
    assert {u["role"] for u in admin.get("/api/v1/users?role=member&limit=200").json["items"]} == {"member"}


def test_the_document_lists_each_query_parameter_from_the_schema(client):
    from server.core.pagination import PageQuerySchema
    from server.reports.schemas import ReportQuerySchema

    paths = client.get("/api/v1/openapi.json").json["paths"]
    for _, path in LISTS:
        params = {p["name"]: p for p in paths[path]["get"].get("parameters", []) if p["in"] == "query"}
        assert {"cursor", "limit"} <= set(params), path
        assert params["limit"]["schema"] == {"type": "integer", "default": 50, "minimum": 1, "maximum": 200}
    reports = {p["name"]: p["schema"] for p in paths["/api/v1/reports"]["get"]["parameters"]}
    assert set(reports) == set(ReportQuerySchema().fields) >= set(PageQuerySchema().fields)
    # One state or several, comma-separated: the document's pattern says which.
    status = re.compile(reports["status"]["pattern"])
    assert status.match("reported") and status.match("assigned,rectifying")
    assert not status.match("lost") and not status.match("reported,") and not status.match("")
    assert reports["since"]["format"] == "date-time"
    assert reports["mine"]["type"] == "boolean"
    members = {p["name"]: p["schema"] for p in paths["/api/v1/members"]["get"]["parameters"]}
    assert members["team_id"] == {"type": "string", "format": "uuid"}
    assert members["active"]["default"] is True
    pull = {p["name"] for p in paths["/api/v1/sync"]["get"]["parameters"]}
    assert pull == {"cursor"}
