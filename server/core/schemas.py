"""Base schema and shared fields."""

import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

E164_CN = re.compile(r"^\+86 ?1[3-9]\d{9}$|^\+[1-9]\d{6,14}$")


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


def normalise_phone(value: str) -> str:
    """Accept 138xxxxxxxx, 86..., +86...; answer E.164 (+86...)."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        digits = "+86" + digits
    elif re.fullmatch(r"86 ?1[3-9]\d{9}", digits):
        digits = "+" + digits
    elif digits.startswith("0086"):
        digits = "+" + digits[2:]
    if not re.fullmatch(r"\+[1-9]\d{6,14}", digits):
        raise ValidationError("Not a phone number; use 11 digits or +86…")
    return digits


class Phone(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return normalise_phone(super()._deserialize(value, attr, data, **kwargs))


class Point(BaseSchema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)


def load_or_problem(schema: Schema, data, **kw):
    """Load with `schema`; a body that is not an object is a validation error too."""
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["Expected a JSON object."]})
    return schema.load(data, **kw)
