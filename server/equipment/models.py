"""A team's equipment items, its kits (named sets of items), and each item's log: checked out
to an order and returned, damage found, maintenance done."""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import Timestamps, UTCDateTime, UUIDPk
from ..extensions import db

# 完好, 磨损, 损坏, 遗失, 报废.
CONDITIONS = ("good", "worn", "damaged", "lost", "retired")
CONDITION_LABELS = {"good": "完好", "worn": "磨损", "damaged": "损坏", "lost": "遗失", "retired": "报废"}
# Conditions in which an item is gone from service: never checked out, never overdue.
OUT_OF_SERVICE = ("lost", "retired")
CATEGORIES = (
    "protective",
    "rescue",
    "rope",
    "water",
    "fire",
    "lighting",
    "power",
    "pump",
    "comms",
    "medical",
    "vehicle",
    "other",
)
CATEGORY_LABELS = {
    "protective": "个人防护",
    "rescue": "破拆救援",
    "rope": "绳索救援",
    "water": "水域救援",
    "fire": "森林灭火",
    "lighting": "照明",
    "power": "发电动力",
    "pump": "排涝抽水",
    "comms": "通信",
    "medical": "医疗急救",
    "vehicle": "车辆舟艇",
    "other": "其他",
}
EVENT_KINDS = ("checkout", "return", "maintenance", "condition")


def _in(values) -> str:
    return ",".join(f"'{v}'" for v in values)


class EquipmentKit(UUIDPk, Timestamps, db.Model):
    """A named set of a team's items (a water-rescue kit, a first-aid bag)."""

    __tablename__ = "equipment_kits"

    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("teams.id"), nullable=False, index=True)
    # The team's township, kept here so every lookup goes through the one scope helper.
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")


class EquipmentItem(UUIDPk, Timestamps, db.Model):
    __tablename__ = "equipment_items"

    team_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("teams.id"), nullable=False, index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    kit_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("equipment_kits.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    category: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    # The national or industry standard it meets, as written on it ("GB/T 29175-2012").
    standard: Mapped[str | None] = mapped_column(sa.String(80))
    serial: Mapped[str | None] = mapped_column(sa.String(60))
    # More than one only for consumables counted together (bottles, ropes of one batch).
    quantity: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    condition: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="good")
    maintenance_interval_days: Mapped[int | None] = mapped_column(sa.Integer)
    last_maintained_on: Mapped[date | None] = mapped_column(sa.Date)
    # The China day it was registered: the start of its first interval when never maintained.
    registered_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    # Kept, not computed per read, so the region's overdue list is one indexed range.
    next_due_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # Out on an order: set and cleared by one conditional UPDATE each (service.py), so two
    # phones checking the same item out at once cannot both win.
    out_dispatch_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("dispatches.id"), index=True)
    out_incident_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("incidents.id"))
    out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    out_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.CheckConstraint(f"condition IN ({_in(CONDITIONS)})", name="condition"),
        sa.CheckConstraint(f"category IN ({_in(CATEGORIES)})", name="category"),
        sa.CheckConstraint("quantity >= 1", name="quantity"),
        sa.CheckConstraint(
            "maintenance_interval_days IS NULL OR maintenance_interval_days BETWEEN 1 AND 3650",
            name="interval",
        ),
        sa.CheckConstraint(
            "(out_dispatch_id IS NULL) = (out_at IS NULL) AND (out_dispatch_id IS NULL) = (out_by IS NULL)",
            name="out",
        ),
    )


class EquipmentEvent(db.Model):
    """One line of an item's log. Its id is made by the phone (or the server for REST without
    one): the same id sent again is the same event, by whatever door it comes."""

    __tablename__ = "equipment_events"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("equipment_items.id", ondelete="CASCADE"), nullable=False, index=True
    )
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    dispatch_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("dispatches.id"), index=True)
    incident_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("incidents.id"))
    condition_before: Mapped[str | None] = mapped_column(sa.String(10))
    condition_after: Mapped[str | None] = mapped_column(sa.String(10))
    # The day maintenance was done (a maintenance event).
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    media_ids: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    # When it happened (the phone's time for an op), and when the server learnt it.
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        sa.CheckConstraint(f"kind IN ({_in(EVENT_KINDS)})", name="kind"),
        sa.Index("ix_equipment_events_item_at", "item_id", "at"),
    )


class EquipmentEventMedia(db.Model):
    """A photo of the damage found on a return: media asks which regions may see it."""

    __tablename__ = "equipment_event_media"

    event_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("equipment_events.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("media.id"), primary_key=True, index=True)
