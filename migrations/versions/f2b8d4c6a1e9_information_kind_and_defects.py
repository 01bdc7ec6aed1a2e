"""deadline policies: the access-to-information kind (Law No. 401-V, art. 11), a refusal
window and the longest time to fix defects (APPK art. 64(6)-(7)); appeals: the date to fix
defects by

Revision ID: f2b8d4c6a1e9
Revises: f7b2d94c1e60
Create Date: 2026-12-05 03:40:00

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2b8d4c6a1e9'
down_revision = "f7b2d94c1e60"
branch_labels = None
depends_on = None

# The seeded sources as migration 0c5f2e7a9b13 left them, and as the seed now writes them
# (appeals/deadlines/policies.py); written out, as a migration must not change with the code.
GENERAL = (
    "APPK (Code of 29 June 2020 No. 350-VI), art. 76: 15 working days from receipt; "
    "extension by a reasoned decision of the head, the whole term at most two months; "
    "day 1 the working day after receipt (the Code does not settle it)"
)
COMPLAINT = (
    "APPK art. 99: 20 working days from receipt, no extension; art. 100(5): not decided in "
    "time, deemed rejected from the day the term expires"
)
DEFECTS = "; art. 64(6)-(7): defects fixed by a set date, at most 10 working days"
INFORMATION = (
    "Law on access to information (16.11.2015 No. 401-V), art. 11: 15 calendar days from "
    "registration, one extension of at most 15 calendar days (notice within 3 working days), "
    "reasoned refusal within 5 working days, forwarding within 3 working days"
)
FZ59 = (
    "Federal Law of 2 May 2006 No. 59-FZ, art. 12: 30 days from registration, one extension "
    "of at most 30 days; art. 8(3): forwarding within 7 days"
)
FZ59_INFORMATION = FZ59 + " (the profile's general term for a request for information)"

policies = sa.table(
    "deadline_policies",
    sa.column("profile", sa.String),
    sa.column("kind", sa.String),
    sa.column("term", sa.Integer),
    sa.column("unit", sa.String),
    sa.column("extensions_allowed", sa.Integer),
    sa.column("extension_max", sa.Integer),
    sa.column("extension_unit", sa.String),
    sa.column("total_cap_months", sa.Integer),
    sa.column("forward_within", sa.Integer),
    sa.column("suspension_allowed", sa.Boolean),
    sa.column("first_day_is_receipt", sa.Boolean),
    sa.column("refusal_within", sa.Integer),
    sa.column("defect_fix_max", sa.Integer),
    sa.column("effective_from", sa.Date),
    sa.column("source", sa.String),
)

NEW_ROWS = [
    dict(
        profile="appk", kind="information", term=15, unit="calendar", extensions_allowed=1,
        extension_max=15, extension_unit="calendar", total_cap_months=None, forward_within=3,
        suspension_allowed=False, first_day_is_receipt=False, refusal_within=5,
        defect_fix_max=None, effective_from=date(2016, 1, 1), source=INFORMATION,
    ),
    dict(
        profile="59fz", kind="information", term=30, unit="calendar", extensions_allowed=1,
        extension_max=30, extension_unit="calendar", total_cap_months=None, forward_within=7,
        suspension_allowed=False, first_day_is_receipt=False, refusal_within=None,
        defect_fix_max=None, effective_from=date(2006, 11, 2), source=FZ59_INFORMATION,
    ),
]


def upgrade():
    with op.batch_alter_table('deadline_policies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refusal_within', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('defect_fix_max', sa.Integer(), nullable=True))
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fix_by', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_appeals_fix_by'), ['fix_by'], unique=False)
    # The seeded APPK statement and complaint rows get the defects path; rows an admin has
    # changed (another source text) are left to the admin.
    for kind, old in (("statement", GENERAL), ("complaint", COMPLAINT)):
        op.execute(
            policies.update()
            .where(policies.c.profile == "appk", policies.c.kind == kind,
                   policies.c.source == old)
            .values(defect_fix_max=10, source=old + DEFECTS)
        )
    # The new kind's rows, where a database was seeded at all (a fresh one is seeded later by
    # `flask seed`, which adds every missing row) and has no such row yet.
    bind = op.get_bind()
    seeded = bind.execute(sa.select(sa.func.count()).select_from(policies)).scalar()
    for row in NEW_ROWS:
        exists = bind.execute(
            sa.select(sa.func.count()).select_from(policies).where(
                policies.c.profile == row["profile"], policies.c.kind == row["kind"],
                policies.c.effective_from == row["effective_from"],
            )
        ).scalar()
        if seeded and not exists:
            op.execute(policies.insert().values(**row))


def downgrade():
    op.execute(
        policies.delete().where(
            policies.c.kind == "information",
            policies.c.source.in_([INFORMATION, FZ59_INFORMATION]),
        )
    )
    for kind, old in (("statement", GENERAL), ("complaint", COMPLAINT)):
        op.execute(
            policies.update()
            .where(policies.c.profile == "appk", policies.c.kind == kind,
                   policies.c.source == old + DEFECTS)
            .values(source=old)
        )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_fix_by'))
        batch_op.drop_column('fix_by')
    with op.batch_alter_table('deadline_policies', schema=None) as batch_op:
        batch_op.drop_column('defect_fix_max')
        batch_op.drop_column('refusal_within')
