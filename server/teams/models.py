"""A township's comprehensive rescue team."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import Timestamps, UUIDPk
from ..extensions import db


class Team(UUIDPk, Timestamps, db.Model):
    __tablename__ = "teams"

    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False, default="comprehensive")
