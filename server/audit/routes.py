"""The audit log, for administrators of a region."""

from flask import Blueprint, g, request
from marshmallow import fields, validate

from ..core.http import page_answer
from ..core.openapi import doc
from ..core.pagination import PageQuerySchema
from ..core.permissions import requires
from ..core.schemas import BaseSchema, load_query
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


class AuditQuerySchema(PageQuerySchema):
    entity_type = fields.String(validate=validate.Length(max=40), metadata={"description": "e.g. user"})
    entity_id = fields.String(validate=validate.Length(max=64), metadata={"description": "the record's id"})


@bp.get("/audit")
@requires("audit.read")
@doc(
    "Who changed what, when, from which device",
    response=AuditEntrySchema,
    many=True,
    query=AuditQuerySchema,
)
def list_audit():
    args = load_query(AuditQuerySchema(), request.args)
    return page_answer(service.list_entries(g.user, args), AuditEntrySchema())
