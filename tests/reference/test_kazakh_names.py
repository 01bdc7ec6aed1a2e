"""The Kazakh names of the reference data: every seeded row has one, the seed fills those an
older database lacks, and the migration adds and fills them by code (and goes back)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from flask_babel import get_locale, refresh
from sqlalchemy import select

from appeals.extensions import db
from appeals.reference.models import Body, Category, Region, name_choices
from appeals.reference.seed import seed_reference
from appeals.reference.seed_data import BODIES, CATEGORIES, REGIONS
from appeals.reference.seed_kk import BODIES_KK, CATEGORIES_KK, REGIONS_KK
from tests.conftest import tables_restored
from tests.pages import field_value

ROOT = Path(__file__).resolve().parents[2]
KAZAKH_LETTERS = set("әғқңөұүһі")


def test_every_seeded_row_has_a_kazakh_name():
    assert set(REGIONS_KK) == {r.code for r in REGIONS}
    assert set(CATEGORIES_KK) == {c.code for c in CATEGORIES}
    assert set(BODIES_KK) == {b.code for b in BODIES}
    assert len(BODIES_KK) == 155


def test_the_kato_names_of_the_oblasts_and_cities():
    assert REGIONS_KK["110000000"] == "Ақмола облысы"
    assert REGIONS_KK["190000000"] == "Алматы облысы"
    assert REGIONS_KK["710000000"] == "Астана қаласы"
    assert REGIONS_KK["750000000"] == "Алматы қаласы"
    tops = [r for r in REGIONS if r.level in ("region", "city")]
    assert len(tops) == 20
    for region in tops:
        suffix = " облысы" if region.level == "region" else " қаласы"
        assert REGIONS_KK[region.code].endswith(suffix), region.code


def test_bodies_follow_the_patterns_in_the_genitive():
    assert BODIES_KK["akimat-71"] == "Астана қаласының әкімдігі"
    assert BODIES_KK["health-11"] == "Ақмола облысының денсаулық сақтау басқармасы"
    assert BODIES_KK["prosecutor-00"] == "Қазақстан Республикасының Бас прокуратурасы"
    assert BODIES_KK["akimat-751410000"] == "Алматы қаласы Бостандық ауданының әкімдігі"
    # Kazakh, not Russian left untranslated: each name has a letter of the Kazakh alphabet
    # (but "Мектептер", schools, which has none).
    names = [*BODIES_KK.values(), *CATEGORIES_KK.values()]
    lacking = [name for name in names if not set(name.lower()) & KAZAKH_LETTERS]
    assert lacking == ["Мектептер"]


def test_the_seed_fills_the_kazakh_names_an_older_database_lacks_and_keeps_an_admins():
    with tables_restored(("regions", "categories", "bodies")):
        astana = db.session.execute(select(Region).where(Region.code == "710000000")).scalar_one()
        schools = db.session.execute(
            select(Category).where(Category.code == "education.schools")
        ).scalar_one()
        akimat = db.session.execute(select(Body).where(Body.code == "akimat-71")).scalar_one()
        astana.name_kk = akimat.name_kk = None
        schools.name_kk = "Мектептер (әкімші атауы)"  # an admin's own name
        db.session.commit()

        seed_reference()
        db.session.commit()

        assert astana.name_kk == "Астана қаласы"
        assert akimat.name_kk == "Астана қаласының әкімдігі"
        assert schools.name_kk == "Мектептер (әкімші атауы)"


def _flask_db(database: Path, *args: str) -> None:
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "migration-test",
        "APPEALS_INSTANCE_DIR": str(database.parent),
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "appeals", "db", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def _columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


def test_the_migration_adds_and_fills_the_kazakh_names_and_the_users_language(tmp_path):
    database = tmp_path / "old.sqlite3"
    _flask_db(database, "upgrade", "d3a9c61f7e28")  # the schema before Kazakh
    with sqlite3.connect(database) as old:
        old.executemany(
            "INSERT INTO regions (code, name_ru, name_en, level, is_active) VALUES (?, ?, ?, ?, 1)",
            [
                ("750000000", "г. Алматы", "Almaty", "city"),
                ("990000000", "Новый регион", "New Region", "region"),  # an admin's, unseeded
            ],
        )
        old.execute(
            "INSERT INTO categories (code, name_ru, name_en, is_active) "
            "VALUES ('healthcare', 'Здравоохранение', 'Healthcare', 1)"
        )
        old.execute(
            "INSERT INTO bodies (code, name_ru, name_en, kind, is_active) "
            "VALUES ('akimat-751410000', 'Акимат', 'Akimat', 'akimat', 1)"
        )

    _flask_db(database, "upgrade")

    with sqlite3.connect(database) as new:
        regions = dict(new.execute("SELECT code, name_kk FROM regions"))
        assert regions == {"750000000": "Алматы қаласы", "990000000": None}
        assert list(new.execute("SELECT name_kk FROM categories")) == [("Денсаулық сақтау",)]
        assert list(new.execute("SELECT name_kk FROM bodies")) == [
            ("Алматы қаласы Бостандық ауданының әкімдігі",)
        ]
        assert "language" in _columns(new, "users")

    _flask_db(database, "downgrade", "d3a9c61f7e28")

    with sqlite3.connect(database) as back:
        assert "name_kk" not in _columns(back, "regions") | _columns(back, "bodies")
        assert "language" not in _columns(back, "users")
        assert dict(back.execute("SELECT code, name_en FROM regions"))["750000000"] == "Almaty"


def test_the_admin_gives_a_kazakh_name_and_kazakh_readers_see_it(admin_client, restore_reference):
    from tests.reference.test_reference_admin import region_form

    response = admin_client.post(
        "/admin/routing/regions/new", data=region_form(name_kk="  Жаңа аудан  ")
    )
    assert response.status_code == 302
    added = db.session.execute(select(Region).where(Region.code == "711999990")).scalar_one()
    assert added.name_kk == "Жаңа аудан"  # trimmed

    edit = f"/admin/routing/regions/{added.id}/edit"
    page = admin_client.get(edit).get_data(as_text=True)
    assert field_value(page, "name_kk") == "Жаңа аудан"
    admin_client.post(edit, data=region_form(name_kk=""))  # optional: emptied, it is None
    db.session.refresh(added)
    assert added.name_kk is None
    db.session.commit()


def test_the_bodies_to_choose_are_named_as_each_reader_reads_them(app, restore_reference):
    """The forward form's list of bodies (read as columns, not objects) names each body as
    its page does, in each language, and a body without its Kazakh name shows its Russian one
    to a Kazakh reader."""
    nameless = db.session.scalars(select(Body).order_by(Body.id)).first()
    nameless.name_kk = None
    db.session.flush()
    for language in ("kk", "ru", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            refresh()  # Flask-Babel keeps the app context's first locale otherwise
            assert str(get_locale()) == language
            bodies = db.session.scalars(select(Body).where(Body.is_active)).all()
            expected = sorted(((b.id, b.name) for b in bodies), key=lambda c: c[1])
            assert name_choices(Body, Body.is_active) == expected
            assert dict(expected)[nameless.id] == (
                nameless.name_ru if language != "en" else nameless.name_en
            )
    db.session.rollback()
