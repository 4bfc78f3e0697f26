"""Shapes of teams and members."""

from marshmallow import fields, validate

from ..core.pagination import PageQuerySchema
from ..core.schemas import REGION_ID, BaseSchema, region_id_param


class TeamSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    name = fields.String()
    region_id = fields.Integer()
    kind = fields.String()
    size = fields.Method("_size")
    created_at = fields.DateTime(dump_only=True)

    def _size(self, team):
        from .service import team_size

        known = getattr(team, "size_known", None)  # a list counts its page in one query
        return known if known is not None else team_size(team.id)


class TeamCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    region_id = fields.Integer(required=True, strict=True, validate=REGION_ID)
    kind = fields.String(load_default="comprehensive", validate=validate.Length(max=30))


class TeamUpdateSchema(BaseSchema):
    name = fields.String(validate=validate.Length(min=1, max=80))
    region_id = fields.Integer(strict=True, validate=REGION_ID)
    kind = fields.String(validate=validate.Length(max=30))


class MemberSchema(BaseSchema):
    id = fields.UUID()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    team_id = fields.UUID()
    team_role = fields.String(allow_none=True)
    region_id = fields.Integer()
    region_name = fields.Function(lambda u: u.region.name if u.region else None)
    phone = fields.String(allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime()
    insured = fields.Method(
        "_insured", metadata={"description": "a policy covers the member today (China time)"}
    )
    insurance_until = fields.Method(
        "_until", allow_none=True, metadata={"description": "the last day of today's cover, or null"}
    )

    def _insured(self, user) -> bool:
        return self._until(user) is not None

    def _until(self, user):
        from .insurance import insurance_until

        until = insurance_until(user)  # a list sets it on its page in one query
        return until.isoformat() if until else None


class TeamQuerySchema(PageQuerySchema):
    region_id = region_id_param("teams of this township")


class MemberQuerySchema(PageQuerySchema):
    team_id = fields.UUID(metadata={"description": "one team"})
    region_id = region_id_param("members of this region")
    active = fields.Boolean(load_default=True, metadata={"description": "false: those no longer active"})


class RosterQuerySchema(BaseSchema):
    confirm = fields.Boolean(
        load_default=False,
        metadata={"description": "true: import every good row (all or nothing); false: the report only"},
    )


class RosterRowSchema(BaseSchema):
    row = fields.Integer(metadata={"description": "the spreadsheet's row number"})
    status = fields.String(metadata={"description": "taken or refused"})
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    team_role = fields.String(allow_none=True)
    team_role_label = fields.String(allow_none=True)
    reasons = fields.List(fields.String(), metadata={"description": "why refused, in Chinese"})
    read = fields.Dict(metadata={"description": "birth date, education, category: read, not stored"})
    user_id = fields.String()
    username = fields.String()


class RosterReportSchema(BaseSchema):
    team_id = fields.String()
    dry_run = fields.Boolean()
    columns = fields.List(fields.String())
    ignored_columns = fields.List(fields.String())
    read_only_columns = fields.List(fields.String())
    rows = fields.List(fields.Nested(RosterRowSchema))
    taken = fields.Integer()
    refused = fields.Integer()
    imported = fields.Integer()


class FirstPasswordSchema(BaseSchema):
    user_id = fields.UUID()
    display_name = fields.String()
    username = fields.String()
    temporary_password = fields.String(
        metadata={"description": "shown once; never stored in clear, never answered again"}
    )


class FirstPasswordsSchema(BaseSchema):
    team_id = fields.UUID()
    issued = fields.List(
        fields.Nested(FirstPasswordSchema),
        metadata={"description": "the members who had no password; empty when all have one"},
    )
