"""People in shelters: checking in and out through any door (public page, kiosk ops, REST),
with occupancy moved only by one atomic UPDATE in the check-in's own transaction; the desk's
reads of people (audited); the retention purge. Never commits: the caller owns the transaction."""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ..accounts.models import User
from ..core.audit import record
from ..core.models import utcnow
from ..core.pagination import paginate
from ..core.permissions import can
from ..errors import ApiProblem, forbidden, not_found
from ..extensions import db
from ..regions.service import in_scope, scoped
from . import fill, service
from .models import Shelter, ShelterCheckin, shelter_managers

_SALT = "shelter-receipt"


def _signer() -> URLSafeSerializer:
    """One per secret key (made once: it derives its signing key when made)."""
    key = current_app.config["SECRET_KEY"]
    signer = _SIGNERS.get(key)
    if signer is None:
        signer = _SIGNERS[key] = URLSafeSerializer(key, salt=_SALT)
    return signer


_SIGNERS: dict[str, URLSafeSerializer] = {}


def receipt_token(checkin_id) -> str:
    """The personal QR's content: the check-in's id, signed; no name, no phone."""
    return _signer().dumps(str(checkin_id))


def checkin_id_from_token(token: str) -> uuid.UUID:
    try:
        return uuid.UUID(_signer().loads(token))
    except (BadSignature, ValueError, TypeError):
        raise ApiProblem(
            422, "bad-receipt", "Not a receipt", "This code is not a receipt of this service."
        ) from None


def _refused(shelter_id, size: int) -> ApiProblem:
    status, capacity, occupancy = db.session.execute(
        sa.select(Shelter.status, Shelter.capacity, Shelter.occupancy).where(Shelter.id == shelter_id)
    ).one()
    if status == "closed":
        return ApiProblem(409, "shelter-closed", "Shelter closed", "This shelter is not open.")
    return ApiProblem(
        409,
        "shelter-full",
        "Shelter full",
        f"{size} people do not fit: {max(capacity - occupancy, 0)} places left.",
        places_left=max(capacity - occupancy, 0),
    )


def _insert_statement() -> sa.TextClause:
    """INSERT ... ON CONFLICT (id) DO NOTHING RETURNING id, as text with typed parameters: the
    dialects' own on_conflict_do_nothing() has no cache key, so SQLAlchemy compiled it anew on
    every check-in (bench/shelters.py). Both databases take the same SQL; each parameter keeps
    its column's type, so a UUID, the needs' JSON and a time bind as the ORM would bind them."""
    table = ShelterCheckin.__table__
    names = [c.name for c in table.columns]
    return (
        sa.text(
            f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608 - the table's own column names
            f"VALUES ({', '.join(':' + n for n in names)}) "
            "ON CONFLICT (id) DO NOTHING RETURNING id"
        )
        .bindparams(*(sa.bindparam(c.name, type_=c.type) for c in table.columns))
        .columns(ShelterCheckin.__table__.c.id)
    )


_SIZE = sa.bindparam("size", type_=sa.Integer)
_NEW_OCCUPANCY = Shelter.occupancy + _SIZE
# The check-in's two statements, built once: building a statement and its cache key each time
# cost more than running it (bench/shelters.py). Run on the session's connection: they move no
# ORM object, so the ORM's execute adds nothing.
_STATEMENTS = {
    # RETURNING says whether the row went in (psycopg's rowcount for it is -1).
    "insert": _insert_statement(),
    "admit": sa.update(Shelter.__table__)
    .where(
        Shelter.id == sa.bindparam("shelter_id", type_=sa.Uuid),
        Shelter.status == "open",
        _NEW_OCCUPANCY <= Shelter.capacity,
    )
    .values(
        occupancy=_NEW_OCCUPANCY,
        status=sa.case((_NEW_OCCUPANCY >= Shelter.capacity, "full"), else_="open"),
        fill_alerted=fill.rearmed(_NEW_OCCUPANCY),
    )
    .returning(Shelter.occupancy, Shelter.status, Shelter.fill_alerted, Shelter.capacity),
}


def _run(name: str, params: dict):
    return db.session.connection().execute(_STATEMENTS[name], params)


def _admit(shelter: Shelter, size: int, checkin_id) -> None:
    """Occupancy up by `size` if the shelter is open and has the room, in one statement: two
    check-ins at once can never both take the last places. Crossing 90 % or full tells the desk,
    once per crossing (fill.py). The UPDATE returns what it moved, so `shelter` is current without
    reading it again; the row is this transaction's until it ends (PostgreSQL's row lock, SQLite's
    write lock), so what it returned stays true."""
    row = _run("admit", {"size": size, "shelter_id": shelter.id}).one_or_none()
    if row is None:
        raise _refused(shelter.id, size)
    # fill.py's conditional UPDATE only when this check-in reached a line the desk was not told
    # of yet: below 90 %, or with that line told already, it could match no row.
    told = 0
    if fill.level(row.occupancy, row.capacity) > row.fill_alerted:
        told = fill.tell_if_crossed(shelter.id, checkin_id)
    for key, value in (
        ("occupancy", row.occupancy),
        ("status", row.status),
        ("capacity", row.capacity),
        ("fill_alerted", told or row.fill_alerted),
    ):
        set_committed_value(shelter, key, value)


def _release(shelter_id, size: int) -> None:
    db.session.execute(
        sa.update(Shelter)
        .where(Shelter.id == shelter_id)
        .values(
            occupancy=Shelter.occupancy - size,
            status=sa.case((Shelter.status == "full", "open"), else_=Shelter.status),
            # Back below 90 % (or below full): the next crossing is told again.
            fill_alerted=fill.rearmed(Shelter.occupancy - size),
        )
        .execution_options(synchronize_session=False)
    )


def _same(existing: ShelterCheckin, shelter: Shelter) -> ShelterCheckin:
    if existing.shelter_id != shelter.id:
        raise ApiProblem(409, "conflict", "Conflict", "Another check-in already has this id.")
    return existing


def _insert_new(values: dict) -> bool:
    """INSERT the check-in unless its id is taken; -> inserted? One statement: on PostgreSQL a
    connection inserting the same id at this moment makes this one wait for its commit, then
    find the id taken."""
    return _run("insert", values).first() is not None


def check_in(actor, shelter: Shelter, data: dict, source: str, at=None) -> tuple[ShelterCheckin, bool]:
    """-> (the check-in, made now?). The same id again answers the first record, unchanged.

    Three statements when it is new: the INSERT (nothing if the id is taken), the occupancy
    UPDATE (returning what it moved) and, only at a crossing of 90 % or full, fill.py's. The
    record is a Core INSERT, then put in the session as the row it wrote: the ORM's unit of work
    would add nothing but its cost."""
    now = utcnow()
    values = {
        "id": data["id"],
        "shelter_id": shelter.id,
        "region_id": shelter.region_id,
        "name": data["name"].strip(),
        "phone": data.get("phone"),
        "household_size": data["household_size"],
        "needs": sorted(set(data.get("needs") or [])),
        "source": source,
        "checked_in_by": getattr(actor, "id", None),
        "created_at": now,
        # A kiosk's clock may be off; never in the future.
        "checked_in_at": min(at or now, now),
        "checked_out_at": None,
        "checked_out_by": None,
        "purged_at": None,
    }
    # The ORM's pending changes first: the INSERT below must not overtake them.
    db.session.flush()
    if not _insert_new(values):
        # The same id: sent before, or at this moment by another connection that got there first.
        existing = db.session.get(ShelterCheckin, data["id"], populate_existing=True)
        if existing is None:  # taken and gone again: the other connection rolled back
            raise ApiProblem(409, "conflict", "Conflict", "Try again.", retryable=True)
        return _same(existing, shelter), False
    try:
        _admit(shelter, values["household_size"], values["id"])
    except ApiProblem:
        # Refused: the row goes too, whatever the caller does with the transaction next.
        db.session.execute(sa.delete(ShelterCheckin).where(ShelterCheckin.id == values["id"]))
        raise
    item = ShelterCheckin(**values)
    # The object, not only its id: the receipt reads the shelter without loading it again.
    item.shelter = shelter
    make_transient_to_detached(item)
    db.session.add(item)
    record(
        actor,
        "shelter.checkin",
        "shelter_checkin",
        item.id,
        shelter.region_id,
        {"shelter_id": shelter.id, "household_size": item.household_size, "source": source},
    )
    service.publish(shelter)
    return item, True


def check_out(actor, item: ShelterCheckin, at=None) -> tuple[ShelterCheckin, bool]:
    """-> (the check-in, checked out now?). A second check-out changes nothing."""
    now = utcnow()
    done = db.session.execute(
        sa.update(ShelterCheckin)
        .where(ShelterCheckin.id == item.id, ShelterCheckin.checked_out_at.is_(None))
        .values(checked_out_at=max(min(at or now, now), item.checked_in_at), checked_out_by=actor.id)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.refresh(item)
        return item, False
    _release(item.shelter_id, item.household_size)
    db.session.refresh(item, ["checked_out_at", "checked_out_by"])
    db.session.refresh(item.shelter, ["occupancy", "status", "fill_alerted"])
    record(actor, "shelter.checkout", "shelter_checkin", item.id, item.region_id)
    service.publish(item.shelter)
    return item, True


def _managed_checkin(actor, checkin_id) -> ShelterCheckin:
    item = db.session.get(ShelterCheckin, checkin_id)
    if item is None:
        raise not_found("check-in")
    service.get_managed(actor, item.shelter_id)
    return item


def _wrong_shelter() -> ApiProblem:
    return ApiProblem(
        409, "wrong-shelter", "Another shelter's check-in", "This person checked in at another shelter."
    )


# --- the three doors ------------------------------------------------------------------------


def public_checkin(code: str, data: dict) -> tuple[ShelterCheckin, bool]:
    return check_in(None, service.by_code(code), data, "public")


def rest_checkin(actor, shelter_id, data: dict) -> tuple[ShelterCheckin, bool]:
    return check_in(actor, service.get_managed(actor, shelter_id), data, "rest")


def rest_checkout(actor, shelter_id, checkin_id) -> tuple[ShelterCheckin, bool]:
    shelter = service.get_managed(actor, shelter_id)
    item = db.session.get(ShelterCheckin, checkin_id)
    if item is None:
        raise not_found("check-in")
    if item.shelter_id != shelter.id:
        raise _wrong_shelter()
    return check_out(actor, item)


_SHELTER_COLUMNS = tuple(Shelter.__table__.columns)
_KIOSK_SHELTER = (
    sa.select(*_SHELTER_COLUMNS, shelter_managers.c.user_id.label("_manager_id"))
    .select_from(
        Shelter.__table__.outerjoin(shelter_managers, shelter_managers.c.shelter_id == Shelter.id).outerjoin(
            User.__table__, User.id == shelter_managers.c.user_id
        )
    )
    .where(Shelter.id == sa.bindparam("shelter_id"))
    .order_by(User.username)
)


def managed_for_kiosk(actor, shelter_id) -> Shelter:
    """service.get_managed, the same answers (404 outside the region, 403 inside it but not
    theirs), in one Core statement: the shelter's columns and its managers' ids, one row per
    manager, instead of the shelter, then its managers as users, each with their region."""
    key = identity_key(Shelter, shelter_id)
    shelter = db.session.identity_map.get(key)
    if shelter is not None:  # an earlier op of this batch read it: the same object
        if not in_scope(actor, shelter.region_id):
            raise not_found("shelter")
        if not service.manages(actor, shelter):
            raise forbidden("Only this shelter's managers and its region's desk may do this.")
        return shelter
    # On the connection: a Core statement, so the ORM's execute would add only its own work.
    rows = db.session.connection().execute(_KIOSK_SHELTER, {"shelter_id": shelter_id}).all()
    if not rows or not in_scope(actor, rows[0].region_id):
        raise not_found("shelter")
    manager_ids = [r._manager_id for r in rows if r._manager_id is not None]  # noqa: SLF001 - a column label
    if not (
        actor.id in manager_ids or (can(actor, "shelters.manage") and in_scope(actor, rows[0].region_id))
    ):
        raise forbidden("Only this shelter's managers and its region's desk may do this.")
    shelter = Shelter(**{c.key: getattr(rows[0], c.key) for c in _SHELTER_COLUMNS})
    make_transient_to_detached(shelter)
    db.session.add(shelter)
    shelter._known_manager_ids = manager_ids  # noqa: SLF001 - read by Shelter.manager_ids
    return shelter


def kiosk_checkin(actor, data: dict, at) -> ShelterCheckin:
    shelter = managed_for_kiosk(actor, data["shelter_id"])
    return check_in(actor, shelter, data, "kiosk", at)[0]


def kiosk_checkout(actor, data: dict, at) -> ShelterCheckin:
    checkin_id = data.get("checkin_id") or checkin_id_from_token(data["token"])
    item = _managed_checkin(actor, checkin_id)
    if data.get("shelter_id") is not None and item.shelter_id != data["shelter_id"]:
        raise _wrong_shelter()
    return check_out(actor, item, at)[0]


# --- the desk's reads of people (each one audited) -------------------------------------------


def _audit_read(actor, action: str, rows, region_id) -> None:
    record(actor, action, "shelter_checkin", "-", region_id, {"checkin_ids": [str(r.id) for r in rows]})


def list_people(actor, shelter_id, args) -> dict:
    shelter = service.get_managed(actor, shelter_id)
    stmt = sa.select(ShelterCheckin).where(ShelterCheckin.shelter_id == shelter.id)
    if args.get("present"):
        stmt = stmt.where(ShelterCheckin.checked_out_at.is_(None))
    page = paginate(stmt, ShelterCheckin, args)
    _audit_read(actor, "shelter.people.list", page["rows"], shelter.region_id)
    return page


def get_person(actor, shelter_id, checkin_id) -> ShelterCheckin:
    shelter = service.get_managed(actor, shelter_id)
    item = db.session.get(ShelterCheckin, checkin_id)
    if item is None or item.shelter_id != shelter.id:
        raise not_found("check-in")
    record(actor, "shelter.people.read", "shelter_checkin", item.id, item.region_id)
    return item


def lookup(actor, args: dict) -> dict:
    """Family lookup across the shelters of one's region: part of a name, or a phone's last four."""
    q = args["q"].strip()
    stmt = scoped(sa.select(ShelterCheckin), ShelterCheckin.region_id, actor)
    if q.isdigit():
        stmt = stmt.where(ShelterCheckin.phone.endswith(q, autoescape=True))
    else:
        stmt = stmt.where(ShelterCheckin.name.contains(q, autoescape=True))
    page = paginate(stmt, ShelterCheckin, args)
    _audit_read(actor, "shelter.people.search", page["rows"], actor.region_id)
    return page


# --- retention ------------------------------------------------------------------------------


def purge_personal_data(now=None) -> int:
    """Names and phones of people in shelters closed SHELTER_RETENTION_DAYS ago or more are
    erased; counts, household sizes and needs stay. Returns how many records were purged."""
    now = now or utcnow()
    before = now - timedelta(days=current_app.config["SHELTER_RETENTION_DAYS"])
    closed_long_ago = sa.select(Shelter.id).where(Shelter.status == "closed", Shelter.closed_at <= before)
    result = db.session.execute(
        sa.update(ShelterCheckin)
        .where(
            ShelterCheckin.shelter_id.in_(closed_long_ago),
            ShelterCheckin.purged_at.is_(None),
        )
        .values(name=None, phone=None, purged_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        record(None, "shelter.people.purge", "shelter_checkin", "-", None, {"count": result.rowcount})
    return result.rowcount


def sweep(now) -> None:
    """The delivery worker's periodic round."""
    purge_personal_data(now)
