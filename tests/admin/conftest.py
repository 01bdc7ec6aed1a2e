"""Fixtures of the admin tests: a signed-in admin, and the reference tables put back as they
were after each test (conftest's WRITTEN_TABLES leaves holidays and deadline_policies alone,
so a day or a policy version left behind would shift other tests' due dates)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from appeals.accounts.models import Role
from appeals.extensions import db

REFERENCE_TABLES = ("holidays", "deadline_policies")


def _rows(table) -> dict[int, dict]:
    return {row["id"]: dict(row) for row in db.session.execute(select(table)).mappings()}


@pytest.fixture(autouse=True)
def restore_deadline_data(app_ctx):
    """Snapshot the calendar and the policies; afterwards delete what was added, put back what
    was removed and undo what was edited."""
    tables = [db.metadata.tables[name] for name in REFERENCE_TABLES]
    snapshots = {table.name: _rows(table) for table in tables}
    yield
    db.session.rollback()
    appeals = db.metadata.tables["appeals"]
    # The appeals are emptied only after this fixture: unhook them from the versions that go.
    db.session.execute(
        update(appeals)
        .where(appeals.c.policy_id.not_in(list(snapshots["deadline_policies"])))
        .values(policy_id=None)
    )
    for table in tables:
        before = snapshots[table.name]
        db.session.execute(delete(table).where(table.c.id.not_in(list(before))))
        now = _rows(table)
        for row_id, row in before.items():
            if row_id not in now:
                db.session.execute(insert(table).values(row))
            elif now[row_id] != row:
                db.session.execute(update(table).where(table.c.id == row_id).values(row))
    db.session.commit()
    assert {table.name: _rows(table) for table in tables} == snapshots


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def admin_client(client, admin, login):
    """The test client, signed in as an admin."""
    login(admin)
    return client
