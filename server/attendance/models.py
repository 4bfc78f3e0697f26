"""A check-in, open until its check-out."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import Timestamps, UTCDateTime
from ..extensions import db

OPEN_DUTY = sa.text("open_flag IS NOT NULL AND dispatch_id IS NULL")
OPEN_TASK = sa.text("open_flag IS NOT NULL AND dispatch_id IS NOT NULL")


class Checkin(Timestamps, db.Model):
    __tablename__ = "checkins"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    # The dispatch order this is for: task time (任务), opened on arrival and closed on completion;
    # none = duty time (值班). They are separate records, paid separately, and may overlap: a
    # member on duty who is sent to a task stays on duty.
    dispatch_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    checkin_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    checkin_lat: Mapped[float | None] = mapped_column(sa.Float)
    checkin_lon: Mapped[float | None] = mapped_column(sa.Float)
    checkin_accuracy_m: Mapped[float | None] = mapped_column(sa.Float)
    checkout_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checkout_lat: Mapped[float | None] = mapped_column(sa.Float)
    checkout_lon: Mapped[float | None] = mapped_column(sa.Float)
    # True while open, NULL once closed. The partial unique indexes below keep one open duty
    # check-in per person, and one open record per person and task.
    open_flag: Mapped[bool | None] = mapped_column(sa.Boolean, default=True)

    __table_args__ = (
        sa.Index(
            "uq_checkins_one_open_duty_per_user",
            "user_id",
            unique=True,
            sqlite_where=OPEN_DUTY,
            postgresql_where=OPEN_DUTY,
        ),
        sa.Index(
            "uq_checkins_one_open_per_user_task",
            "user_id",
            "dispatch_id",
            unique=True,
            sqlite_where=OPEN_TASK,
            postgresql_where=OPEN_TASK,
        ),
        sa.CheckConstraint("open_flag IS NULL OR open_flag", name="open_flag"),
        sa.CheckConstraint("checkout_at IS NULL OR checkout_at >= checkin_at", name="order"),
    )
