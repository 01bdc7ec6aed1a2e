"""Fixtures of the reference tables' tests (and the routing tests'): a signed-in admin, the
reference tables put back as they were (conftest's WRITTEN_TABLES leaves regions, bodies,
categories and rules alone, so a row added or deactivated here would change other tests'
routing), and rules switched off for a category in a region so that appeals land in the
manual routing queue."""

from __future__ import annotations

import pytest
from sqlalchemy import or_, select, update

from appeals.extensions import db
from appeals.reference.models import Category, Region, RoutingRule, ancestor_chain
from tests.conftest import tables_restored
from tests.factories import category_id, region_id

# Children after parents: rows added by a test are deleted in the reverse order.
REFERENCE_TABLES = ("regions", "categories", "bodies", "routing_rules")


@pytest.fixture
def restore_reference(app_ctx):
    """Afterwards undo every edit, deactivation and addition in the reference tables."""
    with tables_restored(REFERENCE_TABLES):
        yield


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
