"""disasters: events (灾害过程), their villages, situation reports (初报/续报/核报) and the notices of late initial reports

Revision ID: 609a95ab4ab7
Revises: 9d3e5b7a1c24
Create Date: 2026-12-02 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '609a95ab4ab7'
down_revision = '9d3e5b7a1c24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disaster_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('opened_by_id', sa.Uuid(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('initial_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('typhoon', 'rainstorm', 'flood', 'geological', 'forest_fire', 'other')", name=op.f('ck_disaster_events_kind')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_disaster_events_closed_by_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_disaster_events_opened_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_disaster_events_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disaster_events'))
    )
    with op.batch_alter_table('disaster_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disaster_events_region_id'), ['region_id'], unique=False)

    op.create_table('disaster_event_villages',
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['disaster_events.id'], name=op.f('fk_disaster_event_villages_event_id_disaster_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_disaster_event_villages_region_id_regions')),
    sa.PrimaryKeyConstraint('event_id', 'region_id', name=op.f('pk_disaster_event_villages'))
    )
    with op.batch_alter_table('disaster_event_villages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disaster_event_villages_region_id'), ['region_id'], unique=False)

    op.create_table('disaster_notices',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stage IN ('officer','desk')", name=op.f('ck_disaster_notices_stage')),
    sa.ForeignKeyConstraint(['event_id'], ['disaster_events.id'], name=op.f('fk_disaster_notices_event_id_disaster_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_disaster_notices_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disaster_notices')),
    sa.UniqueConstraint('event_id', 'stage', 'region_id', name='uq_disaster_notices_once')
    )
    op.create_table('situation_reports',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reporter_id', sa.Uuid(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('affected', sa.Integer(), nullable=False),
    sa.Column('dead', sa.Integer(), nullable=False),
    sa.Column('missing', sa.Integer(), nullable=False),
    sa.Column('injured', sa.Integer(), nullable=False),
    sa.Column('evacuated', sa.Integer(), nullable=False),
    sa.Column('resettled', sa.Integer(), nullable=False),
    sa.Column('houses_collapsed', sa.Integer(), nullable=False),
    sa.Column('houses_severe', sa.Integer(), nullable=False),
    sa.Column('houses_light', sa.Integer(), nullable=False),
    sa.Column('crops_affected_ha', sa.BigInteger(), nullable=False),
    sa.Column('crops_lost_ha', sa.BigInteger(), nullable=False),
    sa.Column('loss_10k_yuan', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(kind = 'initial') = (seq = 1)", name=op.f('ck_situation_reports_initial_first')),
    sa.CheckConstraint("kind IN ('initial', 'follow_up', 'verified')", name=op.f('ck_situation_reports_kind')),
    sa.CheckConstraint('affected >= 0 AND dead >= 0 AND missing >= 0 AND injured >= 0 AND evacuated >= 0 AND resettled >= 0 AND houses_collapsed >= 0 AND houses_severe >= 0 AND houses_light >= 0 AND crops_affected_ha >= 0 AND crops_lost_ha >= 0 AND loss_10k_yuan >= 0', name=op.f('ck_situation_reports_figures')),
    sa.CheckConstraint('crops_lost_ha <= crops_affected_ha', name=op.f('ck_situation_reports_crops')),
    sa.CheckConstraint('dead <= affected AND missing <= affected AND injured <= affected', name=op.f('ck_situation_reports_people')),
    sa.ForeignKeyConstraint(['event_id'], ['disaster_events.id'], name=op.f('fk_situation_reports_event_id_disaster_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_situation_reports_region_id_regions')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_situation_reports_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_situation_reports')),
    sa.UniqueConstraint('event_id', 'region_id', 'seq', name='uq_situation_reports_event_village_seq')
    )
    with op.batch_alter_table('situation_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_situation_reports_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_situation_reports_reporter_id'), ['reporter_id'], unique=False)



def downgrade():
    with op.batch_alter_table('situation_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_situation_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_situation_reports_region_id'))

    op.drop_table('situation_reports')
    op.drop_table('disaster_notices')
    with op.batch_alter_table('disaster_event_villages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disaster_event_villages_region_id'))

    op.drop_table('disaster_event_villages')
    with op.batch_alter_table('disaster_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disaster_events_region_id'))

    op.drop_table('disaster_events')
