"""extension notice window and late flag: the last day the applicant may be told of an
extension (3 working days after the decision) and when the notice was found late

Revision ID: 6938516d15e5
Revises: e41c0b7a9d25
Create Date: 2026-11-25 11:42:01.489899

"""
from alembic import op
import sqlalchemy as sa

import appeals.timeutil


# revision identifiers, used by Alembic.
revision = '6938516d15e5'
down_revision = 'e41c0b7a9d25'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension_notice_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('extension_notified_late_at', appeals.timeutil.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    # Drop in place (SQLite >= 3.35): copying the table would lose the expression index of the
    # overdue sweep, which batch mode cannot reflect.
    with op.batch_alter_table('appeals', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('extension_notified_late_at')
        batch_op.drop_column('extension_notice_due_on')
