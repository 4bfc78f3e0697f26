"""The audit log: one row per write, added to the same transaction as the write."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .deferred import defer_insert
from .models import UTCDateTime, UUIDPk, utcnow


class AuditEntry(UUIDPk, db.Model):
    __tablename__ = "audit_entries"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    device_id: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    entity_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    entity_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    # Names of the fields changed with their new values; secrets are never put here.
    changes: Mapped[dict | None] = mapped_column(sa.JSON)


SECRET_FIELDS = {"password", "password_hash", "token", "refresh_token", "access_token"}


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return str(value)


def record(actor, action: str, entity_type: str, entity_id, region_id, changes=None):
    """Add an audit row to the current transaction (it commits or rolls back with the write)."""
    clean = None
    if changes:
        clean = {k: ("***" if k in SECRET_FIELDS else _plain(v)) for k, v in changes.items()}
    device = request_id = None
    if has_request_context():
        device = g.get("device_id")
        request_id = g.get("request_id")
    defer_insert(
        db.session,
        AuditEntry.__table__,
        {
            "id": uuid.uuid4(),
            "created_at": utcnow(),
            "actor_id": getattr(actor, "id", None),
            "device_id": device,
            "request_id": request_id,
            "action": action,
            "entity_type": entity_type,
            "entity_id": str(entity_id),
            "region_id": region_id,
            "changes": clean,
        },
    )
