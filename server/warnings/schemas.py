"""Shapes of warnings: what the desk sends, what everyone reads, the ack op, the list's query."""

from datetime import UTC, datetime, timedelta

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.pagination import PageQuerySchema
from ..core.schemas import REGION_ID, BaseSchema, QuerySchema
from .models import KINDS, LEVELS, MSG_TYPES, STATES

_TITLE = validate.Length(min=1, max=120)
_BODY = validate.Length(min=1, max=4000)
_INSTRUCTIONS = validate.Length(max=2000)
_REASON = validate.Length(min=1, max=500)


class _LatLon(fields.List):
    """[lat, lon] in WGS-84."""

    def __init__(self, **kw):
        super().__init__(fields.Float(allow_nan=False), validate=validate.Length(equal=2), **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        lat, lon = super()._deserialize(value, attr, data, **kwargs)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError("A point is [lat, lon] with lat in -90…90 and lon in -180…180.")
        return [lat, lon]


def _polygon(**kw):
    return fields.List(
        _LatLon(),
        allow_none=True,
        validate=validate.Length(min=3, max=201),
        metadata={"description": "[[lat, lon], ...] WGS-84, 3–200 points, closed or not; null: none"},
        **kw,
    )


def _check_polygon(points):
    if points is None:
        return
    closed = len(points) > 3 and points[0] == points[-1]
    distinct = points[:-1] if closed else points
    if len(distinct) > 200:
        raise ValidationError("At most 200 points.", "polygon")
    if len({tuple(p) for p in distinct}) < 3:
        raise ValidationError("A polygon needs at least 3 different points.", "polygon")


def _near(value):
    """A warning's times lie within a year or so of now: a year-1 or year-9999 time is a typo
    (and would overflow the arithmetic of a default expiry)."""
    now = datetime.now(UTC)
    if not now - timedelta(days=31) <= value <= now + timedelta(days=731):
        raise ValidationError("Must be within a month before and two years after now.")


def _when(**kw):
    return fields.AwareDateTime(validate=_near, **kw)


class _WindowCheck:
    @validates_schema
    def _window(self, data, **_):
        _check_polygon(data.get("polygon"))
        onset, expires = data.get("onset_at"), data.get("expires_at")
        if onset and expires and expires <= onset:
            raise ValidationError("Must be after onset_at.", "expires_at")


class WarningCreateSchema(_WindowCheck, BaseSchema):
    id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "made by the client once per form: sending it again (a retry after a "
            "timeout, a second tap) answers 200 with the first one, and nobody is reached twice"
        },
    )
    title = fields.String(required=True, validate=_TITLE)
    body = fields.String(required=True, validate=_BODY)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    region_ids = fields.List(
        fields.Integer(strict=True, validate=REGION_ID),
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the area's regions (default: the caller's region)"},
    )
    polygon = _polygon(load_default=None)
    instructions = fields.String(load_default=None, allow_none=True, validate=_INSTRUCTIONS)
    onset_at = _when(load_default=None, allow_none=True)
    expires_at = _when(
        load_default=None, allow_none=True, metadata={"description": "default onset_at + 24 h"}
    )
    draft = fields.Boolean(
        load_default=False,
        metadata={"description": "save without issuing (always so with two-person approval)"},
    )


class WarningUpdateSchema(_WindowCheck, BaseSchema):
    """An update: what changes (the rest is kept from the message it replaces) and why."""

    title = fields.String(validate=_TITLE)
    body = fields.String(validate=_BODY)
    kind = fields.String(validate=validate.OneOf(KINDS))
    level = fields.String(validate=validate.OneOf(LEVELS))
    region_ids = fields.List(
        fields.Integer(strict=True, validate=REGION_ID), validate=validate.Length(min=1, max=200)
    )
    polygon = _polygon()  # not sent: kept
    instructions = fields.String(allow_none=True, validate=_INSTRUCTIONS)
    onset_at = _when()
    expires_at = _when()
    draft = fields.Boolean(load_default=False)
    reason = fields.String(required=True, validate=_REASON)


class WarningCancelSchema(BaseSchema):
    reason = fields.String(required=True, validate=_REASON)
    draft = fields.Boolean(load_default=False)


class WarningAckSchema(BaseSchema):
    warning_id = fields.UUID(required=True)


class WarningQuerySchema(PageQuerySchema):
    active = fields.Boolean(
        metadata={"description": "true: issued, not cancelled, superseded or expired (upcoming too)"}
    )
    state = fields.String(validate=validate.OneOf(STATES))
    kind = fields.String(validate=validate.OneOf(KINDS))
    level = fields.String(validate=validate.OneOf(LEVELS))


class NoQuerySchema(QuerySchema):
    pass


def _person(user):
    return None if user is None else {"id": str(user.id), "display_name": user.display_name}


class WarningSchema(BaseSchema):
    id = fields.UUID()
    identifier = fields.String(
        allow_none=True,
        metadata={"description": "CAP identifier (GB/T 35965.1 form), given when issued; null for a draft"},
    )
    msg_type = fields.String(metadata={"enum": list(MSG_TYPES)})
    references_id = fields.UUID(allow_none=True)
    state = fields.String()
    kind = fields.String()
    level = fields.String()
    title = fields.String()
    body = fields.String()
    instructions = fields.String(allow_none=True)
    region_id = fields.Integer()
    region_ids = fields.Function(lambda w: [r.id for r in w.regions])
    regions = fields.Function(lambda w: [{"id": r.id, "name": r.name} for r in w.regions])
    polygon = fields.Raw(allow_none=True)
    onset_at = fields.DateTime()
    expires_at = fields.DateTime()
    issued_at = fields.DateTime(allow_none=True)
    issued_by = fields.Function(lambda w: _person(w.issued_by))
    created_by_id = fields.UUID()
    approved_by_id = fields.UUID(allow_none=True)
    reason = fields.String(allow_none=True)
    active = fields.Function(lambda w: getattr(w, "is_active", False))
    upcoming = fields.Function(lambda w: getattr(w, "is_upcoming", False))
    acked = fields.Function(lambda w: getattr(w, "acked", False))
    # For the caller: their 收到's time (whichever way it came), and whether they are one of this
    # message's responsible persons, who are asked to acknowledge it (the phone shows 收到 only then).
    acked_at = fields.Function(
        lambda w: getattr(w, "acked_at", None) and w.acked_at.isoformat(),
        metadata={"type": ["string", "null"], "format": "date-time"},
    )
    responsible = fields.Function(lambda w: getattr(w, "responsible", False), metadata={"type": "boolean"})
    superseded_by = fields.UUID(attribute="superseded_by_id", allow_none=True)
    cancelled = fields.Function(lambda w: w.cancelled_at is not None)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
