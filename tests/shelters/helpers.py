"""Families and shelters the way the doors get them."""

import uuid

import sqlalchemy as sa

from server.extensions import db
from server.shelters.models import Shelter, ShelterCheckin

SYNC = "/api/v1/sync"
EMPTY = "临城镇中心小学避灾安置点"  # open, empty, run by shelter1 (capacity 400)
GYM = "上杭县体育馆"  # open, families in, run by shelter1
OTHER_TOWN = "古田镇避灾安置中心"  # township 2, closed, no manager


def family(**over) -> dict:
    return {"id": str(uuid.uuid4()), "name": "王秀英", "phone": "13812345678", "household_size": 3, **over}


def shelter_row(app, shelter_id) -> Shelter:
    with app.app_context():
        row = db.session.get(Shelter, uuid.UUID(shelter_id))
        db.session.expunge(row)
        db.session.remove()
    return row


def people_in(app, shelter_id) -> int:
    """The people checked in and not out, counted from the records (not the stored figure)."""
    with app.app_context():
        n = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(ShelterCheckin.household_size), 0)).where(
                ShelterCheckin.shelter_id == uuid.UUID(shelter_id), ShelterCheckin.checked_out_at.is_(None)
            )
        )
        db.session.remove()
    return n


def set_capacity(app, shelter_id, capacity: int) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(Shelter).where(Shelter.id == uuid.UUID(shelter_id)).values(capacity=capacity)
        )
        db.session.commit()
        db.session.remove()


def code_of(app, shelter_id) -> str:
    return shelter_row(app, shelter_id).code


def kiosk_checkin(shelter_id, **over) -> dict:
    data = {**family(), "shelter_id": shelter_id, **over}
    return {
        "op_id": str(uuid.uuid4()),
        "type": "shelter.checkin",
        "at": "2026-12-01T20:00:00+08:00",
        "data": data,
    }


def kiosk_checkout(**data) -> dict:
    return {
        "op_id": str(uuid.uuid4()),
        "type": "shelter.checkout",
        "at": "2026-12-01T21:00:00+08:00",
        "data": data,
    }
