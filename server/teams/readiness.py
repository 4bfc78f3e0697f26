"""Readiness (队伍建设达标情况) per township and for the area asked: team size against the
standard, a captain, members active against on probation, certificates expiring within 30 days,
flagged members; red where the standard is not met, with the reason in words.

Insurance (insurance.py): members without valid cover today and those whose cover ends within 30
days. Equipment overdue for maintenance comes from the equipment domain; a team that registered no
equipment says 未登记 (nothing recorded) with a null figure, never a zero that would read as "none
needed" or "all fine"."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..equipment.service import equipment_overdue_by_team
from ..extensions import db
from ..regions.models import Region
from ..regions.service import require_in_scope, scoped, subtree_ids
from . import rules
from .models import Team
from .profile_models import MemberFlag

EXPIRY_DAYS = 30
RED, YELLOW, GREEN = "red", "yellow", "green"
STATUS_LABELS = {RED: "未达标", YELLOW: "需关注", GREEN: "达标"}
NOT_RECORDED = {"count": None, "label": "未登记"}


def _expiry(people, today: date):
    soon, expired = [], []
    horizon = today + timedelta(days=EXPIRY_DAYS)
    for user, profile in people:
        for cert in profile.certificates if profile else []:
            if not cert.get("expires_on"):
                continue
            on = date.fromisoformat(cert["expires_on"])
            item = {
                "member_id": user.id,
                "display_name": user.display_name,
                "name": cert["name"],
                "expires_on": on,
            }
            if on < today:
                expired.append(item)
            elif on <= horizon:
                soon.append(item)
    return soon, expired


def _insurance(people, today: date, known: dict | None) -> dict:
    """Members without valid cover today and those whose cover ends within 30 days, in words."""
    from .insurance import readiness_slot

    return readiness_slot(people, today, known)


def _batch(teams, today: date) -> dict:
    """What every team's row reads, for all the teams at once: a fixed number of queries however
    many teams and members (people, flags, insurance cover and equipment, one query each)."""
    from .insurance import cover_of

    ids = [t.id for t in teams]
    people = rules.teams_people(ids)
    flags: dict = {}
    if ids:
        for team_id, user_id, rule in db.session.execute(
            sa.select(MemberFlag.team_id, MemberFlag.user_id, MemberFlag.rule).where(
                MemberFlag.team_id.in_(ids),
                MemberFlag.user_id.is_not(None),
                MemberFlag.rule.in_(rules.BROKEN + rules.UNCHECKED),
            )
        ):
            which = "flagged" if rule in rules.BROKEN else "unchecked"
            flags.setdefault((team_id, which), set()).add(user_id)
    members = [u.id for rows in people.values() for u, _ in rows]
    return {
        "people": people,
        "flags": flags,
        "cover": cover_of(members, today),
        "equipment": equipment_overdue_by_team(ids, today),
    }


def _insurance_sum(teams) -> dict:
    none = sum(t["insurance"]["count"] for t in teams)
    ending = sum(t["insurance"]["expiring"] for t in teams)
    words = [
        w
        for n, w in ((none, f"{none} 名队员无有效保险"), (ending, f"{ending} 名队员的保险 30 天内到期"))
        if n
    ]
    return {"count": none, "expiring": ending, "label": "、".join(words) if words else "全员在保"}


def _equipment(counts: dict | None) -> dict:
    if not counts:
        return dict(NOT_RECORDED)
    late = counts["overdue"]
    return {"count": late, "label": f"{late} 件装备逾期未保养" if late else "装备均按期保养"}


def team_readiness(team: Team, rule_set: dict, today: date, batch: dict | None = None) -> dict:
    batch = batch if batch is not None else _batch([team], today)
    people = batch["people"].get(team.id, [])
    stages: dict[str, int] = {}
    for _, profile in people:
        key = profile.stage if profile and profile.stage else "unknown"
        stages[key] = stages.get(key, 0) + 1
    soon, expired = _expiry(people, today)
    # A broken rule and a rule that cannot be checked (no birth date or education recorded) are
    # told apart: the second is work for the desk, not a finding about the member.
    flagged, unchecked = (len(batch["flags"].get((team.id, which), ())) for which in ("flagged", "unchecked"))
    red = list(rules.team_reasons(people, rule_set).values())
    yellow = []
    if expired:
        yellow.append(f"{len(expired)} 本证书已过期")
    if soon:
        yellow.append(f"{len(soon)} 本证书 {EXPIRY_DAYS} 天内到期")
    if flagged:
        yellow.append(f"{flagged} 名队员不符合招募条件")
    if unchecked:
        yellow.append(f"{unchecked} 名队员未登记出生日期或学历")
    if stages.get("unknown"):
        yellow.append(f"{stages['unknown']} 名队员未登记队员状态")
    cover = _insurance(people, today, batch["cover"])
    yellow += cover.pop("reasons")
    kit = _equipment(batch["equipment"].get(team.id))
    if kit["count"]:
        yellow.append(kit["label"])
    status = RED if red else YELLOW if yellow else GREEN
    captains = [u.display_name for u, _ in people if u.team_role == "captain"]
    return {
        "team_id": team.id,
        "name": team.name,
        "kind": team.kind,
        "size": len(people),
        "min_size": rule_set["min_team_size"],
        "captain": captains[0] if captains else None,
        "stages": stages,
        "active": stages.get("active", 0),
        "probation": stages.get("probation", 0),
        "certificates_expiring": soon,
        "certificates_expired": expired,
        "flagged_members": flagged,
        "unchecked_members": unchecked,
        "insurance": cover,
        "equipment": kit,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "reasons": red + yellow,
    }


def _township(region: Region, teams: list[Team], rule_set: dict, today: date, batch: dict) -> dict:
    rows = [team_readiness(t, rule_set, today, batch) for t in teams]
    counted = [r for r in rows if r["kind"] == "comprehensive"]
    reasons: list[str] = []
    if not counted:
        reasons.append("没有综合应急救援队")
    many = len(counted) > 1
    for r in counted:
        reasons += [f"{r['name']}：{why}" if many else why for why in r["reasons"]]
    if not counted or any(r["status"] == RED for r in counted):
        status = RED
    else:
        status = YELLOW if any(r["status"] == YELLOW for r in counted) else GREEN
    return {
        "region_id": region.id,
        "region_name": region.name,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "reasons": reasons,
        "teams": rows,
    }


def readiness(actor, region_id: int | None, now: datetime) -> dict:
    """The townships in the caller's area (or under `region_id`), and their sum."""
    root = region_id or actor.region_id
    area = require_in_scope(actor, root)
    today = rules.china_today(now)
    rule_set = rules.current_rules()
    stmt = scoped(sa.select(Region), Region.id, actor).where(Region.id.in_(subtree_ids(root)))
    townships = db.session.scalars(stmt.where(Region.level == "township").order_by(Region.path)).all()
    if area.level == "village":  # a village's readiness is its township's team's
        townships = []
    teams = db.session.scalars(
        sa.select(Team).where(Team.region_id.in_([t.id for t in townships])).order_by(Team.name)
    ).all()
    by_region: dict[int, list[Team]] = {}
    for team in teams:
        by_region.setdefault(team.region_id, []).append(team)
    batch = _batch(teams, today)
    rows = [_township(t, by_region.get(t.id, []), rule_set, today, batch) for t in townships]
    late = [t["equipment"]["count"] for r in rows for t in r["teams"] if t["equipment"]["count"] is not None]
    short = [r for r in rows if r["status"] == RED]
    summary_reasons = [f"{len(short)} 个乡镇未达标（共 {len(rows)} 个）"] if short else []
    status = RED if short else YELLOW if any(r["status"] == YELLOW for r in rows) else GREEN
    return {
        "region_id": area.id,
        "region_name": area.name,
        "as_of": today,
        "rules": {**rule_set, "min_education_label": rules.EDUCATION_LABELS[rule_set["min_education"]]},
        "summary": {
            "townships": len(rows),
            "townships_short": len(short),
            "members": sum(t["size"] for r in rows for t in r["teams"] if t["kind"] == "comprehensive"),
            "active": sum(t["active"] for r in rows for t in r["teams"]),
            "probation": sum(t["probation"] for r in rows for t in r["teams"]),
            "certificates_expiring": sum(len(t["certificates_expiring"]) for r in rows for t in r["teams"]),
            "flagged_members": sum(t["flagged_members"] for r in rows for t in r["teams"]),
            "unchecked_members": sum(t["unchecked_members"] for r in rows for t in r["teams"]),
            "insurance": _insurance_sum([t for r in rows for t in r["teams"]]),
            "equipment": (
                {"count": sum(late), "label": f"{sum(late)} 件装备逾期未保养"} if late else dict(NOT_RECORDED)
            ),
            "status": status,
            "status_label": STATUS_LABELS[status],
            "reasons": summary_reasons,
        },
        "townships": rows,
    }
