"""Members' accident insurance: policies per member (the desk of the member's region and the
member's captain keep them), whether a member is covered today (China time), and the sweep that
tells the desk and the captain 30 days before a member's cover ends and on the day it lapses.

Covered on a day: some policy's start..end (both inclusive) holds it. The cover "runs until" the
end of the chain of policies from today, each starting at the latest on the day after the one
before ends, so a renewal that starts the day after the old policy ends is one unbroken cover.

The sweep (a delivery sweeper, run each worker round; tests call it with their own clock), for
each policy whose end is near:
  - 30 days before its end (and until the end), unless the member's cover runs past that end
    (renewed, or another policy): one notice, `warned_at`;
  - from the day after its end (for 30 days), unless a policy covers the member that day: one
    notice, `lapse_told_at`.
Each mark is set by an UPDATE guarded on the mark still being empty, in the worker's transaction
with the notices: a second worker sweeping at the same moment updates nothing and tells nobody.
Member and recipient are active accounts; a member who left the team (离队) is not warned about."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..core.audit import record
from ..core.models import utcnow
from ..delivery import service as delivery
from ..errors import ApiProblem, forbidden, not_found
from ..extensions import db
from ..regions.service import ancestry
from . import profiles, rules
from .insurance_models import InsurancePolicy
from .models import Team
from .profile_models import MemberProfile

# Notices: push, then SMS, never a call (registered quiet in create_app).
KIND = "insurance"
WARN_DAYS = 30
LAPSE_WINDOW_DAYS = 30
DESK_ROLES = ("duty_officer", "admin")
FIELDS = ("insurer", "number", "cover_yuan", "starts_on", "ends_on", "note")


def china_today(now: datetime | None = None) -> date:
    return rules.china_today(now or utcnow())


# ---- cover ------------------------------------------------------------------------------------


def cover_until(spans, today: date) -> date | None:
    """The last day of the unbroken cover holding `today`, from (starts_on, ends_on) pairs;
    None when no policy covers `today`."""
    until = None
    for start, end in sorted(spans):
        if until is None:
            if start <= today <= end:
                until = end
        elif start <= until + timedelta(days=1):
            until = max(until, end)
        else:
            break
    return until


def _spans(user_ids) -> dict:
    out: dict = {}
    if not user_ids:
        return out
    for uid, start, end in db.session.execute(
        sa.select(InsurancePolicy.user_id, InsurancePolicy.starts_on, InsurancePolicy.ends_on).where(
            InsurancePolicy.user_id.in_(list(user_ids))
        )
    ):
        out.setdefault(uid, []).append((start, end))
    return out


def cover_of(user_ids, today: date) -> dict:
    """{user_id: last day of today's cover or None} for many members in one query."""
    spans = _spans(user_ids)
    return {uid: cover_until(spans.get(uid, []), today) for uid in user_ids}


def attach_cover(users, today: date | None = None) -> None:
    """Set `insurance_until` on each user of a page (the members' schema reads it)."""
    today = today or china_today()
    known = cover_of([u.id for u in users], today)
    for user in users:
        user.insurance_until = known.get(user.id)


def insurance_until(user) -> date | None:
    if hasattr(user, "insurance_until"):
        return user.insurance_until
    return cover_of([user.id], china_today()).get(user.id)


# ---- the policies -----------------------------------------------------------------------------


def _member(actor, member_id) -> User:
    member = profiles._member(actor, member_id)
    if not profiles.may_change(actor, member):
        raise forbidden("Only the member's captain or the desk of the member's region keeps insurance.")
    return member


def _validate(data: dict) -> None:
    if data["ends_on"] < data["starts_on"]:
        raise ApiProblem(
            422,
            "validation",
            "Invalid input",
            errors={"ends_on": ["The end date is before the start date."]},
        )


def _duplicate(member_id, insurer, number, but=None) -> None:
    stmt = sa.select(InsurancePolicy.id).where(
        InsurancePolicy.user_id == member_id,
        InsurancePolicy.insurer == insurer,
        InsurancePolicy.number == number,
    )
    if but is not None:
        stmt = stmt.where(InsurancePolicy.id != but)
    if db.session.scalar(stmt) is not None:
        raise ApiProblem(
            409,
            "policy-exists",
            "Policy already recorded",
            "This member already has a policy with this insurer and number.",
        )


def answer(member: User, now: datetime) -> dict:
    today = china_today(now)
    policies = db.session.scalars(
        sa.select(InsurancePolicy)
        .where(InsurancePolicy.user_id == member.id)
        .order_by(InsurancePolicy.ends_on.desc(), InsurancePolicy.starts_on.desc(), InsurancePolicy.id)
    ).all()
    until = cover_until([(p.starts_on, p.ends_on) for p in policies], today)
    return {
        "member_id": member.id,
        "display_name": member.display_name,
        "as_of": today,
        "insured": until is not None,
        "insurance_until": until,
        "items": [policy_answer(p, today) for p in policies],
    }


def policy_answer(p: InsurancePolicy, today: date) -> dict:
    state = "expired" if p.ends_on < today else "future" if p.starts_on > today else "valid"
    return {
        "id": p.id,
        "member_id": p.user_id,
        "insurer": p.insurer,
        "number": p.number,
        "cover_yuan": p.cover_yuan,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "note": p.note,
        "state": state,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def list_policies(actor, member_id, now: datetime) -> dict:
    return answer(_member(actor, member_id), now)


def create_policy(actor, member_id, data: dict, now: datetime) -> dict:
    member = _member(actor, member_id)
    _validate(data)
    _duplicate(member.id, data["insurer"], data["number"])
    policy = InsurancePolicy(
        user_id=member.id,
        **{k: data.get(k, "") if k == "note" else data[k] for k in FIELDS},
        created_at=now,
        created_by=actor.id,
        updated_at=now,
        updated_by=actor.id,
    )
    db.session.add(policy)
    db.session.flush()
    # The insurer and dates, never the policy number (it identifies a person's contract).
    record(actor, "member.insurance.create", "user", member.id, member.region_id, _logged(data))
    return policy_answer(policy, china_today(now))


def _policy(member: User, policy_id) -> InsurancePolicy:
    policy = db.session.get(InsurancePolicy, policy_id)
    if policy is None or policy.user_id != member.id:
        raise not_found("policy")
    return policy


def update_policy(actor, member_id, policy_id, data: dict, now: datetime) -> dict:
    member = _member(actor, member_id)
    policy = _policy(member, policy_id)
    merged = {k: data.get(k, getattr(policy, k)) for k in FIELDS}
    _validate(merged)
    _duplicate(member.id, merged["insurer"], merged["number"], but=policy.id)
    if merged["ends_on"] != policy.ends_on:
        policy.warned_at = policy.lapse_told_at = None  # a new end: told about in its turn
    for key, value in merged.items():
        setattr(policy, key, value)
    policy.updated_at, policy.updated_by = now, actor.id
    db.session.flush()
    record(actor, "member.insurance.update", "user", member.id, member.region_id, _logged(data))
    return policy_answer(policy, china_today(now))


def delete_policy(actor, member_id, policy_id, now: datetime) -> None:
    member = _member(actor, member_id)
    policy = _policy(member, policy_id)
    db.session.delete(policy)
    db.session.flush()
    record(
        actor,
        "member.insurance.delete",
        "user",
        member.id,
        member.region_id,
        {"policy_id": str(policy_id)},
    )


def _logged(data: dict) -> dict:
    return {k: v for k, v in data.items() if k in ("insurer", "starts_on", "ends_on", "cover_yuan")}


# ---- readiness --------------------------------------------------------------------------------


def readiness_slot(people, today: date, known: dict | None = None) -> dict:
    """For one team's people: how many have no valid cover today, and how many have cover
    ending within 30 days (not renewed), with the reasons in words. `known` is `cover_of` for
    (at least) these people, read once for every team on the page; without it, read here."""
    if known is None:
        known = cover_of([u.id for u, _ in people], today)
    horizon = today + timedelta(days=WARN_DAYS)
    uninsured = sum(1 for u, _ in people if known[u.id] is None)
    ending = sum(1 for u, _ in people if known[u.id] is not None and known[u.id] <= horizon)
    reasons = []
    if uninsured:
        reasons.append(f"{uninsured} 名队员无有效保险")
    if ending:
        reasons.append(f"{ending} 名队员的保险 {WARN_DAYS} 天内到期")
    label = "、".join(reasons) if reasons else "全员在保"
    return {"count": uninsured, "label": label, "expiring": ending, "reasons": reasons}


# ---- the sweep --------------------------------------------------------------------------------


def sweep(now: datetime | None = None) -> int:
    """Run by the delivery worker each round (register_sweeper). Answers how many notices (one per
    policy and threshold) it wrote; a second sweep at the same moment writes none of the same."""
    now = now or utcnow()
    today = china_today(now)
    p = InsurancePolicy
    due = db.session.execute(
        sa.select(p.id, p.user_id, p.ends_on, p.warned_at, p.lapse_told_at, p.insurer)
        .join(User, User.id == p.user_id)
        .where(
            User.active.is_(True),
            User.team_id.is_not(None),
            User.role.in_(rules.TEAM_ROLES),
            sa.or_(
                sa.and_(
                    p.warned_at.is_(None),
                    p.ends_on >= today,
                    p.ends_on <= today + timedelta(days=WARN_DAYS),
                ),
                sa.and_(
                    p.lapse_told_at.is_(None),
                    p.ends_on < today,
                    p.ends_on >= today - timedelta(days=LAPSE_WINDOW_DAYS),
                ),
            ),
        )
        .order_by(p.ends_on, p.id)
    ).all()
    if not due:
        return 0
    spans = _spans({row.user_id for row in due})
    members = {
        u.id: (u, prof)
        for u, prof in db.session.execute(
            sa.select(User, MemberProfile)
            .outerjoin(MemberProfile, MemberProfile.user_id == User.id)
            .where(User.id.in_({row.user_id for row in due}))
        )
    }
    written = 0
    for row in due:
        member, profile = members[row.user_id]
        if profile is not None and profile.stage == "inactive":
            continue
        until = cover_until(spans.get(row.user_id, []), today)
        if row.ends_on >= today:
            stage, column = "warn", p.warned_at
            if until is None or until > row.ends_on:
                continue  # renewed (or covered past this end by another policy)
        else:
            stage, column = "lapse", p.lapse_told_at
            if until is not None:
                continue  # a newer policy covers the member today
        claimed = db.session.execute(
            sa.update(p)
            .where(p.id == row.id, column.is_(None), p.ends_on == row.ends_on)
            .values({column.key: now})
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        written += 1
        _tell(member, row, stage, today)
    return written


def recipients(member: User) -> list:
    """The member's team's captains and the desk of the team's township (or the nearest region
    above it that has one)."""
    team = db.session.get(Team, member.team_id)
    captains = db.session.scalars(
        sa.select(User.id)
        .where(User.team_id == member.team_id, User.team_role == "captain", User.active.is_(True))
        .order_by(User.id)
    ).all()
    desk: list = []
    for region_id in ancestry(team.region_id)[::-1] if team else []:
        desk = db.session.scalars(
            sa.select(User.id)
            .where(User.region_id == region_id, User.role.in_(DESK_ROLES), User.active.is_(True))
            .order_by(User.id)
        ).all()
        if desk:
            break
    return list(dict.fromkeys([*captains, *desk]))


def _tell(member: User, row, stage: str, today: date) -> None:
    end = row.ends_on.isoformat()
    if stage == "warn":
        left = (row.ends_on - today).days
        title = f"保险将到期：{member.display_name}"
        detail = f"{member.display_name}的意外险{end}到期（还有{left}天），请及时续保"
    else:
        title = f"保险已失效：{member.display_name}"
        detail = f"{member.display_name}的意外险已于{end}到期，现无有效保险，派遣前请先续保"
    ref = f"{row.id}:{end}:{stage}"  # 53 characters: notifications.ref_id holds 64
    # The team goes with the notice (not in ref_id, which has no room for it): the push opens the
    # team's insurance page, where the captain or the desk records the renewal.
    params = {"title": title[:20], "detail": detail[:60], "team_id": str(member.team_id)}
    for user_id in recipients(member):
        delivery.notify_once(user_id, KIND, ref, title, detail, "alert", params)


def push_payload(ref_id: str, title: str, body: str, params: dict) -> dict:
    """The push of an insurance notice (delivery's PUSH_PAYLOADS; pure, no database): its `id` is
    "<team id>:<policy id>:<end>:<stage>", so a tap opens `/teams/<team id>/insurance` (the phone's
    push-paths.ts reads the team from the id, as it reads a report's) and each notice keeps a tag
    of its own. A notice queued before the team was kept with it opens home."""
    team_id = (params or {}).get("team_id")
    payload = {"type": KIND, "id": ref_id, "title": title, "body": body}
    if team_id:
        payload["id"] = f"{team_id}:{ref_id}"
        payload["url"] = f"/teams/{team_id}/insurance"
    return payload
