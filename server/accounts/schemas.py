"""Shapes of users and auth requests."""

from marshmallow import fields, validate

from ..core.pagination import PageQuerySchema
from ..core.permissions import ROLES
from ..core.schemas import REGION_ID, BaseSchema, Phone

USERNAME = validate.Regexp(r"^[A-Za-z0-9_.\-]{2,64}$", error="2–64 letters, digits, _ . -")
PASSWORD = validate.Length(min=8, max=128)


class LoginSchema(BaseSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=128))
    device_id = fields.String(validate=validate.Length(max=64), load_default=None)


class RefreshSchema(BaseSchema):
    refresh_token = fields.String(load_default=None)


class TokensSchema(BaseSchema):
    access_token = fields.String()
    refresh_token = fields.String()
    csrf_access_token = fields.String()
    csrf_refresh_token = fields.String()
    user = fields.Nested(lambda: UserSchema())


class UserSchema(BaseSchema):
    id = fields.UUID(dump_only=True)
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    region_id = fields.Integer()
    region_name = fields.Function(lambda u: u.region.name if u.region else None)
    phone = fields.String(allow_none=True)
    active = fields.Boolean()
    must_change_password = fields.Boolean(
        metadata={"description": "true: the user must choose a new password (PATCH /me) before anything else"}
    )
    team_id = fields.UUID(allow_none=True)
    team_role = fields.String(allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class PasswordResetSchema(BaseSchema):
    user = fields.Nested(UserSchema)
    temporary_password = fields.String(
        metadata={"description": "shown once; never stored in clear, never answered again"}
    )


class UserCreateSchema(BaseSchema):
    username = fields.String(required=True, validate=USERNAME)
    password = fields.String(required=True, load_only=True, validate=PASSWORD)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    region_id = fields.Integer(required=True, strict=True, validate=REGION_ID)
    phone = Phone(load_default=None, allow_none=True)
    team_id = fields.UUID(load_default=None, allow_none=True)
    team_role = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(["captain", "vice_captain", "member"])
    )
    must_change_password = fields.Boolean(
        load_default=False, metadata={"description": "true: the password given is temporary"}
    )


class UserUpdateSchema(BaseSchema):
    username = fields.String(validate=USERNAME)
    password = fields.String(load_only=True, validate=PASSWORD)
    display_name = fields.String(validate=validate.Length(min=1, max=80))
    role = fields.String(validate=validate.OneOf(ROLES))
    region_id = fields.Integer(strict=True, validate=REGION_ID)
    phone = Phone(allow_none=True)
    active = fields.Boolean()
    team_id = fields.UUID(allow_none=True)
    team_role = fields.String(allow_none=True, validate=validate.OneOf(["captain", "vice_captain", "member"]))


class MeUpdateSchema(BaseSchema):
    display_name = fields.String(validate=validate.Length(min=1, max=80))
    phone = Phone(allow_none=True)
    current_password = fields.String(load_only=True)
    password = fields.String(load_only=True, validate=PASSWORD)


class UserQuerySchema(PageQuerySchema):
    role = fields.String(validate=validate.OneOf(ROLES))
    q = fields.String(validate=validate.Length(max=64), metadata={"description": "name contains"})
    active = fields.Boolean(metadata={"description": "true or false; both when absent"})
