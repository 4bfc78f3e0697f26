"""shelters: the fill the desk was last told of (90 % / full alerts, once per crossing)

Revision ID: 4f0c2a7d9e13
Revises: c2db880ebf96
Create Date: 2026-12-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f0c2a7d9e13'
down_revision = 'c2db880ebf96'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shelters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fill_alerted', sa.Integer(), nullable=False, server_default='0'))
    # A shelter already past a line when this runs counts as told: the first alert after the
    # upgrade is a real crossing, not a shelter that was full all along.
    op.execute(
        "UPDATE shelters SET fill_alerted = CASE"
        " WHEN capacity > 0 AND occupancy >= capacity THEN 100"
        " WHEN capacity > 0 AND occupancy * 10 >= capacity * 9 THEN 90"
        " ELSE 0 END"
    )
    with op.batch_alter_table('shelters', schema=None) as batch_op:
        batch_op.alter_column('fill_alerted', server_default=None)
        batch_op.create_check_constraint(batch_op.f('ck_shelters_fill_alerted'), 'fill_alerted IN (0,90,100)')


def downgrade():
    with op.batch_alter_table('shelters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_shelters_fill_alerted'), type_='check')
        batch_op.drop_column('fill_alerted')
