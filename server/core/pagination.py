"""Cursor pages over a collection, newest first (contract: items, total, next_cursor)."""

import base64
import json
import uuid
from datetime import datetime

import sqlalchemy as sa
from marshmallow import fields, validate

from ..errors import ApiProblem
from ..extensions import db
from .schemas import QuerySchema

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class PageQuerySchema(QuerySchema):
    """The parameters of every list; a list's own filters extend it."""

    # Opaque to the caller: one we did not give is a 400 bad-cursor (below), as it always was.
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": f"items per page, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT})"},
    )


def _encode(created_at: datetime, ident) -> str:
    raw = json.dumps([created_at.isoformat(), str(ident)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, ident = json.loads(raw)
        return datetime.fromisoformat(at), ident
    except (ValueError, TypeError) as exc:
        raise ApiProblem(400, "bad-cursor", "Bad cursor", "The cursor is not one we gave.") from exc


def parse_limit(args, default: int = DEFAULT_LIMIT) -> int:
    raw = args.get("limit", default)
    try:
        limit = int(raw)
    except (TypeError, ValueError) as exc:
        raise ApiProblem(422, "validation", "Invalid input", errors={"limit": ["Must be a number."]}) from exc
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiProblem(
            422, "validation", "Invalid input", errors={"limit": [f"Between 1 and {MAX_LIMIT}."]}
        )
    return limit


def paginate(stmt, model, args, total_cap: int | None = None) -> dict:
    """Run `stmt` (already scoped) as one page; returns rows, total, next_cursor. `args` is what
    a PageQuerySchema loaded (a plain mapping with `limit` and `cursor` also works).

    `total_cap`: count at most that many rows (the count stops there instead of walking a whole
    table of 140,000 on every page); a total at the cap comes with `total_capped` true, meaning
    "at least this many"."""
    limit = parse_limit(args)
    counted = stmt.order_by(None)
    if total_cap is not None:
        counted = counted.with_only_columns(sa.literal(1), maintain_column_froms=True).limit(total_cap)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery()))
    cursor = args.get("cursor")
    if cursor:
        at, ident = _decode(cursor)
        if isinstance(model.id.type, sa.Uuid):
            try:
                ident = uuid.UUID(ident)
            except ValueError as exc:
                raise ApiProblem(400, "bad-cursor", "Bad cursor", "The cursor is not ours.") from exc
        # A row value: both databases read it as one range of the (created_at, id) index, where
        # the same test spelt with OR is a filter over every row before the cursor.
        stmt = stmt.where(sa.tuple_(model.created_at, model.id) < sa.tuple_(at, ident))
    rows = db.session.scalars(stmt.order_by(model.created_at.desc(), model.id.desc()).limit(limit + 1)).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode(rows[-1].created_at, rows[-1].id)
    page = {"rows": rows, "total": total, "next_cursor": next_cursor}
    if total_cap is not None:
        page["total_capped"] = total >= total_cap
    return page


# For lists ordered by something other than created_at (their own keys, the same opaque form).
encode_cursor, decode_cursor = _encode, _decode
