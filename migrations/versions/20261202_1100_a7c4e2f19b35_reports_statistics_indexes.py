"""reports: when each was verified, and indexes for the hazard statistics (filed, verified,
closed and due in a period)

verified_at is filled from each report's verify step (a report has at most one).

Revision ID: a7c4e2f19b35
Revises: 9a1d5c3e7b20
Create Date: 2026-12-02 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c4e2f19b35'
down_revision = '9a1d5c3e7b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE reports SET verified_at = (SELECT max(s.at) FROM report_steps s"
        " WHERE s.report_id = reports.id AND s.kind = 'verify')"
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_reported_at', ['reported_at'], unique=False)
        batch_op.create_index('ix_reports_verified_at', ['verified_at'], unique=False)
        batch_op.create_index('ix_reports_closed_at', ['closed_at'], unique=False)
        batch_op.create_index('ix_reports_deadline_at', ['deadline_at'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_deadline_at')
        batch_op.drop_index('ix_reports_closed_at')
        batch_op.drop_index('ix_reports_verified_at')
        batch_op.drop_index('ix_reports_reported_at')
        batch_op.drop_column('verified_at')
