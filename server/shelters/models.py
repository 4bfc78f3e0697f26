"""A shelter in the registry, its managers, its open/close events, and the people checked in."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Timestamps, UTCDateTime, UUIDPk, utcnow
from ..extensions import db

# The source's three classes of shelter, by the level that runs them.
KINDS = ("county", "township", "village")
# "full" is stored, not computed: the same UPDATE that moves occupancy sets it, so the state a
# phone pulls and the refusal a check-in meets always agree.
STATUSES = ("closed", "open", "full")
NEEDS = ("elderly", "children", "disabled", "pregnant", "medical")
SOURCES = ("public", "kiosk", "rest")
# Supplies on hand: key -> unit (integer quantities).
SUPPLIES = {"water": "L", "food": "meals", "bedding": "sets", "medicine": "kits"}

shelter_managers = sa.Table(
    "shelter_managers",
    db.metadata,
    sa.Column("shelter_id", sa.ForeignKey("shelters.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True, index=True),
)


class Shelter(UUIDPk, Timestamps, db.Model):
    __tablename__ = "shelters"

    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    # Printed on the QR poster as PUBLIC_BASE_URL/s/<code>; short so it can be typed too.
    code: Mapped[str] = mapped_column(sa.String(16), unique=True, nullable=False)
    address: Mapped[str | None] = mapped_column(sa.String(200))
    lat: Mapped[float] = mapped_column(sa.Float, nullable=False)
    lon: Mapped[float] = mapped_column(sa.Float, nullable=False)
    capacity: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    floor_area_m2: Mapped[float | None] = mapped_column(sa.Float)
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="closed")
    # People checked in and not out; moved only by one UPDATE in the check-in's transaction.
    occupancy: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    # The fill the desk was last told of (0: not told, 90: nearly full, 100: full), moved with
    # occupancy by shelters/fill.py: each crossing of 90 % or of full is told once.
    fill_alerted: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    # When it last closed: personal data is purged SHELTER_RETENTION_DAYS after this.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supply_water: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    supply_food: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    supply_bedding: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    supply_medicine: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    managers = relationship("User", secondary=shelter_managers, lazy="selectin", order_by="User.username")

    __table_args__ = (
        sa.CheckConstraint("capacity >= 0", name="capacity"),
        sa.CheckConstraint("occupancy >= 0", name="occupancy"),
        sa.CheckConstraint("occupancy <= capacity", name="occupancy_capacity"),
        sa.CheckConstraint("status IN ('open','closed','full')", name="status"),
        sa.CheckConstraint("fill_alerted IN (0,90,100)", name="fill_alerted"),
    )

    @property
    def manager_ids(self) -> list:
        # The kiosk's check-in reads the ids alone, without the users (checkins.managed_for_kiosk);
        # they stand until the managers are loaded.
        known = self.__dict__.get("_known_manager_ids")
        if known is not None and "managers" not in self.__dict__:
            return known
        return [m.id for m in self.managers]

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.occupancy, 0)


class ShelterEvent(UUIDPk, db.Model):
    """Who opened or closed a shelter, and when."""

    __tablename__ = "shelter_events"

    shelter_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("shelters.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (sa.CheckConstraint("kind IN ('open','close')", name="kind"),)


class ShelterCheckin(db.Model):
    """One household in a shelter. The id is made by the phone (or the public page), so a resend
    is the same record."""

    __tablename__ = "shelter_checkins"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    shelter_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("shelters.id"), nullable=False, index=True)
    # The shelter's region, copied so scope is one indexed filter like everywhere else.
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    # Personal data: NULL once purged (purged_at says when); counts and sizes stay.
    name: Mapped[str | None] = mapped_column(sa.String(60))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    household_size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    needs: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    source: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    checked_in_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shelter = relationship(Shelter, lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("household_size BETWEEN 1 AND 50", name="household_size"),
        sa.CheckConstraint("source IN ('public','kiosk','rest')", name="source"),
    )
