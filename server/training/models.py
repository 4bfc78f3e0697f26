"""A training or drill of a team, the members expected at it, and the attendance taken."""

import uuid
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Timestamps, UTCDateTime, UUIDPk
from ..extensions import db

# The source's four kinds: 理论, 体能, 技能, 模拟演练.
KINDS = ("theory", "fitness", "skills", "exercise")
STATUSES = ("planned", "cancelled")
MARKS = ("present", "absent", "late")
METHODS = ("roll_call", "badge")


class Training(UUIDPk, Timestamps, db.Model):
    __tablename__ = "trainings"

    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("teams.id"), nullable=False, index=True)
    # The team's region when planned: who may see it is decided by it, as for every record.
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    place: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Hours credited to a member marked present, unless the mark says otherwise.
    planned_hours: Mapped[Decimal] = mapped_column(sa.Numeric(4, 1), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="planned")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(200))
    created_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)

    expected = relationship(
        "TrainingExpected", cascade="all, delete-orphan", lazy="selectin", order_by="TrainingExpected.user_id"
    )

    __table_args__ = (
        sa.CheckConstraint("kind IN ('theory','fitness','skills','exercise')", name="kind"),
        sa.CheckConstraint("status IN ('planned','cancelled')", name="status"),
        sa.CheckConstraint("ends_at > starts_at", name="order"),
        sa.CheckConstraint("planned_hours >= 0", name="hours"),
    )


class TrainingExpected(db.Model):
    """A member expected at a training (应到)."""

    __tablename__ = "training_expected"

    training_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)


class TrainingAttendance(UUIDPk, Timestamps, db.Model):
    """One member's mark at one training: the latest by the time it was taken on the phone.
    Unique per training and member, so two phones' marks can never count a member twice."""

    __tablename__ = "training_attendance"

    training_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(4, 1), nullable=False)
    method: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    recorded_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    # When the mark was taken (the op's time), and the id the phone gave that mark: a resend of
    # the same mark is known by it, and a later mark replaces an earlier one by this time.
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    mark_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("training_id", "user_id", name="one_mark_per_member"),
        sa.CheckConstraint("status IN ('present','absent','late')", name="status"),
        sa.CheckConstraint("method IN ('roll_call','badge')", name="method"),
        sa.CheckConstraint("hours >= 0", name="hours"),
    )
