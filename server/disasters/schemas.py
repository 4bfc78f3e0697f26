"""Shapes of disaster events and situation reports."""

from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.pagination import PageQuerySchema
from ..core.schemas import REGION_ID, BaseSchema
from .models import COUNTS, DECIMALS, EVENT_KINDS, FIGURES, REPORT_KINDS

MAX_COUNT = 100_000_000  # more people than any county has; a typo, not a figure
MAX_DECIMAL = 9_999_999_999  # hectares or 万元; kept as BigInteger hundredths


def _two_places(value: Decimal) -> None:
    try:
        ok = value == value.quantize(Decimal("0.01"))
    except InvalidOperation:
        ok = False
    if not ok:
        raise ValidationError("At most two decimal places.")


def _in_range(value: Decimal) -> None:
    # A function, not validate.Range: apispec writes a Decimal field's bounds as strings, which
    # is no valid OpenAPI `maximum`.
    if not 0 <= value <= MAX_DECIMAL:
        raise ValidationError(f"Must be between 0 and {MAX_DECIMAL}.")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Say it in words.")


class EventCreateSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    name = fields.String(required=True, validate=[validate.Length(min=1, max=100), _not_blank])
    region_ids = fields.List(
        fields.Integer(strict=True, validate=REGION_ID),
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "townships and/or villages affected (a township: all its villages)"},
    )
    opened_at = fields.AwareDateTime(
        load_default=None, allow_none=True, metadata={"description": "ISO 8601 with offset; default now"}
    )


class EventCloseSchema(BaseSchema):
    pass


class EventSchema(BaseSchema):
    id = fields.UUID()
    kind = fields.String()
    name = fields.String()
    region_id = fields.Integer()
    status = fields.String(metadata={"description": "open or closed"})
    opened_at = fields.DateTime()
    initial_due_at = fields.DateTime(metadata={"description": "initial reports (初报) due by then"})
    closed_at = fields.DateTime(allow_none=True)
    village_ids = fields.List(fields.Integer())
    created_at = fields.DateTime()


class EventQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(("open", "closed")))


def _count():
    return fields.Integer(required=True, strict=True, validate=validate.Range(0, MAX_COUNT))


def _decimal():
    return fields.Decimal(
        required=True,
        allow_nan=False,
        validate=[_in_range, _two_places],
    )


class FiguresMixin(BaseSchema):
    affected = _count()
    dead = _count()
    missing = _count()
    injured = _count()
    evacuated = _count()
    resettled = _count()
    houses_collapsed = _count()
    houses_severe = _count()
    houses_light = _count()
    crops_affected_ha = _decimal()
    crops_lost_ha = _decimal()
    loss_10k_yuan = _decimal()

    @validates_schema
    def _consistent(self, data, **_):
        """Our rules, each a count of people the affected population includes: the dead, the
        missing and the injured are each at most the affected; crops lost (绝收) are at most
        crops affected. Not checked: evacuated or resettled against affected (people moved out
        of harm's way before it struck are evacuated without being affected), nor the houses."""
        errors = {}
        affected = data.get("affected")
        if affected is not None:
            for f in ("dead", "missing", "injured"):
                if data.get(f) is not None and data[f] > affected:
                    errors[f] = ["More than the people affected."]
        lost, crops = data.get("crops_lost_ha"), data.get("crops_affected_ha")
        if lost is not None and crops is not None and lost > crops:
            errors["crops_lost_ha"] = ["More than the crops affected."]
        if errors:
            raise ValidationError(errors)


class SituationReportCreateSchema(FiguresMixin):
    """A report as the phone sends it (REST: the event from the path)."""

    id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    region_id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=REGION_ID,
        metadata={"description": "the village; default the officer's own"},
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    reason = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=1000),
        metadata={"description": "why a figure is lower than the village's last report (required then)"},
    )


class SituationReportOpSchema(SituationReportCreateSchema):
    """The sync op `disaster.report`: the event rides in the data."""

    event_id = fields.UUID(required=True)


def _figures_out(report) -> dict:
    return {f: (str(getattr(report, f)) if f in DECIMALS else getattr(report, f)) for f in FIGURES}


class SituationReportSchema(BaseSchema):
    id = fields.UUID()
    event_id = fields.UUID()
    region_id = fields.Integer()
    region_name = fields.Function(lambda r: r.region.name if r.region else None)
    seq = fields.Integer()
    kind = fields.String()
    reporter_id = fields.UUID()
    reporter_name = fields.Function(lambda r: r.reporter.display_name if r.reporter else None)
    reported_at = fields.DateTime()
    created_at = fields.DateTime()
    figures = fields.Function(
        _figures_out,
        metadata={"description": "counts as integers; hectares and 万元 as strings with two places"},
    )
    note = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class EventDetailSchema(EventSchema):
    """An event with each village's reports (the officer's form prefills from the last)."""

    reports = fields.List(fields.Nested(SituationReportSchema))


__all__ = ["COUNTS", "DECIMALS", "FIGURES"]
