"""Shapes of incidents, dispatch orders and members' answers."""

from marshmallow import fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from ..core.geo import LocationSchema
from ..core.pagination import PageQuerySchema
from ..core.schemas import REGION_ID, BaseSchema
from .models import INCIDENT_KINDS, WEIGHT_CLASSES

SEVERITIES = ("red", "orange", "yellow", "blue")


def _point(lat, lon):
    return None if lat is None or lon is None else {"lat": lat, "lon": lon}


_CLIENT_ID = {
    "description": "made by the client once per form: sending it again (a retry after a timeout) "
    "answers 200 with the first one instead of making a second"
}


class IncidentCreateSchema(BaseSchema):
    id = fields.UUID(load_default=None, allow_none=True, metadata=_CLIENT_ID)
    kind = fields.String(required=True, validate=validate.OneOf(INCIDENT_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    place = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    severity = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SEVERITIES))
    region_id = fields.Integer(load_default=None, allow_none=True, strict=True, validate=REGION_ID)
    occurred_at = fields.AwareDateTime(load_default=None, allow_none=True)


class IncidentSchema(BaseSchema):
    id = fields.UUID()
    region_id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    place = fields.String(allow_none=True)
    location = fields.Function(lambda i: _point(i.lat, i.lon))
    severity = fields.String(allow_none=True)
    occurred_at = fields.DateTime()
    created_by = fields.UUID()
    closed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class DispatchCreateSchema(BaseSchema):
    id = fields.UUID(load_default=None, allow_none=True, metadata=_CLIENT_ID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    location = fields.Nested(LocationSchema, required=True)
    incident_id = fields.UUID(load_default=None, allow_none=True)
    region_id = fields.Integer(load_default=None, allow_none=True, strict=True, validate=REGION_ID)
    member_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=500))
    team_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=50))
    headcount = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(1, 1000)
    )
    muster_point = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    muster_location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    bring = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    checkin_interval_min = fields.Integer(load_default=30, strict=True, validate=validate.Range(5, 240))
    weight_class = fields.String(
        load_default="normal",
        validate=validate.OneOf(WEIGHT_CLASSES),
        metadata={"description": "the task's weight for the subsidy: normal 一般, heavy 较重, severe 繁重"},
    )

    @validates_schema
    def _someone(self, data, **_):
        if not data.get("member_ids") and not data.get("team_ids"):
            raise ValidationError("Name at least one member or team.", "member_ids")


class TargetSchema(BaseSchema):
    member_id = fields.UUID()
    display_name = fields.Function(lambda t: t.member.display_name)
    phone = fields.Function(lambda t: t.member.phone)
    member_region_id = fields.Integer()
    cross_township = fields.Boolean()
    response = fields.String()
    status = fields.String()
    eta_minutes = fields.Integer(allow_none=True)
    decline_reason = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    status_at = fields.DateTime(allow_none=True)
    last_ping_at = fields.DateTime(allow_none=True)
    last_location = fields.Function(lambda t: _point(t.last_lat, t.last_lon))
    checkin_overdue = fields.Function(lambda t: getattr(t, "checkin_overdue", False))
    next_checkin_due = fields.Function(lambda t: getattr(t, "next_checkin_due", None))
    delivery = fields.Function(lambda t: getattr(t, "delivery", None))


class DispatchSchema(BaseSchema):
    id = fields.UUID()
    incident_id = fields.UUID(allow_none=True)
    region_id = fields.Integer()
    title = fields.String()
    description = fields.String(allow_none=True)
    location = fields.Function(lambda d: _point(d.lat, d.lon))
    muster_point = fields.String(allow_none=True)
    muster_location = fields.Function(lambda d: _point(d.muster_lat, d.muster_lon))
    bring = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    headcount = fields.Integer(allow_none=True)
    checkin_interval_min = fields.Integer()
    weight_class = fields.String()
    created_by = fields.UUID()
    closed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    targets = fields.Function(
        # A member sees their own line; the desk sees everyone's.
        lambda d: _TARGETS.dump(getattr(d, "visible_targets", d.targets))
    )
    board = fields.Function(lambda d: getattr(d, "board", None))


_TARGETS = TargetSchema(many=True)


class RespondSchema(BaseSchema):
    dispatch_id = fields.UUID(required=True)
    response = fields.String(required=True, validate=validate.OneOf(["accept", "decline"]))
    eta_minutes = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 1440)
    )
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class StatusSchema(BaseSchema):
    dispatch_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["en_route", "on_scene", "completed"]))
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)


class PingSchema(BaseSchema):
    dispatch_id = fields.UUID(required=True)
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)


class IncidentQuerySchema(PageQuerySchema):
    open = fields.Boolean(metadata={"description": "true: only incidents not closed"})


class DispatchQuerySchema(PageQuerySchema):
    open = fields.Boolean(metadata={"description": "true: only orders not closed"})
