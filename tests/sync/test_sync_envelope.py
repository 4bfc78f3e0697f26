"""The batch envelope: what makes a whole batch malformed (400, nothing applied), what only rejects
one op, and the OpenAPI document showing the very schema that parses it."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.sync.schemas import SyncBatchSchema, SyncOpSchema

from .helpers import batch, report_op

SYNC = "/api/v1/sync"


def _reports(auth) -> int:
    return auth("town1").get("/api/v1/reports").json["total"]


def test_the_envelope_that_used_to_answer_500_rejects_its_op_alone(auth):
    body = {
        "device_id": "",
        "ops": [{"at": "", "data": {}, "op_id": "e3e70682-c209-1cac-a29f-6fbed82c07cd", "type": {}}],
    }
    resp = auth("member1").post(SYNC, json=body)
    assert resp.status_code == 200, resp.json
    (result,) = resp.json["results"]
    assert result["status"] == "rejected"
    assert result["error"]["type"].endswith("/unknown-op")


@pytest.mark.parametrize(
    "bad",
    [{}, ["report.create"], 7, None, True, "report.erase", {"x": 1}],
    ids=["object", "list", "number", "null", "bool", "unknown-string", "dict"],
)
def test_an_op_whose_type_is_not_a_known_string_is_rejected_and_the_next_one_applies(auth, bad):
    good = report_op()
    odd = {**report_op(), "type": bad}
    resp = auth("member1").post(SYNC, json=batch(odd, good))
    assert resp.status_code == 200, resp.json
    assert [r["status"] for r in resp.json["results"]] == ["rejected", "applied"]
    assert resp.json["results"][0]["error"]["type"].endswith("/unknown-op")
    assert _reports(auth) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("at", None),
        ("at", 5),
        ("at", "0001-01-01T00:00:00+08:00"),
        ("data", []),
        ("data", "x"),
        ("type", None),
    ],
)
def test_an_op_with_a_bad_or_missing_field_is_rejected_on_its_own(auth, field, value):
    odd = report_op()
    if value is None:
        del odd[field]
    else:
        odd[field] = value
    resp = auth("member1").post(SYNC, json=batch(odd, report_op()))
    assert resp.status_code == 200, resp.json
    assert [r["status"] for r in resp.json["results"]] == ["rejected", "applied"]
    assert resp.json["results"][0]["error"]["status"] == 422
    assert _reports(auth) == 1


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"ops": [report_op(), {**report_op(), "op_id": "not-a-uuid"}]}, "ops.1.op_id"),
        ({"ops": [report_op(), {**report_op(), "op_id": 12}]}, "ops.1.op_id"),
        ({"ops": [{k: v for k, v in report_op().items() if k != "op_id"}]}, "ops.0.op_id"),
        ({"ops": [report_op(), "op"]}, "ops.1._schema"),
        ({"ops": [report_op()], "device_id": 5}, "device_id"),
        ({"ops": [report_op()], "device_id": "d" * 65}, "device_id"),
    ],
    ids=["op_id-text", "op_id-number", "op_id-missing", "op-not-object", "device-number", "device-long"],
)
def test_a_malformed_batch_names_what_is_wrong_and_applies_nothing(auth, body, where):
    resp = auth("member1").post(SYNC, json=body)
    assert resp.status_code == 400, resp.json
    assert resp.mimetype == "application/problem+json"
    assert resp.json["type"].endswith("/bad-batch")
    assert where in resp.json["errors"]
    assert _reports(auth) == 0


def test_a_body_that_is_not_an_object_is_a_malformed_batch(auth):
    for body in ([], [report_op()], "ops", 3):
        resp = auth("member1").post(SYNC, json=body)
        assert resp.status_code == 400, (body, resp.json)
        assert resp.json["type"].endswith("/bad-batch")


def test_fields_a_newer_phone_adds_are_ignored(auth):
    op = {**report_op(), "client_version": "9.9"}
    resp = auth("member1").post(SYNC, json={**batch(op), "app": "pwa"})
    assert resp.status_code == 200
    assert resp.json["results"][0]["status"] == "applied"


def test_the_documented_request_schema_is_the_one_that_parses(client, app):
    spec = client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/sync"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/SyncBatch"}
    # Generated from the very classes parse_batch loads with: the same fields, the same required ones.
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    plugin = MarshmallowPlugin()
    APISpec(title="t", version="1", openapi_version="3.1.0", plugins=[plugin])
    for name, cls in (("SyncBatch", SyncBatchSchema), ("SyncOp", SyncOpSchema)):
        assert spec["components"]["schemas"][name] == plugin.converter.schema2jsonschema(cls), name
    op = spec["components"]["schemas"]["SyncOp"]
    assert set(op["required"]) == {"op_id", "type", "at", "data"}
    assert op["properties"]["op_id"]["format"] == "uuid"
    from server.sync import service

    assert type(service._BATCH) is SyncBatchSchema  # noqa: SLF001


def test_a_pulled_change_carries_its_time_in_iso_8601(auth):
    member = auth("member1")
    member.post(SYNC, json=batch(report_op()))
    changes = member.get(SYNC).json["changes"]
    assert changes
    for change in changes:
        assert "T" in change["at"] and change["at"][:4].isdigit(), change["at"]


def test_a_uuid_op_id_in_any_case_is_one_op(auth):
    op = report_op()
    upper = {**op, "op_id": str(uuid.UUID(op["op_id"])).upper()}
    member = auth("member1")
    assert member.post(SYNC, json=batch(op)).json["results"][0]["status"] == "applied"
    assert member.post(SYNC, json=batch(upper)).json["results"][0]["status"] == "duplicate"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_FIELD = st.one_of(_JSON, st.sampled_from(["report.create", "attendance.checkout", "warning.ack", ""]))


# The demo county is loaded once for all examples; the ops they apply pile up, which is fine.
@settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(odd=st.fixed_dictionaries({}, optional={"type": _FIELD, "at": _FIELD, "data": _JSON}))
def test_whatever_an_op_carries_besides_its_op_id_it_gets_an_answer_and_the_next_op_applies(app, demo, odd):
    # A property over the envelope: any JSON as type, at and data (or none) rejects or applies
    # that op alone; the good op after it always applies; never a 5xx.
    from server.extensions import limiter

    client = app.test_client()
    with app.app_context():
        limiter.reset()
    token = client.post("/api/v1/auth/login", json={"username": "member1", "password": "demo12345"}).json
    good = report_op()
    body = batch({"op_id": str(uuid.uuid4()), **odd}, good)
    resp = client.post(SYNC, json=body, headers={"Authorization": f"Bearer {token['access_token']}"})
    assert resp.status_code == 200, resp.json
    first, second = resp.json["results"]
    assert first["status"] in ("applied", "rejected")
    assert second["status"] == "applied" and second["op_id"] == good["op_id"]
