"""The choices made from the reference tables are kept in each process: the forms read the
category and region trees once, and again only after the regions, the bodies or the
categories change, whichever way the change was made (a trigger counts it)."""

from __future__ import annotations

import re

import flask_babel
import sqlalchemy as sa
from sqlalchemy import delete, insert, select, text, update

from appeals.extensions import db
from appeals.reference.choices import tree_choices
from appeals.reference.models import Category, Region, reference_changes
from tests.conftest import tables_restored
from tests.ops.test_request_costs import statements_sent
from tests.pages import field_options
from tests.work.test_integrity import _flask_db

ALMATY = "750000000"
READS_A_TREE = re.compile(r"\bFROM (categories|regions)\b")


def _version() -> int:
    return db.session.execute(select(reference_changes.c.version)).scalar_one()


def _labels(html: str, name: str) -> list[str]:
    return [label.strip("\u2003 ") for label in field_options(html, name).values()]


def test_the_form_reads_the_trees_once_while_they_stand(client, login, make_user):
    login(make_user())
    assert client.get("/appeals/new").status_code == 200  # this process keeps them now
    with statements_sent(READS_A_TREE.search) as sent:
        html = client.get("/appeals/new").get_data(as_text=True)
    assert sent == []
    assert "Healthcare" in _labels(html, "category_id")
    assert "Almaty" in _labels(html, "region_id")


def test_a_change_shows_on_the_next_form_however_it_was_made(client, login, make_user):
    """A rename through the ORM, a region taken off by plain SQL: each reaches every form
    (the appeal form, the inbox's filter, the ratings' regions) on its next request."""
    login(make_user())
    client.get("/appeals/new")
    client.get("/ratings/")
    with tables_restored(("regions", "categories", "bodies")):
        db.session.execute(
            update(Category).where(Category.code == "healthcare").values(name_en="Public health")
        )
        db.session.commit()
        html = client.get("/appeals/new").get_data(as_text=True)
        assert "Public health" in _labels(html, "category_id")
        assert "Healthcare" not in _labels(html, "category_id")

        db.session.execute(text(f"UPDATE regions SET is_active = false WHERE code = '{ALMATY}'"))
        db.session.commit()
        html = client.get("/appeals/new").get_data(as_text=True)
        assert "Almaty" not in _labels(html, "region_id")
        assert "Almaty" not in _labels(client.get("/ratings/").get_data(as_text=True), "region")
        assert "Astana" in _labels(html, "region_id")


def test_a_page_reads_the_count_of_changes_once(client, login, make_user):
    login(make_user())
    client.get("/appeals/new")
    with statements_sent(re.compile(r"\bFROM reference_changes\b").search) as sent:
        html = client.get("/appeals/new").get_data(as_text=True)
    # The category tree and the region tree are checked against the same count.
    assert len(sent) == 1
    assert "Healthcare" in _labels(html, "category_id") and "Almaty" in _labels(html, "region_id")


def test_a_change_flushed_in_this_transaction_shows_in_it(app):
    with tables_restored(("regions", "categories", "bodies")), app.test_request_context():
        assert "Healthcare" in [label for _id, label in tree_choices(Category)]
        category = db.session.execute(
            select(Category).where(Category.code == "healthcare")
        ).scalar_one()
        category.name_en = "Public health"
        db.session.flush()
        labels = [label for _id, label in tree_choices(Category)]
        assert "Public health" in labels and "Healthcare" not in labels
        db.session.commit()  # what was made under the new count is what the tables now hold


def test_choices_made_before_a_rollback_are_not_kept_for_the_next_change(app):
    with tables_restored(("regions", "categories", "bodies")), app.test_request_context():
        healthcare = select(Category).where(Category.code == "healthcare")
        db.session.execute(healthcare).scalar_one().name_en = "Rolled back"
        db.session.flush()
        assert "Rolled back" in [label for _id, label in tree_choices(Category)]
        db.session.rollback()
        # Another change commits and takes the count the rolled-back one had.
        education = select(Category).where(Category.code == "education")
        db.session.execute(education).scalar_one().name_en = "Schooling"
        db.session.commit()
        labels = [label for _id, label in tree_choices(Category)]
        assert "Schooling" in labels and "Healthcare" in labels and "Rolled back" not in labels


def test_each_language_is_kept_apart(client):
    english = client.get("/appeals/anonymous", headers={"Accept-Language": "en"})
    flask_babel.refresh()  # the tests' app context would keep the first request's locale
    kazakh = client.get("/appeals/anonymous", headers={"Accept-Language": "kk"})
    flask_babel.refresh()
    english, kazakh = english.get_data(as_text=True), kazakh.get_data(as_text=True)
    assert "Astana" in _labels(english, "region_id")
    assert "Астана қаласы" in _labels(kazakh, "region_id")
    assert "Astana" not in _labels(kazakh, "region_id")


def test_every_change_of_the_three_tables_is_counted():
    with tables_restored(("regions", "categories", "bodies")):
        seen = [_version()]
        db.session.execute(
            insert(Category).values(code="test.new", name_ru="Новая", name_en="New", is_active=True)
        )
        seen.append(_version())
        db.session.execute(
            update(Category).where(Category.code == "test.new").values(name_en="Newer")
        )
        seen.append(_version())
        db.session.execute(delete(Category).where(Category.code == "test.new"))
        seen.append(_version())
        db.session.execute(text("UPDATE bodies SET name_en = name_en WHERE code = 'health-71'"))
        seen.append(_version())
        db.session.execute(update(Region).where(Region.code == ALMATY).values(is_active=True))
        seen.append(_version())
        db.session.rollback()
        assert seen == sorted(set(seen)), seen  # each change moved the count


def test_the_migration_adds_the_counter_and_takes_it_away(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    _flask_db(url, "upgrade")
    engine = sa.create_engine(url)
    add_region = (
        "INSERT INTO regions (code, name_ru, name_en, level, is_active) "
        "VALUES ('{code}', 'Тест', 'Test', 'region', 1)"
    )
    with engine.begin() as connection:
        connection.execute(text(add_region.format(code="1")))
        assert connection.execute(text("SELECT version FROM reference_changes")).scalar() == 1
    _flask_db(url, "downgrade", "c7d9e1f3a5b8")
    with engine.begin() as connection:
        connection.execute(text(add_region.format(code="2")))  # no trigger left behind
        assert "reference_changes" not in sa.inspect(connection).get_table_names()
    engine.dispose()
