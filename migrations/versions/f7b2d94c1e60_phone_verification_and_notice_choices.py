"""users: the phone's verification (when, the pending code's hash, expiry and wrong tries) and
the choice of notices (channels, optional notices turned off)

Revision ID: f7b2d94c1e60
Revises: f7a3c2d18b64
Create Date: 2026-12-05 03:30:00

"""
from alembic import op
import sqlalchemy as sa

import appeals.timeutil


# revision identifiers, used by Alembic.
revision = 'f7b2d94c1e60'
down_revision = "f7a3c2d18b64"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_verified_at', appeals.timeutil.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('phone_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_code_expires_at', appeals.timeutil.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('phone_code_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('notice_channels', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('notices_off', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notices_off')
        batch_op.drop_column('notice_channels')
        batch_op.drop_column('phone_code_attempts')
        batch_op.drop_column('phone_code_expires_at')
        batch_op.drop_column('phone_code_hash')
        batch_op.drop_column('phone_verified_at')
