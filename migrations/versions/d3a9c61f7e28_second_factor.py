"""users: the second factor (TOTP secret, when it was turned on, recovery codes' hashes, the
last time step accepted)

Revision ID: d3a9c61f7e28
Revises: b5d2f8a61c47
Create Date: 2026-12-05 02:40:00

"""
from alembic import op
import sqlalchemy as sa

import appeals.timeutil


# revision identifiers, used by Alembic.
revision = 'd3a9c61f7e28'
down_revision = 'b5d2f8a61c47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', appeals.timeutil.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('recovery_code_hashes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('recovery_code_hashes')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
