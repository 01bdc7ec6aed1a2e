"""audits: the acts of response not yet answered, by due date and by body, from which the
desk reads the oldest overdue ones, not every audit ever made

Revision ID: f6a8b0c2d4e3
Revises: e5f7a9b1c3d2
Create Date: 2026-12-06 05:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f6a8b0c2d4e3"
down_revision = "e5f7a9b1c3d2"
branch_labels = None
depends_on = None

UNANSWERED_ACT = "act_answered_at IS NULL AND act_due_on IS NOT NULL"
INDEXES = {
    "ix_audits_unanswered_acts": ["act_due_on", "id"],
    "ix_audits_unanswered_acts_by_body": ["body_id", "act_due_on", "id"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(
            name,
            "audits",
            columns,
            sqlite_where=sa.text(UNANSWERED_ACT),
            postgresql_where=sa.text(UNANSWERED_ACT),
        )


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="audits")
