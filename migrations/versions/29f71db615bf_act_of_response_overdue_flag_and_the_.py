"""act of response overdue flag and the pending acts index: audits.act_overdue_at, set by the
act sweep and never cleared, and a partial index on act_due_on over the acts still pending
(unanswered, not yet flagged) that the sweep and the reminder repair read

Revision ID: 29f71db615bf
Revises: d517aba8ba02
Create Date: 2026-11-25 10:59:52.987571

"""
from alembic import op
import sqlalchemy as sa

import appeals.timeutil


# revision identifiers, used by Alembic.
revision = '29f71db615bf'
down_revision = 'd517aba8ba02'
branch_labels = None
depends_on = None

PENDING_ACT = "act_answered_at IS NULL AND act_overdue_at IS NULL AND act_due_on IS NOT NULL"


def upgrade():
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('act_overdue_at', appeals.timeutil.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(
            'ix_audits_pending_acts',
            ['act_due_on'],
            unique=False,
            sqlite_where=sa.text(PENDING_ACT),
            postgresql_where=sa.text(PENDING_ACT),
        )


def downgrade():
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_index('ix_audits_pending_acts')
        batch_op.drop_column('act_overdue_at')
