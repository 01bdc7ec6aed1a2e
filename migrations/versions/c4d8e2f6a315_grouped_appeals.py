"""Appeals answered together: the group's lead

Revision ID: c4d8e2f6a315
Revises: a7e5d3c1b920
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

revision = "c4d8e2f6a315"
down_revision = "a7e5d3c1b920"
branch_labels = None
depends_on = None

# The sweep's expression index (b7d2c1a9e0f3): SQLite's table rebuild cannot carry it over.
SWEEP_INDEX = "ix_appeals_overdue_sweep"
SWEEP_COLUMNS = ["is_overdue", "status", sa.text("coalesce(extended_until, due_on)")]


def upgrade():
    with op.batch_alter_table("appeals") as batch:
        batch.add_column(sa.Column("group_lead_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_appeals_group_lead_id_appeals", "appeals", ["group_lead_id"], ["id"]
        )
        batch.create_index("ix_appeals_group_lead_id", ["group_lead_id"])
    _sweep_index_back()


def downgrade():
    with op.batch_alter_table("appeals") as batch:
        batch.drop_index("ix_appeals_group_lead_id")
        batch.drop_constraint("fk_appeals_group_lead_id_appeals", type_="foreignkey")
        batch.drop_column("group_lead_id")
    _sweep_index_back()


def _sweep_index_back() -> None:
    """SQLite's table rebuild drops the expression index: make it again."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {SWEEP_INDEX}")
        op.create_index(SWEEP_INDEX, "appeals", SWEEP_COLUMNS)
