"""Co-signatories of collective appeals

Revision ID: e8a1f0b7c362
Revises: c4d8e2f6a315
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

revision = "e8a1f0b7c362"
down_revision = "c4d8e2f6a315"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cosignatories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("appeal_id", sa.Integer(), sa.ForeignKey("appeals.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("appeal_id", "email"),
    )
    op.create_index("ix_cosignatories_appeal_id", "cosignatories", ["appeal_id"])
    op.create_index("ix_cosignatories_user_id", "cosignatories", ["user_id"])


def downgrade():
    op.drop_index("ix_cosignatories_user_id", "cosignatories")
    op.drop_index("ix_cosignatories_appeal_id", "cosignatories")
    op.drop_table("cosignatories")
