"""index for the overdue sweep: (is_overdue, status, coalesce(extended_until, due_on))

Revision ID: b7d2c1a9e0f3
Revises: 72c8c373fea6
Create Date: 2026-11-25 09:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b7d2c1a9e0f3"
down_revision = "72c8c373fea6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_appeals_overdue_sweep",
        "appeals",
        ["is_overdue", "status", sa.text("coalesce(extended_until, due_on)")],
    )


def downgrade():
    op.drop_index("ix_appeals_overdue_sweep", table_name="appeals")
