"""warnings: the CAP identifier given at issue (drafts have none), the CAP sender kept

The identifier was a placeholder made when a draft was saved and made again at issue. It is now
allocated once, when the message is issued, in the GB/T 35965.1 form (server/warnings/cap.py),
and unique; a draft has none (NULL). Issued messages keep the identifier they were given: it may
have been read already. cap_sender keeps the CAP sender a message was published with.

Revision ID: c4a7e2d91b36
Revises: 24bb5364f66c
Create Date: 2026-12-02 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a7e2d91b36'
down_revision = '24bb5364f66c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('warnings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cap_sender', sa.String(length=120), nullable=True))
        batch_op.alter_column('identifier', existing_type=sa.String(length=64), nullable=True)
    op.execute("UPDATE warnings SET identifier = NULL WHERE state = 'draft'")


def downgrade():
    # The old schema needs an identifier on every row: a draft gets one made from its id.
    warnings = sa.table('warnings', sa.column('id', sa.Uuid()), sa.column('identifier', sa.String()))
    op.execute(
        warnings.update()
        .where(warnings.c.identifier.is_(None))
        .values(identifier=sa.literal('draft-') + sa.cast(warnings.c.id, sa.String(64)))
    )
    with op.batch_alter_table('warnings', schema=None) as batch_op:
        batch_op.alter_column('identifier', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('cap_sender')
