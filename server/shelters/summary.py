"""The desk's shelter summary: open shelters, people sheltered, places left, shelters full and
nearly full (90 % or more, the line the desk is told at: fill.py), for the caller's region and for
each region directly below it, summed up the tree. Two queries, whatever the number of shelters."""

import sqlalchemy as sa

from ..core.models import utcnow
from ..extensions import db
from ..regions.models import Region
from ..regions.service import scoped
from .fill import NEAR
from .models import Shelter

FIGURES = ("open", "people", "places_left", "full", "near_full")


def _zero() -> dict:
    return dict.fromkeys(FIGURES, 0)


def _figures_by_region(actor) -> list:
    """One row per region that has shelters: its own shelters' figures (not those below it)."""
    open_ = Shelter.status != "closed"
    full = sa.and_(open_, sa.or_(Shelter.status == "full", Shelter.occupancy >= Shelter.capacity))
    near = sa.and_(open_, sa.not_(full), Shelter.occupancy * 100 >= Shelter.capacity * NEAR)
    count = lambda cond: sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)  # noqa: E731
    stmt = scoped(
        sa.select(
            Region.path,
            count(open_).label("open"),
            # People checked in and not out, wherever they are (a shelter closed to new arrivals
            # may still hold people).
            sa.func.coalesce(sa.func.sum(Shelter.occupancy), 0).label("people"),
            sa.func.coalesce(
                sa.func.sum(
                    sa.case((Shelter.status == "open", Shelter.capacity - Shelter.occupancy), else_=0)
                ),
                0,
            ).label("places_left"),
            count(full).label("full"),
            count(near).label("near_full"),
        )
        .join(Region, Region.id == Shelter.region_id)
        .group_by(Region.path),
        Shelter.region_id,
        actor,
    )
    return db.session.execute(stmt).all()


def summary(actor) -> dict:
    here = db.session.get(Region, actor.region_id)
    children = db.session.scalars(
        sa.select(Region).where(Region.parent_id == here.id).order_by(Region.code)
    ).all()
    total, below = _zero(), {c.path: _zero() for c in children}
    for row in _figures_by_region(actor):
        sums = [total] + [fig for path, fig in below.items() if row.path.startswith(path)]
        for figures in sums:
            for key in FIGURES:
                figures[key] += int(getattr(row, key))
    return {
        "generated_at": utcnow(),
        "region": {"id": here.id, "name": here.name, "level": here.level},
        "total": total,
        "regions": [{"id": c.id, "name": c.name, "level": c.level, **below[c.path]} for c in children],
    }
