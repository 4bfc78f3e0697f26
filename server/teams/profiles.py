"""Members' profiles: who sees the personal part, who changes them, and the member's path
(申请 → 培训中 → 已考核 → 试用期 → 在岗 → 离队), each step recorded with its day, by whom and why."""

from datetime import date, datetime

import sqlalchemy as sa

from ..accounts.models import User
from ..core.audit import record
from ..errors import ApiProblem, forbidden, not_found
from ..extensions import db
from ..regions.service import get_scoped
from . import rules
from .profile_models import MemberFlag, MemberProfile, MemberStep

DESK_ROLES = ("admin", "duty_officer")
PERSONAL = ("birth_date", "age", "education", "phone", "emergency_contact")
STAGE_LABELS = {
    "applicant": "申请",
    "in_training": "培训中",
    "assessed": "已考核",
    "probation": "试用期",
    "active": "在岗",
    "inactive": "离队",
}
# Where each stage may go next. Failing an assessment or probation goes back to training;
# anyone may leave; one who left may apply again. A member with no stage yet (recorded
# before profiles existed) may be put at any stage once, as they stand today.
NEXT = {
    None: ("applicant", "in_training", "assessed", "probation", "active", "inactive"),
    "applicant": ("in_training", "inactive"),
    "in_training": ("assessed", "inactive"),
    "assessed": ("probation", "in_training", "inactive"),
    "probation": ("active", "in_training", "inactive"),
    "active": ("inactive",),
    "inactive": ("applicant",),
}


def _member(actor, member_id) -> User:
    member = get_scoped(User, member_id, actor, what="member")
    if member.team_id is None or member.role not in rules.TEAM_ROLES:
        raise not_found("member")
    return member


def sees_personal(actor, member: User) -> bool:
    """The member, their team's captain, and the desk of their region (scope already checked)."""
    if actor.id == member.id:
        return True
    if actor.role == "captain" and actor.team_id is not None and actor.team_id == member.team_id:
        return True
    return actor.role in DESK_ROLES


def may_change(actor, member: User) -> bool:
    if actor.role in DESK_ROLES:
        return True
    return actor.role == "captain" and actor.team_id is not None and actor.team_id == member.team_id


def _profile(member: User) -> MemberProfile | None:
    return db.session.get(MemberProfile, member.id)


def answer(actor, member: User, now: datetime) -> dict:
    profile = _profile(member)
    personal = sees_personal(actor, member)
    out = {
        "member_id": member.id,
        "display_name": member.display_name,
        "team_id": member.team_id,
        "team_role": member.team_role,
        "region_id": member.region_id,
        "stage": profile.stage if profile else None,
        "stage_label": STAGE_LABELS.get(profile.stage, "未登记") if profile else "未登记",
        "background": profile.background if profile else None,
        "skills": list(profile.skills) if profile else [],
        "certificates": [_cert(c) for c in profile.certificates] if profile else [],
        "personal_visible": personal,
    }
    if personal:
        birth = profile.birth_date if profile else None
        out.update(
            birth_date=birth,
            age=rules.age_on(birth, rules.china_today(now)) if birth else None,
            education=profile.education if profile else None,
            phone=member.phone,
            emergency_contact=(
                {"name": profile.emergency_name, "phone": profile.emergency_phone}
                if profile and profile.emergency_name
                else None
            ),
        )
        out["flags"] = [
            {"rule": f.rule, "reason": f.reason, "since": f.since}
            for f in db.session.scalars(
                sa.select(MemberFlag).where(MemberFlag.user_id == member.id).order_by(MemberFlag.id)
            )
        ]
        out["steps"] = steps_of(member.id)
    return out


def _cert(stored: dict) -> dict:
    on = stored.get("expires_on")
    return {**stored, "expires_on": date.fromisoformat(on) if on else None}


def get_profile(actor, member_id, now: datetime) -> dict:
    return answer(actor, _member(actor, member_id), now)


def put_profile(actor, member_id, data: dict, now: datetime) -> dict:
    """Replace a member's profile (their captain or the desk); the stage moves only by a step."""
    member = _member(actor, member_id)
    if not may_change(actor, member):
        raise forbidden("Only the member's captain or the desk changes a profile.")
    today = rules.china_today(now)
    if data.get("birth_date") and data["birth_date"] > today:
        raise ApiProblem(
            422,
            "validation",
            "Invalid input",
            errors={"birth_date": ["A birth date cannot be in the future."]},
        )
    profile = _profile(member)
    if profile is None:
        profile = MemberProfile(user_id=member.id)
        db.session.add(profile)
    contact = data.get("emergency_contact") or {}
    profile.birth_date = data.get("birth_date")
    profile.education = data.get("education")
    profile.background = data.get("background")
    profile.skills = list(data.get("skills") or [])
    profile.certificates = [
        {
            "name": c["name"],
            "number": c.get("number"),
            "expires_on": c["expires_on"].isoformat() if c.get("expires_on") else None,
        }
        for c in data.get("certificates") or []
    ]
    profile.emergency_name = contact.get("name")
    profile.emergency_phone = contact.get("phone")
    profile.updated_at, profile.updated_by = now, actor.id
    db.session.flush()
    # Which fields were given, never their values: birth dates and phones stay out of the log.
    record(actor, "member.profile", "user", member.id, member.region_id, {"fields": sorted(data)})
    rules.check_member(member, now)
    return answer(actor, member, now)


def steps_of(user_id) -> list[dict]:
    rows = db.session.execute(
        sa.select(MemberStep, User.display_name)
        .join(User, User.id == MemberStep.by_id)
        .where(MemberStep.user_id == user_id)
        .order_by(MemberStep.recorded_at, MemberStep.id)
    ).all()
    return [
        {
            "id": s.id,
            "from_stage": s.from_stage,
            "to_stage": s.to_stage,
            "to_label": STAGE_LABELS[s.to_stage],
            "happened_on": s.happened_on,
            "recorded_at": s.recorded_at,
            "by_id": s.by_id,
            "by_name": name,
            "note": s.note,
        }
        for s, name in rows
    ]


def step(actor, member_id, data: dict, now: datetime) -> dict:
    """Move a member one step along the path (their captain or the desk)."""
    member = _member(actor, member_id)
    if not may_change(actor, member):
        raise forbidden("Only the member's captain or the desk moves a member along the path.")
    profile = _profile(member)
    if profile is None:
        profile = MemberProfile(user_id=member.id, skills=[], certificates=[], updated_at=now)
        db.session.add(profile)
    here, to = profile.stage, data["to"]
    if to not in NEXT[here]:
        allowed = "、".join(STAGE_LABELS[s] for s in NEXT[here])
        raise ApiProblem(
            409,
            "member-path",
            "Not a step of the path",
            f"From {here} a member may go to: {', '.join(NEXT[here])}.",
            errors={"to": [f"从「{STAGE_LABELS.get(here, '未登记')}」只能到：{allowed}"]},
            stage=here,
            allowed=list(NEXT[here]),
        )
    happened: date = data.get("happened_on") or rules.china_today(now)
    if happened > rules.china_today(now):
        raise ApiProblem(
            422,
            "validation",
            "Invalid input",
            errors={"happened_on": ["A step cannot be dated in the future."]},
        )
    profile.stage = to
    profile.updated_at, profile.updated_by = now, actor.id
    db.session.add(
        MemberStep(
            user_id=member.id,
            from_stage=here,
            to_stage=to,
            happened_on=happened,
            recorded_at=now,
            by_id=actor.id,
            note=data.get("note") or "",
        )
    )
    db.session.flush()
    record(actor, "member.step", "user", member.id, member.region_id, {"from": here, "to": to})
    rules.check_member(member, now)
    return answer(actor, member, now)


def list_flags(actor, region_id=None) -> list[dict]:
    """The flags of teams in the caller's region (or one region below it), teams' own first."""
    from ..regions.service import require_in_scope, scoped, subtree_ids
    from .models import Team

    stmt = (
        sa.select(MemberFlag, Team.name, Team.region_id, User.display_name)
        .join(Team, Team.id == MemberFlag.team_id)
        .outerjoin(User, User.id == MemberFlag.user_id)
        .order_by(
            Team.region_id, Team.name, MemberFlag.user_id.is_not(None), User.display_name, MemberFlag.id
        )
    )
    stmt = scoped(stmt, Team.region_id, actor)
    if actor.role not in DESK_ROLES:  # a captain: his own team's (a reason may say an age)
        stmt = stmt.where(Team.id == actor.team_id)
    if region_id is not None:
        require_in_scope(actor, region_id)
        stmt = stmt.where(Team.region_id.in_(subtree_ids(region_id)))
    return [
        {
            "team_id": f.team_id,
            "team_name": team_name,
            "region_id": team_region,
            "member_id": f.user_id,
            "display_name": name,
            "rule": f.rule,
            "reason": f.reason,
            "since": f.since,
        }
        for f, team_name, team_region, name in db.session.execute(stmt).all()
    ]
