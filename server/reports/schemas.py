"""Shapes of hazard reports."""

from marshmallow import fields, validate

from ..core.geo import LocationSchema
from ..core.pagination import PageQuerySchema
from ..core.schemas import REGION_ID, BaseSchema, PlainNested, region_id_param
from .models import CATEGORIES, SEVERITIES, STATUSES


class ReportCreateSchema(BaseSchema):
    id = fields.UUID(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    location = PlainNested(LocationSchema, required=True)
    severity = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SEVERITIES))
    people_at_risk = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(0, 1_000_000)
    )
    media_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=9))
    region_id = fields.Integer(load_default=None, allow_none=True, strict=True, validate=REGION_ID)


class ReportSchema(BaseSchema):
    id = fields.UUID()
    reporter_id = fields.UUID()
    region_id = fields.Integer()
    category = fields.String()
    description = fields.String()
    location = fields.Function(lambda r: {"lat": r.lat, "lon": r.lon, "accuracy": r.accuracy_m})
    severity = fields.String(allow_none=True)
    people_at_risk = fields.Integer(allow_none=True)
    media_ids = fields.List(fields.UUID())
    status = fields.String(validate=validate.OneOf(STATUSES))
    reported_at = fields.DateTime()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ReportQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    since = fields.AwareDateTime(metadata={"description": "ISO 8601 with offset: received at or after"})
    until = fields.AwareDateTime(metadata={"description": "ISO 8601 with offset: received before"})
    region_id = region_id_param("this region and below")
    mine = fields.Boolean(metadata={"description": "true: only the caller's own"})
