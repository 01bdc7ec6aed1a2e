"""The API offers the access-to-information kind like the form (its schema derives from
AppealKind), and a kind off the list is a 422 with nothing saved."""

from __future__ import annotations

from appeals.extensions import db
from appeals.intake.models import Appeal
from tests.samples import NOTHING_SAVED, appeal_fields, saved_counts


def test_a_request_for_information_is_submitted_through_the_api(api_as, people):
    api = api_as(people.citizen)
    response = api.post(
        "/api/v1/appeals",
        json=appeal_fields(kind="information", category_id=None)
        | {"category_id": int(appeal_fields()["category_id"])},
    )
    assert response.status_code == 201, response.get_json()
    appeal = db.session.get(Appeal, response.get_json()["appeal"]["id"])
    assert appeal.kind == "information" and appeal.number.startswith("ДИ-")
    assert response.get_json()["appeal"]["kind"] == "information"


def test_an_unknown_kind_is_refused(api_as, people):
    api = api_as(people.citizen)
    db.session.commit()
    response = api.post(
        "/api/v1/appeals",
        json=appeal_fields(kind="petition") | {"category_id": int(appeal_fields()["category_id"])},
    )
    assert response.status_code == 422 and "kind" in str(response.get_json())
    assert saved_counts() == NOTHING_SAVED
