"""The appeal's language: chosen on the form (the interface language by default), stored, and
taken by the API and Open311 (tests/api/test_appeal_language.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.language import LANGUAGES
from tests.pages import field_error, field_options, field_value
from tests.samples import NOTHING_SAVED, appeal_fields, saved_counts


@pytest.fixture
def citizen(make_user, login):
    user = make_user()
    login(user)
    return user


def the_appeal() -> Appeal:
    return db.session.execute(select(Appeal)).scalar_one()


@pytest.mark.parametrize("interface", ["ru", "en"])
def test_the_form_offers_every_language_and_preselects_the_interface_language(
    client, citizen, interface
):
    page = client.get("/appeals/new", headers={"Accept-Language": interface})
    html = page.get_data(as_text=True)
    assert set(field_options(html, "language")) == set(LANGUAGES)
    assert field_value(html, "language") == interface


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_chosen_language_is_stored(client, citizen, language):
    response = client.post("/appeals/new", data=appeal_fields(language=language))
    assert response.status_code == 302
    assert the_appeal().language == language


def test_without_a_choice_the_appeal_takes_the_interface_language(client, citizen):
    client.post("/appeals/new", data=appeal_fields(), headers={"Accept-Language": "en"})
    assert the_appeal().language == "en"


def test_an_unknown_language_is_a_form_error_and_nothing_is_saved(client, citizen):
    response = client.post("/appeals/new", data=appeal_fields(language="xx", subject="Kept"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "language")
    assert field_value(page, "subject") == "Kept"
    assert saved_counts() == NOTHING_SAVED


def test_the_anonymous_form_stores_the_language(client):
    client.post(
        "/appeals/anonymous", data=appeal_fields(language="en", contact_email="", kind="report")
    )
    assert the_appeal().language == "en"
