"""Shapes of the subsidy rules and reports. Money and hours are decimal strings ("12.50")."""

import decimal
import re
from datetime import date

from marshmallow import ValidationError, fields, validate

from ..core.schemas import BaseSchema
from .hours import WEIGHT_WORDS
from .money import hours

# fullmatch: "$" alone would let "2026-01\n" through.
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_YUAN = {"places": 2, "as_string": True}


class Month(fields.Field):
    """A China month written YYYY-MM (2000-2099); loaded as its first day."""

    def _deserialize(self, value, attr, data, **kwargs):
        match = _MONTH.fullmatch(value) if isinstance(value, str) else None
        if match is None or not 2000 <= int(match.group(1)) <= 2099:
            raise ValidationError("A month as YYYY-MM, 2000-01 to 2099-12.")
        return date(int(match.group(1)), int(match.group(2)), 1)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value.year:04d}-{value.month:02d}"


def _yuan_range(value) -> None:
    # A plain function, not validate.Range: apispec would write the bound as a string.
    if not 0 <= value <= 99_999_999:
        raise ValidationError("From 0 to 99999999 yuan.")


class Yuan(fields.Decimal):
    """Yuan to the fen: a third decimal is refused, never rounded away (marshmallow's `places`
    would quietly turn 20.005 into 20.00, half to even)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            raw = decimal.Decimal(str(value)) if isinstance(value, (str, int, float)) else None
        except decimal.InvalidOperation:
            raw = None  # the parent says why
        if (
            raw is not None
            and raw.is_finite()
            and raw != raw.quantize(decimal.Decimal("0.01"), decimal.ROUND_DOWN)
        ):
            raise ValidationError("Yuan with at most two decimals (to the fen).")
        return super()._deserialize(value, attr, data, **kwargs)


def _money(description: str):
    return Yuan(
        required=True,
        places=2,
        as_string=True,
        allow_nan=False,
        validate=_yuan_range,
        metadata={"description": description + ", 0 to 99999999, as a string", "type": "string"},
    )


class MonthPathSchema(BaseSchema):
    month = Month(required=True)


class RuleCreateSchema(BaseSchema):
    effective_from = Month(required=True, metadata={"description": "the first month it is in force, YYYY-MM"})
    rate_normal = _money("yuan per hour, 一般 (duty time too)")
    rate_heavy = _money("yuan per hour, 较重")
    rate_severe = _money("yuan per hour, 繁重")
    day_cap = _money("at most this many yuan for one China day")
    month_cap = _money("at most this many yuan for one month")
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class RuleSchema(BaseSchema):
    id = fields.Integer()
    effective_from = Month()
    rate_normal = fields.Decimal(**_YUAN)
    rate_heavy = fields.Decimal(**_YUAN)
    rate_severe = fields.Decimal(**_YUAN)
    day_cap = fields.Decimal(**_YUAN)
    month_cap = fields.Decimal(**_YUAN)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    weight_words = fields.Constant(WEIGHT_WORDS)


class LockSchema(BaseSchema):
    digest = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "the digest of the draft reviewed: the lock refuses another"},
    )


def _h(seconds) -> str:
    return f"{hours(seconds):.2f}"


class LineSchema(BaseSchema):
    member_id = fields.UUID()
    name = fields.String()
    team_name = fields.String(allow_none=True)
    township_id = fields.Integer()
    township_name = fields.String()
    kind = fields.String(metadata={"description": "month: the month's own time; adjustment: a late record"})
    for_month = Month()
    day = fields.Date(allow_none=True, metadata={"description": "an adjustment's original China date"})
    hours = fields.Function(lambda x: _h(x.seconds_normal + x.seconds_heavy + x.seconds_severe))
    hours_normal = fields.Function(lambda x: _h(x.seconds_normal))
    hours_heavy = fields.Function(lambda x: _h(x.seconds_heavy))
    hours_severe = fields.Function(lambda x: _h(x.seconds_severe))
    amount = fields.Decimal(**_YUAN)


class TownshipSumSchema(BaseSchema):
    township_id = fields.Integer()
    township_name = fields.String()
    members = fields.Integer()
    hours = fields.Function(lambda t: _h(t["seconds"]))
    amount = fields.Decimal(**_YUAN)
    adjustment_amount = fields.Decimal(**_YUAN)


class TotalSchema(BaseSchema):
    members = fields.Integer()
    hours = fields.Function(lambda t: _h(t["seconds"]))
    amount = fields.Decimal(**_YUAN)
    adjustment_amount = fields.Decimal(**_YUAN)


class ReportSummarySchema(BaseSchema):
    month = Month()
    state = fields.String(metadata={"description": "draft or locked"})
    digest = fields.String()
    computed_at = fields.DateTime()
    locked_at = fields.DateTime(allow_none=True)
    rule = fields.Nested(RuleSchema)


class ReportSchema(BaseSchema):
    month = fields.Function(lambda a: f"{a['report'].month:%Y-%m}")
    state = fields.Function(lambda a: a["report"].state)
    digest = fields.Function(lambda a: a["report"].digest)
    computed_at = fields.Function(lambda a: a["report"].computed_at.isoformat())
    locked_at = fields.Function(
        lambda a: a["report"].locked_at.isoformat() if a["report"].locked_at else None
    )
    rule = fields.Function(lambda a: RuleSchema().dump(a["report"].rule))
    lines = fields.List(fields.Nested(LineSchema))
    townships = fields.List(fields.Nested(TownshipSumSchema))
    total = fields.Nested(TotalSchema)


class ClaimLineSchema(BaseSchema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(("consumed", "damaged", "other")),
        metadata={"description": "consumed 消耗, damaged 损坏, other 其他"},
    )
    description = fields.String(required=True, validate=validate.Length(min=1, max=200))
    quantity = fields.Integer(load_default=1, strict=True, validate=validate.Range(1, 100_000))
    amount = _money("yuan")


class ClaimCreateSchema(BaseSchema):
    dispatch_id = fields.UUID(required=True)
    helper_township_id = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(1, 2**31 - 1),
        metadata={"description": "the claimant"},
    )
    lines = fields.List(
        fields.Nested(ClaimLineSchema), required=True, validate=validate.Length(min=1, max=100)
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ClaimMoveSchema(BaseSchema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ClaimStepSchema(BaseSchema):
    state = fields.String()
    by_id = fields.UUID()
    by_name = fields.String()
    at = fields.DateTime()
    note = fields.String(allow_none=True)


class ClaimLineOutSchema(BaseSchema):
    kind = fields.String()
    description = fields.String()
    quantity = fields.Integer()
    amount = fields.Decimal(**_YUAN)


class ClaimSchema(BaseSchema):
    id = fields.UUID()
    dispatch_id = fields.UUID()
    dispatch_title = fields.Function(lambda c: _claims().dispatch_title(c.dispatch_id))
    helper_township_id = fields.Integer()
    helper_township_name = fields.Function(lambda c: _claims().township_name(c.helper_township_id))
    helped_township_id = fields.Integer()
    helped_township_name = fields.Function(lambda c: _claims().township_name(c.helped_township_id))
    state = fields.String(metadata={"description": "claimed, agreed, paid"})
    members = fields.Integer()
    hours = fields.Function(lambda c: _h(c.seconds))
    total = fields.Decimal(**_YUAN)
    note = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(ClaimLineOutSchema))
    steps = fields.List(fields.Nested(ClaimStepSchema))
    created_at = fields.DateTime()


def _claims():
    # claims.py reads the models; imported late so the schemas stay importable on their own.
    from . import claims

    return claims


class ClaimableSchema(BaseSchema):
    """An order a township in the caller's scope may claim for (its members helped across)."""

    dispatch_id = fields.UUID()
    title = fields.String()
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    helper_township_id = fields.Integer()
    helper_township_name = fields.String()
    helped_township_id = fields.Integer()
    helped_township_name = fields.String()
    members = fields.Integer()
    hours = fields.Function(lambda x: _h(x["seconds"]))
    claimed = fields.Boolean()
