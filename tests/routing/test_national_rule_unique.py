"""Two national rules for the same category and body cannot both exist, even when two
admins save them at the same moment (a unique constraint alone lets NULL regions repeat)."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from appeals.extensions import db
from appeals.reference.models import RoutingRule


def test_database_refuses_a_second_national_rule():
    national = db.session.execute(
        select(RoutingRule).where(RoutingRule.region_id.is_(None)).limit(1)
    ).scalar_one()
    db.session.add(
        RoutingRule(category_id=national.category_id, region_id=None, body_id=national.body_id)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
