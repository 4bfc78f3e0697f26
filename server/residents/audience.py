"""The residents as a warning's audience (the hook of the warnings spec): `queue` records one
delivery row per subscriber of the area inside the issuing transaction, in two INSERT ... SELECT
statements whatever the number of residents; `counts` reads them back for the desk."""

import sqlalchemy as sa

from ..core.models import UTCDateTime, utcnow
from ..delivery.models import PushSubscription
from ..extensions import db
from ..regions.models import Region
from .models import ResidentDelivery, ResidentMessage, ResidentSubscription


def _inside(lat: float, lon: float, polygon) -> bool:
    """Ray casting on [lat, lon] pairs; a county's extent is small enough to treat as flat."""
    points = [(float(p[0]), float(p[1])) for p in polygon]
    inside = False
    for (y1, x1), (y2, x2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def area_regions(region_ids, polygon) -> list[int]:
    """The regions named and (for a polygon) those whose centre lies inside it: the roots whose
    subtrees are the area. Residents have no position of their own, only the region they picked."""
    roots = {int(r) for r in region_ids or []}
    if polygon and len(polygon) >= 3:
        for rid, lat, lon in db.session.execute(
            sa.select(Region.id, Region.lat, Region.lon).where(
                Region.lat.is_not(None), Region.lon.is_not(None)
            )
        ):
            if _inside(lat, lon, polygon):
                roots.add(rid)
    return sorted(roots)


def _subtree(roots: list[int]):
    root = sa.orm.aliased(Region)
    return (
        sa.select(Region.id)
        .join(root, Region.path.startswith(root.path, autoescape=False))
        .where(root.id.in_(roots))
    )


class Audience:
    """Residents subscribed by web push (push_subscriptions with no user) or by SMS."""

    def queue(self, warning, region_ids, polygon) -> int:
        roots = area_regions(region_ids, polygon)
        wid = warning.id
        if db.session.get(ResidentMessage, wid) is None:
            db.session.add(
                ResidentMessage(
                    warning_id=wid,
                    msg_type=warning.msg_type,
                    kind=warning.kind,
                    level=warning.level,
                    title=(warning.title or "")[:200],
                    created_at=utcnow(),
                )
            )
            db.session.flush()
        if roots:
            area = _subtree(roots)
            now = sa.literal(utcnow(), UTCDateTime())
            wid_ = sa.literal(wid, sa.Uuid())
            d = ResidentDelivery.__table__
            cols = [
                "warning_id",
                "channel",
                "push_subscription_id",
                "resident_id",
                "state",
                "tries",
                "next_at",
            ]
            ps = PushSubscription.__table__.c
            push = sa.select(
                wid_, sa.literal("push"), ps.id, sa.null(), sa.literal("pending"), sa.literal(0), now
            ).where(
                ps.user_id.is_(None),
                ps.region_id.in_(area),
                ~sa.exists().where(d.c.warning_id == wid_, d.c.push_subscription_id == ps.id),
            )
            rs = ResidentSubscription.__table__.c
            sms = sa.select(
                wid_, sa.literal("sms"), sa.null(), rs.id, sa.literal("pending"), sa.literal(0), now
            ).where(
                rs.state == "active",
                rs.region_id.in_(area),
                ~sa.exists().where(d.c.warning_id == wid_, d.c.resident_id == rs.id),
            )
            db.session.execute(d.insert().from_select(cols, push))
            db.session.execute(d.insert().from_select(cols, sms))
            db.session.info["wake_worker"] = True
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(ResidentDelivery).where(ResidentDelivery.warning_id == wid)
        )

    def counts(self, warning_id) -> dict:
        out = {
            "targeted": 0,
            "push": {"accepted": 0, "failed": 0, "pending": 0},
            "sms": {"accepted": 0, "failed": 0, "pending": 0},
        }
        rows = db.session.execute(
            sa.select(ResidentDelivery.channel, ResidentDelivery.state, sa.func.count())
            .where(ResidentDelivery.warning_id == warning_id)
            .group_by(ResidentDelivery.channel, ResidentDelivery.state)
        )
        for channel, state, n in rows:
            out[channel][state] += n
            out["targeted"] += n
        return out


AUDIENCE = Audience()
