"""Fixtures of the routing tests: a signed-in admin, the reference tables put back as they were
(conftest's WRITTEN_TABLES leaves regions, bodies, categories and rules alone, so a row added or
deactivated here would change other tests' routing), and rules switched off for a category in a
region so that appeals land in the manual routing queue."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, or_, select, update

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.reference.models import Category, Region, RoutingRule
from appeals.routing.rules import ancestor_chain
from tests.conftest import WRITTEN_TABLES
from tests.factories import category_id, region_id

# Children after parents: rows added by a test are deleted in the reverse order.
REFERENCE_TABLES = ("regions", "categories", "bodies", "routing_rules")


def _rows(table) -> dict[int, dict]:
    return {row["id"]: dict(row) for row in db.session.execute(select(table)).mappings()}


@pytest.fixture
def restore_reference(app_ctx):
    """Snapshot the reference tables; afterwards undo every edit, deactivation and addition."""
    tables = [db.metadata.tables[name] for name in REFERENCE_TABLES]
    snapshots = {table.name: _rows(table) for table in tables}
    yield
    db.session.rollback()
    # Appeals and users may point at rows the test added: empty them first (as app_ctx would).
    for name in WRITTEN_TABLES:
        db.session.execute(delete(db.metadata.tables[name]))
    # Put edited rows back first, so no old row still points at a row about to be deleted.
    for table in tables:
        now = _rows(table)
        for row_id, row in snapshots[table.name].items():
            if row_id not in now:
                db.session.execute(insert(table).values(row))
            elif now[row_id] != row:
                db.session.execute(update(table).where(table.c.id == row_id).values(row))
    for table in reversed(tables):
        db.session.execute(delete(table).where(table.c.id.not_in(list(snapshots[table.name]))))
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


@pytest.fixture
def no_rules_for():
    """Deactivate every rule that could route a category in a region (committed, since the
    intake commits), and reactivate exactly those afterwards."""
    switched: list[int] = []

    def deactivate(category: str, region: str) -> list[int]:
        categories = ancestor_chain(Category, category_id(category))
        regions = ancestor_chain(Region, region_id(region))
        ids = list(
            db.session.execute(
                select(RoutingRule.id).where(
                    RoutingRule.is_active,
                    RoutingRule.category_id.in_(categories),
                    or_(RoutingRule.region_id.in_(regions), RoutingRule.region_id.is_(None)),
                )
            ).scalars()
        )
        switched.extend(ids)
        db.session.execute(
            update(RoutingRule).where(RoutingRule.id.in_(ids)).values(is_active=False)
        )
        db.session.commit()
        return ids

    yield deactivate
    db.session.rollback()
    if switched:
        db.session.execute(
            update(RoutingRule).where(RoutingRule.id.in_(switched)).values(is_active=True)
        )
        db.session.commit()
