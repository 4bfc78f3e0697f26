"""A hazard report and the photos it carries."""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.hazards import CATEGORIES
from ..core.models import Timestamps, UTCDateTime
from ..extensions import db

# The four Chinese risk colours: 重大 red, 较大 orange, 一般 yellow, 低 blue.
SEVERITIES = ("red", "orange", "yellow", "blue")
# A report's life (lifecycle.py): reported -> verified (or rejected) -> assigned -> rectifying ->
# rectified -> closed (销号); reopened, a closed one goes back to verified, a rejected one to reported.
STATUSES = ("reported", "verified", "assigned", "rectifying", "rectified", "closed", "rejected")
# The steps of that life, each a row of report_steps.
STEP_KINDS = ("verify", "reject", "assign", "start", "rectify", "close", "reopen")
# Why a report is refused at verification: a duplicate of another, not true, not ours to handle.
REJECTIONS = ("duplicate", "false", "not_ours")


# The columns the statistics group by, after the time each figure is counted on.
_STATS_GROUPS = ("region_id", "category", "severity", "responsible_unit")


class Report(Timestamps, db.Model):
    __tablename__ = "reports"

    # Made on the phone, so an offline report has its id before the server sees it.
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    reporter_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), nullable=False, index=True)
    category: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    lat: Mapped[float] = mapped_column(sa.Float, nullable=False)
    lon: Mapped[float] = mapped_column(sa.Float, nullable=False)
    accuracy_m: Mapped[float | None] = mapped_column(sa.Float)
    severity: Mapped[str | None] = mapped_column(sa.String(10))
    people_at_risk: Mapped[int | None] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="reported")
    # When the person tapped "report" on the phone; created_at is when the server got it.
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Who answers for it now (the last assignment of the current cycle): a unit, a person, or both.
    responsible_unit: Mapped[str | None] = mapped_column(sa.String(100))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When it was verified (its one verify step's time: a report is verified at most once, since
    # a reopen goes back to verified, not reported), for the statistics to count by one index.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many steps it has been through: the next step's seq (unique per report: two steps
    # racing for the same place cannot both be written).
    step_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0, server_default="0")
    # Supervision (督办, supervision.py): when the current node (verify, assign, rectify, close)
    # is due, the seq of the step that set that deadline (0: the filing), and when the worker
    # next has something to say about it. All NULL once closed or rejected.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    due_seq: Mapped[int | None] = mapped_column(sa.Integer)
    supervise_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    media = relationship(
        "ReportMedia", order_by="ReportMedia.position", cascade="all, delete-orphan", lazy="selectin"
    )
    # Read only by the detail (a list never touches it): the timeline, in order.
    steps = relationship(
        "ReportStep",
        foreign_keys="ReportStep.report_id",
        order_by="ReportStep.seq",
        cascade="all, delete-orphan",
        lazy="select",
    )
    assignee = relationship(User, foreign_keys=[assignee_id], lazy="select")

    __table_args__ = (
        sa.CheckConstraint(f"category IN {CATEGORIES}", name="category"),
        sa.CheckConstraint(
            "severity IS NULL OR severity IN ('red','orange','yellow','blue')", name="severity"
        ),
        sa.CheckConstraint("people_at_risk IS NULL OR people_at_risk >= 0", name="people_at_risk"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="status"),
        sa.CheckConstraint("step_count >= 0", name="step_count"),
        sa.Index("ix_reports_region_created", "region_id", "created_at"),
        # Near duplicates (duplicates.py): one category, a latitude band bounds the scan, the
        # longitude and the time window are checked on the index entries before any row is read.
        sa.Index("ix_reports_category_lat_lon_reported", "category", "lat", "lon", "reported_at"),
        # The desk's lists at 140,000 reports (issue 9): each filter with the sort key after it,
        # so a page is one range of an index read newest first, not a sort of every match.
        sa.Index("ix_reports_created", "created_at", "id"),
        sa.Index("ix_reports_status_created", "status", "created_at", "id"),
        sa.Index("ix_reports_category_created", "category", "created_at", "id"),
        sa.Index("ix_reports_unit_created", "responsible_unit", "created_at", "id"),
        # The map: open hazards of one colour, newest first.
        sa.Index("ix_reports_severity_reported", "severity", "reported_at"),
        # The statistics (reports/stats.py): each figure one range of one of these, read from the
        # index alone (the region and the three groups after the time): filed, verified and
        # closed in a period; the open ones past their deadline are the range closed_at IS NULL,
        # deadline_at < t of the third (the same entries a partial index of open reports with a
        # deadline would hold, without a fifth index to write). The first also serves the 台账
        # and the map (reported_at ranges and order), as ix_reports_reported_at did.
        sa.Index("ix_reports_stats_reported", "reported_at", *_STATS_GROUPS),
        sa.Index("ix_reports_stats_verified", "verified_at", *_STATS_GROUPS),
        sa.Index("ix_reports_stats_closed", "closed_at", "deadline_at", *_STATS_GROUPS),
    )

    @property
    def media_ids(self) -> list[uuid.UUID]:
        return [m.media_id for m in self.media]


# What the statistics group by (stats.py DIMENSIONS), as report_daily_counts.dim.
DAILY_DIMENSIONS = ("category", "severity", "unit")


class ReportDailyCount(db.Model):
    """The statistics' counts kept as reports change (reports/daily.py): for one grouping (`dim`)
    and one group (`key`; '' for none: not yet graded, not yet assigned), one China date (or
    month) and one region (the report's own), how many reports were filed, verified and closed
    that day (and of those closed, how many on time), as the reports stand now. Written in the
    transaction of each report's filing and step, so a year for a county is a sum over its months
    and at most 60 days × its regions × groups, never a walk of its reports. Overdue is not
    kept: it depends on now."""

    __tablename__ = "report_daily_counts"

    dim: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    # "day": the counts of that date; "month": of the month that `day` (its first) begins.
    span: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    reported: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    verified: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    closed: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    closed_on_time: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    # Closed after the deadline (closed_at > deadline_at): the overdue ones closed since, from which
    # stats.py works out those late in a period with a few small ranges over the reports.
    closed_late: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    __table_args__ = (
        sa.CheckConstraint(f"dim IN {DAILY_DIMENSIONS}", name="dim"),
        sa.CheckConstraint("span IN ('day', 'month')", name="span"),
        # SQLite keeps the rows in the primary key's b-tree: a period is one range read in order.
        {"sqlite_with_rowid": False},
    )


class ReportMedia(db.Model):
    __tablename__ = "report_media"

    report_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("media.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


class ReportStep(db.Model):
    """One step of a report's life, by whom, when (the phone's time) and with what."""

    __tablename__ = "report_steps"

    # Made on the phone (or by the server for a step sent without one): a step sent twice by
    # two paths (REST after a timeout, then the outbox) is recognised, never written twice.
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False
    )
    seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    from_status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    to_status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    actor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    # When the person acted, by their phone's clock (never later than the server's); created_at
    # is when the server learnt it.
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    rejection: Mapped[str | None] = mapped_column(sa.String(10))
    # A rejection as a duplicate names the report it repeats; the one it names lists it as
    # merged (its photos and reporter) while this is the report's last step (duplicates.py).
    duplicate_of: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("reports.id"))
    severity: Mapped[str | None] = mapped_column(sa.String(10))
    responsible_unit: Mapped[str | None] = mapped_column(sa.String(100))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    photos = relationship(
        "ReportStepMedia", order_by="ReportStepMedia.position", cascade="all, delete-orphan", lazy="selectin"
    )
    actor = relationship(User, foreign_keys=[actor_id], lazy="selectin")
    assignee = relationship(User, foreign_keys=[assignee_id], lazy="selectin")

    __table_args__ = (
        sa.UniqueConstraint("report_id", "seq", name="report_seq"),
        sa.CheckConstraint(f"kind IN {STEP_KINDS}", name="kind"),
        sa.CheckConstraint(f"from_status IN {STATUSES}", name="from_status"),
        sa.CheckConstraint(f"to_status IN {STATUSES}", name="to_status"),
        sa.CheckConstraint(f"rejection IS NULL OR rejection IN {REJECTIONS}", name="rejection"),
        sa.CheckConstraint(
            "severity IS NULL OR severity IN ('red','orange','yellow','blue')", name="severity"
        ),
        sa.CheckConstraint("seq >= 1", name="seq"),
        # The reports merged into one (duplicates.py): of the few steps that name a report. Only
        # those are in it: a full index holds every step's NULL, and SQLite's statistics then
        # take "duplicate_of = ?" for every step of the table and walk every rejected report
        # instead (a report's detail: 64–108 ms p95 at 140,000 reports, bench/reports.py).
        sa.Index(
            "ix_report_steps_duplicate_of",
            "duplicate_of",
            sqlite_where=sa.text("duplicate_of IS NOT NULL"),
            postgresql_where=sa.text("duplicate_of IS NOT NULL"),
        ),
    )


class ReportStepMedia(db.Model):
    """A photo of a step (the after-photo of a rectification), with when and where it was taken."""

    __tablename__ = "report_step_media"

    step_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("report_steps.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("media.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    lat: Mapped[float] = mapped_column(sa.Float, nullable=False)
    lon: Mapped[float] = mapped_column(sa.Float, nullable=False)
    accuracy_m: Mapped[float | None] = mapped_column(sa.Float)


# The nodes a report waits at, each with a deadline (deadlines.py): verify (from the filing),
# assign (from verification), rectify (the assignment's deadline), close (from rectification).
NODES = ("verify", "assign", "rectify", "close")
DEADLINE_UNITS = ("hours", "workdays")
ANY = "any"
# What supervision says, in order: a reminder before the deadline, one at it, then escalations
# one region level up after each grace.
STAGES = ("remind", "due", "escalate")


class ReportDeadlineRule(db.Model):
    """One line of the county's deadline rules: for a node, a category and a colour (or `any`),
    how long, how early to remind, and how long after the deadline each escalation waits."""

    __tablename__ = "report_deadline_rules"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    node: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    category: Mapped[str] = mapped_column(sa.String(30), nullable=False, default=ANY)
    severity: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=ANY)
    amount: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    unit: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    remind_before_min: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    grace_min: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.UniqueConstraint("node", "category", "severity", name="rule_key"),
        sa.CheckConstraint(f"node IN {NODES}", name="node"),
        sa.CheckConstraint(f"category IN {(*CATEGORIES, ANY)}", name="category"),
        sa.CheckConstraint(f"severity IN {(*SEVERITIES, ANY)}", name="severity"),
        sa.CheckConstraint(f"unit IN {DEADLINE_UNITS}", name="unit"),
        sa.CheckConstraint("amount >= 1", name="amount"),
        sa.CheckConstraint("remind_before_min >= 0", name="remind_before_min"),
        sa.CheckConstraint("grace_min >= 1", name="grace_min"),
    )


class ReportSupervision(db.Model):
    """One notice of supervision, written before anyone is told: its unique key is what makes
    each reminder and escalation happen once, whatever the number of workers."""

    __tablename__ = "report_supervision"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False
    )
    # The step that set the deadline (reports.due_seq): a new deadline is a new cycle.
    seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    node: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    stage: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    # 0 for remind and due; 1, 2 … for each escalation up the region tree.
    level: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # The region whose desk was told (escalations), and how many people.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"))
    told: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("report_id", "seq", "node", "stage", "level", name="once"),
        sa.CheckConstraint(f"node IN {NODES}", name="node"),
        sa.CheckConstraint(f"stage IN {STAGES}", name="stage"),
        sa.CheckConstraint("level >= 0", name="level"),
        sa.Index("ix_report_supervision_escalated", "stage", "at"),
    )
