"""Shapes of profiles, path steps, the recruiting rules, flags and readiness."""

from datetime import date

from marshmallow import fields, validate

from ..core.schemas import BaseSchema, Phone, QuerySchema, region_id_param
from .profile_models import BACKGROUNDS, EDUCATION, STAGES

_TEXT = validate.Length(1, 60)


class CertificateSchema(BaseSchema):
    name = fields.String(required=True, validate=_TEXT)
    number = fields.String(allow_none=True, validate=validate.Length(max=40))
    expires_on = fields.Date(allow_none=True, metadata={"description": "none: does not expire"})


class ContactSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(1, 80))
    phone = Phone(required=True)


class ProfilePutSchema(BaseSchema):
    """Every field is required (null to clear it): a body that leaves one out is refused rather
    than wiping what was recorded."""

    birth_date = fields.Date(required=True, allow_none=True, validate=validate.Range(min=date(1900, 1, 1)))
    education = fields.String(required=True, allow_none=True, validate=validate.OneOf(EDUCATION))
    background = fields.String(required=True, allow_none=True, validate=validate.OneOf(BACKGROUNDS))
    skills = fields.List(
        fields.String(validate=validate.Length(1, 40)), required=True, validate=validate.Length(max=30)
    )
    certificates = fields.List(
        fields.Nested(CertificateSchema), required=True, validate=validate.Length(max=30)
    )
    emergency_contact = fields.Nested(ContactSchema, required=True, allow_none=True)


class FlagSchema(BaseSchema):
    team_id = fields.UUID()
    team_name = fields.String()
    region_id = fields.Integer()
    member_id = fields.UUID(allow_none=True)
    display_name = fields.String(allow_none=True)
    rule = fields.String()
    reason = fields.String()
    since = fields.DateTime()


class MemberFlagSchema(BaseSchema):
    rule = fields.String()
    reason = fields.String()
    since = fields.DateTime()


class StepSchema(BaseSchema):
    id = fields.UUID()
    from_stage = fields.String(allow_none=True)
    to_stage = fields.String()
    to_label = fields.String()
    happened_on = fields.Date()
    recorded_at = fields.DateTime()
    by_id = fields.UUID()
    by_name = fields.String()
    note = fields.String()


class ProfileSchema(BaseSchema):
    member_id = fields.UUID()
    display_name = fields.String()
    team_id = fields.UUID()
    team_role = fields.String(allow_none=True)
    region_id = fields.Integer()
    stage = fields.String(allow_none=True)
    stage_label = fields.String()
    background = fields.String(allow_none=True)
    skills = fields.List(fields.String())
    certificates = fields.List(fields.Nested(CertificateSchema))
    personal_visible = fields.Boolean(
        metadata={
            "description": "false: the public part only (the member, their captain and the desk see more)"
        }
    )
    birth_date = fields.Date(allow_none=True)
    age = fields.Integer(allow_none=True, metadata={"description": "whole years, China time"})
    education = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    emergency_contact = fields.Nested(ContactSchema, allow_none=True)
    flags = fields.List(fields.Nested(MemberFlagSchema))
    steps = fields.List(fields.Nested(StepSchema))


class StepCreateSchema(BaseSchema):
    to = fields.String(required=True, validate=validate.OneOf(STAGES))
    happened_on = fields.Date(
        validate=validate.Range(min=date(1990, 1, 1)), metadata={"description": "default: today, China time"}
    )
    note = fields.String(load_default="", validate=validate.Length(max=500))


class RulesSchema(BaseSchema):
    max_age = fields.Integer(required=True, strict=True, validate=validate.Range(16, 70))
    min_education = fields.String(required=True, validate=validate.OneOf(EDUCATION))
    min_team_size = fields.Integer(required=True, strict=True, validate=validate.Range(1, 500))
    captain_required = fields.Boolean(required=True)
    saved = fields.Boolean(dump_only=True, metadata={"description": "false: the source's defaults"})
    min_education_label = fields.String(dump_only=True)
    updated_at = fields.DateTime(dump_only=True, allow_none=True)


class AreaQuerySchema(QuerySchema):
    region_id = region_id_param("the county or a township (default: the caller's region)")


class FlagListSchema(BaseSchema):
    items = fields.List(fields.Nested(FlagSchema))
    total = fields.Integer()
    next_cursor = fields.String(allow_none=True, metadata={"description": "always null: one page"})


class _Slot(BaseSchema):
    count = fields.Integer(allow_none=True)
    label = fields.String()


class _Insurance(BaseSchema):
    count = fields.Integer(metadata={"description": "members without valid cover today"})
    expiring = fields.Integer(metadata={"description": "members whose cover ends within 30 days"})
    label = fields.String()


class _Expiring(BaseSchema):
    member_id = fields.UUID()
    display_name = fields.String()
    name = fields.String()
    expires_on = fields.Date()


class TeamReadinessSchema(BaseSchema):
    team_id = fields.UUID()
    name = fields.String()
    kind = fields.String()
    size = fields.Integer()
    min_size = fields.Integer()
    captain = fields.String(allow_none=True)
    stages = fields.Dict(keys=fields.String(), values=fields.Integer())
    active = fields.Integer()
    probation = fields.Integer()
    certificates_expiring = fields.List(fields.Nested(_Expiring))
    certificates_expired = fields.List(fields.Nested(_Expiring))
    flagged_members = fields.Integer(metadata={"description": "members who break a recruiting rule"})
    unchecked_members = fields.Integer(
        metadata={"description": "members with no birth date or education recorded"}
    )
    insurance = fields.Nested(_Insurance)
    equipment = fields.Nested(_Slot, metadata={"description": "not recorded yet: count null, 未登记"})
    status = fields.String(metadata={"description": "red 未达标, yellow 需关注, green 达标"})
    status_label = fields.String()
    reasons = fields.List(fields.String())


class TownshipReadinessSchema(BaseSchema):
    region_id = fields.Integer()
    region_name = fields.String()
    status = fields.String()
    status_label = fields.String()
    reasons = fields.List(fields.String())
    teams = fields.List(fields.Nested(TeamReadinessSchema))


class _Summary(BaseSchema):
    townships = fields.Integer()
    townships_short = fields.Integer()
    members = fields.Integer()
    active = fields.Integer()
    probation = fields.Integer()
    certificates_expiring = fields.Integer()
    flagged_members = fields.Integer()
    unchecked_members = fields.Integer()
    insurance = fields.Nested(_Insurance)
    equipment = fields.Nested(_Slot)
    status = fields.String()
    status_label = fields.String()
    reasons = fields.List(fields.String())


class ReadinessSchema(BaseSchema):
    region_id = fields.Integer()
    region_name = fields.String()
    as_of = fields.Date()
    rules = fields.Nested(RulesSchema)
    summary = fields.Nested(_Summary)
    townships = fields.List(fields.Nested(TownshipReadinessSchema))
