"""score cells: forwarding out per body and month (forwardings, in time, distinct appeals,
those that came back) and the latest audits per body and month, so that the prosecutor's
pages sum cells instead of counting events and audits; the build records the latest audit it
counted. Only the cells' tables change (no rebuild of appeals, events or audits).

Revision ID: b3e5c7a9d1f4
Revises: b3e1d7a4c920
Create Date: 2026-12-05 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e5c7a9d1f4'
down_revision = "b3e1d7a4c920"
branch_labels = None
depends_on = None

COUNTS = (
    'audited',
    'audited_lawful',
    'forwardings',
    'forwarded_in_time',
    'forwarded_out',
    'forwarded_back',
)


def upgrade():
    # Plain ADD COLUMN (no batch rebuild): SQLite adds a NOT NULL column with a default.
    for name in COUNTS:
        op.add_column(
            'score_cells', sa.Column(name, sa.Integer(), server_default='0', nullable=False)
        )
    op.add_column('score_cells', sa.Column('forward_month', sa.Date(), nullable=True))
    op.add_column('score_cells', sa.Column('forward_until', sa.Date(), nullable=True))
    op.add_column('score_cell_builds', sa.Column('last_audit_id', sa.Integer(), nullable=True))
    op.create_index(
        'ix_score_cells_forwardings',
        'score_cells',
        ['forward_month', 'forward_until'],
        sqlite_where=sa.text('forward_month IS NOT NULL'),
        postgresql_where=sa.text('forward_month IS NOT NULL'),
    )
    op.create_index(
        'ix_score_cells_audits',
        'score_cells',
        ['due_month', 'answer_month', 'body_id', 'audited', 'audited_lawful'],
        sqlite_where=sa.text('audited > 0'),
        postgresql_where=sa.text('audited > 0'),
    )
    # Cells of the old shape lack these sums: drop them, the next build counts them afresh
    # (until then the pages count live).
    op.execute('DELETE FROM score_cells')
    op.execute('DELETE FROM score_cell_builds')


def downgrade():
    op.drop_index('ix_score_cells_audits', table_name='score_cells')
    op.drop_index('ix_score_cells_forwardings', table_name='score_cells')
    with op.batch_alter_table('score_cell_builds', schema=None) as batch_op:
        batch_op.drop_column('last_audit_id')
    with op.batch_alter_table('score_cells', schema=None) as batch_op:
        for name in ('forward_until', 'forward_month', *reversed(COUNTS)):
            batch_op.drop_column(name)
