"""checkins: duty and task time are separate records that may be open together

Revision ID: 7b3e1c9d2a40
Revises: 35c3e88a6250
Create Date: 2026-12-01 20:15:00

One open check-in per person used to mean that arriving at a task ended the duty check-in, and
completing the task left the member checked out of duty with no word why. Now: one open duty
check-in per person, and one open record per person and task.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b3e1c9d2a40'
down_revision = '35c3e88a6250'
branch_labels = None
depends_on = None

OPEN_DUTY = sa.text("open_flag IS NOT NULL AND dispatch_id IS NULL")
OPEN_TASK = sa.text("open_flag IS NOT NULL AND dispatch_id IS NOT NULL")


def upgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_constraint('uq_checkins_one_open_per_user', type_='unique')
    op.create_index('uq_checkins_one_open_duty_per_user', 'checkins', ['user_id'], unique=True,
                    sqlite_where=OPEN_DUTY, postgresql_where=OPEN_DUTY)
    op.create_index('uq_checkins_one_open_per_user_task', 'checkins', ['user_id', 'dispatch_id'], unique=True,
                    sqlite_where=OPEN_TASK, postgresql_where=OPEN_TASK)


def downgrade():
    op.drop_index('uq_checkins_one_open_per_user_task', table_name='checkins')
    op.drop_index('uq_checkins_one_open_duty_per_user', table_name='checkins')
    # The old rule allows one open record per person: keep the newest open one of each.
    op.execute(sa.text(
        "UPDATE checkins SET open_flag = NULL WHERE open_flag IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM checkins AS c2 WHERE c2.user_id = checkins.user_id"
        " AND c2.open_flag IS NOT NULL AND c2.checkin_at > checkins.checkin_at)"
    ))
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_checkins_one_open_per_user', ['user_id', 'open_flag'])
