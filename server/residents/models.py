"""Residents' SMS subscriptions, their one-time codes, and one delivery row per resident per
warning message (push or SMS): the outbox the residents' sender works through."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import Timestamps, UTCDateTime, UUIDPk, utcnow
from ..extensions import db

SUB_STATES = ("pending", "active")  # a number that stops is deleted, not kept
DELIVERY_STATES = ("pending", "accepted", "failed")
CHANNELS = ("push", "sms")
BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")  # SQLite autoincrements INTEGER only


class ResidentSubscription(UUIDPk, Timestamps, db.Model):
    """One mobile number, one region; active once its code was confirmed."""

    __tablename__ = "resident_subscriptions"

    phone: Mapped[str] = mapped_column(sa.String(20), nullable=False, unique=True)  # E.164
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="pending", index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint("state IN ('pending','active')", name="state"),)


class ResidentCode(UUIDPk, db.Model):
    """A one-time code sent to a number. Only its HMAC is kept; the code itself sits in
    `outbox_code` until the sender has handed it to the SMS gateway, then is erased."""

    __tablename__ = "resident_codes"

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("resident_subscriptions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False)
    code_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    outbox_code: Mapped[str | None] = mapped_column(sa.String(6))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    tries: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    send_failed: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)


class ResidentMessage(db.Model):
    """What the residents are sent about one warning message, copied when it is issued, so the
    sender never reads the warnings domain."""

    __tablename__ = "resident_messages"

    warning_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    msg_type: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    level: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ResidentDelivery(db.Model):
    __tablename__ = "resident_deliveries"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True, autoincrement=True)
    warning_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("resident_messages.warning_id", ondelete="CASCADE"), nullable=False
    )
    channel: Mapped[str] = mapped_column(sa.String(4), nullable=False)
    # One of the two, by channel; a subscription removed since leaves the row (counts stay).
    push_subscription_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("push_subscriptions.id", ondelete="SET NULL"), index=True
    )
    resident_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("resident_subscriptions.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(sa.String(8), nullable=False, default="pending")
    tries: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("state IN ('pending','accepted','failed')", name="state"),
        sa.CheckConstraint("channel IN ('push','sms')", name="channel"),
        # A message queued twice for the same subscriber records nothing new.
        sa.UniqueConstraint("warning_id", "push_subscription_id", name="uq_resident_deliveries_push"),
        sa.UniqueConstraint("warning_id", "resident_id", name="uq_resident_deliveries_sms"),
        sa.Index("ix_resident_deliveries_due", "state", "next_at"),
        sa.Index("ix_resident_deliveries_warning", "warning_id", "channel", "state"),
    )
