"""Shapes of regions."""

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.geo import check_point
from ..core.schemas import REGION_ID, BaseSchema
from .models import LEVELS

CODE = validate.Regexp(r"^\d{6,12}$", error="6–12 digits (GB/T 2260 and township/village codes)")


class RegionSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    parent_id = fields.Integer(allow_none=True)
    code = fields.String()
    name = fields.String()
    level = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class _CentreInArea:
    @validates_schema
    def _centre_in_area(self, data, **_):
        if data.get("lat") is not None and data.get("lon") is not None:
            try:
                check_point(data["lat"], data["lon"])
            except ValidationError as error:
                raise ValidationError(error.messages, "lat") from None


class RegionCreateSchema(_CentreInArea, BaseSchema):
    parent_id = fields.Integer(required=True, strict=True, validate=REGION_ID)
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS[1:]))
    lat = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))


class RegionUpdateSchema(_CentreInArea, BaseSchema):
    code = fields.String(validate=CODE)
    name = fields.String(validate=validate.Length(min=1, max=80))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
