"""The appeal's language through the API and Open311: optional, the request's language by
default, an unknown one refused with nothing saved."""

from __future__ import annotations

from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal
from tests.open311.test_conformance import post as post_request
from tests.samples import NOTHING_SAVED, appeal_fields, saved_counts


def the_appeal() -> Appeal:
    return db.session.execute(select(Appeal)).scalar_one()


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
