"""The sync door's envelope: the batch a phone sends, what it gets back, and the pull feed. The
OpenAPI document is built from these same classes, and parse_batch loads with them."""

from marshmallow import EXCLUDE, fields, validate

from ..config import Config
from ..core.schemas import BaseSchema, QuerySchema, reject_unstorable


class _PerOp:
    """A field whose bad value rejects its own op, not the batch (the contract: "each is applied
    or rejected on its own"). It is documented as what a phone must send, loads whatever came
    as it came (so the op's content hash is that of what was sent), and leaves the checking to
    the op: a missing or wrong `at` or `data` is a validation refusal, a wrong `type` an unknown
    op type."""

    def _validate_missing(self, value):
        return None

    def _deserialize(self, value, attr, data, **kwargs):
        return value


class _OpType(_PerOp, fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        # Not a string is not a type we handle; None keeps the registry lookups hashable.
        return value if isinstance(value, str) else None


class _OpAt(_PerOp, fields.String):
    pass


class _OpData(_PerOp, fields.Dict):
    pass


def _storable(value: str) -> None:
    reject_unstorable(value)


class SyncOpSchema(BaseSchema):
    class Meta(BaseSchema.Meta):
        # A field a newer phone adds is ignored, never a reason to refuse its whole outbox.
        unknown = EXCLUDE

    # The one field the batch stands on: without a usable op_id no answer can name the op.
    op_id = fields.UUID(required=True, attribute="_op_id")
    type = _OpType(
        required=True,
        metadata={"description": "report.create, attendance.checkin, …; an unknown one is rejected"},
    )
    at = _OpAt(required=True, metadata={"description": "ISO 8601 with offset: when the user acted"})
    data = _OpData(required=True, metadata={"description": "the op type's fields"})


class SyncBatchSchema(BaseSchema):
    class Meta(BaseSchema.Meta):
        unknown = EXCLUDE

    device_id = fields.String(allow_none=True, validate=[validate.Length(max=64), _storable])
    # At most SYNC_MAX_OPS, checked (413) before the ops are loaded.
    ops = fields.List(fields.Nested(SyncOpSchema), required=True, metadata={"maxItems": Config.SYNC_MAX_OPS})


class SyncResultSchema(BaseSchema):
    op_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["applied", "duplicate", "rejected"]))
    error = fields.Dict(metadata={"description": "problem+json, when rejected (or a duplicate of a refusal)"})
    entity = fields.Dict(metadata={"description": "the record as the server now has it, when applied"})


class SyncAnswerSchema(BaseSchema):
    results = fields.List(fields.Nested(SyncResultSchema), required=True)
    cursor = fields.String(required=True)


class ChangeSchema(BaseSchema):
    seq = fields.Integer()
    entity = fields.String()
    id = fields.String()
    op = fields.String(validate=validate.OneOf(["upsert", "delete"]))
    data = fields.Dict(allow_none=True)
    at = fields.DateTime()


class PullSchema(BaseSchema):
    changes = fields.List(fields.Nested(ChangeSchema))
    cursor = fields.String()
    has_more = fields.Boolean()


class PullQuerySchema(QuerySchema):
    # Opaque to the phone; a cursor we did not give is a 400 bad-cursor (service.parse_cursor).
    cursor = fields.String(metadata={"description": "from the previous answer; none: from the start"})
