"""Points on the ground: the one location shape every domain loads, and the area a point must
fall in to be believed."""

import math

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


# The mean Earth radius (IUGG), as the phone's coords.ts uses.
EARTH_RADIUS_M = 6_371_008.8


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): within a few metres in a county, where it is used."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def box_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """south, west, north, east of a box holding every point within `radius_m` of (lat, lon),
    for an indexable prefilter before metres_between. The latitude half-height is the radius
    along the meridian; the longitude half-width is the circle's widest point (its tangent from
    the pole), a little wider than radius / cos(lat). A hair of margin covers rounding. Not for
    boxes across the antimeridian or a pole (this service's area is far from both)."""
    angle = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angle) * (1 + 1e-9) + 1e-12
    cos_lat = math.cos(math.radians(lat))
    ratio = math.sin(angle) / cos_lat if cos_lat > 1e-12 else 2.0
    dlon = 180.0 if ratio >= 1 else math.degrees(math.asin(ratio)) * (1 + 1e-9) + 1e-12
    return max(-90.0, lat - dlat), max(-180.0, lon - dlon), min(90.0, lat + dlat), min(180.0, lon + dlon)
