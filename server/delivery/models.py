"""Push subscriptions and the notifications to deliver (a transactional outbox)."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import Timestamps, UTCDateTime, UUIDPk, utcnow
from ..extensions import db

# A person's delivery, in the order the cascade moves through it.
STATES = ("queued", "pushed", "sms_sent", "called", "answered", "failed")


class PushSubscription(UUIDPk, Timestamps, db.Model):
    __tablename__ = "push_subscriptions"

    # A signed-in user's device, or (user_id NULL) a resident subscribed to a region's warnings.
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), nullable=False, unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    auth: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


class Notification(UUIDPk, db.Model):
    """One person to reach about one thing, and how far the cascade has gone."""

    __tablename__ = "notifications"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)  # dispatch, warning, alert
    ref_id: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body: Mapped[str] = mapped_column(sa.String(1000), nullable=False)
    # Template name and parameters for SMS and voice (providers accept approved templates only).
    template: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    params: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    state: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="queued", index=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    # A worker that claimed it holds it until then; after a crash another takes it over.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('queued','pushed','sms_sent','called','answered','failed')", name="state"
        ),
        sa.UniqueConstraint("user_id", "kind", "ref_id", name="uq_notifications_once"),
    )
