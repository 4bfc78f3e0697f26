"""A warning message (alert, update or cancel of one chain), its area, who it targets, who acked."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Timestamps, UTCDateTime, UUIDPk
from ..extensions import db

MSG_TYPES = ("alert", "update", "cancel")
STATES = ("draft", "issued")
KINDS = ("typhoon", "rainstorm", "flood", "geological", "forest_fire", "heat", "cold_wave", "other")
LEVELS = ("blue", "yellow", "orange", "red")
ACK_CHANNELS = ("app", "sms", "voice", "link")


def _in(column: str, values) -> str:
    return f"{column} IN ({','.join(repr(v) for v in values)})"


class Warning(UUIDPk, Timestamps, db.Model):
    __tablename__ = "warnings"

    # CAP identifier in the GB/T 35965.1 form (cap.identifier), allocated once when the message
    # is issued (a draft has none); the unique constraint is what keeps two issuers apart.
    identifier: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # CAP sender as it was when the message was issued: a later settings change must not alter
    # a published message nor the references of those that follow it.
    cap_sender: Mapped[str | None] = mapped_column(sa.String(120))
    msg_type: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="alert")
    # The FIRST message of the chain, for an update or a cancel.
    references_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("warnings.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="draft")
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    level: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    instructions: Mapped[str | None] = mapped_column(sa.Text)
    # The issuing desk's region.
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    # [[lat, lon], ...] in WGS-84, as drawn (the map's GCJ-02 points shifted back by the phone).
    polygon: Mapped[list | None] = mapped_column(sa.JSON)
    onset_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Set on a message when a later update of its chain is issued, and on every message of the
    # chain when its cancel is issued: "active" reads them without walking the chain.
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the still-silent responsible persons were told to the issuing desk (once).
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    regions = relationship(
        "Region", secondary="warning_regions", lazy="selectin", order_by="Region.id", viewonly=True
    )
    issued_by = relationship("User", foreign_keys=[issued_by_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(_in("msg_type", MSG_TYPES), name="msg_type"),
        sa.CheckConstraint(_in("state", STATES), name="state"),
        sa.CheckConstraint(_in("kind", KINDS), name="kind"),
        sa.CheckConstraint(_in("level", LEVELS), name="level"),
        sa.CheckConstraint("expires_at > onset_at", name="window"),
        sa.CheckConstraint("msg_type = 'alert' OR references_id IS NOT NULL", name="chain"),
        sa.Index("ix_warnings_created_at_id", "created_at", "id"),
    )


class WarningRegion(db.Model):
    __tablename__ = "warning_regions"

    warning_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("warnings.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), primary_key=True, index=True)


class WarningRecipient(db.Model):
    """A signed-in person an issued message was sent to: responsible (must acknowledge, full
    cascade) or not (a notice: push, then SMS)."""

    __tablename__ = "warning_recipients"

    warning_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("warnings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    responsible: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    # When the cascade was begun again for them, still silent (once).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Their last SMS reply (or key) that was not 收到 (2, 拒绝, a question): the desk reads it;
    # they stay silent until they acknowledge.
    reply_text: Mapped[str | None] = mapped_column(sa.String(160))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WarningAck(db.Model):
    """收到: one per person and message, whichever channel came first."""

    __tablename__ = "warning_acks"

    warning_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("warnings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    channel: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    acked_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (sa.CheckConstraint(_in("channel", ACK_CHANNELS), name="channel"),)
