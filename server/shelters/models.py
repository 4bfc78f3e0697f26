"""A shelter in the registry."""

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import Timestamps, UUIDPk
from ..extensions import db

# The source's three classes of shelter, by the level that runs them.
KINDS = ("county", "township", "village")


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
    manager_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="closed")
    # People checked in and not out; kept by the check-in service in the check-in's transaction.
    occupancy: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    __table_args__ = (
        sa.CheckConstraint("capacity >= 0", name="capacity"),
        sa.CheckConstraint("occupancy >= 0", name="occupancy"),
        sa.CheckConstraint("status IN ('open','closed')", name="status"),
    )
