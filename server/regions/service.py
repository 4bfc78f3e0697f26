"""Region tree operations and the scope helper (the only place that decides who sees what)."""

import sqlalchemy as sa

from ..core.audit import record
from ..errors import ApiProblem, not_found
from ..extensions import db
from .models import LEVELS, Region


def subtree_ids(region_id: int):
    """A SELECT of the ids of `region_id` and every region below it."""
    root_path = sa.select(Region.path).where(Region.id == region_id).scalar_subquery()
    return sa.select(Region.id).where(Region.path.startswith(root_path, autoescape=False))


def ancestry(region_id: int) -> list[int]:
    """The ids of `region_id` and the regions above it, the county (root) first. Read from the
    region's materialised path ("/1/4/9/"); an unknown region has none."""
    path = db.session.scalar(sa.select(Region.path).where(Region.id == region_id)) or ""
    return [int(part) for part in path.strip("/").split("/") if part.isdigit()]


def user_scope(user):
    return subtree_ids(user.region_id)


def scoped(stmt, region_column, user):
    """Restrict `stmt` to rows whose `region_column` lies in the user's subtree."""
    return stmt.where(region_column.in_(user_scope(user)))


def scope_ids(user) -> set[int]:
    """The ids of the user's region and below, in one query, for checking many records."""
    return set(db.session.scalars(user_scope(user)))


def in_scope(user, region_id: int | None) -> bool:
    if region_id is None:
        return False
    if region_id == user.region_id:
        return True
    return bool(
        db.session.scalar(
            sa.select(sa.literal(True)).where(
                sa.and_(
                    sa.literal(region_id).in_(user_scope(user)),
                )
            )
        )
    )


def _storable_id(ident) -> bool:
    return ident is not None and not (isinstance(ident, int) and not 0 <= ident < 2**31)


def get_scoped(model, ident, user, region_attr: str = "region_id", what: str | None = None):
    """Fetch one record in the user's scope, or answer 404 (never reveal other regions)."""
    # An integer id past the column (a path's <int:...> takes any digits) is no record of ours,
    # not an out-of-range error from the database.
    obj = db.session.get(model, ident) if _storable_id(ident) else None
    if obj is None or not in_scope(user, getattr(obj, region_attr)):
        raise not_found(what or model.__tablename__.rstrip("s"))
    return obj


def require_in_scope(user, region_id, field: str = "region_id") -> Region:
    region = db.session.get(Region, region_id) if _storable_id(region_id) else None
    if region is None or not in_scope(user, region_id):
        raise ApiProblem(
            422,
            "validation",
            "Invalid input",
            errors={field: ["No such region in your area."]},
        )
    return region


def list_regions(user):
    stmt = scoped(sa.select(Region), Region.id, user).order_by(Region.path)
    return db.session.scalars(stmt).all()


def create_region(user, data: dict) -> Region:
    parent = require_in_scope(user, data["parent_id"], "parent_id")
    want = LEVELS.index(parent.level) + 1
    if want >= len(LEVELS) or data["level"] != LEVELS[want]:
        raise ApiProblem(
            422,
            "validation",
            "Invalid input",
            errors={"level": [f"Below a {parent.level} comes a {LEVELS[min(want, 2)]}."]},
        )
    _check_code_free(data["code"])
    region = Region(**data)
    db.session.add(region)
    db.session.flush()
    region.path = f"{parent.path}{region.id}/"
    record(user, "region.create", "region", region.id, region.id, data)
    db.session.flush()
    return region


def create_root(code: str, name: str, lat=None, lon=None) -> Region:
    region = Region(code=code, name=name, level="county", lat=lat, lon=lon)
    db.session.add(region)
    db.session.flush()
    region.path = f"/{region.id}/"
    return region


def update_region(user, region_id: int, data: dict) -> Region:
    region = get_scoped(Region, region_id, user, region_attr="id", what="region")
    if "code" in data and data["code"] != region.code:
        _check_code_free(data["code"])
    for key, value in data.items():
        setattr(region, key, value)
    record(user, "region.update", "region", region.id, region.id, data)
    db.session.flush()
    return region


def _check_code_free(code: str) -> None:
    if db.session.scalar(sa.select(Region.id).where(Region.code == code)) is not None:
        raise ApiProblem(409, "conflict", "Conflict", errors={"code": ["This code is already used."]})
