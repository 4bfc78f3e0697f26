"""Shapes of shelters."""

from flask import current_app
from marshmallow import fields, validate

from ..core.geo import PointSchema
from ..core.pagination import PageQuerySchema
from ..core.schemas import BaseSchema
from .models import KINDS


class ShelterSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    name = fields.String()
    kind = fields.String()
    region_id = fields.Integer()
    code = fields.String()
    checkin_url = fields.Function(lambda s: f"{current_app.config['PUBLIC_BASE_URL']}/s/{s.code}")
    address = fields.String(allow_none=True)
    location = fields.Function(lambda s: {"lat": s.lat, "lon": s.lon})
    capacity = fields.Integer()
    occupancy = fields.Integer()
    floor_area_m2 = fields.Float(allow_none=True)
    manager_id = fields.UUID(allow_none=True)
    status = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ShelterCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    region_id = fields.Integer(required=True, strict=True)
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    location = fields.Nested(PointSchema, required=True)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100000))
    floor_area_m2 = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 1e7))
    manager_id = fields.UUID(load_default=None, allow_none=True)
    status = fields.String(load_default="closed", validate=validate.OneOf(["open", "closed"]))


class ShelterUpdateSchema(BaseSchema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    kind = fields.String(validate=validate.OneOf(KINDS))
    address = fields.String(allow_none=True, validate=validate.Length(max=200))
    location = fields.Nested(PointSchema)
    capacity = fields.Integer(strict=True, validate=validate.Range(0, 100000))
    floor_area_m2 = fields.Float(allow_none=True, validate=validate.Range(0, 1e7))
    manager_id = fields.UUID(allow_none=True)
    status = fields.String(validate=validate.OneOf(["open", "closed"]))


class ShelterQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(["open", "closed"]))
