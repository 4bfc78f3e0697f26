"""What the desk's map shows, read in a few set-wise queries (one per layer), never one per marker."""

import sqlalchemy as sa

from ..accounts.models import User
from ..attendance.models import Checkin
from ..core.models import utcnow
from ..dispatch.board import board_counts, checkin_overdue
from ..dispatch.models import Dispatch, DispatchTarget, Incident
from ..errors import ApiProblem
from ..extensions import db
from ..regions.service import user_scope
from ..reports.models import Report
from ..shelters.models import Shelter
from ..teams.models import Team
from .schemas import LAYERS

LIMIT = 500
LEADING = ("captain", "vice_captain")
_OPEN_HAZARD = ("reported", "verified", "assigned", "rectifying", "rectified")


def _point(lat, lon):
    return None if lat is None or lon is None else {"lat": lat, "lon": lon}


def layers_from(arg: str | None) -> tuple[str, ...]:
    if not arg:
        return LAYERS
    asked = tuple(dict.fromkeys(part.strip() for part in arg.split(",") if part.strip()))
    unknown = [name for name in asked if name not in LAYERS]
    if unknown or not asked:
        raise ApiProblem(
            400,
            "bad-request",
            "Unknown map layer",
            f"layers is a comma-separated list of {', '.join(LAYERS)}",
        )
    return asked


def build(actor, layers: tuple[str, ...]) -> dict:
    now = utcnow()
    scope = user_scope(actor)
    answer: dict = {"generated_at": now, "truncated": []}
    targets = None
    if "orders" in layers or "members" in layers:
        targets = _open_targets(scope, now, _led_team(actor))
    for name in LAYERS:
        if name not in layers:
            continue
        if name == "incidents":
            rows = _incidents(scope)
        elif name == "orders":
            rows = _orders(scope, targets)
        elif name == "members":
            rows = _members(scope, targets)
        elif name == "hazards":
            rows = _hazards(scope)
        else:
            rows = _shelters(scope)
        if len(rows) > LIMIT:
            rows = rows[:LIMIT]
            answer["truncated"].append(name)
        answer[name] = rows
    return answer


def _incidents(scope) -> list[dict]:
    open_orders = (
        sa.select(sa.func.count())
        .where(Dispatch.incident_id == Incident.id, Dispatch.closed_at.is_(None))
        .correlate(Incident)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Incident, open_orders)
        .where(Incident.closed_at.is_(None), Incident.region_id.in_(scope))
        .order_by(Incident.occurred_at.desc())
        .limit(LIMIT + 1)
    ).all()
    return [
        {
            "id": i.id,
            "title": i.title,
            "kind": i.kind,
            "severity": i.severity,
            "place": i.place,
            "location": _point(i.lat, i.lon),
            "occurred_at": i.occurred_at,
            "orders_open": count,
        }
        for i, count in rows
    ]


def _led_team(actor):
    """The team a captain or vice-captain leads: the orders it is on show on their map even when
    the order was sent from above (a county order naming township teams)."""
    if actor.team_id is not None and (actor.role == "captain" or actor.team_role in LEADING):
        return actor.team_id
    return None


def _open_targets(scope, now, team_id=None) -> dict:
    """Open orders in scope, or naming the led team (newest first), and every target line of
    them, in two queries. On an order from above, only the team's own lines are shown."""
    where = Dispatch.region_id.in_(scope)
    team = sa.select(User.id).where(User.team_id == team_id) if team_id is not None else None
    if team is not None:
        on_it = sa.select(DispatchTarget.dispatch_id).where(DispatchTarget.member_id.in_(team))
        where = sa.or_(where, Dispatch.id.in_(on_it))
    orders = db.session.scalars(
        sa.select(Dispatch)
        .where(Dispatch.closed_at.is_(None), where)
        .order_by(Dispatch.created_at.desc())
        .limit(LIMIT + 1)
    ).all()
    above = set()
    if team is not None:
        inside = set(db.session.scalars(scope))
        above = {o.id for o in orders if o.region_id not in inside}
        team = set(db.session.scalars(team)) if above else set()
    by_order = {o.id: [] for o in orders}
    lines = (
        db.session.execute(
            sa.select(
                DispatchTarget.dispatch_id,
                DispatchTarget.member_id,
                DispatchTarget.response,
                DispatchTarget.status,
                DispatchTarget.last_ping_at,
                DispatchTarget.last_lat,
                DispatchTarget.last_lon,
                DispatchTarget.status_at,
            ).where(DispatchTarget.dispatch_id.in_(list(by_order)))
        ).all()
        if by_order
        else []
    )
    interval = {o.id: o.checkin_interval_min for o in orders}
    for line in lines:
        if line.dispatch_id in above and line.member_id not in team:
            continue  # other townships' people on a county order stay off this captain's map
        by_order[line.dispatch_id].append((line, checkin_overdue(line, interval[line.dispatch_id], now)))
    return {"orders": orders, "lines": by_order, "above": above}


def _orders(scope, targets) -> list[dict]:
    rows = []
    for order in targets["orders"]:
        lines = targets["lines"][order.id]
        # On an order from above the captain sees his team's part: its lines, its count wanted.
        wanted = None if order.id in targets["above"] else order.headcount
        board = board_counts((t for t, _ in lines), wanted, sum(1 for _, late in lines if late))
        rows.append(
            {
                "id": order.id,
                "incident_id": order.incident_id,
                "title": order.title,
                "location": _point(order.lat, order.lon),
                "muster_point": order.muster_point,
                "muster_location": _point(order.muster_lat, order.muster_lon),
                "headcount": board["headcount"],
                "accepted": board["said_yes"],
                "coming": board["coming"],
                "completed": board["completed"],
                "on_scene": board["on_scene"],
                "declined": board["declined"],
                "silent": board["silent"],
                "overdue": board["overdue_checkins"],
                "created_at": order.created_at,
            }
        )
    return rows


def _members(scope, targets) -> list[dict]:
    """Members on duty where they were last seen: an open check-in's point, or a newer point from
    an accountability check-in on an order (en route or on scene)."""
    seen: dict = {}
    checkins = db.session.execute(
        sa.select(
            Checkin.user_id, Checkin.checkin_at, Checkin.checkin_lat, Checkin.checkin_lon, Checkin.dispatch_id
        )
        .where(
            Checkin.open_flag.is_(True),
            Checkin.region_id.in_(scope),
            Checkin.checkin_lat.is_not(None),
        )
        .order_by(Checkin.checkin_at.desc())
        .limit(LIMIT * 4)
    ).all()
    for c in checkins:
        seen[c.user_id] = {
            "location": _point(c.checkin_lat, c.checkin_lon),
            "at": c.checkin_at,
            "state": "on_duty",
            "dispatch_id": c.dispatch_id,
            "overdue": False,
        }
    rank = {"on_duty": 0, "en_route": 1, "on_scene": 2}
    for lines in targets["lines"].values():
        for t, overdue in lines:
            if t.status not in ("en_route", "on_scene") or t.response == "declined":
                continue
            mine = seen.get(t.member_id)
            at = t.last_ping_at or t.status_at
            if mine is None:
                if t.last_lat is None or t.last_lon is None:
                    continue  # on the way, but nowhere known yet
                mine = seen[t.member_id] = {
                    "location": _point(t.last_lat, t.last_lon),
                    "at": at,
                    "state": t.status,
                    "dispatch_id": t.dispatch_id,
                    "overdue": overdue,
                }
                continue
            if rank[t.status] >= rank[mine["state"]]:
                mine.update(state=t.status, dispatch_id=t.dispatch_id, overdue=mine["overdue"] or overdue)
            if t.last_lat is not None and t.last_lon is not None and at and at > mine["at"]:
                mine.update(location=_point(t.last_lat, t.last_lon), at=at)
    if not seen:
        return []
    people = db.session.execute(
        sa.select(User.id, User.display_name, Team.name)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.id.in_(list(seen)))
    ).all()
    rows = [{"id": uid, "display_name": name, "team_name": team, **seen[uid]} for uid, name, team in people]
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows


# The order the map fills its hazard layer in: the gravest colour first, then the unrated (not
# verified yet); within a colour, newest first. A red hazard never falls off the map because
# newer blue ones filled it.
COLOUR_ORDER = ("red", "orange", "yellow", "blue", None)


def _hazards(scope) -> list[dict]:
    """Open hazards in scope, LIMIT+1 at most, in COLOUR_ORDER: one query per colour, each one
    index range of (severity, reported_at) read newest first, stopping once the layer is full
    (at the source's scale the red ones alone fill it: one query)."""
    columns = (
        Report.id,
        Report.category,
        Report.severity,
        Report.status,
        sa.func.substr(Report.description, 1, 80).label("description"),
        Report.lat,
        Report.lon,
        Report.reported_at,
        Report.people_at_risk,
    )
    # The area's region ids as a list, read first: PostgreSQL guesses the path-prefix subquery at
    # one region, and then reads every hazard of each colour and sorts them (870 ms at 140,000
    # reports) instead of walking (severity, reported_at) newest first and stopping at the limit.
    inside = list(db.session.scalars(scope))
    rows: list = []
    for colour in COLOUR_ORDER:
        room = LIMIT + 1 - len(rows)
        if room <= 0:
            break
        which = Report.severity.is_(None) if colour is None else Report.severity == colour
        rows += db.session.execute(
            sa.select(*columns)
            .where(which, Report.status.in_(_OPEN_HAZARD), Report.region_id.in_(inside))
            .order_by(Report.reported_at.desc())
            .limit(room)
        ).all()
    return [
        {
            "id": r.id,
            "category": r.category,
            "severity": r.severity,
            "status": r.status,
            "description": r.description,
            "location": _point(r.lat, r.lon),
            "reported_at": r.reported_at,
            "people_at_risk": r.people_at_risk,
        }
        for r in rows
    ]


def _shelters(scope) -> list[dict]:
    rows = db.session.scalars(
        sa.select(Shelter)
        .where(Shelter.region_id.in_(scope))
        .order_by(Shelter.status.desc(), Shelter.name)
        .limit(LIMIT + 1)
    ).all()
    return [
        {
            "id": s.id,
            "name": s.name,
            "kind": s.kind,
            "status": s.status,
            "location": _point(s.lat, s.lon),
            "capacity": s.capacity,
            "occupancy": s.occupancy,
        }
        for s in rows
    ]
