"""Members' profiles, the steps of their path into the team, the county's recruiting rules and
the flags the rule check raises."""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import UTCDateTime, UUIDPk, utcnow
from ..extensions import db

# The source's recruiting ladder, lowest first (小学, 初中, 高中/中专, 大专, 本科及以上).
EDUCATION = ("primary", "junior_high", "senior_high", "junior_college", "bachelor")
BACKGROUNDS = ("veteran", "militia", "enterprise_firefighter", "other")
# 申请, 培训中, 已考核, 试用期, 在岗, 离队.
STAGES = ("applicant", "in_training", "assessed", "probation", "active", "inactive")


def _in(values) -> str:
    return ",".join(f"'{v}'" for v in values)


class MemberProfile(db.Model):
    """One member's profile. Birth date, education, phone and emergency contact are personal."""

    __tablename__ = "member_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    education: Mapped[str | None] = mapped_column(sa.String(20))
    background: Mapped[str | None] = mapped_column(sa.String(30))
    skills: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    # [{"name", "number"?, "expires_on": "YYYY-MM-DD" | null}]
    certificates: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    emergency_name: Mapped[str | None] = mapped_column(sa.String(80))
    emergency_phone: Mapped[str | None] = mapped_column(sa.String(20))
    # None until someone records where the member stands on the path.
    stage: Mapped[str | None] = mapped_column(sa.String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.CheckConstraint(f"education IN ({_in(EDUCATION)})", name="education"),
        sa.CheckConstraint(f"background IN ({_in(BACKGROUNDS)})", name="background"),
        sa.CheckConstraint(f"stage IN ({_in(STAGES)})", name="stage"),
    )


class MemberStep(UUIDPk, db.Model):
    """One step on a member's path: from where to where, when, by whom, and why."""

    __tablename__ = "member_steps"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_stage: Mapped[str | None] = mapped_column(sa.String(20))
    to_stage: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    happened_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")


class TeamRuleSet(db.Model):
    """The county's recruiting rules (one row; absent: the source's defaults)."""

    __tablename__ = "team_rule_sets"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    max_age: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    min_education: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    min_team_size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    captain_required: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    # The China-time day of the last nightly check of every team.
    checked_on: Mapped[date | None] = mapped_column(sa.Date)


class MemberFlag(db.Model):
    """A rule a member (user_id) or a whole team (user_id null) breaks, in words."""

    __tablename__ = "member_flags"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    team_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    since: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
