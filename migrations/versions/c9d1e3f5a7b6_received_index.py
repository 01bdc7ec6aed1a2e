"""appeals: an index on the date of receipt as the scores write it, coalesce(received_on,
registered_on), from which the open data's statistics read a run of months, not a scan

Revision ID: c9d1e3f5a7b6
Revises: b8c0d2e4f6a5
Create Date: 2026-12-06 06:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c9d1e3f5a7b6"
down_revision = "b8c0d2e4f6a5"
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX (no batch): a batch rebuild of appeals on SQLite would drop the
    # sweep's expression index.
    op.create_index(
        "ix_appeals_received",
        "appeals",
        [sa.text("coalesce(received_on, registered_on)")],
    )


def downgrade():
    op.drop_index("ix_appeals_received", table_name="appeals")
