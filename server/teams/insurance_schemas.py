"""Shapes of members' insurance policies."""

from datetime import date

from marshmallow import fields, validate

from ..core.schemas import BaseSchema

_DAY = validate.Range(date(2000, 1, 1), date(2100, 12, 31), error="Not a plausible policy date.")
_COVER = validate.Range(1, 10**10, error="Cover is a whole number of yuan, above zero.")


class PolicyCreateSchema(BaseSchema):
    insurer = fields.String(required=True, validate=validate.Length(1, 80))
    number = fields.String(required=True, validate=validate.Length(1, 60), metadata={"description": "保单号"})
    cover_yuan = fields.Integer(
        required=True, strict=True, validate=_COVER, metadata={"description": "保额, 元"}
    )
    starts_on = fields.Date(required=True, validate=_DAY)
    ends_on = fields.Date(required=True, validate=_DAY, metadata={"description": "the last day covered"})
    note = fields.String(load_default="", validate=validate.Length(max=500))


class PolicyUpdateSchema(BaseSchema):
    insurer = fields.String(validate=validate.Length(1, 80))
    number = fields.String(validate=validate.Length(1, 60))
    cover_yuan = fields.Integer(strict=True, validate=_COVER)
    starts_on = fields.Date(validate=_DAY)
    ends_on = fields.Date(validate=_DAY)
    note = fields.String(validate=validate.Length(max=500))


class PolicySchema(BaseSchema):
    id = fields.UUID()
    member_id = fields.UUID()
    insurer = fields.String()
    number = fields.String()
    cover_yuan = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    note = fields.String()
    state = fields.String(metadata={"description": "valid, future or expired, today in China time"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class PolicyListSchema(BaseSchema):
    member_id = fields.UUID()
    display_name = fields.String()
    as_of = fields.Date(metadata={"description": "today in China time"})
    insured = fields.Boolean(metadata={"description": "a policy covers the member today"})
    insurance_until = fields.Date(allow_none=True, metadata={"description": "the last day of today's cover"})
    items = fields.List(
        fields.Nested(PolicySchema), metadata={"description": "every policy, latest end first"}
    )
