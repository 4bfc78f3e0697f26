"""Shapes of trainings, their roll and marks, and a member's hours."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.pagination import PageQuerySchema
from ..core.schemas import BaseSchema, QuerySchema
from .models import KINDS, MARKS, METHODS

KIND_LABELS = {"theory": "理论", "fitness": "体能", "skills": "技能", "exercise": "模拟演练"}
MARK_LABELS = {"present": "到", "absent": "缺", "late": "迟到"}


def _hours_valid(value: Decimal) -> None:
    # A function, not validate.Range: apispec writes a Decimal's bounds as strings, which is no
    # valid OpenAPI `maximum` (disasters/schemas.py says the same).
    try:
        tenths = value == value.quantize(Decimal("0.1"))
    except InvalidOperation:
        tenths = False
    if not tenths:
        raise ValidationError("At most one decimal place.")
    if not Decimal("0") <= value <= Decimal("24"):
        raise ValidationError("Between 0 and 24 hours.")


def _hours(**kw):
    return fields.Decimal(allow_nan=False, validate=_hours_valid, as_string=True, **kw)


MAX_EXPECTED = 200
# A day range of a query: at most this long (hours over a year or so, never a 9999-year walk).
MAX_DAYS = 3700


def _near(value):
    """Planned within a year back and two years ahead: a year-1 time is a typo."""
    now = datetime.now(UTC)
    if not now - timedelta(days=366) <= value <= now + timedelta(days=731):
        raise ValidationError("Must be within a year before and two years after now.")


def _when(**kw):
    return fields.AwareDateTime(validate=_near, **kw)


def _text(max_len, **kw):
    return fields.String(validate=validate.Length(min=1, max=max_len), **kw)


class _Window:
    @validates_schema
    def _window(self, data, **_):
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            raise ValidationError("Must be after starts_at.", "ends_at")
        if starts and ends and ends - starts > timedelta(days=7):
            raise ValidationError("A training lasts at most 7 days.", "ends_at")


class TrainingCreateSchema(_Window, BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = _text(120, required=True)
    place = _text(120, required=True)
    starts_at = _when(required=True)
    ends_at = _when(required=True)
    planned_hours = _hours(required=True)
    member_ids = fields.List(
        fields.UUID(),
        required=True,
        validate=validate.Length(min=1, max=MAX_EXPECTED),
        metadata={"description": "the members expected (应到), all of this team"},
    )


class TrainingUpdateSchema(_Window, BaseSchema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    title = _text(120)
    place = _text(120)
    starts_at = _when()
    ends_at = _when()
    planned_hours = _hours()
    member_ids = fields.List(fields.UUID(), validate=validate.Length(min=1, max=MAX_EXPECTED))


class TrainingCancelSchema(BaseSchema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class AttendOpSchema(BaseSchema):
    """The `training.attend` op, and POST /trainings/<id>/attendance with training_id taken
    from the path: one member marked at one training."""

    id = fields.UUID(required=True, metadata={"description": "the mark's id, made by the phone"})
    training_id = fields.UUID(required=True)
    member_id = fields.UUID(load_default=None, metadata={"description": "the member; or give badge"})
    badge = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "the code a member's badge holds (their member id), as scanned"},
    )
    status = fields.String(required=True, validate=validate.OneOf(MARKS))
    hours = _hours(
        load_default=None,
        allow_none=True,
        metadata={"description": "hours credited; default the planned hours (present, late), 0 absent"},
    )
    method = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(METHODS))

    @validates_schema
    def _who(self, data, **_):
        if (data.get("member_id") is None) == (data.get("badge") is None):
            raise ValidationError("Give member_id or badge, one of them.", "member_id")


class AttendBodySchema(AttendOpSchema):
    training_id = fields.UUID(load_default=None, metadata={"description": "the path's"})


class MarkSchema(BaseSchema):
    id = fields.UUID()
    training_id = fields.UUID()
    member_id = fields.UUID(attribute="user_id")
    status = fields.String()
    status_label = fields.Function(lambda m: MARK_LABELS[m.status])
    hours = fields.Decimal(as_string=True)
    method = fields.String()
    recorded_by = fields.UUID()
    marked_at = fields.DateTime()
    mark_id = fields.UUID()


class TrainingSchema(BaseSchema):
    id = fields.UUID()
    team_id = fields.UUID()
    region_id = fields.Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda t: KIND_LABELS[t.kind])
    title = fields.String()
    place = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    planned_hours = fields.Decimal(as_string=True)
    status = fields.String()
    cancelled_at = fields.DateTime(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    created_by = fields.UUID()
    member_ids = fields.Function(lambda t: [str(e.user_id) for e in t.expected])
    created_at = fields.DateTime()


class RollEntrySchema(BaseSchema):
    member_id = fields.UUID()
    display_name = fields.String()
    team_role = fields.String(allow_none=True)
    mark = fields.Nested(MarkSchema, allow_none=True)


class RollSchema(TrainingSchema):
    roll = fields.List(fields.Nested(RollEntrySchema))
    counts = fields.Dict(metadata={"description": "expected, present, late, absent, unmarked"})


class _DaysQuery:
    @validates_schema
    def _days(self, data, **_):
        start, end = data.get("from_"), data.get("to")
        if start and end and end < start:
            raise ValidationError("Must not be before from.", "to")
        if start and end and (end - start).days > MAX_DAYS:
            raise ValidationError(f"At most {MAX_DAYS} days.", "to")


def _day(value: date) -> None:
    # A function, not validate.Range: a date's bounds are no valid OpenAPI `minimum` either.
    if not date(2000, 1, 1) <= value <= date(2100, 12, 31):
        raise ValidationError("A day between 2000 and 2100.")


_DAY = _day


class TrainingQuerySchema(_DaysQuery, PageQuerySchema):
    from_ = fields.Date(data_key="from", validate=_DAY, metadata={"description": "from this China day"})
    to = fields.Date(validate=_DAY, metadata={"description": "to this China day, included"})
    status = fields.String(validate=validate.OneOf(("planned", "cancelled")))


class HoursQuerySchema(_DaysQuery, QuerySchema):
    from_ = fields.Date(
        data_key="from", required=True, validate=_DAY, metadata={"description": "first China day"}
    )
    to = fields.Date(required=True, validate=_DAY, metadata={"description": "last China day, included"})


class HoursSchema(BaseSchema):
    member_id = fields.UUID()
    display_name = fields.String()
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    hours = fields.Decimal(as_string=True)
    trainings = fields.Integer(metadata={"description": "trainings attended (present or late)"})
    by_kind = fields.Dict(metadata={"description": "hours per kind"})
    items = fields.List(fields.Dict())


class BadgeSchema(BaseSchema):
    member_id = fields.UUID()
    display_name = fields.String()
    team_id = fields.UUID()
    code = fields.String(metadata={"description": "what the badge's QR holds: member:<uuid>"})
    qr = fields.String(metadata={"description": "the QR as an SVG data URI"})
