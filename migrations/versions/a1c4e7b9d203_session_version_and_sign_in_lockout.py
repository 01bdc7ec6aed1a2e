"""session version and sign-in lockout: a per-user counter in every session's user id (raised
on sign-out, a new password or deactivation, it ends every session), wrong passwords in a row
and the time the account may sign in again

Revision ID: a1c4e7b9d203
Revises: a12f0e3c9b71
Create Date: 2026-12-05 01:30:00

"""
from alembic import op
import sqlalchemy as sa

import appeals.timeutil


# revision identifiers, used by Alembic.
revision = 'a1c4e7b9d203'
down_revision = 'a12f0e3c9b71'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', appeals.timeutil.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('email_verified_at', appeals.timeutil.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('session_version')
