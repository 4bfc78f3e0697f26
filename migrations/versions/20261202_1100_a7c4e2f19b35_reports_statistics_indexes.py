"""reports: indexes for the hazard statistics (filed, closed, due and verified in a period)

Revision ID: a7c4e2f19b35
Revises: 4f0c2a7d9e13
Create Date: 2026-12-02 11:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c4e2f19b35'
down_revision = '4f0c2a7d9e13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_reported_at', ['reported_at'], unique=False)
        batch_op.create_index('ix_reports_closed_at', ['closed_at'], unique=False)
        batch_op.create_index('ix_reports_deadline_at', ['deadline_at'], unique=False)
    with op.batch_alter_table('report_steps', schema=None) as batch_op:
        batch_op.create_index('ix_report_steps_kind_at', ['kind', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('report_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_report_steps_kind_at')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_deadline_at')
        batch_op.drop_index('ix_reports_closed_at')
        batch_op.drop_index('ix_reports_reported_at')
