"""reports: covering indexes for the hazard statistics (each figure one index range, read from
the index alone, issue 9)

They replace the single-column ix_reports_reported_at, ix_reports_verified_at and
ix_reports_closed_at (each new one begins with the same column, so what used those ranges and
orders still can). The open reports past their deadline are the range closed_at IS NULL,
deadline_at < t of ix_reports_stats_closed: a partial index of them would hold the same entries.

Revision ID: c3e8f1a6d254
Revises: 9b4d2e6f1a37
Create Date: 2026-12-02 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e8f1a6d254'
down_revision = '9b4d2e6f1a37'
branch_labels = None
depends_on = None

GROUPS = ['region_id', 'category', 'severity', 'responsible_unit']


def upgrade():
    op.create_index('ix_reports_stats_reported', 'reports', ['reported_at', *GROUPS], unique=False)
    op.create_index('ix_reports_stats_verified', 'reports', ['verified_at', *GROUPS], unique=False)
    op.create_index('ix_reports_stats_closed', 'reports', ['closed_at', 'deadline_at', *GROUPS], unique=False)
    op.drop_index('ix_reports_reported_at', table_name='reports')
    op.drop_index('ix_reports_verified_at', table_name='reports')
    op.drop_index('ix_reports_closed_at', table_name='reports')


def downgrade():
    op.create_index('ix_reports_closed_at', 'reports', ['closed_at'], unique=False)
    op.create_index('ix_reports_verified_at', 'reports', ['verified_at'], unique=False)
    op.create_index('ix_reports_reported_at', 'reports', ['reported_at'], unique=False)
    op.drop_index('ix_reports_stats_closed', table_name='reports')
    op.drop_index('ix_reports_stats_verified', table_name='reports')
    op.drop_index('ix_reports_stats_reported', table_name='reports')
