"""What no database column can hold (a NUL character, half a surrogate pair, a number past the
integer column) is refused as a 422 naming the field, or rejects its sync op alone: never a 500
from PostgreSQL (schemathesis found each of these)."""

import json

import pytest

from tests.sync.helpers import batch, report_op

SYNC = "/api/v1/sync"
BAD_TEXT = ["村口\x00塌方", "half \ud800 pair"]


def _post(client, path, body):
    # As a phone's JSON may carry it: escaped, so the test client need not encode it as UTF-8.
    return client.post(path, data=json.dumps(body), headers={"Content-Type": "application/json"})


def _report(**over):
    op = report_op()
    return {**op["data"], **over}


@pytest.mark.parametrize("text", BAD_TEXT, ids=["nul", "surrogate"])
def test_a_report_with_unstorable_text_is_a_422_naming_the_field(auth, text):
    member = auth("member1")
    resp = _post(member, "/api/v1/reports", _report(description=text))
    assert resp.status_code == 422, resp.json
    assert list(resp.json["errors"]) == ["description"]
    assert auth("town1").get("/api/v1/reports").json["total"] == 0


def test_a_nested_unstorable_field_is_named_by_its_path(auth):
    resp = auth("duty").post(
        "/api/v1/incidents",
        json={"title": "山洪", "kind": "flood", "location": {"lat": 25.0, "lon": 116.4, "x\x00": 1}},
    )
    assert resp.status_code == 422
    assert list(resp.json["errors"]) == ["location.x\x00"]


@pytest.mark.parametrize("text", BAD_TEXT, ids=["nul", "surrogate"])
def test_a_sync_op_with_unstorable_text_is_rejected_alone(auth, text):
    odd = report_op(description=text)
    resp = _post(auth("member1"), SYNC, batch(odd, report_op()))
    assert resp.status_code == 200, resp.json
    first, second = resp.json["results"]
    assert first["status"] == "rejected" and first["error"]["errors"] == {
        "description": [first["error"]["errors"]["description"][0]]
    }
    assert second["status"] == "applied"
    assert auth("town1").get("/api/v1/reports").json["total"] == 1


def test_a_device_id_with_a_nul_is_a_malformed_batch(auth):
    resp = auth("member1").post(SYNC, json=batch(report_op(), device="phone\x00"))
    assert resp.status_code == 400
    assert any(key.startswith("device_id") for key in resp.json["errors"])
    assert auth("town1").get("/api/v1/reports").json["total"] == 0


def test_a_query_value_with_a_nul_is_a_422_naming_it(auth):
    # (Half a surrogate cannot travel in a URL: it has no UTF-8 to percent-encode.)
    resp = auth("admin").get("/api/v1/users", query_string={"q": "duty\x00"})
    assert resp.status_code == 422, resp.json
    assert list(resp.json["errors"]) == ["q"]


def test_a_login_with_a_nul_in_the_name_is_refused_not_a_500(client, demo):
    resp = client.post("/api/v1/auth/login", json={"username": "duty\x00", "password": "demo12345"})
    assert resp.status_code in (401, 422), resp.json


def test_a_region_id_past_the_integer_column_is_not_found(auth):
    assert auth("duty").get("/api/v1/regions/99999999999").status_code == 404


def test_a_region_id_past_the_integer_column_in_a_body_is_a_422(auth):
    resp = auth("member1").post("/api/v1/reports", json=_report(region_id=2**40))
    assert resp.status_code == 422
    assert list(resp.json["errors"]) == ["region_id"]


def test_a_shelter_in_a_region_past_the_integer_column_is_a_422(auth):
    body = {
        "name": "新安置点",
        "kind": "county",
        "region_id": -(2**71),
        "capacity": 10,
        "location": {"lat": 25.0, "lon": 116.4},
    }
    for region_id in (-(2**71), 2**40):
        resp = auth("admin").post("/api/v1/shelters", json={**body, "region_id": region_id})
        assert resp.status_code == 422, resp.json
        assert list(resp.json["errors"]) == ["region_id"]
