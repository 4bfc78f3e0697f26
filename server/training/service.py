"""Planning trainings, taking their attendance, and members' hours. Never commits: the request
(or the sync batch) owns the transaction.

Who: the desk (admin, duty officers) of the team's region plans, changes, cancels and marks; so
does the captain of that team, and no other captain. Anyone whose scope holds the team's region
reads its trainings. A member's hours: the member, their captain, the desk of their region.

A mark (training.attend) is exactly once: its id (made by the phone) marks the row, so the same
mark sent again changes nothing. A different mark for the same member at the same training is a
correction: the one taken later on the phone (op time) wins, whatever order they arrive in; one
taken earlier than the mark standing is refused (training-mark-superseded, with the standing
mark), so a late-arriving old tap never undoes a newer one."""

import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import segno
import sqlalchemy as sa

from ..accounts.models import User
from ..core.audit import record
from ..core.changes import emit
from ..core.pagination import paginate
from ..errors import ApiProblem, forbidden, not_found, validation_problem
from ..extensions import db
from ..regions.service import get_scoped
from ..teams.models import Team
from .models import Training, TrainingAttendance, TrainingExpected
from .schemas import KIND_LABELS, MarkSchema

CHINA = ZoneInfo("Asia/Shanghai")
DESK_ROLES = ("admin", "duty_officer")
MEMBER_ROLES = ("captain", "member")
ATTENDED = ("present", "late")
_MARK = MarkSchema()


def _day_start(day) -> datetime:
    return datetime.combine(day, time(0), CHINA).astimezone(UTC)


def _may_manage(actor, team_id) -> bool:
    if actor.role in DESK_ROLES:
        return True
    return actor.role == "captain" and actor.team_id is not None and actor.team_id == team_id


def _team(actor, team_id) -> Team:
    return get_scoped(Team, team_id, actor, what="team")


def _managed_team(actor, team_id) -> Team:
    team = _team(actor, team_id)
    if not _may_manage(actor, team.id):
        raise forbidden("Only this team's captain or its region's duty desk may do this.")
    return team


def get_training(actor, training_id) -> Training:
    return get_scoped(Training, training_id, actor, what="training")


def _managed_training(actor, training_id) -> Training:
    training = get_training(actor, training_id)
    if not _may_manage(actor, training.team_id):
        raise forbidden("Only this team's captain or its region's duty desk may do this.")
    return training


def _check_members(team: Team, member_ids) -> list[uuid.UUID]:
    wanted = list(dict.fromkeys(member_ids))
    found = set(
        db.session.scalars(
            sa.select(User.id).where(
                User.id.in_(wanted),
                User.team_id == team.id,
                User.active.is_(True),
                User.role.in_(MEMBER_ROLES),
            )
        )
    )
    missing = [str(m) for m in wanted if m not in found]
    if missing:
        raise validation_problem(
            {"member_ids": [f"Not active members of this team: {', '.join(missing[:5])}"]},
            "Every member expected must be an active member of the team.",
        )
    return wanted


def _publish(actor, training: Training, action: str, changes=None) -> None:
    from .schemas import TrainingSchema

    emit("training", training.id, TrainingSchema().dump(training), region_id=training.region_id)
    record(actor, action, "training", training.id, training.region_id, changes)


def plan(actor, team_id, data: dict) -> Training:
    team = _managed_team(actor, team_id)
    members = _check_members(team, data.pop("member_ids"))
    training = Training(
        team_id=team.id, region_id=team.region_id, created_by=actor.id, status="planned", **data
    )
    training.expected = [TrainingExpected(user_id=m) for m in members]
    db.session.add(training)
    db.session.flush()
    _publish(actor, training, "training.plan", {**data, "members": len(members)})
    return training


def update(actor, training_id, data: dict) -> Training:
    training = _managed_training(actor, training_id)
    if training.status == "cancelled":
        raise _cancelled()
    starts = data.get("starts_at", training.starts_at)
    ends = data.get("ends_at", training.ends_at)
    if ends <= starts:
        raise validation_problem({"ends_at": ["Must be after starts_at."]})
    if "member_ids" in data:
        team = db.session.get(Team, training.team_id)
        members = _check_members(team, data.pop("member_ids"))
        marked = set(
            db.session.scalars(
                sa.select(TrainingAttendance.user_id).where(TrainingAttendance.training_id == training.id)
            )
        )
        dropped = [str(m) for m in marked if m not in set(members)]
        if dropped:
            # A mark is a record of what happened: never dropped by changing the plan.
            raise validation_problem(
                {"member_ids": [f"Already marked, cannot be left out: {', '.join(dropped[:5])}"]}
            )
        training.expected = [TrainingExpected(user_id=m) for m in members]
        data["members"] = len(members)
    for key, value in data.items():
        if key != "members":
            setattr(training, key, value)
    db.session.flush()
    _publish(actor, training, "training.update", data)
    return training


def _cancelled() -> ApiProblem:
    return ApiProblem(
        409,
        "training-cancelled",
        "Training cancelled",
        "This training was cancelled: it takes no marks and no changes.",
    )


def cancel(actor, training_id, data: dict, at) -> Training:
    training = _managed_training(actor, training_id)
    if training.status == "cancelled":
        return training  # cancelling twice changes nothing
    training.status = "cancelled"
    training.cancelled_at = at
    training.cancel_reason = data.get("reason")
    db.session.flush()
    _publish(actor, training, "training.cancel", {"reason": data.get("reason")})
    return training


def list_trainings(actor, team_id, args):
    team = _team(actor, team_id)
    stmt = sa.select(Training).where(Training.team_id == team.id)
    if args.get("from_"):
        stmt = stmt.where(Training.starts_at >= _day_start(args["from_"]))
    if args.get("to"):
        stmt = stmt.where(Training.starts_at < _day_start(args["to"] + timedelta(days=1)))
    if args.get("status"):
        stmt = stmt.where(Training.status == args["status"])
    return paginate(stmt, Training, args)


def roll(actor, training_id) -> Training:
    """The training with its roll: every member expected, with their mark or none."""
    training = get_training(actor, training_id)
    people = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.id.in_([e.user_id for e in training.expected]))
        )
    }
    marks = {
        m.user_id: m
        for m in db.session.scalars(
            sa.select(TrainingAttendance).where(TrainingAttendance.training_id == training.id)
        )
    }
    entries = []
    for e in training.expected:
        person = people.get(e.user_id)
        entries.append(
            {
                "member_id": e.user_id,
                "display_name": person.display_name if person else "",
                "team_role": person.team_role if person else None,
                "mark": marks.get(e.user_id),
            }
        )
    # Captain first, then by name: the order a captain calls the roll in.
    order = {"captain": 0, "vice_captain": 1}
    entries.sort(key=lambda r: (order.get(r["team_role"], 2), r["display_name"], str(r["member_id"])))
    counts = {"expected": len(entries), "present": 0, "late": 0, "absent": 0, "unmarked": 0}
    for entry in entries:
        counts[entry["mark"].status if entry["mark"] else "unmarked"] += 1
    training.roll = entries
    training.counts = counts
    return training


def _member_of_badge(code: str) -> uuid.UUID:
    """A member's badge holds their member id (as printed on the team's badges: the bare UUID,
    or `member:<uuid>`). Anything else is no member's badge."""
    text = code.strip()
    if text.lower().startswith("member:"):
        text = text[len("member:") :]
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ApiProblem(
            422, "badge-unknown", "Unknown badge", "This code is not a member's badge.", badge_read=True
        ) from None


def attend(actor, data: dict, at) -> TrainingAttendance:
    """The `training.attend` op and POST /trainings/<id>/attendance."""
    training = _managed_training(actor, data["training_id"])
    if training.status == "cancelled":
        raise _cancelled()
    method = data.get("method") or ("badge" if data.get("badge") else "roll_call")
    member_id = data.get("member_id") or _member_of_badge(data["badge"])
    expected = {e.user_id for e in training.expected}
    member = db.session.get(User, member_id)
    if member_id not in expected or member is None or member.team_id != training.team_id:
        raise ApiProblem(
            422,
            "training-not-expected",
            "Not expected at this training",
            "This member is not on this training's roll, or no longer in its team.",
        )
    status = data["status"]
    hours = data.get("hours")
    if status == "absent":
        if hours not in (None, Decimal("0")):
            raise validation_problem({"hours": ["An absent member is credited no hours."]})
        hours = Decimal("0")
    elif hours is None:
        hours = training.planned_hours
    mark = db.session.scalar(
        sa.select(TrainingAttendance).where(
            TrainingAttendance.training_id == training.id, TrainingAttendance.user_id == member_id
        )
    )
    if mark is not None and mark.mark_id == data["id"]:
        return mark  # the same mark again (REST resend, or a second phone's copy): nothing changes
    if mark is not None and at < mark.marked_at:
        raise ApiProblem(
            409,
            "training-mark-superseded",
            "A later mark stands",
            "A mark taken later on a phone already stands for this member; this one changes nothing.",
            current=_MARK.dump(mark),
        )
    if mark is None:
        mark = TrainingAttendance(training_id=training.id, user_id=member_id)
        db.session.add(mark)
    mark.status, mark.hours, mark.method = status, hours, method
    mark.recorded_by, mark.marked_at, mark.mark_id = actor.id, at, data["id"]
    db.session.flush()
    emit("training_mark", mark.id, _MARK.dump(mark), region_id=training.region_id)
    record(
        actor,
        "training.attend",
        "training",
        training.id,
        training.region_id,
        {"member_id": member_id, "status": status, "hours": hours, "method": method},
    )
    return mark


def badge(actor) -> dict:
    """The caller's own member badge: the code a captain scans at a training's roll (the same
    `member:<uuid>` that attend() reads), with its QR drawn as an SVG data URI the phone keeps and
    shows with no signal. Only a team's captain or member has one."""
    if actor.role not in MEMBER_ROLES or actor.team_id is None:
        raise not_found("badge")
    code = f"member:{actor.id}"
    qr = segno.make_qr(code, error="m")
    return {
        "member_id": actor.id,
        "display_name": actor.display_name,
        "team_id": actor.team_id,
        "code": code,
        "qr": qr.svg_data_uri(scale=1, border=4, dark="#000", light="#fff"),
    }


def member_hours(actor, member_id, args) -> dict:
    member = get_scoped(User, member_id, actor, what="member")
    if member.team_id is None or member.role not in MEMBER_ROLES:
        raise not_found("member")
    sees = (
        actor.id == member.id
        or actor.role in DESK_ROLES
        or (actor.role == "captain" and actor.team_id is not None and actor.team_id == member.team_id)
    )
    if not sees:
        raise forbidden("A member's hours: the member, their captain and their region's desk.")
    start, end = _day_start(args["from_"]), _day_start(args["to"] + timedelta(days=1))
    rows = db.session.execute(
        sa.select(Training, TrainingAttendance)
        .join(TrainingAttendance, TrainingAttendance.training_id == Training.id)
        .where(
            TrainingAttendance.user_id == member.id,
            TrainingAttendance.status.in_(ATTENDED),
            Training.status == "planned",
            Training.starts_at >= start,
            Training.starts_at < end,
        )
        .order_by(Training.starts_at, Training.id)
    ).all()
    total = Decimal("0")
    by_kind = dict.fromkeys(KIND_LABELS, Decimal("0"))
    items = []
    for training, mark in rows:
        total += mark.hours
        by_kind[training.kind] += mark.hours
        items.append(
            {
                "training_id": str(training.id),
                "title": training.title,
                "kind": training.kind,
                "starts_at": training.starts_at.isoformat(),
                "status": mark.status,
                "hours": str(mark.hours),
            }
        )
    return {
        "member_id": member.id,
        "display_name": member.display_name,
        "from_": args["from_"],
        "to": args["to"],
        "hours": total,
        "trainings": len(items),
        "by_kind": {k: str(v) for k, v in by_kind.items()},
        "items": items,
    }
