"""The county's recruiting rules (招募条件) and the check that flags whoever breaks them.

Defaults from the source: age at most 45, at least junior high school (初中), at least 10 in a
team, a captain. A member who breaks a rule, or whose birth date or education is not recorded
(so the rule cannot be checked), is flagged with the reason in words: never silently accepted,
never silently dropped. Team rules (size, captain) flag the team. Checked after each change of a
profile, a step on the path or the rules, and every night (the first worker round of each China
day; `sweep`).

Age is counted in China time: a member born on 29 February has a birthday on 1 March in a year
with no 29 February, so turns 46 on 1 March of a common year (Chinese civil practice, and the
rule of most registries: the day after 28 February)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..accounts.models import User
from ..core.audit import record
from ..core.models import utcnow
from ..errors import forbidden
from ..extensions import db
from .models import Team
from .profile_models import EDUCATION, MemberFlag, MemberProfile, TeamRuleSet

CHINA = ZoneInfo("Asia/Shanghai")
EDUCATION_LABELS = {
    "primary": "小学",
    "junior_high": "初中",
    "senior_high": "高中/中专",
    "junior_college": "大专",
    "bachelor": "本科及以上",
}
DEFAULT_RULES = {"max_age": 45, "min_education": "junior_high", "min_team_size": 10, "captain_required": True}
RULE_FIELDS = tuple(DEFAULT_RULES)
TEAM_ROLES = ("captain", "member")
# A member's flags: a rule broken, or one that cannot be checked for want of data.
BROKEN = ("age", "education")
UNCHECKED = ("age_unknown", "education_unknown")


def china_today(now: datetime) -> date:
    return now.astimezone(CHINA).date()


def birthday_in(birth: date, year: int) -> date:
    """The day a person born on `birth` has their birthday in `year` (29 Feb -> 1 Mar)."""
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 3, 1)


def age_on(birth: date, today: date) -> int:
    """Whole years completed on `today`."""
    years = today.year - birth.year
    return years if today >= birthday_in(birth, today.year) else years - 1


# ---- the rule set -----------------------------------------------------------------------------


def _row() -> TeamRuleSet | None:
    return db.session.scalar(sa.select(TeamRuleSet).order_by(TeamRuleSet.id).limit(1))


def current_rules() -> dict:
    row = _row()
    if row is None or row.updated_at is None:
        return dict(DEFAULT_RULES)
    return {k: getattr(row, k) for k in RULE_FIELDS}


def rules_answer() -> dict:
    row = _row()
    saved = row is not None and row.updated_at is not None
    answer = {**current_rules(), "saved": saved}
    answer["min_education_label"] = EDUCATION_LABELS[answer["min_education"]]
    answer["updated_at"] = row.updated_at if saved else None
    return answer


def put_rules(actor, data: dict, now: datetime) -> dict:
    """Replace the county's rules (the county's administrators), then check every team."""
    if actor.role != "admin" or actor.region_id != _county_id():
        raise forbidden("Only the county's administrators set the recruiting rules.")
    row = _row()
    if row is None:
        row = TeamRuleSet()
        db.session.add(row)
    for key in RULE_FIELDS:
        setattr(row, key, data[key])
    row.updated_at, row.updated_by = now, actor.id
    db.session.flush()
    record(actor, "team.rules", "region", actor.region_id, actor.region_id, dict(data))
    check_all(now)
    return rules_answer()


def _county_id() -> int | None:
    from ..regions.models import Region

    return db.session.scalar(
        sa.select(Region.id).where(Region.parent_id.is_(None)).order_by(Region.id).limit(1)
    )


# ---- the check --------------------------------------------------------------------------------


def member_reasons(profile: MemberProfile | None, rules: dict, today: date) -> dict[str, str]:
    """{rule: reason in words} for one member; empty when every rule is met."""
    out: dict[str, str] = {}
    birth = profile.birth_date if profile else None
    if birth is None:
        out["age_unknown"] = f"未登记出生日期，无法核对年龄（不超过 {rules['max_age']} 岁）"
    else:
        age = age_on(birth, today)
        if age > rules["max_age"]:
            out["age"] = f"年龄 {age} 岁，超过 {rules['max_age']} 岁"
    education = profile.education if profile else None
    least = EDUCATION_LABELS[rules["min_education"]]
    if education is None:
        out["education_unknown"] = f"未登记学历，无法核对（至少{least}）"
    elif EDUCATION.index(education) < EDUCATION.index(rules["min_education"]):
        out["education"] = f"学历{EDUCATION_LABELS[education]}，低于{least}"
    return out


def team_people(team_id):
    """(user, profile or None) of everyone counted in a team: active accounts of its captains and
    members who have not left it (离队)."""
    return teams_people([team_id]).get(team_id, [])


def teams_people(team_ids) -> dict:
    """{team_id: team_people(team_id)} for many teams in one query (readiness reads them all)."""
    out: dict = {}
    if not team_ids:
        return out
    rows = db.session.execute(
        sa.select(User, MemberProfile)
        .outerjoin(MemberProfile, MemberProfile.user_id == User.id)
        .where(User.team_id.in_(list(team_ids)), User.active.is_(True), User.role.in_(TEAM_ROLES))
        .order_by(User.username)
    ).all()
    for u, p in rows:
        if p is None or p.stage != "inactive":
            out.setdefault(u.team_id, []).append((u, p))
    return out


def team_reasons(people, rules: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    if len(people) < rules["min_team_size"]:
        out["team_size"] = f"队员 {len(people)} 人，少于 {rules['min_team_size']} 人"
    if rules["captain_required"] and not any(u.team_role == "captain" for u, _ in people):
        out["captain"] = "没有队长"
    return out


def check_team(team_id, now: datetime, rules: dict | None = None) -> None:
    """Bring a team's flags to what its people and the rules say now; a flag still true keeps
    the moment it was first raised."""
    rules = rules or current_rules()
    today = china_today(now)
    people = team_people(team_id)
    want: dict[tuple, str] = {(None, rule): why for rule, why in team_reasons(people, rules).items()}
    for user, profile in people:
        for rule, why in member_reasons(profile, rules, today).items():
            want[(user.id, rule)] = why
    have = {
        (f.user_id, f.rule): f
        for f in db.session.scalars(sa.select(MemberFlag).where(MemberFlag.team_id == team_id))
    }
    for key, flag in have.items():
        if key not in want:
            db.session.delete(flag)
        elif flag.reason != want[key]:
            flag.reason = want[key]
    for (user_id, rule), why in want.items():
        if (user_id, rule) not in have:
            db.session.add(MemberFlag(team_id=team_id, user_id=user_id, rule=rule, reason=why, since=now))
    db.session.flush()


def check_member(user, now: datetime) -> None:
    """After a change to one member: their team (the team rules count them too)."""
    if user.team_id is not None:
        check_team(user.team_id, now)


def check_all(now: datetime) -> int:
    """Every team; a member who moved or left loses the old team's flags about them there."""
    rules = current_rules()
    team_ids = db.session.scalars(sa.select(Team.id)).all()
    for team_id in team_ids:
        check_team(team_id, now, rules)
    return len(team_ids)


def sweep(now: datetime | None = None) -> int:
    """The nightly check: the first worker round of each China day checks every team."""
    now = now or utcnow()
    today = china_today(now)
    row = _row()
    if row is not None and row.checked_on == today:
        return 0
    if row is None:
        row = TeamRuleSet(**DEFAULT_RULES)  # updated_at None: the defaults, not a saved set
        db.session.add(row)
    row.checked_on = today
    return check_all(now)


# ---- every change of a team's people, wherever it is made ------------------------------------
# Accounts, the admin screens and the roster import move people between teams, close accounts
# and name captains through their own services. Rather than each remembering to call the check,
# the session notes the teams whose people changed and checks them just before it commits (so
# a request or a sync batch still commits once, with the flags in the same transaction).

_WATCHED = ("team_id", "team_role", "active", "role")
_NOTED = "teams_to_check"


def _note(session, _flush_context, _instances) -> None:
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, User):
            continue
        state = sa.inspect(obj)
        if obj not in session.new and not any(state.attrs[a].history.has_changes() for a in _WATCHED):
            continue
        noted = session.info.setdefault(_NOTED, set())
        noted.update(t for t in (obj.team_id, *state.attrs.team_id.history.deleted) if t is not None)


def _check_noted(session) -> None:
    noted = session.info.pop(_NOTED, None)
    if not noted:
        return
    try:
        ours = session is db.session()
    except RuntimeError:  # no app context: a session of a script or a test of its own
        ours = False
    if not ours:
        return
    session.flush()  # what is still pending, so the check reads the people as they will be
    now = utcnow()
    for team_id in noted:
        if session.get(Team, team_id) is not None:
            check_team(team_id, now)


def _forget(session) -> None:
    session.info.pop(_NOTED, None)


def watch_team_changes() -> None:
    from sqlalchemy.orm import Session

    if not sa.event.contains(Session, "before_flush", _note):
        sa.event.listen(Session, "before_flush", _note)
        sa.event.listen(Session, "before_commit", _check_noted)
        sa.event.listen(Session, "after_rollback", _forget)
