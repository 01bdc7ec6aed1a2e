"""appeals: ix_appeals_body_submitted also holds the status, the group and the id, so an
appeal's look-alikes (the body's newest running appeals in no group) are read from the index
alone

Revision ID: b6d8f0a2c4e7
Revises: a4c6e8f0b2d5
Create Date: 2026-12-07 18:00:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "b6d8f0a2c4e7"
down_revision = "a4c6e8f0b2d5"
branch_labels = None
depends_on = None


def upgrade():
    # Plain DROP and CREATE INDEX (no batch): a batch rebuild of appeals on SQLite would drop
    # the sweep's expression index.
    op.drop_index("ix_appeals_body_submitted", table_name="appeals")
    op.create_index(
        "ix_appeals_body_submitted",
        "appeals",
        ["current_body_id", "submitted_at", "status", "group_lead_id", "id"],
    )


def downgrade():
    op.drop_index("ix_appeals_body_submitted", table_name="appeals")
    op.create_index("ix_appeals_body_submitted", "appeals", ["current_body_id", "submitted_at"])
