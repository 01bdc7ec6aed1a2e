"""A real 30 MB POST (over MAX_CONTENT_LENGTH) to a form with files: the same form comes back
as a 413 with everything typed still in it and the message next to the files; nothing saved.
The appeal form (signed in and anonymous), the applicant's "add documents" form, the
official's answer form; and with CSRF on, as in production (its check reads the form)."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from appeals.extensions import db
from appeals.intake.models import Answer, Appeal, Event
from tests.factories import ASTANA, category_id, region_id
from tests.pages import csrf_token, field_error, field_value
from tests.work.conftest import appeal, assigned, people  # noqa: F401  (fixtures)

THIRTY_MB = 30 * 1024 * 1024
SUBJECT = "Потоп в подвале дома № 5"
TEXT = "Второй месяц в подвале стоит вода.\nУправляющая компания не отвечает. Прошу помочь."


def _big_file(name: str = "scan.pdf") -> tuple[BytesIO, str]:
    return BytesIO(b"%PDF-1.4\n" + b"0" * THIRTY_MB), name


def _appeal_data() -> dict:
    return {
        "kind": "proposal",
        "category_id": str(category_id("healthcare")),
        "region_id": str(region_id(ASTANA)),
        "subject": SUBJECT,
        "text": TEXT,
        "attachments": [_big_file()],
    }


def _kept(html: str, prefix: str = "") -> None:
    assert field_value(html, f"{prefix}text") == TEXT
    error = field_error(html, f"{prefix}attachments")
    assert error and "The files were not received" in error and "30 MB were sent" in error


@pytest.mark.parametrize("url", ["/appeals/new", "/appeals/anonymous"])
def test_the_appeal_form_comes_back_with_what_was_typed(client, make_user, login, url):
    if url == "/appeals/new":
        login(make_user())
    data = _appeal_data() | ({"repeats_id": "0"} if url == "/appeals/new" else {})
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    _kept(html)
    assert field_value(html, "subject") == SUBJECT
    assert field_value(html, "kind") == "proposal"
    assert field_value(html, "category_id") == str(category_id("healthcare"))
    assert field_value(html, "region_id") == str(region_id(ASTANA))
    assert db.session.execute(select(func.count(Appeal.id))).scalar_one() == 0


def test_with_csrf_on_as_in_production(second_app, make_user):
    citizen = make_user()
    other = second_app(WTF_CSRF_ENABLED=True)
    client = other.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    signed_in = client.post(
        "/login",
        data={"email": citizen.email, "password": "correct-horse-battery", "csrf_token": token},
    )
    assert signed_in.status_code == 302
    page = client.get("/appeals/new").get_data(as_text=True)
    data = _appeal_data() | {"repeats_id": "0", "csrf_token": csrf_token(page)}
    response = client.post("/appeals/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    _kept(response.get_data(as_text=True))
    # A forged one (no token) still gets no form back: the generic page.
    forged = client.post(
        "/appeals/new",
        data=_appeal_data() | {"repeats_id": "0"},
        content_type="multipart/form-data",
    )
    assert forged.status_code == 413 and "What you typed is kept" not in forged.get_data(True)
    assert db.session.execute(select(func.count(Appeal.id))).scalar_one() == 0


def test_adding_documents_comes_back_with_the_clarification(client, login, people, appeal):  # noqa: F811
    login(people.citizen)
    events = db.session.execute(select(func.count(Event.id))).scalar_one()
    response = client.post(
        f"/appeals/{appeal.id}/supplement",
        data={
            "supplement-version": str(appeal.version),
            "supplement-text": TEXT,
            "supplement-attachments": [_big_file()],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    _kept(response.get_data(as_text=True), "supplement-")
    assert db.session.execute(select(func.count(Event.id))).scalar_one() == events


def test_the_answer_comes_back_with_its_text(client, login, people, assigned):  # noqa: F811
    login(people.official)
    answer = TEXT * 3
    response = client.post(
        f"/work/appeals/{assigned.id}/answer",
        data={
            "answer-version": str(assigned.version),
            "answer-decision": "partly_satisfied",
            "answer-text": answer,
            "answer-attachments": [_big_file()],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert field_value(html, "answer-text") == answer
    assert field_value(html, "answer-decision") == "partly_satisfied"
    assert "The files were not received" in field_error(html, "answer-attachments")
    assert db.session.execute(select(func.count(Answer.id))).scalar_one() == 0


def test_a_large_request_that_is_no_form_gets_the_error_page(client):
    response = client.post("/status", data=b"0" * THIRTY_MB, content_type="text/plain")
    assert response.status_code == 413
    assert "The request is larger than" in response.get_data(as_text=True)
