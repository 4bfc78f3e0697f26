"""warnings: a responsible person's SMS reply that was not 收到, kept for the desk

A reply such as 2, 拒绝 or a question to a warning's SMS is not an acknowledgement: the person
stays silent, and the desk reads what they wrote (the last reply and when) in the silent list.

Revision ID: 5a1c9e7d3b20
Revises: c4a7e2d91b36
Create Date: 2026-12-02 18:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5a1c9e7d3b20'
down_revision = 'c4a7e2d91b36'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('warning_recipients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_text', sa.String(length=160), nullable=True))
        batch_op.add_column(sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('warning_recipients', schema=None) as batch_op:
        batch_op.drop_column('replied_at')
        batch_op.drop_column('reply_text')
