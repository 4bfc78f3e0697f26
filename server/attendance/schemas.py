"""Shapes of check-ins."""

from marshmallow import fields

from ..core.geo import LocationSchema
from ..core.pagination import PageQuerySchema
from ..core.schemas import BaseSchema


class CheckinCreateSchema(BaseSchema):
    id = fields.UUID(required=True)
    dispatch_id = fields.UUID(load_default=None, allow_none=True)
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)


class CheckoutSchema(BaseSchema):
    id = fields.UUID(required=True)
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)


class CheckoutBodySchema(BaseSchema):
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)


def _point(lat, lon, accuracy=None):
    if lat is None or lon is None:
        return None
    return {"lat": lat, "lon": lon, "accuracy": accuracy}


class CheckinSchema(BaseSchema):
    id = fields.UUID()
    user_id = fields.UUID()
    region_id = fields.Integer()
    dispatch_id = fields.UUID(allow_none=True)
    checkin_at = fields.DateTime()
    checkin_location = fields.Function(lambda c: _point(c.checkin_lat, c.checkin_lon, c.checkin_accuracy_m))
    checkout_at = fields.DateTime(allow_none=True)
    checkout_location = fields.Function(lambda c: _point(c.checkout_lat, c.checkout_lon))
    open = fields.Function(lambda c: c.checkout_at is None)
    # 值班 or 任务: the subsidy is paid separately for each, so every record says which it is.
    kind = fields.Function(lambda c: "duty" if c.dispatch_id is None else "task")
    minutes = fields.Method("_minutes")

    def _minutes(self, c):
        if c.checkout_at is None:
            return None
        return round((c.checkout_at - c.checkin_at).total_seconds() / 60, 1)


class CheckinQuerySchema(PageQuerySchema):
    open = fields.Boolean(metadata={"description": "true: only open ones"})
    user_id = fields.UUID(metadata={"description": "one person (the desk)"})
