"""PlainNested must load exactly as Nested does: the same values, the same error messages."""

from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, fields

from server.core.geo import LocationSchema
from server.core.schemas import BaseSchema, PlainNested


class Slow(BaseSchema):
    location = fields.Nested(LocationSchema, required=True)


class Fast(BaseSchema):
    location = PlainNested(LocationSchema, required=True)


_numbers = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**20), 10**20)
_values = st.none() | st.booleans() | _numbers | st.text(max_size=8) | st.lists(st.integers(), max_size=2)
_keys = st.sampled_from(["lat", "lon", "accuracy", "alt", ""]) | st.text(max_size=4)
_points = st.dictionaries(_keys, _values, max_size=5) | st.fixed_dictionaries(
    {"lat": st.floats(-100, 100), "lon": st.floats(-200, 200)},
    optional={"accuracy": st.none() | st.floats(-1, 2e6)},
)


def _load(schema, body):
    try:
        return "ok", schema.load(body)
    except ValidationError as error:
        return "error", error.messages


@settings(max_examples=500, deadline=None)
@given(_points | _values)
def test_plain_nested_loads_as_nested_does(location):
    body = {"location": location}
    assert _load(Fast(), body) == _load(Slow(), body)


def test_a_missing_location_and_a_valid_one():
    assert (
        _load(Fast(), {})
        == _load(Slow(), {})
        == ("error", {"location": ["Missing data for required field."]})
    )
    assert _load(Fast(), {"location": {"lat": 25.0, "lon": 116.4}}) == (
        "ok",
        {"location": {"lat": 25.0, "lon": 116.4, "accuracy": None}},
    )


def test_a_location_with_its_area_check_still_takes_the_fast_path(monkeypatch):
    # The area check is a schema validator; it must not send 500 locations a batch the slow way.
    def slow(*args, **kwargs):
        raise AssertionError("PlainNested fell back to Nested for LocationSchema")

    monkeypatch.setattr(fields.Nested, "_deserialize", slow)
    assert _load(Fast(), {"location": {"lat": 25.0, "lon": 116.4}})[0] == "ok"
    assert _load(Fast(), {"location": {"lat": 0, "lon": 0}})[0] == "error"
