"""residents: SMS subscriptions to an area's warnings, their one-time codes, and one delivery
row per resident per warning message

Revision ID: 7b2d4e6f8a10
Revises: 396e3644d07b
Create Date: 2026-12-02 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7b2d4e6f8a10"
down_revision = '396e3644d07b'
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "resident_subscriptions",
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("confirmed_at", UTC, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("state IN ('pending','active')", name=op.f("ck_resident_subscriptions_state")),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_resident_subscriptions_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_subscriptions")),
        sa.UniqueConstraint("phone", name=op.f("uq_resident_subscriptions_phone")),
    )
    op.create_index(op.f("ix_resident_subscriptions_region_id"), "resident_subscriptions", ["region_id"])
    op.create_index(op.f("ix_resident_subscriptions_state"), "resident_subscriptions", ["state"])
    op.create_table(
        "resident_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("outbox_code", sa.String(length=6), nullable=True),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("used_at", UTC, nullable=True),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("send_failed", sa.Boolean(), nullable=False),
        sa.Column("lease_until", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_resident_codes_region_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["resident_subscriptions.id"],
            name=op.f("fk_resident_codes_subscription_id_resident_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_codes")),
    )
    op.create_index(op.f("ix_resident_codes_created_at"), "resident_codes", ["created_at"])
    op.create_index(op.f("ix_resident_codes_subscription_id"), "resident_codes", ["subscription_id"])
    op.create_table(
        "resident_messages",
        sa.Column("warning_id", sa.Uuid(), nullable=False),
        sa.Column("msg_type", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("warning_id", name=op.f("pk_resident_messages")),
    )
    op.create_table(
        "resident_deliveries",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("warning_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=4), nullable=False),
        sa.Column("push_subscription_id", sa.Uuid(), nullable=True),
        sa.Column("resident_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_at", UTC, nullable=False),
        sa.Column("lease_until", UTC, nullable=True),
        sa.Column("sent_at", UTC, nullable=True),
        sa.CheckConstraint("channel IN ('push','sms')", name=op.f("ck_resident_deliveries_channel")),
        sa.CheckConstraint(
            "state IN ('pending','accepted','failed')", name=op.f("ck_resident_deliveries_state")
        ),
        sa.ForeignKeyConstraint(
            ["push_subscription_id"],
            ["push_subscriptions.id"],
            name=op.f("fk_resident_deliveries_push_subscription_id_push_subscriptions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident_subscriptions.id"],
            name=op.f("fk_resident_deliveries_resident_id_resident_subscriptions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["warning_id"],
            ["resident_messages.warning_id"],
            name=op.f("fk_resident_deliveries_warning_id_resident_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_deliveries")),
        sa.UniqueConstraint("warning_id", "push_subscription_id", name="uq_resident_deliveries_push"),
        sa.UniqueConstraint("warning_id", "resident_id", name="uq_resident_deliveries_sms"),
    )
    op.create_index("ix_resident_deliveries_due", "resident_deliveries", ["state", "next_at"])
    op.create_index(
        "ix_resident_deliveries_warning", "resident_deliveries", ["warning_id", "channel", "state"]
    )
    op.create_index(
        op.f("ix_resident_deliveries_push_subscription_id"), "resident_deliveries", ["push_subscription_id"]
    )
    op.create_index(op.f("ix_resident_deliveries_resident_id"), "resident_deliveries", ["resident_id"])


def downgrade():
    op.drop_table("resident_deliveries")
    op.drop_table("resident_messages")
    op.drop_table("resident_codes")
    op.drop_table("resident_subscriptions")
