"""appeals: the inbox's keys from one index, (current_body_id, status, due_on,
extended_until, executor_id, id), which replaces the index on (current_body_id, status)

Revision ID: c7d9e1f3a5b8
Revises: b3e5c7a9d1f4
Create Date: 2026-12-05 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "c7d9e1f3a5b8"
down_revision = "b3e5c7a9d1f4"
branch_labels = None
depends_on = None

COLUMNS = ["current_body_id", "status", "due_on", "extended_until", "executor_id", "id"]


def upgrade():
    # Plain CREATE/DROP INDEX (no batch): a batch rebuild of appeals on SQLite would drop the
    # sweep's expression index.
    op.create_index("ix_appeals_body_inbox", "appeals", COLUMNS)
    op.drop_index("ix_appeals_body_status", table_name="appeals")


def downgrade():
    op.create_index("ix_appeals_body_status", "appeals", ["current_body_id", "status"])
    op.drop_index("ix_appeals_body_inbox", table_name="appeals")
