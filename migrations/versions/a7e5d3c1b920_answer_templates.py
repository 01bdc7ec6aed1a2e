"""Answer templates, and the paragraph on how to complain that every answer carries

Revision ID: a7e5d3c1b920
Revises: f2b7c4d91e60
Create Date: 2026-12-05

"""

import sqlalchemy as sa
from alembic import op

revision = "a7e5d3c1b920"
down_revision = "f2b7c4d91e60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "answer_templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("body_id", sa.Integer(), sa.ForeignKey("bodies.id"), nullable=True),
        sa.Column("category_id", sa.Integer(), sa.ForeignKey("categories.id"), nullable=True),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_answer_templates_body_id", "answer_templates", ["body_id"])
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("how_to_complain", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("how_to_complain")
    op.drop_index("ix_answer_templates_body_id", "answer_templates")
    op.drop_table("answer_templates")
