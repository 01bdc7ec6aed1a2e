"""The appeal form: who may use it, what it refuses, and that a refused one saves nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus
from tests.factories import category_id, region_id
from tests.pages import (
    csrf_token,
    field_error,
    field_options,
    field_value,
    page_text,
    selected_options,
)
from tests.samples import NOTHING_SAVED, appeal_fields, saved_counts


@pytest.fixture
def citizen(make_user, login):
    user = make_user()
    login(user)
    return user


def test_form_needs_sign_in(client):
    response = client.get("/appeals/new")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_post_without_sign_in_saves_nothing(client):
    response = client.post("/appeals/new", data=appeal_fields())

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert saved_counts() == NOTHING_SAVED


def test_valid_appeal_is_registered_and_the_receipt_shown(client, citizen):
    response = client.post("/appeals/new", data=appeal_fields())

    assert response.status_code == 302
    appeal = db.session.execute(select(Appeal)).scalar_one()
    assert response.headers["Location"] == f"/appeals/{appeal.id}/receipt"
    assert appeal.applicant_id == citizen.id
    assert appeal.subject == "No appointment with a doctor"
    assert appeal.text.startswith("I have been waiting")
    assert appeal.status == AppealStatus.REGISTERED
    assert appeal.current_body.code == "health-71"
    assert [e.kind for e in appeal.events] == ["submitted", "routed"]


def test_form_lists_categories_and_places_but_not_the_country(client, citizen):
    page = client.get("/appeals/new").get_data(as_text=True)

    categories = field_options(page, "category_id")
    places = field_options(page, "region_id")
    assert categories[str(category_id("healthcare.medicines"))] == "Medicines"
    assert categories[str(category_id("corruption"))] == "Corruption"
    assert places[str(region_id("751410000"))] == "Bostandyk District"
    assert str(region_id("000000000")) not in places


def test_form_preselects_no_category_and_no_region(client, citizen):
    page = client.get("/appeals/new").get_data(as_text=True)

    for name in ("category_id", "region_id"):
        options = field_options(page, name)
        assert next(iter(options.items())) == ("", "Choose…"), name
        assert set(selected_options(page, name)) <= {""}, name


LONG_TEXT = object()  # placeholder: one character over the configured maximum
LONG_SUBJECT = object()

REFUSED = [
    # (why, changed fields, field that shows the error, part of the message)
    ("empty subject", {"subject": ""}, "subject", "required"),
    ("subject of spaces", {"subject": "    "}, "subject", "required"),
    ("subject too short", {"subject": "Help"}, "subject", "between 5"),
    ("subject too long", {"subject": LONG_SUBJECT}, "subject", "between 5"),
    ("empty text", {"text": ""}, "text", "required"),
    ("text too short", {"text": "Please help me."}, "text", "between 20"),
    ("text over the maximum", {"text": LONG_TEXT}, "text", "between 20"),
    ("unknown category id", {"category_id": "999999"}, "category_id", "Not a valid choice"),
    # Not a number is no choice at all: the field asks for one.
    ("category id not a number", {"category_id": "healthcare"}, "category_id", "Choose what"),
    ("no category chosen", {"category_id": ""}, "category_id", "Choose what the appeal is about"),
    ("no region chosen", {"region_id": ""}, "region_id", "Choose the region"),
    ("unknown region id", {"region_id": "999999"}, "region_id", "Not a valid choice"),
    ("the country as a place", {"region_id": "COUNTRY"}, "region_id", "Not a valid choice"),
    ("unknown kind", {"kind": "petition"}, "kind", "Not a valid choice"),
]


@pytest.mark.parametrize(
    ("why", "changes", "field", "message"), REFUSED, ids=[case[0] for case in REFUSED]
)
def test_wrong_field_is_marked_and_nothing_is_saved(
    app, client, citizen, why, changes, field, message
):
    values = dict(changes)
    if values.get("text") is LONG_TEXT:
        values["text"] = "x" * (app.config["APPEAL_TEXT_MAX"] + 1)
    if values.get("subject") is LONG_SUBJECT:
        values["subject"] = "x" * (app.config["APPEAL_SUBJECT_MAX"] + 1)
    if values.get("region_id") == "COUNTRY":
        values["region_id"] = str(region_id("000000000"))

    response = client.post("/appeals/new", data=appeal_fields(**values))

    assert response.status_code == 200, why
    page = response.get_data(as_text=True)
    error = field_error(page, field)
    assert error is not None and message in error, f"{why}: {error!r}"
    assert "Please correct the marked fields" in page_text(page)
    assert saved_counts() == NOTHING_SAVED


def test_a_refusal_says_each_thing_once_however_many_forms_came_before(client, citizen):
    """Each form has its own length checks: they once piled up on the class, one more for
    every form built in the process, and the message came as many times."""
    for _ in range(3):
        client.get("/appeals/new")
    response = client.post("/appeals/new", data=appeal_fields(subject="Help", text="Too short."))

    page = response.get_data(as_text=True)
    assert field_error(page, "subject").count("between 5") == 1
    assert field_error(page, "text").count("between 20") == 1


def test_text_of_exactly_the_maximum_is_accepted(app, client, citizen):
    text = "x" * app.config["APPEAL_TEXT_MAX"]

    response = client.post("/appeals/new", data=appeal_fields(text=text))

    assert response.status_code == 302
    assert db.session.execute(select(Appeal.text)).scalar_one() == text


def test_typed_subject_and_text_are_kept_after_a_refusal(client, citizen):
    typed = appeal_fields(
        subject="Broken street light on Abai avenue",
        text="The street light in front of house 12 has not worked since October.",
        category_id=str(category_id("utilities_housing.electricity")),
        region_id="999999",
    )

    page = client.post("/appeals/new", data=typed).get_data(as_text=True)

    assert field_error(page, "region_id") is not None
    assert field_value(page, "subject") == typed["subject"]
    assert field_value(page, "text") == typed["text"]
    assert field_value(page, "category_id") == typed["category_id"]
    assert saved_counts() == NOTHING_SAVED


def test_appeal_without_a_csrf_token_is_refused(app, client, citizen, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/appeals/new", data=appeal_fields())

    assert response.status_code == 400
    assert saved_counts() == NOTHING_SAVED


def test_appeal_with_the_forms_csrf_token_is_accepted(app, client, citizen, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token(client.get("/appeals/new").get_data(as_text=True))

    response = client.post("/appeals/new", data=appeal_fields(csrf_token=token))

    assert response.status_code == 302
    assert saved_counts()["appeals"] == 1
