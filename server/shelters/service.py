"""The shelter registry, within the caller's region: who manages it, its supplies, opening and
closing. People checking in and out are in checkins.py."""

import math
import re

import sqlalchemy as sa

from ..accounts.models import User
from ..core.audit import record
from ..core.changes import emit
from ..core.models import utcnow
from ..core.pagination import paginate
from ..core.permissions import can
from ..errors import ApiProblem, forbidden, not_found, validation_problem
from ..extensions import db
from ..regions.service import get_scoped, in_scope, require_in_scope, scoped
from .codes import new_shelter_code
from .models import SUPPLIES, Shelter, ShelterEvent


def list_shelters(actor, args):
    stmt = scoped(sa.select(Shelter), Shelter.region_id, actor)
    if args.get("status"):
        stmt = stmt.where(Shelter.status == args["status"])
    return paginate(stmt, Shelter, args)


def get_shelter(actor, shelter_id) -> Shelter:
    return get_scoped(Shelter, shelter_id, actor, what="shelter")


def manages(actor, shelter: Shelter) -> bool:
    """A desk of the shelter's region, or one of the shelter's own managers."""
    if can(actor, "shelters.manage") and in_scope(actor, shelter.region_id):
        return True
    return any(m.id == actor.id for m in shelter.managers)


def get_managed(actor, shelter_id) -> Shelter:
    """A shelter the actor runs: 404 outside their region, 403 inside it but not theirs."""
    shelter = get_shelter(actor, shelter_id)
    if not manages(actor, shelter):
        raise forbidden("Only this shelter's managers and its region's desk may do this.")
    return shelter


def _managers(actor, data: dict) -> list[User] | None:
    if data.get("manager_ids") is not None:
        wanted = list(dict.fromkeys(data["manager_ids"]))
    elif "manager_id" in data:
        wanted = [data["manager_id"]] if data["manager_id"] is not None else []
    else:
        return None
    users = db.session.scalars(sa.select(User).where(User.id.in_(wanted))).all() if wanted else []
    if len(users) != len(wanted) or not all(in_scope(actor, u.region_id) for u in users):
        raise validation_problem({"manager_ids": ["No such user in your area."]})
    return users


def _set_supplies(shelter: Shelter, supplies: dict) -> None:
    for key in SUPPLIES:
        if key in supplies:
            setattr(shelter, f"supply_{key}", supplies[key])


def _apply(actor, shelter: Shelter, data: dict) -> None:
    managers = _managers(actor, data)
    data.pop("manager_id", None)
    data.pop("manager_ids", None)
    if managers is not None:
        shelter.managers = managers
    if "location" in data:
        point = data.pop("location")
        shelter.lat, shelter.lon = point["lat"], point["lon"]
    if data.get("supplies") is not None:
        _set_supplies(shelter, data.pop("supplies"))
    data.pop("supplies", None)
    if "capacity" in data and shelter.occupancy and data["capacity"] < shelter.occupancy:
        raise validation_problem(
            {"capacity": [f"{shelter.occupancy} people are checked in; capacity cannot go below that."]}
        )
    for key, value in data.items():
        setattr(shelter, key, value)


def _restate(shelter: Shelter) -> None:
    """Full at capacity, open below it, in SQL against the row as it is now (a check-in may have
    moved occupancy since this process read it)."""
    db.session.flush()
    db.session.execute(
        sa.update(Shelter)
        .where(Shelter.id == shelter.id)
        .values(
            status=sa.case(
                (Shelter.status == "closed", "closed"),
                (Shelter.occupancy >= Shelter.capacity, "full"),
                else_="open",
            )
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(shelter)


def create_shelter(actor, data: dict) -> Shelter:
    require_in_scope(actor, data["region_id"])
    status = data.pop("status", "closed")
    shelter = Shelter(code=new_shelter_code(), status="closed")
    logged = dict(data)
    _apply(actor, shelter, data)
    db.session.add(shelter)
    db.session.flush()
    record(actor, "shelter.create", "shelter", shelter.id, shelter.region_id, logged)
    if status == "open":
        _set_open(actor, shelter, True)
    publish(shelter)
    return shelter


def update_shelter(actor, shelter_id, data: dict) -> Shelter:
    shelter = get_shelter(actor, shelter_id)
    logged = dict(data)
    status = data.pop("status", None)
    _apply(actor, shelter, data)
    record(actor, "shelter.update", "shelter", shelter.id, shelter.region_id, logged)
    _restate(shelter)
    if status is not None and (status == "open") != (shelter.status != "closed"):
        _set_open(actor, shelter, status == "open")
    publish(shelter)
    return shelter


def _set_open(actor, shelter: Shelter, opening: bool) -> None:
    db.session.flush()
    now = utcnow()
    if opening:
        values = {"status": sa.case((Shelter.occupancy >= Shelter.capacity, "full"), else_="open")}
    else:
        values = {"status": "closed", "closed_at": now}
    db.session.execute(
        sa.update(Shelter)
        .where(Shelter.id == shelter.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    kind = "open" if opening else "close"
    db.session.add(ShelterEvent(shelter_id=shelter.id, kind=kind, actor_id=actor.id, at=now))
    record(actor, f"shelter.{kind}", "shelter", shelter.id, shelter.region_id)
    db.session.flush()
    db.session.refresh(shelter)


def open_or_close(actor, shelter_id, opening: bool) -> Shelter:
    """Open or close a shelter one runs; asking for the state it is in already changes nothing."""
    shelter = get_managed(actor, shelter_id)
    if opening != (shelter.status != "closed"):
        _set_open(actor, shelter, opening)
        publish(shelter)
    return shelter


def update_supplies(actor, shelter_id, supplies: dict) -> Shelter:
    shelter = get_managed(actor, shelter_id)
    _set_supplies(shelter, supplies)
    record(actor, "shelter.supplies", "shelter", shelter.id, shelter.region_id, supplies)
    db.session.flush()
    publish(shelter)
    return shelter


def events(actor, shelter_id) -> list[tuple[ShelterEvent, str | None]]:
    """Each opening and closing with the display name of who did it, newest first."""
    shelter = get_shelter(actor, shelter_id)
    return db.session.execute(
        sa.select(ShelterEvent, User.display_name)
        .outerjoin(User, User.id == ShelterEvent.actor_id)
        .where(ShelterEvent.shelter_id == shelter.id)
        .order_by(ShelterEvent.at.desc(), ShelterEvent.id.desc())
        .limit(200)
    ).all()


def delete_shelter(actor, shelter_id) -> None:
    shelter = get_shelter(actor, shelter_id)
    if shelter.occupancy > 0:
        raise ApiProblem(
            409, "shelter-occupied", "Shelter in use", "People are checked in here; close it first."
        )
    from .models import ShelterCheckin

    if db.session.scalar(
        sa.select(ShelterCheckin.id).where(ShelterCheckin.shelter_id == shelter.id).limit(1)
    ):
        raise ApiProblem(
            409,
            "shelter-has-records",
            "Shelter has records",
            "People were checked in here; close it instead.",
        )
    record(actor, "shelter.delete", "shelter", shelter.id, shelter.region_id, {"name": shelter.name})
    # A tombstone, so phones drop their copy on the next pull.
    emit("shelter", shelter.id, None, region_id=shelter.region_id, op="delete")
    db.session.delete(shelter)
    db.session.flush()


_FEED_SCHEMA = []  # one ShelterSchema, made at the first publish: building one costs more than a dump


def publish(shelter: Shelter) -> None:
    """Put the shelter as phones see it into the change feed (its region's users pull it)."""
    if not _FEED_SCHEMA:
        from .schemas import ShelterSchema

        _FEED_SCHEMA.append(ShelterSchema())
    db.session.flush()
    emit("shelter", shelter.id, _FEED_SCHEMA[0].dump(shelter), region_id=shelter.region_id)


# --- the public view ------------------------------------------------------------------------


_CODE = re.compile(r"[0-9A-Za-z]{1,16}")


def by_code(code: str) -> Shelter:
    # Anything that is not a code is not looked up (a NUL byte would fail in PostgreSQL).
    shelter = None
    if code and _CODE.fullmatch(code):
        shelter = db.session.scalar(sa.select(Shelter).where(Shelter.code == code.upper()))
    if shelter is None:
        raise not_found("shelter")
    return shelter


def km_between(lat1, lon1, lat2, lon2) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def nearest_with_room(shelter: Shelter, count: int = 3) -> list[dict]:
    """The nearest open shelters that still have places, for a family turned away."""
    rows = db.session.execute(
        sa.select(
            Shelter.code,
            Shelter.name,
            Shelter.address,
            Shelter.lat,
            Shelter.lon,
            Shelter.capacity,
            Shelter.occupancy,
        ).where(Shelter.status == "open", Shelter.occupancy < Shelter.capacity, Shelter.id != shelter.id)
    ).all()
    ranked = sorted(
        (
            {
                "code": r.code,
                "name": r.name,
                "address": r.address,
                "distance_km": round(km_between(shelter.lat, shelter.lon, r.lat, r.lon), 1),
                "places_left": r.capacity - r.occupancy,
            }
            for r in rows
        ),
        key=lambda item: item["distance_km"],
    )
    return ranked[:count]


def public_view(code: str) -> dict:
    from .schemas import PublicShelterSchema

    shelter = by_code(code)
    answer = PublicShelterSchema().dump(shelter)
    answer["alternatives"] = nearest_with_room(shelter) if shelter.status != "open" else []
    return answer
