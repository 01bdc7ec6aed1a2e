"""unique national routing rules (region null)

Revision ID: c3e8f5a2d417
Revises: b7d2c1a9e0f3
Create Date: 2026-11-25 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c3e8f5a2d417"
down_revision = "b7d2c1a9e0f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "uq_routing_rules_national",
        "routing_rules",
        ["category_id", "body_id"],
        unique=True,
        sqlite_where=sa.text("region_id IS NULL"),
        postgresql_where=sa.text("region_id IS NULL"),
    )


def downgrade():
    op.drop_index("uq_routing_rules_national", table_name="routing_rules")
