"""Walking up the trees of regions, categories and bodies: one query, root last, and a
cycle (which the admin forms refuse, but a hand-made edit could leave) ends the walk."""

from __future__ import annotations

from sqlalchemy import event, select

from appeals.extensions import db
from appeals.reference.models import Category, Region, ancestor_chain
from tests.access.world import YESIL
from tests.factories import ASTANA, region_id


def test_a_district_walks_up_to_the_country_in_one_query(app_ctx):
    district = region_id(YESIL)
    sent: list[str] = []
    record = lambda *args: sent.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        chain = ancestor_chain(Region, district)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    root = db.session.execute(select(Region.id).where(Region.parent_id.is_(None))).scalar_one()
    assert chain == [district, region_id(ASTANA), root]
    assert len(sent) == 1


def test_a_cycle_ends_the_walk_where_it_closes(app_ctx):
    first = Category(code="loop-a", name_ru="А", name_en="A")
    second = Category(code="loop-b", name_ru="Б", name_en="B", parent=first)
    db.session.add_all([first, second])
    db.session.flush()
    first.parent_id = second.id  # never committed: rolled back with the test
    db.session.flush()

    assert ancestor_chain(Category, second.id) == [second.id, first.id]
    assert ancestor_chain(Category, 10**9) == [10**9]  # an id not stored is its own chain
