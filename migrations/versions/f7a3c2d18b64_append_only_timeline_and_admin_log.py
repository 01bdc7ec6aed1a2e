"""the timeline (events) and the admin log append-only in the database: triggers refuse
UPDATE and DELETE (unless the transaction holds a permit in append_only_permits); an event
of a staff step must name its actor

Revision ID: f7a3c2d18b64
Revises: a7e3c9d51f42
Create Date: 2026-12-05 03:30:00

"""
from alembic import op
import sqlalchemy as sa

# One definition of the triggers' SQL, shared with create_all (the tests' schema).
from appeals.integrity import PERMITS, append_only_sql, refuse_insert_sql
from appeals.intake.models import STAFF_STEP_WITHOUT_ACTOR


# revision identifiers, used by Alembic.
revision = 'f7a3c2d18b64'
down_revision = "a7e3c9d51f42"
branch_labels = None
depends_on = None

STAFF_ACTOR = ('events', 'events_staff_actor', STAFF_STEP_WITHOUT_ACTOR, 'a staff step must name its actor')


def _statements(dialect):
    creates, drops = [], []
    for table in ('events', 'admin_log'):
        create, drop = append_only_sql(table, dialect)
        creates += create
        drops += drop
    create, drop = refuse_insert_sql(*STAFF_ACTOR, dialect)
    return creates + create, drops + drop


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table(PERMITS, sa.Column('reason', sa.String(length=200), nullable=False),
                    sa.PrimaryKeyConstraint('reason', name=op.f('pk_append_only_permits')))
    # The admin log's UPDATE-only trigger of b5d2f8a61c47 gives way to the shared pair.
    if dialect == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS admin_log_no_update ON admin_log")
        op.execute("DROP FUNCTION IF EXISTS admin_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS admin_log_no_update")
    for statement in _statements(dialect)[0]:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in _statements(dialect)[1]:
        op.execute(statement)
    if dialect == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS append_only()")
        op.execute("DROP FUNCTION IF EXISTS refuse_insert()")
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
    op.drop_table(PERMITS)
