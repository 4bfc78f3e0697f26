"""reports: near duplicates (an index for the category + box + time look-up, one for merged reports)

Revision ID: 9d3e5b7a1c24
Revises: 4f0c2a7d9e13
Create Date: 2026-12-02 10:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9d3e5b7a1c24'
down_revision = '4f0c2a7d9e13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(
            'ix_reports_category_lat_lon_reported', ['category', 'lat', 'lon', 'reported_at'], unique=False
        )
    with op.batch_alter_table('report_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_steps_duplicate_of'), ['duplicate_of'], unique=False)


def downgrade():
    with op.batch_alter_table('report_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_steps_duplicate_of'))
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_category_lat_lon_reported')
