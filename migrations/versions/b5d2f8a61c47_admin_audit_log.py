"""admin audit log: who, when, what, before and after, for every change to users, roles and
reference data; the database refuses to UPDATE a row (append-only)

Revision ID: b5d2f8a61c47
Revises: a1c4e7b9d203
Create Date: 2026-12-05 01:40:00

"""
from alembic import op
import sqlalchemy as sa

import appeals.timeutil


# revision identifiers, used by Alembic.
revision = 'b5d2f8a61c47'
down_revision = 'a1c4e7b9d203'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'admin_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', appeals.timeutil.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('subject_kind', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('subject_label', sa.String(length=300), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=True),
        sa.Column('before', sa.JSON(), nullable=True),
        sa.Column('after', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_admin_log_actor_id_users')),
        sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_admin_log_body_id_bodies')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_log')),
    )
    with op.batch_alter_table('admin_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_log_body_id'), ['body_id'], unique=False)
        batch_op.create_index('ix_admin_log_subject', ['subject_kind', 'subject_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION admin_log_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the admin log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER admin_log_no_update BEFORE UPDATE ON admin_log "
            "FOR EACH ROW EXECUTE FUNCTION admin_log_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER admin_log_no_update BEFORE UPDATE ON admin_log "
            "BEGIN SELECT RAISE(ABORT, 'the admin log is append-only'); END"
        )


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS admin_log_no_update" + (" ON admin_log" if op.get_bind().dialect.name == 'postgresql' else ""))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS admin_log_append_only()")
    op.drop_table('admin_log')
