"""The county's subsidy rules (versioned by month), the monthly reports and their lines."""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Timestamps, UTCDateTime, UUIDPk, utcnow
from ..extensions import db

MONEY = sa.Numeric(10, 2)


class SubsidyRule(db.Model):
    """One version of the rules, in force from the first of its month until the next version's.
    Versions are added, never changed: a month is always computed with the rule in force then."""

    __tablename__ = "subsidy_rules"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    effective_from: Mapped[date] = mapped_column(sa.Date, nullable=False, unique=True)
    rate_normal: Mapped[object] = mapped_column(MONEY, nullable=False)
    rate_heavy: Mapped[object] = mapped_column(MONEY, nullable=False)
    rate_severe: Mapped[object] = mapped_column(MONEY, nullable=False)
    day_cap: Mapped[object] = mapped_column(MONEY, nullable=False)
    month_cap: Mapped[object] = mapped_column(MONEY, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(200))
    created_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(
            "rate_normal >= 0 AND rate_heavy >= 0 AND rate_severe >= 0 AND day_cap >= 0 AND month_cap >= 0",
            name="not_negative",
        ),
    )


class SubsidyReport(UUIDPk, Timestamps, db.Model):
    """A month's report: a draft until the county locks it; a locked one never changes."""

    __tablename__ = "subsidy_reports"

    month: Mapped[date] = mapped_column(sa.Date, nullable=False, unique=True)
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="draft")
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("subsidy_rules.id"), nullable=False)
    digest: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    computed_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))

    rule = relationship("SubsidyRule", lazy="joined")
    lines = relationship("SubsidyLine", lazy="selectin", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("state IN ('draft','locked')", name="state"),
        sa.CheckConstraint("(state = 'locked') = (locked_at IS NOT NULL)", name="locked_at"),
    )


class SubsidyLine(UUIDPk, db.Model):
    """A member's month ('month': their time in the report's own month, `days` its basis), or an
    adjustment ('adjustment': time of one day, `day`, of an earlier locked month `for_month` that
    arrived after it was locked; `days` holds that day's added seconds)."""

    __tablename__ = "subsidy_lines"

    report_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("subsidy_reports.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    for_month: Mapped[date] = mapped_column(sa.Date, nullable=False)
    day: Mapped[date | None] = mapped_column(sa.Date)
    # As they stood when computed: the finance office's file must not change with a rename.
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    team_name: Mapped[str | None] = mapped_column(sa.String(80))
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    township_name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    seconds_normal: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    seconds_heavy: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    seconds_severe: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    amount: Mapped[object] = mapped_column(MONEY, nullable=False)
    days: Mapped[dict] = mapped_column(sa.JSON, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("kind IN ('month','adjustment')", name="kind"),
        sa.CheckConstraint("(kind = 'adjustment') = (day IS NOT NULL)", name="day"),
    )


CLAIM_STATES = ("claimed", "agreed", "paid")
LINE_KINDS = ("consumed", "damaged", "other")


class HelpClaim(UUIDPk, Timestamps, db.Model):
    """What a township that sent its team to another's area claims from it (跨乡镇救援补偿):
    the help given (its people's hours on the order, from the records), equipment consumed or
    damaged, and the compensation owed: the sum of the lines."""

    __tablename__ = "help_claims"

    dispatch_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("dispatches.id"), nullable=False, index=True)
    helper_township_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    helped_township_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="claimed")
    members: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    seconds: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    total: Mapped[object] = mapped_column(MONEY, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(500))

    lines = relationship("HelpClaimLine", lazy="selectin", order_by="HelpClaimLine.position")
    steps = relationship("HelpClaimStep", lazy="selectin", order_by="HelpClaimStep.position")

    __table_args__ = (
        sa.UniqueConstraint("dispatch_id", "helper_township_id", name="uq_help_claims_dispatch_helper"),
        sa.CheckConstraint("state IN ('claimed','agreed','paid')", name="state"),
    )


class HelpClaimLine(UUIDPk, db.Model):
    __tablename__ = "help_claim_lines"

    claim_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("help_claims.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    description: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    quantity: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    amount: Mapped[object] = mapped_column(MONEY, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("kind IN ('consumed','damaged','other')", name="kind"),
        sa.CheckConstraint("amount >= 0 AND quantity > 0", name="amount"),
    )


class HelpClaimStep(UUIDPk, db.Model):
    """Each move of a claim: to which state, by whom, when."""

    __tablename__ = "help_claim_steps"

    claim_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("help_claims.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    by_name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(500))
