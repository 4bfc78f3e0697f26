"""Shapes of the hazard statistics and the ledger's filters."""

from datetime import date

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from ..core.schemas import BaseSchema, QuerySchema, region_id_param
from .stats import china_today

# Dates a county's ledger may name: a China date far outside these is a typing slip, and the
# year 1 has no UTC midnight before it to convert to.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
LONGEST_YEARS = 3


def _day(key: str, description: str) -> fields.Date:
    return fields.Date(
        data_key=key,
        validate=validate.Range(FIRST_DAY, LAST_DAY, error="A date from 2000-01-01 to 2100-12-31."),
        metadata={"description": description},
    )


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February -> 1 March
        return date(day.year + years, 3, 1)


class LedgerQuerySchema(QuerySchema):
    region_id = region_id_param("this region and below (default: the caller's)")
    # `from` is Python's own word: the fields load under other names, read under these keys.
    date_from = _day("from", "first China date of the period, YYYY-MM-DD (default: this month's first)")
    date_to = _day("to", "the China date after the period's last (half-open), YYYY-MM-DD")

    @validates_schema
    def _period(self, data, **_):
        start, end = data.get("date_from"), data.get("date_to")
        if (start is None) != (end is None):
            missing = "from" if start is None else "to"
            raise ValidationError("Give both from and to, or neither (this month).", missing)
        if start is None:
            return
        if end <= start:
            raise ValidationError("The period ends after it starts: to is the day after the last.", "to")
        if end > _years_after(start, LONGEST_YEARS):
            raise ValidationError(f"At most {LONGEST_YEARS} years at once.", "to")

    @post_load
    def _this_month(self, data, **_):
        start, end = data.pop("date_from", None), data.pop("date_to", None)
        if start is None:
            today = china_today()
            start = today.replace(day=1)
            end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        data["from"], data["to"] = start, end
        return data


class StatsQuerySchema(LedgerQuerySchema):
    by = fields.String(
        load_default="category",
        validate=validate.OneOf(("category", "severity", "unit")),
        metadata={"description": "the breakdown: category, severity (risk colour) or unit (responsible)"},
    )


class FiguresSchema(BaseSchema):
    reported = fields.Integer(metadata={"description": "filed in the period"})
    verified = fields.Integer(metadata={"description": "verified in the period"})
    closed = fields.Integer(metadata={"description": "closed (销号) in the period, and not reopened"})
    closed_on_time = fields.Integer(metadata={"description": "of those, at or before their deadline"})
    overdue = fields.Integer(
        metadata={"description": "past their deadline and not closed at some moment of the period"}
    )
    rectification_rate = fields.Float(allow_none=True, metadata={"description": "closed / verified"})
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "closed_on_time / closed"})


class GroupSchema(FiguresSchema):
    key = fields.String(
        allow_none=True,
        metadata={"description": "the category, colour or unit; null: not yet graded or assigned"},
    )


class GroupedSchema(FiguresSchema):
    groups = fields.List(fields.Nested(GroupSchema))


class StatsRegionSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    level = fields.String()


class StatsLineSchema(StatsRegionSchema, GroupedSchema):
    own = fields.Boolean(
        metadata={"description": "true: the reports filed at this region itself, not below it"}
    )


class StatsSchema(BaseSchema):
    generated_at = fields.DateTime()
    region = fields.Nested(StatsRegionSchema)
    date_from = fields.Date(data_key="from", attribute="from")
    date_to = fields.Date(data_key="to", attribute="to", metadata={"description": "exclusive"})
    by = fields.String()
    total = fields.Nested(GroupedSchema, metadata={"description": "the region and all below it"})
    regions = fields.List(
        fields.Nested(StatsLineSchema),
        metadata={"description": "each region directly below, summed over its subtree (and own)"},
    )
