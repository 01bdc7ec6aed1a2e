"""deadline policies: the first counting day as a policy field, and the APPK complaint term
without extension (art. 99; deemed rejection, art. 100(5))

Revision ID: 0c5f2e7a9b13
Revises: 6938516d15e5
Create Date: 2026-12-05 01:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0c5f2e7a9b13'
down_revision = '6938516d15e5'
branch_labels = None
depends_on = None

OLD_SOURCE = (
    "APPK, chapter on complaints (art. 100, to verify): 20 working days, "
    "extension at most 10 working days"
)
NEW_SOURCE = (
    "APPK art. 99: 20 working days from receipt, no extension; art. 100(5): not decided in "
    "time, deemed rejected from the day the term expires"
)
OLD_GENERAL = (
    "APPK (Code of 29 June 2020 No. 350-VI), art. 76: 15 working days from receipt; "
    "extension by a reasoned decision of the head, the whole term at most two months"
)
NEW_GENERAL = OLD_GENERAL + (
    "; day 1 the working day after receipt (the Code does not settle it)"
)

policies = sa.table(
    "deadline_policies",
    sa.column("profile", sa.String),
    sa.column("kind", sa.String),
    sa.column("extensions_allowed", sa.Integer),
    sa.column("extension_max", sa.Integer),
    sa.column("source", sa.String),
)


def upgrade():
    with op.batch_alter_table('deadline_policies', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('first_day_is_receipt', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # The seeded APPK complaint rows as the seed had them: the article allows no extension.
    # Rows an admin has changed (another source text) are left to the admin.
    op.execute(
        policies.update()
        .where(policies.c.profile == "appk", policies.c.kind == "complaint",
               policies.c.source == OLD_SOURCE)
        .values(extensions_allowed=0, extension_max=0, source=NEW_SOURCE)
    )
    op.execute(
        policies.update()
        .where(policies.c.profile == "appk", policies.c.source == OLD_GENERAL)
        .values(source=NEW_GENERAL)
    )


def downgrade():
    op.execute(
        policies.update()
        .where(policies.c.profile == "appk", policies.c.source == NEW_GENERAL)
        .values(source=OLD_GENERAL)
    )
    op.execute(
        policies.update()
        .where(policies.c.profile == "appk", policies.c.kind == "complaint",
               policies.c.source == NEW_SOURCE)
        .values(extensions_allowed=1, extension_max=10, source=OLD_SOURCE)
    )
    with op.batch_alter_table('deadline_policies', schema=None) as batch_op:
        batch_op.drop_column('first_day_is_receipt')
