"""A check-in, open until its check-out."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import Timestamps, UTCDateTime
from ..extensions import db


class Checkin(Timestamps, db.Model):
    __tablename__ = "checkins"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    # The dispatch order this is for (orders arrive with the dispatch issue); none = on duty.
    dispatch_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    checkin_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    checkin_lat: Mapped[float | None] = mapped_column(sa.Float)
    checkin_lon: Mapped[float | None] = mapped_column(sa.Float)
    checkin_accuracy_m: Mapped[float | None] = mapped_column(sa.Float)
    checkout_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checkout_lat: Mapped[float | None] = mapped_column(sa.Float)
    checkout_lon: Mapped[float | None] = mapped_column(sa.Float)
    # True while open. The unique index below keeps one open check-in per person: a column
    # that is NULL once closed, because both databases let NULLs repeat in a unique index.
    open_flag: Mapped[bool | None] = mapped_column(sa.Boolean, default=True)

    __table_args__ = (
        sa.UniqueConstraint("user_id", "open_flag", name="uq_checkins_one_open_per_user"),
        sa.CheckConstraint("open_flag IS NULL OR open_flag", name="open_flag"),
        sa.CheckConstraint("checkout_at IS NULL OR checkout_at >= checkin_at", name="order"),
    )
