"""attachments: an index on answer_id, by which an answer's files are read on every page that
shows the answer (a scan of every file before)

Revision ID: a7b9c1d3e5f4
Revises: f6a8b0c2d4e3
Create Date: 2026-12-06 06:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "a7b9c1d3e5f4"
down_revision = "f6a8b0c2d4e3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_attachments_answer_id", "attachments", ["answer_id"])


def downgrade():
    op.drop_index("ix_attachments_answer_id", table_name="attachments")
