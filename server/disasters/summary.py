"""An event's figures for the desk: each village's latest report and what it changed, the
villages still owing an initial report, and the sums up the region tree (village -> township
-> county), within the reader's region."""

from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..regions.models import Region
from ..regions.service import scope_ids
from .models import FIGURES
from .service import dump_figures, event_reports, figures_of, get_event, zero


def event_summary(actor, event_id, now: datetime) -> dict:
    event = get_event(actor, event_id)
    mine = scope_ids(actor)
    village_ids = [v for v in event.village_ids if v in mine]
    by_village: dict[int, list] = {v: [] for v in village_ids}
    for report in event_reports(actor, event):
        by_village.setdefault(report.region_id, []).append(report)
    villages = {r.id: r for r in db.session.scalars(sa.select(Region).where(Region.id.in_(village_ids)))}
    ancestors = {int(p) for v in villages.values() for p in v.path.strip("/").split("/") if p} & mine - set(
        villages
    )
    regions = {r.id: r for r in db.session.scalars(sa.select(Region).where(Region.id.in_(ancestors)))}
    totals = {rid: zero() for rid in regions}
    counts = {rid: {"villages": 0, "reported": 0, "missing_initial": 0} for rid in regions}
    overdue = now >= event.initial_due_at
    rows = []
    for vid in sorted(village_ids, key=lambda v: villages[v].path):
        village = villages[vid]
        reports = by_village[vid]
        latest = reports[-1] if reports else None
        previous = reports[-2] if len(reports) > 1 else None
        rows.append(
            {
                "region_id": vid,
                "name": village.name,
                "parent_id": village.parent_id,
                "missing_initial": latest is None,
                "overdue": latest is None and overdue,
                "reports": len(reports),
                "latest_kind": latest.kind if latest else None,
                "latest_at": latest.reported_at.isoformat() if latest else None,
                "latest_id": str(latest.id) if latest else None,
                "figures": dump_figures(figures_of(latest)) if latest else None,
                # What the latest report changed since the one before it (null: no earlier one).
                "changes": dump_figures({f: getattr(latest, f) - getattr(previous, f) for f in FIGURES})
                if previous
                else None,
            }
        )
        for rid in {int(p) for p in village.path.strip("/").split("/") if p} & set(regions):
            counts[rid]["villages"] += 1
            if latest is None:
                counts[rid]["missing_initial"] += 1
                continue
            counts[rid]["reported"] += 1
            for f in FIGURES:
                totals[rid][f] += getattr(latest, f)
    tree = [
        {
            "region_id": r.id,
            "name": r.name,
            "level": r.level,
            "parent_id": r.parent_id,
            **counts[r.id],
            "figures": dump_figures(totals[r.id]),
        }
        for r in sorted(regions.values(), key=lambda r: r.path)
    ]
    return {
        "event_id": str(event.id),
        "name": event.name,
        "kind": event.kind,
        "status": event.status,
        "opened_at": event.opened_at.isoformat(),
        "initial_due_at": event.initial_due_at.isoformat(),
        "overdue": overdue,
        "villages": rows,
        "regions": tree,
        "missing_initial": [r["region_id"] for r in rows if r["missing_initial"]],
    }
