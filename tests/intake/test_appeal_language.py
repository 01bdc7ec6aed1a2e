"""The appeal's language: chosen on the form (the interface language by default), stored, and
taken by the API and Open311 (optional there, the request's language by default)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.language import LANGUAGES
from tests.api.conftest import api_as, token_for  # noqa: F401  (fixtures)
from tests.open311.test_conformance import post as post_request
from tests.pages import field_error, field_options, field_value
from tests.samples import NOTHING_SAVED, appeal_fields, saved_counts
from tests.work.conftest import people  # noqa: F401  (fixture)


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


def test_the_api_takes_an_optional_language(api_as, people):
    api = api_as(people.citizen)
    fields = appeal_fields(language="en")
    fields["category_id"] = int(fields["category_id"])
    response = api.post("/api/v1/appeals", json=fields)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["appeal"]["language"] == "en"


def test_without_a_language_the_api_takes_the_requests_language(api_as, people):
    api = api_as(people.citizen)
    fields = appeal_fields()
    fields["category_id"] = int(fields["category_id"])
    response = api.post("/api/v1/appeals", json=fields, headers={"Accept-Language": "ru"})
    assert response.get_json()["appeal"]["language"] == "ru"


def test_the_api_refuses_an_unknown_language_with_422(api_as, people):
    api = api_as(people.citizen)
    db.session.commit()
    fields = appeal_fields(language="xx")
    fields["category_id"] = int(fields["category_id"])
    response = api.post("/api/v1/appeals", json=fields)
    assert response.status_code == 422
    assert "language" in str(response.get_json())
    assert saved_counts() == NOTHING_SAVED


def test_open311_takes_an_optional_language_attribute(client, people, token_for):
    key = token_for(people.citizen, scopes=("write",))
    assert post_request(client, "json", key, **{"attribute[language]": "en"}).status_code == 201
    assert the_appeal().language == "en"

    response = post_request(client, "json", key, **{"attribute[language]": "xx"})
    assert response.status_code == 400
    assert len(db.session.execute(select(Appeal)).all()) == 1
