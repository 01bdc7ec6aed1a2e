"""partial covering index of the children for the scores: appeals with a parent, holding what
the follow-up and complaint queries read of a child (parent_id, kind, status, answered_at,
submitted_at, decision)

Revision ID: d517aba8ba02
Revises: c3e8f5a2d417
Create Date: 2026-11-25 10:06:56.884781

"""

import sqlalchemy as sa
from alembic import op

revision = "d517aba8ba02"
down_revision = "c3e8f5a2d417"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_appeals_children_scores",
        "appeals",
        ["parent_id", "kind", "status", "answered_at", "submitted_at", "decision"],
        unique=False,
        sqlite_where=sa.text("parent_id IS NOT NULL"),
        postgresql_where=sa.text("parent_id IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_appeals_children_scores", table_name="appeals")
