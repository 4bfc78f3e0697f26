"""A shelter filling up: the desk is told at 90 % and at full, through delivery as orders are.

The line is crossed in the database, not in this process: the check-in's own UPDATE re-arms the
marker (`Shelter.fill_alerted`) when occupancy is below a line, and one conditional UPDATE raises
it to the line reached now. Only the transaction whose UPDATE raised it tells anyone, so two
check-ins that cross together (two connections, the row locked by the first until it commits)
give one alert, on SQLite as on PostgreSQL. The notifications are queued in the check-in's
transaction (the request or the sync batch commits once): a check-in rolled back tells nobody.

Who is told: the duty officers (值班员) of the shelter's region and of every region above it, the
township desk and the county desk over it, since each of them sees this shelter on their board
and map and sends people to it; a sibling township's desk is not."""

import sqlalchemy as sa

from ..accounts.models import User
from ..delivery import service as delivery
from ..extensions import db
from ..regions.service import ancestry
from .models import Shelter

NEAR = 90  # per cent: 将满, the desk is told
FULL = 100  # 已满: told again, and check-ins are refused
# The notifications' kind: a notice (push, then SMS; no call, no answer: registered quiet in
# create_app); the phone opens the desk's front page, where the shelter block is.
KIND = "shelter"


def level_of(occupancy, capacity):
    """The line reached (0, NEAR or FULL) as SQL, in whole numbers (no rounding: 89.9 % is below)."""
    return sa.case(
        (capacity <= 0, 0),
        (occupancy >= capacity, FULL),
        (occupancy * 100 >= capacity * NEAR, NEAR),
        else_=0,
    )


def level(occupancy: int, capacity: int) -> int:
    """`level_of` in Python, for a row this transaction holds (the check-in's UPDATE returned it)."""
    if capacity <= 0:
        return 0
    if occupancy >= capacity:
        return FULL
    return NEAR if occupancy * 100 >= capacity * NEAR else 0


def rearmed(new_occupancy):
    """`fill_alerted` for the check-in's or check-out's own UPDATE: below a line, that line may be
    told again; at or above it, it stays as told (raising it is `tell_if_crossed`'s)."""
    return sa.case(
        (new_occupancy * 100 < Shelter.capacity * NEAR, 0),
        (sa.and_(new_occupancy < Shelter.capacity, Shelter.fill_alerted > NEAR), NEAR),
        else_=Shelter.fill_alerted,
    )


def tell_if_crossed(shelter_id, checkin_id) -> int:
    """After a check-in moved occupancy: raise the marker to the line reached, if it is higher
    than what the desk was told, and tell the desk. Returns the line told now (0: none)."""
    reached = level_of(Shelter.occupancy, Shelter.capacity)
    row = db.session.execute(
        sa.update(Shelter)
        .where(Shelter.id == shelter_id, Shelter.status != "closed", Shelter.fill_alerted < reached)
        .values(fill_alerted=reached)
        .returning(Shelter.fill_alerted, Shelter.name, Shelter.occupancy, Shelter.capacity, Shelter.region_id)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is None:
        return 0
    for user_id in desk_of(row.region_id):
        delivery.notify_once(
            user_id,
            KIND,
            # The check-in that crossed names the crossing: one alert per person and crossing.
            f"{checkin_id}:fill{row.fill_alerted}",
            *message(row.name, row.occupancy, row.capacity, row.fill_alerted),
        )
    return row.fill_alerted


def desk_of(region_id: int) -> list:
    """The active duty officers of this region and of the regions above it."""
    above_or_here = ancestry(region_id)
    return list(
        db.session.scalars(
            sa.select(User.id)
            .where(
                User.role == "duty_officer",
                User.active.is_(True),
                User.region_id.in_(above_or_here),
            )
            .order_by(User.id)
        )
    )


def message(name: str, occupancy: int, capacity: int, level: int) -> tuple:
    """Title, body, SMS/voice template and its parameters, in Chinese (the `alert` template the
    providers already approved: 【应急通】{title}：{detail})."""
    left = max(capacity - occupancy, 0)
    state = "已满" if level >= FULL else "将满"
    pct = occupancy * 100 // capacity if capacity else 0
    body = f"已住{occupancy}/{capacity}人（{pct}%），余位{left}。"
    if level >= FULL:
        body += "新到的群众请引导去其他有空位的安置点。"
    return (
        f"安置点{state}：{name}",
        body,
        "alert",
        {"title": f"安置点{state}", "detail": f"{name}已住{occupancy}/{capacity}人，余位{left}"},
    )
