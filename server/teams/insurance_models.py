"""Members' accident insurance (人身意外伤害保险): one row per policy. A renewal is a new policy,
so the history stays; a member is covered on a day when some policy's start..end (both
inclusive, China days) holds it."""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import UTCDateTime, UUIDPk
from ..extensions import db


class InsurancePolicy(UUIDPk, db.Model):
    __tablename__ = "insurance_policies"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    insurer: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    number: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    # Whole yuan (保额, 元).
    cover_yuan: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    # When the desk and the captain were told: 30 days before the end, and on the day it lapsed.
    # Cleared when the end date changes, so the new date is told too.
    warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lapse_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("user_id", "insurer", "number"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates"),
        sa.CheckConstraint("cover_yuan > 0", name="cover"),
    )
