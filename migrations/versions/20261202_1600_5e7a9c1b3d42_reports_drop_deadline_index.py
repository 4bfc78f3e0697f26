"""reports: drop ix_reports_deadline_at

SQLite's planner took it for the desk's overdue list (deadline_at < now): the list's capped count
then walked every report whose deadline had passed, closed or not (305 ms p95 at 140,000 reports
in bench/reports.py), where the status index serves it in 28 ms. The statistics no longer need
it: the open reports past their deadline are a range of ix_reports_stats_closed.

Revision ID: 5e7a9c1b3d42
Revises: c3e8f1a6d254
Create Date: 2026-12-02 16:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e7a9c1b3d42'
down_revision = 'c3e8f1a6d254'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_reports_deadline_at', table_name='reports')


def downgrade():
    op.create_index('ix_reports_deadline_at', 'reports', ['deadline_at'], unique=False)
