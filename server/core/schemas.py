"""Base schema and shared fields."""

import re
from collections.abc import Mapping

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, missing, validate
from marshmallow.decorators import VALIDATES_SCHEMA
from marshmallow.error_store import ErrorStore

E164_CN = re.compile(r"^\+86 ?1[3-9]\d{9}$|^\+[1-9]\d{6,14}$")


class BaseSchema(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class QuerySchema(BaseSchema):
    """A query string: a bad value of a known parameter is a 422 naming it (like a body field);
    an unknown parameter is ignored (a cache-buster, a link shared from a newer version)."""

    class Meta(BaseSchema.Meta):
        unknown = EXCLUDE


# A region id a client sends: one the database's integer can hold (a bigger one is a 422 here,
# not an out-of-range error from PostgreSQL).
REGION_ID = validate.Range(1, 2**31 - 1, error="Not one of our region ids.")


def region_id_param(description: str = "this region") -> fields.Integer:
    """A region id in a query string: a number the database can hold (a bigger one is a 422,
    not an out-of-range error from PostgreSQL)."""
    return fields.Integer(validate=REGION_ID, metadata={"description": description})


class PlainNested(fields.Nested):
    """Nested, for a small schema of plain fields (a point): the same result and the same error
    messages as Schema.load, without its machinery. A sync batch loads 500 locations, and the
    nested load cost more than the rest of a report's checks (a property test holds the two
    equal). Its schema-level validators (a point inside the area) run through marshmallow's own
    call. A schema with other hooks, or a call it does not cover, goes the usual way."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        schema = self.schema
        hooks = schema._hooks  # noqa: SLF001 - marshmallow keeps its hooks there
        if (
            self.many
            or schema.many
            or partial
            or (self.unknown or schema.unknown) != RAISE
            or any(hooks[tag] for tag in hooks if tag != VALIDATES_SCHEMA)
            or any(many or kw.get("pass_original") for _, many, kw in hooks[VALIDATES_SCHEMA])
        ):
            return super()._deserialize(value, attr, data, partial=partial, **kwargs)
        if not isinstance(value, Mapping):
            raise ValidationError({"_schema": [schema.error_messages["type"]]})
        out, errors = {}, {}
        for name, field in schema.load_fields.items():
            key = field.data_key or name
            raw = value.get(key, missing)
            if raw is missing:
                if field.required:
                    errors[key] = [field.error_messages["required"]]
                elif field.load_default is not missing:
                    default = field.load_default
                    out[field.attribute or name] = default() if callable(default) else default
                continue
            try:
                out[field.attribute or name] = field.deserialize(raw, key, value)
            except ValidationError as error:
                errors[key] = error.messages
        known = {field.data_key or name for name, field in schema.load_fields.items()}
        for key in value:
            if key not in known:
                errors[key] = [schema.error_messages["unknown"]]
        if hooks[VALIDATES_SCHEMA]:
            store = ErrorStore()
            store.errors = errors
            schema._invoke_schema_validators(  # noqa: SLF001 - the same call Schema.load makes
                error_store=store,
                pass_collection=False,
                data=out,
                original_data=value,
                many=False,
                partial=None,
                field_errors=bool(errors),
                unknown=RAISE,
            )
            errors = store.errors
        if errors:
            raise ValidationError(errors)
        return out


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


def dial_form(phone: str | None) -> str | None:
    """+8613812345678 -> 138 1234 5678, +8657788889999 -> 057788889999: a number printed for a
    person to dial in China (a poster, a receipt), not the E.164 form the gateways take."""
    if not phone:
        return None
    if not phone.startswith("+86"):
        return phone
    local = phone[3:]
    if re.fullmatch(r"1\d{10}", local):
        return f"{local[:3]} {local[3:7]} {local[7:]}"
    return "0" + local


class Phone(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return normalise_phone(super()._deserialize(value, attr, data, **kwargs))


class Point(BaseSchema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)


def unstorable_text(value, path: str = "") -> str | None:
    """Where in a JSON value a string holds what no database column can: a NUL character
    (PostgreSQL refuses it) or half of a UTF-16 surrogate pair (not UTF-8 at all); None if
    nowhere. Looked for before anything is stored, so it is a 422 naming the field, not a 500."""
    if isinstance(value, str):
        if "\x00" in value or not value.isascii() and _broken_utf8(value):
            return path or "_schema"
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and unstorable_text(key) is not None:
            return where
        found = unstorable_text(item, where)
        if found is not None:
            return found
    return None


def _broken_utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


UNSTORABLE = "Text with a NUL character or a broken surrogate cannot be stored."


def reject_unstorable(value) -> None:
    where = unstorable_text(value)
    if where is not None:
        raise ValidationError({where: [UNSTORABLE]})


def load_query(schema: Schema, args) -> dict:
    """The query string `args` (request.args) loaded by `schema`: one value per parameter (the
    first, when one is repeated)."""
    data = {key: args.get(key) for key in args}
    reject_unstorable(data)
    return schema.load(data)


def load_or_problem(schema: Schema, data, **kw):
    """Load with `schema`; a body that is not an object is a validation error too."""
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["Expected a JSON object."]})
    return schema.load(data, **kw)
