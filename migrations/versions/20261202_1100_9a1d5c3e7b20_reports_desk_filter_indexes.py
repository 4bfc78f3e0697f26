"""reports, changes: indexes for the desk's filtered lists, the map and the change feed at 140,000
reports (issue 9): each filter with the sort key after it

Revision ID: 9a1d5c3e7b20
Revises: 609a95ab4ab7
Create Date: 2026-12-02 11:00:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "9a1d5c3e7b20"
down_revision = "609a95ab4ab7"
branch_labels = None
depends_on = None

REPORTS = (
    ("ix_reports_created", ["created_at", "id"]),
    ("ix_reports_status_created", ["status", "created_at", "id"]),
    ("ix_reports_category_created", ["category", "created_at", "id"]),
    ("ix_reports_unit_created", ["responsible_unit", "created_at", "id"]),
    ("ix_reports_severity_reported", ["severity", "reported_at"]),
)
CHANGES = (
    ("ix_changes_user_seq", ["user_id", "seq"]),
    ("ix_changes_region_seq", ["region_id", "seq"]),
)


def upgrade():
    for name, columns in REPORTS:
        op.create_index(name, "reports", columns)
    # status alone is the first column of ix_reports_status_created now.
    op.drop_index("ix_reports_status", table_name="reports")
    for name, columns in CHANGES:
        op.create_index(name, "changes", columns)
    op.drop_index("ix_changes_user_id", table_name="changes")
    op.drop_index("ix_changes_region_id", table_name="changes")


def downgrade():
    op.create_index("ix_changes_region_id", "changes", ["region_id"])
    op.create_index("ix_changes_user_id", "changes", ["user_id"])
    for name, _ in reversed(CHANGES):
        op.drop_index(name, table_name="changes")
    op.create_index("ix_reports_status", "reports", ["status"])
    for name, _ in reversed(REPORTS):
        op.drop_index(name, table_name="reports")
