"""POST /api/v1/sync (ops in) and GET /api/v1/sync (changes out)."""

from flask import Blueprint, g, request

from ..core.openapi import doc
from ..core.permissions import requires
from ..core.schemas import load_query
from ..errors import ApiProblem
from . import service
from .schemas import PullQuerySchema, PullSchema, SyncAnswerSchema, SyncBatchSchema

bp = Blueprint("sync", __name__, url_prefix="/api/v1")


@bp.post("/sync")
@requires("sync.push")
@doc(
    "Apply what a phone did offline: ops in order, each applied or rejected on its own, each "
    "op_id at most once (a resend answers `duplicate` with the first result). At most 1000 ops.",
    body=SyncBatchSchema,
    response=SyncAnswerSchema,
)
def push():
    body = request.get_json(silent=True)
    if body is None:
        raise ApiProblem(
            400, "bad-json", "Bad request", "The body must be JSON (Content-Type: application/json)."
        )
    device_id, ops = service.parse_batch(body)
    if device_id:
        g.device_id = device_id[:64]
    return service.apply_batch(g.user, device_id, ops)


@bp.get("/sync")
@requires("sync.pull")
@doc(
    "What changed since the cursor among the records the caller may see (no cursor: from the "
    "start); `op: delete` is a tombstone",
    response=PullSchema,
    query=PullQuerySchema,
)
def pull():
    args = load_query(PullQuerySchema(), request.args)
    # Dumped, so `at` is ISO 8601 like every other time of the API.
    return PullSchema().dump(service.pull(g.user, service.parse_cursor(args.get("cursor"))))
