"""reports: report_daily_counts, the statistics' counts kept per day, region and group

The county's statistics over a year walked every report of the year (548–688 ms p95 on SQLite,
146 ms on PostgreSQL at 140,000 reports in bench/reports.py); they now sum these rows, kept in
the transaction of each filing and step (server/reports/daily.py). Backfilled here from the
reports as they stand, as daily.py counts them: per grouping (category, colour, unit), China date
and the report's region, how many were filed, verified and closed (closed on time: closed_at <=
deadline_at; closed late: after it) that day, and the same per month (span 'month', day the month's first).

And ix_report_steps_duplicate_of holds only the steps that name a report: with every step's NULL
in it, SQLite's statistics took "duplicate_of = ?" for the whole table, and a report's detail
walked every rejected report to find those merged into it (64–108 ms p95, 14 ms before).

Revision ID: 24bb5364f66c
Revises: 46c00649c3d0
Create Date: 2026-12-02 17:00:00

"""
from collections import defaultdict
from datetime import UTC, date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '24bb5364f66c'
down_revision = '46c00649c3d0'
branch_labels = None
depends_on = None

CHINA = ZoneInfo("Asia/Shanghai")


def upgrade():
    op.create_table(
        'report_daily_counts',
        sa.Column('dim', sa.String(length=10), nullable=False),
        sa.Column('span', sa.String(length=5), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('reported', sa.Integer(), nullable=False),
        sa.Column('verified', sa.Integer(), nullable=False),
        sa.Column('closed', sa.Integer(), nullable=False),
        sa.Column('closed_on_time', sa.Integer(), nullable=False),
        sa.Column('closed_late', sa.Integer(), nullable=False),
        sa.CheckConstraint("dim IN ('category', 'severity', 'unit')", name=op.f('ck_report_daily_counts_dim')),
        sa.CheckConstraint("span IN ('day', 'month')", name=op.f('ck_report_daily_counts_span')),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_report_daily_counts_region_id_regions')),
        sa.PrimaryKeyConstraint('dim', 'span', 'day', 'region_id', 'key', name=op.f('pk_report_daily_counts')),
        sqlite_with_rowid=False,
    )
    _backfill(op.get_bind())
    # The merged reports' look-up: only the steps that name a report (see ReportStep).
    op.drop_index('ix_report_steps_duplicate_of', table_name='report_steps')
    op.create_index(
        'ix_report_steps_duplicate_of', 'report_steps', ['duplicate_of'], unique=False,
        sqlite_where=sa.text('duplicate_of IS NOT NULL'), postgresql_where=sa.text('duplicate_of IS NOT NULL'),
    )


def _day(at):
    if at.tzinfo is None:  # SQLite keeps UTC without an offset
        at = at.replace(tzinfo=UTC)
    try:
        return at.astimezone(CHINA).date()
    except OverflowError:
        return date.min if at.year == 1 else date.max


def _backfill(conn):
    """What server/reports/daily.py rebuild() does, with this revision's own copy of the rule (a
    migration must not change when the app's code does)."""
    reports = sa.table(
        'reports',
        *(sa.column(c, sa.DateTime(timezone=True)) for c in ('reported_at', 'verified_at', 'closed_at', 'deadline_at')),
        sa.column('region_id', sa.Integer),
        sa.column('category', sa.String),
        sa.column('severity', sa.String),
        sa.column('responsible_unit', sa.String),
    )
    totals = defaultdict(lambda: [0, 0, 0, 0, 0])
    rows = conn.execute(
        sa.select(
            reports.c.region_id,
            reports.c.category,
            reports.c.severity,
            reports.c.responsible_unit,
            reports.c.reported_at,
            reports.c.verified_at,
            reports.c.closed_at,
            reports.c.deadline_at,
        )
    )
    for region_id, category, severity, unit, reported_at, verified_at, closed_at, deadline_at in rows:
        keys = (('category', category), ('severity', severity or ''), ('unit', unit or ''))
        on_time = late = 0
        if closed_at is not None and deadline_at is not None:
            aware = lambda t: t if t.tzinfo is not None else t.replace(tzinfo=UTC)  # noqa: E731
            on_time = int(aware(closed_at) <= aware(deadline_at))
            late = 1 - on_time
        moments = ((reported_at, (1, 0, 0, 0, 0)), (verified_at, (0, 1, 0, 0, 0)), (closed_at, (0, 0, 1, on_time, late)))
        for at, figure in moments:
            if at is None:
                continue
            day = _day(at)
            for span, first in (('day', day), ('month', day.replace(day=1))):
                for dim, key in keys:
                    acc = totals[(dim, span, first, region_id, key)]
                    for i, n in enumerate(figure):
                        acc[i] += n
    table = sa.table(
        'report_daily_counts',
        sa.column('dim', sa.String),
        sa.column('span', sa.String),
        sa.column('day', sa.Date),
        sa.column('region_id', sa.Integer),
        sa.column('key', sa.String),
        *(sa.column(c, sa.Integer) for c in ('reported', 'verified', 'closed', 'closed_on_time', 'closed_late')),
    )
    out = [
        {'dim': k[0], 'span': k[1], 'day': k[2], 'region_id': k[3], 'key': k[4], 'reported': v[0],
         'verified': v[1], 'closed': v[2], 'closed_on_time': v[3], 'closed_late': v[4]}
        for k, v in sorted(totals.items())
    ]
    for i in range(0, len(out), 5000):
        conn.execute(table.insert(), out[i : i + 5000])


def downgrade():
    op.drop_index('ix_report_steps_duplicate_of', table_name='report_steps')
    op.create_index('ix_report_steps_duplicate_of', 'report_steps', ['duplicate_of'], unique=False)
    op.drop_table('report_daily_counts')
