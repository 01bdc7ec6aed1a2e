"""appeals: the citizen's list reads (applicant_id, submitted_at, id), which replaces the
index on applicant_id alone

Revision ID: b3e1d7a4c920
Revises: f2b8d4c6a1e9
Create Date: 2026-12-05 07:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "b3e1d7a4c920"
down_revision = "f2b8d4c6a1e9"
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE/DROP INDEX (no batch): a batch rebuild of appeals on SQLite would drop the
    # sweep's expression index.
    op.create_index(
        "ix_appeals_applicant_submitted", "appeals", ["applicant_id", "submitted_at", "id"]
    )
    op.drop_index("ix_appeals_applicant_id", table_name="appeals")


def downgrade():
    op.create_index("ix_appeals_applicant_id", "appeals", ["applicant_id"])
    op.drop_index("ix_appeals_applicant_submitted", table_name="appeals")
