"""Acts of response that reopen the case, and the act's extensions

Revision ID: f2b7c4d91e60
Revises: d3a9c61f7e28
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

revision = "f2b7c4d91e60"
down_revision = "d3a9c61f7e28"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audits") as batch:
        batch.add_column(
            sa.Column("reopens_case", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("act_extensions", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("act_extensions")
        batch.drop_column("reopens_case")
