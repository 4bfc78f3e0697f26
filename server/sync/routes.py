"""POST /api/v1/sync (ops in) and GET /api/v1/sync (changes out)."""

from flask import Blueprint, g, request
from marshmallow import fields

from ..core.http import json_body
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import BaseSchema
from . import service

bp = Blueprint("sync", __name__, url_prefix="/api/v1")


class SyncOpSchema(BaseSchema):
    op_id = fields.UUID(required=True)
    type = fields.String(
        required=True,
        metadata={"description": "report.create, attendance.checkin, attendance.checkout, …"},
    )
    at = fields.String(required=True, metadata={"description": "ISO 8601 with offset: when the user acted"})
    data = fields.Dict(required=True)


class SyncBatchSchema(BaseSchema):
    device_id = fields.String()
    ops = fields.List(fields.Nested(SyncOpSchema), required=True, metadata={"maxItems": 1000})


class SyncResultSchema(BaseSchema):
    op_id = fields.UUID()
    status = fields.String(metadata={"enum": ["applied", "duplicate", "rejected"]})
    error = fields.Dict()
    entity = fields.Dict()


class SyncAnswerSchema(BaseSchema):
    results = fields.List(fields.Nested(SyncResultSchema))
    cursor = fields.String()


class ChangeSchema(BaseSchema):
    seq = fields.Integer()
    entity = fields.String()
    id = fields.String()
    op = fields.String(metadata={"enum": ["upsert", "delete"]})
    data = fields.Dict(allow_none=True)
    at = fields.DateTime()


class PullSchema(BaseSchema):
    changes = fields.List(fields.Nested(ChangeSchema))
    cursor = fields.String()
    has_more = fields.Boolean()


@bp.post("/sync")
@requires("sync.push")
@doc(
    "Apply what a phone did offline: ops in order, each applied or rejected on its own, each "
    "op_id at most once (a resend answers `duplicate` with the first result). At most 1000 ops.",
    body=SyncBatchSchema,
    response=SyncAnswerSchema,
)
def push():
    device_id, ops = service.parse_batch(json_body())
    if device_id:
        g.device_id = device_id[:64]
    return service.apply_batch(g.user, device_id, ops)


@bp.get("/sync")
@requires("sync.pull")
@doc(
    "What changed since the cursor among the records the caller may see (no cursor: from the "
    "start); `op: delete` is a tombstone",
    response=PullSchema,
    params={"cursor": "from the previous answer"},
)
def pull():
    return service.pull(g.user, service.parse_cursor(request.args.get("cursor")))
