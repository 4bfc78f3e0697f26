"""The shelter registry, within the caller's region."""

import secrets

import sqlalchemy as sa

from ..accounts.models import User
from ..core.audit import record
from ..core.changes import emit
from ..core.pagination import paginate
from ..errors import ApiProblem, validation_problem
from ..extensions import db
from ..regions.service import get_scoped, in_scope, require_in_scope, scoped
from .models import Shelter

# No 0/O or 1/I/L: people read codes off posters in the rain.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def list_shelters(actor, args):
    stmt = scoped(sa.select(Shelter), Shelter.region_id, actor)
    if args.get("status"):
        stmt = stmt.where(Shelter.status == args["status"])
    return paginate(stmt, Shelter, args)


def get_shelter(actor, shelter_id) -> Shelter:
    return get_scoped(Shelter, shelter_id, actor, what="shelter")


def _apply(actor, shelter: Shelter, data: dict) -> None:
    if "location" in data:
        point = data.pop("location")
        shelter.lat, shelter.lon = point["lat"], point["lon"]
    if data.get("manager_id") is not None:
        manager = db.session.get(User, data["manager_id"])
        if manager is None or not in_scope(actor, manager.region_id):
            raise validation_problem({"manager_id": ["No such user in your area."]})
    for key, value in data.items():
        setattr(shelter, key, value)


def create_shelter(actor, data: dict) -> Shelter:
    require_in_scope(actor, data["region_id"])
    shelter = Shelter(code=new_code())
    logged = dict(data)
    _apply(actor, shelter, data)
    db.session.add(shelter)
    db.session.flush()
    record(actor, "shelter.create", "shelter", shelter.id, shelter.region_id, logged)
    publish(shelter)
    db.session.flush()
    return shelter


def update_shelter(actor, shelter_id, data: dict) -> Shelter:
    shelter = get_shelter(actor, shelter_id)
    logged = dict(data)
    _apply(actor, shelter, data)
    record(actor, "shelter.update", "shelter", shelter.id, shelter.region_id, logged)
    db.session.flush()
    publish(shelter)
    db.session.flush()
    return shelter


def delete_shelter(actor, shelter_id) -> None:
    shelter = get_shelter(actor, shelter_id)
    if shelter.occupancy > 0:
        raise ApiProblem(
            409, "shelter-occupied", "Shelter in use", "People are checked in here; close it first."
        )
    record(actor, "shelter.delete", "shelter", shelter.id, shelter.region_id, {"name": shelter.name})
    # A tombstone, so phones drop their copy on the next pull.
    emit("shelter", shelter.id, None, region_id=shelter.region_id, op="delete")
    db.session.delete(shelter)
    db.session.flush()


def publish(shelter: Shelter) -> None:
    """Put the shelter as phones see it into the change feed (its region's users pull it)."""
    from .schemas import ShelterSchema

    emit("shelter", shelter.id, ShelterSchema().dump(shelter), region_id=shelter.region_id)
