"""score cells: the sums behind the scores per body and (due month, answer month), rebuilt by
the refresh job, and the record of the latest build (with the "overdue now" counts)

Revision ID: e41c0b7a9d25
Revises: 29f71db615bf
Create Date: 2026-11-25 11:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import appeals.timeutil


# revision identifiers, used by Alembic.
revision = 'e41c0b7a9d25'
down_revision = '29f71db615bf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('score_cells',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('due_month', sa.Date(), nullable=True),
    sa.Column('answer_month', sa.Date(), nullable=True),
    sa.Column('appeals', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.Column('rated', sa.Integer(), nullable=False),
    sa.Column('points', sa.Double(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('extended', sa.Integer(), nullable=False),
    sa.Column('late_days', sa.Integer(), nullable=False),
    sa.Column('followed', sa.Integer(), nullable=False),
    sa.Column('complaints_decided', sa.Integer(), nullable=False),
    sa.Column('complaints_upheld', sa.Integer(), nullable=False),
    sa.Column('days_to_answer', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], name=op.f('fk_score_cells_body_id_bodies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_cells'))
    )
    with op.batch_alter_table('score_cells', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_cells_body_id'), ['body_id'], unique=False)

    op.create_table('score_cell_builds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counted_at', appeals.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('today', sa.Date(), nullable=False),
    sa.Column('cells', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_cell_builds'))
    )


def downgrade():
    op.drop_table('score_cell_builds')
    with op.batch_alter_table('score_cells', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_cells_body_id'))

    op.drop_table('score_cells')
