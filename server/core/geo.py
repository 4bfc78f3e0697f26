"""Points on the ground: the one location shape every domain loads, and the area a point must
fall in to be believed."""

from flask import current_app, has_app_context
from marshmallow import ValidationError, fields, validate, validates_schema

from ..config import DEFAULT_LOCATION_BOUNDS
from .schemas import BaseSchema


def current_bounds() -> tuple[float, float, float, float]:
    # Outside an app (a schema loaded in a script or a unit test) the default area holds.
    if has_app_context():
        return current_app.config.get("LOCATION_BOUNDS", DEFAULT_LOCATION_BOUNDS)
    return DEFAULT_LOCATION_BOUNDS


def check_point(lat: float, lon: float) -> None:
    """Refuse a point no one in the area can be at; the messages say which value to fix."""
    if lat == 0 and lon == 0:
        # What a phone sends when it has no GPS fix yet: say so, not "out of the area".
        raise ValidationError("0,0 is not a place: the phone had no position fix; take the position again.")
    south, west, north, east = current_bounds()
    if not (south <= lat <= north and west <= lon <= east):
        raise ValidationError(
            f"This point ({lat}, {lon}) is outside the area this service covers "
            f"(latitude {south}..{north}, longitude {west}..{east})."
        )


class PointSchema(BaseSchema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)

    @validates_schema
    def _in_area(self, data, **_):
        check_point(data["lat"], data["lon"])


class LocationSchema(PointSchema):
    """A position from a phone: a point and how sure the phone is of it (metres)."""

    accuracy = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 1e6))
