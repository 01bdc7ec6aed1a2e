"""appeals: indexes for Open311's listing, newest first: (submitted_at), and (category_id,
submitted_at), which replaces the index on category_id alone

Revision ID: b8c0d2e4f6a5
Revises: a7b9c1d3e5f4
Create Date: 2026-12-06 06:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "b8c0d2e4f6a5"
down_revision = "a7b9c1d3e5f4"
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE/DROP INDEX (no batch): a batch rebuild of appeals on SQLite would drop the
    # sweep's expression index.
    op.create_index("ix_appeals_submitted", "appeals", ["submitted_at"])
    op.create_index("ix_appeals_category_submitted", "appeals", ["category_id", "submitted_at"])
    op.drop_index("ix_appeals_category_id", table_name="appeals")


def downgrade():
    op.create_index("ix_appeals_category_id", "appeals", ["category_id"])
    op.drop_index("ix_appeals_category_submitted", table_name="appeals")
    op.drop_index("ix_appeals_submitted", table_name="appeals")
