"""score cell builds remember what the next one needs to count only the bodies that changed:
the event id after which it looks for events (event_mark), when every body was last counted
(whole_at) and the holiday calendar they were counted under

Revision ID: a4c6e8f0b2d5
Revises: c9d1e3f5a7b6
Create Date: 2026-12-07 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import appeals.timeutil


# revision identifiers, used by Alembic.
revision = 'a4c6e8f0b2d5'
down_revision = 'c9d1e3f5a7b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('score_cell_builds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_mark', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('whole_at', appeals.timeutil.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('calendar', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('score_cell_builds', schema=None) as batch_op:
        batch_op.drop_column('calendar')
        batch_op.drop_column('whole_at')
        batch_op.drop_column('event_mark')
