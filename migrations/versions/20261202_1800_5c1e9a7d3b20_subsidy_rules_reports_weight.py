"""subsidy: the county's versioned subsidy rules, monthly reports and their lines, cross-township
help claims with their lines and steps; the dispatch order's task weight (任务轻重: normal 一般, heavy 较重, severe 繁重), 'normal' for every order so far

Revision ID: 5c1e9a7d3b20
Revises: 360a0883670d
Create Date: 2026-12-02 18:00:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "5c1e9a7d3b20"
down_revision = '360a0883670d'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(10, 2)


def upgrade():
    with op.batch_alter_table("dispatches") as batch:
        batch.add_column(
            sa.Column("weight_class", sa.String(length=10), server_default="normal", nullable=False)
        )
        batch.create_check_constraint(
            batch.f("ck_dispatches_weight_class"), "weight_class IN ('normal','heavy','severe')"
        )
    op.create_table(
        "subsidy_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("rate_normal", MONEY, nullable=False),
        sa.Column("rate_heavy", MONEY, nullable=False),
        sa.Column("rate_severe", MONEY, nullable=False),
        sa.Column("day_cap", MONEY, nullable=False),
        sa.Column("month_cap", MONEY, nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "rate_normal >= 0 AND rate_heavy >= 0 AND rate_severe >= 0 AND day_cap >= 0 AND month_cap >= 0",
            name=op.f("ck_subsidy_rules_not_negative"),
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_subsidy_rules_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_rules")),
        sa.UniqueConstraint("effective_from", name=op.f("uq_subsidy_rules_effective_from")),
    )
    op.create_table(
        "subsidy_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computed_by", sa.Uuid(), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('draft','locked')", name=op.f("ck_subsidy_reports_state")),
        sa.CheckConstraint(
            "(state = 'locked') = (locked_at IS NOT NULL)", name=op.f("ck_subsidy_reports_locked_at")
        ),
        sa.ForeignKeyConstraint(
            ["computed_by"], ["users.id"], name=op.f("fk_subsidy_reports_computed_by_users")
        ),
        sa.ForeignKeyConstraint(["locked_by"], ["users.id"], name=op.f("fk_subsidy_reports_locked_by_users")),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["subsidy_rules.id"], name=op.f("fk_subsidy_reports_rule_id_subsidy_rules")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_reports")),
        sa.UniqueConstraint("month", name=op.f("uq_subsidy_reports_month")),
    )
    op.create_table(
        "subsidy_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("for_month", sa.Date(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("team_name", sa.String(length=80), nullable=True),
        sa.Column("township_id", sa.Integer(), nullable=False),
        sa.Column("township_name", sa.String(length=80), nullable=False),
        sa.Column("seconds_normal", sa.Integer(), nullable=False),
        sa.Column("seconds_heavy", sa.Integer(), nullable=False),
        sa.Column("seconds_severe", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.CheckConstraint("kind IN ('month','adjustment')", name=op.f("ck_subsidy_lines_kind")),
        sa.CheckConstraint("(kind = 'adjustment') = (day IS NOT NULL)", name=op.f("ck_subsidy_lines_day")),
        sa.ForeignKeyConstraint(["member_id"], ["users.id"], name=op.f("fk_subsidy_lines_member_id_users")),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["subsidy_reports.id"],
            name=op.f("fk_subsidy_lines_report_id_subsidy_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["township_id"], ["regions.id"], name=op.f("fk_subsidy_lines_township_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsidy_lines")),
    )
    with op.batch_alter_table("subsidy_lines") as batch:
        batch.create_index(batch.f("ix_subsidy_lines_member_id"), ["member_id"], unique=False)
        batch.create_index(batch.f("ix_subsidy_lines_report_id"), ["report_id"], unique=False)
        batch.create_index(batch.f("ix_subsidy_lines_township_id"), ["township_id"], unique=False)

    op.create_table(
        "help_claims",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dispatch_id", sa.Uuid(), nullable=False),
        sa.Column("helper_township_id", sa.Integer(), nullable=False),
        sa.Column("helped_township_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('claimed','agreed','paid')", name=op.f("ck_help_claims_state")),
        sa.ForeignKeyConstraint(
            ["dispatch_id"], ["dispatches.id"], name=op.f("fk_help_claims_dispatch_id_dispatches")
        ),
        sa.ForeignKeyConstraint(
            ["helper_township_id"], ["regions.id"], name=op.f("fk_help_claims_helper_township_id_regions")
        ),
        sa.ForeignKeyConstraint(
            ["helped_township_id"], ["regions.id"], name=op.f("fk_help_claims_helped_township_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_claims")),
        sa.UniqueConstraint("dispatch_id", "helper_township_id", name="uq_help_claims_dispatch_helper"),
    )
    with op.batch_alter_table("help_claims") as batch:
        batch.create_index(batch.f("ix_help_claims_dispatch_id"), ["dispatch_id"], unique=False)
        batch.create_index(batch.f("ix_help_claims_helper_township_id"), ["helper_township_id"], unique=False)
        batch.create_index(batch.f("ix_help_claims_helped_township_id"), ["helped_township_id"], unique=False)
    op.create_table(
        "help_claim_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.CheckConstraint("kind IN ('consumed','damaged','other')", name=op.f("ck_help_claim_lines_kind")),
        sa.CheckConstraint("amount >= 0 AND quantity > 0", name=op.f("ck_help_claim_lines_amount")),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["help_claims.id"],
            name=op.f("fk_help_claim_lines_claim_id_help_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_claim_lines")),
    )
    with op.batch_alter_table("help_claim_lines") as batch:
        batch.create_index(batch.f("ix_help_claim_lines_claim_id"), ["claim_id"], unique=False)
    op.create_table(
        "help_claim_steps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("by_id", sa.Uuid(), nullable=False),
        sa.Column("by_name", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_help_claim_steps_by_id_users")),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["help_claims.id"],
            name=op.f("fk_help_claim_steps_claim_id_help_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_claim_steps")),
    )
    with op.batch_alter_table("help_claim_steps") as batch:
        batch.create_index(batch.f("ix_help_claim_steps_claim_id"), ["claim_id"], unique=False)


def downgrade():
    op.drop_table("help_claim_steps")
    op.drop_table("help_claim_lines")
    op.drop_table("help_claims")
    op.drop_table("subsidy_lines")
    op.drop_table("subsidy_reports")
    op.drop_table("subsidy_rules")
    with op.batch_alter_table("dispatches") as batch:
        batch.drop_constraint(batch.f("ck_dispatches_weight_class"), type_="check")
        batch.drop_column("weight_class")
