"""A hazard report and the photos it carries."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.hazards import CATEGORIES
from ..core.models import Timestamps, UTCDateTime
from ..extensions import db

# The four Chinese risk colours: 重大 red, 较大 orange, 一般 yellow, 低 blue.
SEVERITIES = ("red", "orange", "yellow", "blue")
STATUSES = ("reported", "verified", "assigned", "rectified", "closed", "rejected")


class Report(Timestamps, db.Model):
    __tablename__ = "reports"

    # Made on the phone, so an offline report has its id before the server sees it.
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    reporter_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    category: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    lat: Mapped[float] = mapped_column(sa.Float, nullable=False)
    lon: Mapped[float] = mapped_column(sa.Float, nullable=False)
    accuracy_m: Mapped[float | None] = mapped_column(sa.Float)
    severity: Mapped[str | None] = mapped_column(sa.String(10))
    people_at_risk: Mapped[int | None] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="reported", index=True)
    # When the person tapped "report" on the phone; created_at is when the server got it.
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    media = relationship(
        "ReportMedia", order_by="ReportMedia.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        sa.CheckConstraint(f"category IN {CATEGORIES}", name="category"),
        sa.CheckConstraint(
            "severity IS NULL OR severity IN ('red','orange','yellow','blue')", name="severity"
        ),
        sa.CheckConstraint("people_at_risk IS NULL OR people_at_risk >= 0", name="people_at_risk"),
        sa.Index("ix_reports_region_created", "region_id", "created_at"),
    )

    @property
    def media_ids(self) -> list[uuid.UUID]:
        return [m.media_id for m in self.media]


class ReportMedia(db.Model):
    __tablename__ = "report_media"

    report_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("media.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
