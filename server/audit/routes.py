"""The audit log, for administrators of a region."""

from flask import Blueprint, g, request
from marshmallow import fields

from ..core.http import page_answer
from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import BaseSchema
from . import service

bp = Blueprint("audit", __name__, url_prefix="/api/v1")


class AuditEntrySchema(BaseSchema):
    id = fields.UUID()
    created_at = fields.DateTime()
    actor_id = fields.UUID(allow_none=True)
    device_id = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.String()
    region_id = fields.Integer(allow_none=True)
    changes = fields.Dict(allow_none=True)


@bp.get("/audit")
@requires("audit.read")
@doc(
    "Who changed what, when, from which device",
    response=AuditEntrySchema,
    many=True,
    params={
        "entity_type": "e.g. user",
        "entity_id": "the record's id",
        "cursor": "page cursor",
        "limit": "1–200",
    },
)
def list_audit():
    return page_answer(service.list_entries(g.user, request.args), AuditEntrySchema())
