"""appeals: (current_body_id, submitted_at), from which an appeal's look-alikes are read
newest first, not every running appeal of the body sorted

Revision ID: e5f7a9b1c3d2
Revises: d4e6f8a0b2c1
Create Date: 2026-12-06 05:20:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "e5f7a9b1c3d2"
down_revision = "d4e6f8a0b2c1"
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX (no batch): a batch rebuild of appeals on SQLite would drop the
    # sweep's expression index.
    op.create_index("ix_appeals_body_submitted", "appeals", ["current_body_id", "submitted_at"])


def downgrade():
    op.drop_index("ix_appeals_body_submitted", table_name="appeals")
