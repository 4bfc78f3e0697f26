"""Shapes of shelters and of the people checked in."""

import re

from flask import current_app
from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.geo import PointSchema
from ..core.pagination import PageQuerySchema
from ..core.schemas import BaseSchema, Phone, normalise_phone
from .models import KINDS, NEEDS, SUPPLIES


def mask_phone(phone: str | None) -> str | None:
    """+8613812345678 -> 138****5678: enough to tell two families apart, not to call one."""
    if not phone:
        return None
    local = phone[3:] if phone.startswith("+86") else phone
    return f"{local[:3]}****{local[-4:]}" if len(local) >= 7 else "****"


class MobilePhone(fields.String):
    """A Chinese mobile number, normalised to +86…; landlines and foreign numbers are refused
    (the shelter calls or texts this number)."""

    def _deserialize(self, value, attr, data, **kwargs):
        phone = normalise_phone(super()._deserialize(value, attr, data, **kwargs))
        if not re.fullmatch(r"\+861[3-9]\d{9}", phone):
            raise ValidationError("Not a Chinese mobile number (11 digits starting with 1).")
        return phone


def _supplies(shelter) -> dict:
    return {k: {"quantity": getattr(shelter, f"supply_{k}"), "unit": u} for k, u in SUPPLIES.items()}


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
    places_left = fields.Integer()
    floor_area_m2 = fields.Float(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    # The first manager, for clients written when a shelter had one.
    manager_id = fields.Function(lambda s: str(s.manager_ids[0]) if s.manager_ids else None)
    manager_ids = fields.List(fields.UUID())
    supplies = fields.Function(_supplies)
    status = fields.String()
    closed_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SuppliesSchema(BaseSchema):
    water = fields.Integer(strict=True, validate=validate.Range(0, 10_000_000))
    food = fields.Integer(strict=True, validate=validate.Range(0, 10_000_000))
    bedding = fields.Integer(strict=True, validate=validate.Range(0, 10_000_000))
    medicine = fields.Integer(strict=True, validate=validate.Range(0, 10_000_000))


class _Managers:
    @validates_schema
    def _one_way(self, data, **_):
        if data.get("manager_id") is not None and data.get("manager_ids") is not None:
            raise ValidationError("Give manager_ids or manager_id, not both.", "manager_ids")


class ShelterCreateSchema(_Managers, BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    region_id = fields.Integer(required=True, strict=True)
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    location = fields.Nested(PointSchema, required=True)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100000))
    floor_area_m2 = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 1e7))
    contact_phone = Phone(load_default=None, allow_none=True)
    manager_id = fields.UUID(load_default=None, allow_none=True)
    manager_ids = fields.List(fields.UUID(), validate=validate.Length(max=20), load_default=None)
    supplies = fields.Nested(SuppliesSchema, load_default=None)
    status = fields.String(load_default="closed", validate=validate.OneOf(["open", "closed"]))


class ShelterUpdateSchema(_Managers, BaseSchema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    kind = fields.String(validate=validate.OneOf(KINDS))
    address = fields.String(allow_none=True, validate=validate.Length(max=200))
    location = fields.Nested(PointSchema)
    capacity = fields.Integer(strict=True, validate=validate.Range(0, 100000))
    floor_area_m2 = fields.Float(allow_none=True, validate=validate.Range(0, 1e7))
    contact_phone = Phone(allow_none=True)
    manager_id = fields.UUID(allow_none=True)
    manager_ids = fields.List(fields.UUID(), validate=validate.Length(max=20))
    supplies = fields.Nested(SuppliesSchema)
    status = fields.String(validate=validate.OneOf(["open", "closed"]))


class ShelterQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(["open", "closed", "full"]))


# --- people ---------------------------------------------------------------------------------

_NAME = validate.Length(min=1, max=60)


class _Person(BaseSchema):
    name = fields.String(required=True, validate=_NAME)
    phone = MobilePhone(load_default=None, allow_none=True)
    household_size = fields.Integer(required=True, strict=True, validate=validate.Range(1, 50))
    needs = fields.List(
        fields.String(validate=validate.OneOf(NEEDS)), load_default=list, validate=validate.Length(max=5)
    )

    @validates_schema
    def _name_not_blank(self, data, **_):
        if "name" in data and not data["name"].strip():
            raise ValidationError("A name is needed.", "name")


class PublicCheckinSchema(_Person):
    id = fields.UUID(required=True)


class RestCheckinSchema(_Person):
    id = fields.UUID(required=True)


class KioskCheckinSchema(_Person):
    id = fields.UUID(required=True)
    shelter_id = fields.UUID(required=True)


class KioskCheckoutSchema(BaseSchema):
    """By the check-in's id, or by the receipt's token the kiosk scanned."""

    checkin_id = fields.UUID(load_default=None)
    token = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    shelter_id = fields.UUID(load_default=None)

    @validates_schema
    def _one(self, data, **_):
        if (data.get("checkin_id") is None) == (data.get("token") is None):
            raise ValidationError("Give checkin_id or token.", "checkin_id")


class ReceiptSchema(BaseSchema):
    """What a check-in answers: no name, no phone (it is kept in the sync ledger and in
    phones' caches, where the retention purge does not reach)."""

    id = fields.UUID()
    shelter_id = fields.UUID()
    shelter_name = fields.Function(lambda c: c.shelter.name)
    household_size = fields.Integer()
    needs = fields.List(fields.String())
    source = fields.String()
    checked_in_at = fields.DateTime()
    checked_out_at = fields.DateTime(allow_none=True)
    receipt_token = fields.Method("_token")
    occupancy = fields.Function(lambda c: c.shelter.occupancy)
    shelter_status = fields.Function(lambda c: c.shelter.status)

    def _token(self, checkin):
        from .checkins import receipt_token

        return receipt_token(checkin.id)


class PersonListSchema(BaseSchema):
    """A person as the desk's lists show them: the phone masked."""

    id = fields.UUID()
    shelter_id = fields.UUID()
    shelter_name = fields.Function(lambda c: c.shelter.name)
    name = fields.String(allow_none=True)
    phone_masked = fields.Function(lambda c: mask_phone(c.phone))
    household_size = fields.Integer()
    needs = fields.List(fields.String())
    source = fields.String()
    checked_in_at = fields.DateTime()
    checked_out_at = fields.DateTime(allow_none=True)
    purged = fields.Function(lambda c: c.purged_at is not None)


class PersonSchema(PersonListSchema):
    """One person's record, opened by the desk (audited): the phone in full."""

    phone = fields.String(allow_none=True)
    checked_in_by = fields.UUID(allow_none=True)
    checked_out_by = fields.UUID(allow_none=True)


class PeopleListQuerySchema(PageQuerySchema):
    present = fields.Boolean(metadata={"description": "true: only those not checked out"})


class PeopleQuerySchema(PageQuerySchema):
    q = fields.String(
        required=True,
        validate=validate.Length(min=1, max=30),
        metadata={"description": "part of a name, or a phone's last four digits"},
    )

    @validates_schema
    def _name_or_last_four(self, data, **_):
        q = data.get("q", "").strip()
        if not q:
            raise ValidationError("Part of a name, or the last four digits of a phone.", "q")
        if q.isdigit() and len(q) != 4:
            raise ValidationError("A phone is looked up by exactly its last four digits.", "q")


class PublicShelterSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    address = fields.String(allow_none=True)
    status = fields.String()
    capacity = fields.Integer()
    places_left = fields.Integer()
    location = fields.Function(lambda s: {"lat": s.lat, "lon": s.lon})
