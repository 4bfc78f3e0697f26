"""A disaster event, the villages it touches, the situation reports filed for each village, and
the supervision notices sent when an initial report is late."""

import uuid
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from ..core.models import Timestamps, UTCDateTime
from ..extensions import db


class Hundredths(TypeDecorator):
    """A decimal with two places kept as a whole number of hundredths: exact on every database
    (SQLite has no decimal type and would round through a float)."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))


# 台风, 暴雨, 洪涝, 地质灾害, 森林火灾, 其他.
EVENT_KINDS = ("typhoon", "rainstorm", "flood", "geological", "forest_fire", "other")
# 初报, 续报, 核报.
REPORT_KINDS = ("initial", "follow_up", "verified")
# The standard figures of China's natural-disaster statistics (自然灾害情况统计), in the order
# the forms give them. People and houses are counts; crops in hectares and the loss in 万元 carry
# two decimal places.
PEOPLE = ("affected", "dead", "missing", "injured", "evacuated", "resettled")
HOUSES = ("houses_collapsed", "houses_severe", "houses_light")
DECIMALS = ("crops_affected_ha", "crops_lost_ha", "loss_10k_yuan")
COUNTS = PEOPLE + HOUSES
FIGURES = COUNTS + DECIMALS


class DisasterEvent(Timestamps, db.Model):
    __tablename__ = "disaster_events"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    # The region of the desk that opened it (whose desk answers for it).
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    opened_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # When the initial reports are due: opened_at plus DISASTER_INITIAL_DUE_MIN, fixed at opening
    # so a later change of the setting does not move a deadline already announced.
    initial_due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))

    villages = relationship(
        "DisasterEventVillage",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="DisasterEventVillage.region_id",
    )

    __table_args__ = (sa.CheckConstraint(f"kind IN {EVENT_KINDS}", name="kind"),)

    @property
    def village_ids(self) -> list[int]:
        return [v.region_id for v in self.villages]

    @property
    def status(self) -> str:
        return "closed" if self.closed_at else "open"


class DisasterEventVillage(db.Model):
    """A village the event touches: the regions the desk named, townships expanded to their
    villages at opening. Who sees the event and who owes an initial report follow from these."""

    __tablename__ = "disaster_event_villages"

    event_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("disaster_events.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), primary_key=True, index=True)


def _figure(name: str):
    if name in DECIMALS:
        return mapped_column(Hundredths, nullable=False)
    return mapped_column(sa.Integer, nullable=False)


class SituationReport(db.Model):
    """One report of one village for one event. `seq` counts the village's reports of the event
    from 1 (the initial one); unique, so two reports racing for the same place cannot both land."""

    __tablename__ = "situation_reports"

    # Made on the phone: the same report sent twice (REST after a timeout, then the outbox) is one.
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("disaster_events.id", ondelete="CASCADE"), nullable=False
    )
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    reporter_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    # When the officer tapped "send", by the phone (never later than the server's clock).
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    affected: Mapped[int] = _figure("affected")
    dead: Mapped[int] = _figure("dead")
    missing: Mapped[int] = _figure("missing")
    injured: Mapped[int] = _figure("injured")
    evacuated: Mapped[int] = _figure("evacuated")
    resettled: Mapped[int] = _figure("resettled")
    houses_collapsed: Mapped[int] = _figure("houses_collapsed")
    houses_severe: Mapped[int] = _figure("houses_severe")
    houses_light: Mapped[int] = _figure("houses_light")
    crops_affected_ha: Mapped[Decimal] = _figure("crops_affected_ha")
    crops_lost_ha: Mapped[Decimal] = _figure("crops_lost_ha")
    loss_10k_yuan: Mapped[Decimal] = _figure("loss_10k_yuan")

    note: Mapped[str | None] = mapped_column(sa.Text)
    # Why a figure went down since the village's previous report (required then).
    reason: Mapped[str | None] = mapped_column(sa.Text)

    reporter = relationship("User", lazy="selectin")
    region = relationship("Region", lazy="selectin")

    __table_args__ = (
        sa.UniqueConstraint("event_id", "region_id", "seq", name="uq_situation_reports_event_village_seq"),
        sa.CheckConstraint(f"kind IN {REPORT_KINDS}", name="kind"),
        # The first report of a village is its initial one, and only the first.
        sa.CheckConstraint("(kind = 'initial') = (seq = 1)", name="initial_first"),
        sa.CheckConstraint(" AND ".join(f"{f} >= 0" for f in FIGURES), name="figures"),
        sa.CheckConstraint("dead <= affected AND missing <= affected AND injured <= affected", name="people"),
        sa.CheckConstraint("crops_lost_ha <= crops_affected_ha", name="crops"),
    )


class DisasterNotice(db.Model):
    """A supervision notice sent (or being sent): written before anyone is notified, unique per
    event, region and stage, so two workers sweeping at once notify once."""

    __tablename__ = "disaster_notices"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("disaster_events.id", ondelete="CASCADE"), nullable=False
    )
    # "officer": the village (region_id) has no initial report at the due time; "desk": the
    # township (region_id) still has villages without one after the grace.
    stage: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("event_id", "stage", "region_id", name="uq_disaster_notices_once"),
        sa.CheckConstraint("stage IN ('officer','desk')", name="stage"),
    )
