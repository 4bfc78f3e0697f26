"""An incident, its dispatch orders, and one target row per member called."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.hazards import CATEGORIES
from ..core.models import Timestamps, UTCDateTime, UUIDPk
from ..extensions import db

# The hazard kinds, and the two the source wrote playbooks for (危化品道路运输, 公路隧道).
INCIDENT_KINDS = (*(c for c in CATEGORIES if c != "other"), "hazmat_transport", "tunnel", "other")
# A member's order moves only forward along this line (declined stands beside "accepted").
PROGRESS = ("pending", "accepted", "en_route", "on_scene", "completed")
RESPONSES = ("pending", "accepted", "declined")
# The task's weight (任务轻重) the subsidy is paid by: 一般, 较重, 繁重 (server/subsidy).
WEIGHT_CLASSES = ("normal", "heavy", "severe")


class Incident(UUIDPk, Timestamps, db.Model):
    __tablename__ = "incidents"

    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lon: Mapped[float | None] = mapped_column(sa.Float)
    severity: Mapped[str | None] = mapped_column(sa.String(10))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Dispatch(UUIDPk, Timestamps, db.Model):
    __tablename__ = "dispatches"

    incident_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    lat: Mapped[float] = mapped_column(sa.Float, nullable=False)
    lon: Mapped[float] = mapped_column(sa.Float, nullable=False)
    muster_point: Mapped[str | None] = mapped_column(sa.String(200))
    muster_lat: Mapped[float | None] = mapped_column(sa.Float)
    muster_lon: Mapped[float | None] = mapped_column(sa.Float)
    bring: Mapped[str | None] = mapped_column(sa.String(500))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    headcount: Mapped[int | None] = mapped_column(sa.Integer)
    # Minutes between accountability check-ins of those on scene.
    checkin_interval_min: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=30)
    weight_class: Mapped[str] = mapped_column(
        sa.String(10), nullable=False, default="normal", server_default="normal"
    )
    created_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    targets = relationship("DispatchTarget", lazy="selectin", order_by="DispatchTarget.created_at")

    __table_args__ = (
        sa.CheckConstraint("headcount IS NULL OR headcount > 0", name="headcount"),
        sa.CheckConstraint("checkin_interval_min BETWEEN 5 AND 240", name="interval"),
        sa.CheckConstraint("weight_class IN ('normal','heavy','severe')", name="weight_class"),
    )


class DispatchTarget(UUIDPk, Timestamps, db.Model):
    """One member called by one order: their answer, where they are, when they last reported."""

    __tablename__ = "dispatch_targets"

    dispatch_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("dispatches.id"), nullable=False, index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    # The member's own township: differs from the order's region for cross-township help.
    member_region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False)
    cross_township: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    response: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="pending")
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="pending")
    eta_minutes: Mapped[int | None] = mapped_column(sa.Integer)
    decline_reason: Mapped[str | None] = mapped_column(sa.String(200))
    # The phone's time of the latest answer applied: an older one arriving late changes nothing.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ping_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_lat: Mapped[float | None] = mapped_column(sa.Float)
    last_lon: Mapped[float | None] = mapped_column(sa.Float)

    member = relationship("User", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("dispatch_id", "member_id", name="uq_dispatch_targets_member"),
        sa.CheckConstraint("response IN ('pending','accepted','declined')", name="response"),
        sa.CheckConstraint(
            "status IN ('pending','accepted','en_route','on_scene','completed')", name="status"
        ),
        sa.CheckConstraint("eta_minutes IS NULL OR eta_minutes BETWEEN 0 AND 1440", name="eta"),
    )
