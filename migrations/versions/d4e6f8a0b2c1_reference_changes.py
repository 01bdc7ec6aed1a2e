"""a count of the changes to the regions, the bodies and the categories, kept by triggers:
the choices made from them are kept in each process until it moves

Revision ID: d4e6f8a0b2c1
Revises: c7d9e1f3a5b8
Create Date: 2026-12-06 03:00:00

"""
from alembic import op
import sqlalchemy as sa

# One definition of the triggers' SQL, shared with create_all (the tests' schema).
from appeals.integrity import change_count_function, change_count_sql


# revision identifiers, used by Alembic.
revision = 'd4e6f8a0b2c1'
down_revision = 'c7d9e1f3a5b8'
branch_labels = None
depends_on = None

COUNTER = 'reference_changes'
COUNTED = ('regions', 'bodies', 'categories')


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table(
        COUNTER,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_changes')),
    )
    op.execute(f"INSERT INTO {COUNTER} (id, version) VALUES (1, 0)")
    for table in COUNTED:
        for statement in change_count_sql(table, COUNTER, dialect)[0]:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in COUNTED:
        for statement in change_count_sql(table, COUNTER, dialect)[1]:
            op.execute(statement)
    if dialect == 'postgresql':
        op.execute(f"DROP FUNCTION IF EXISTS {change_count_function(COUNTER)}()")
    op.drop_table(COUNTER)
