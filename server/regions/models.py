"""Regions: a tree with a materialised path so 'this region and below' is one LIKE."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Timestamps
from ..extensions import db

LEVELS = ("county", "township", "village")


class Region(Timestamps, db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    # GB/T 2260 county code plus township / village digits (12 digits for a village).
    code: Mapped[str] = mapped_column(sa.String(12), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    level: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    # "/1/4/17/": ids from the root down, so a subtree is `path LIKE '/1/4/%'`.
    path: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="", index=True)
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lon: Mapped[float | None] = mapped_column(sa.Float)

    parent = relationship("Region", remote_side=[id], lazy="joined", innerjoin=False)

    __table_args__ = (sa.CheckConstraint("level IN ('county','township','village')", name="level"),)
