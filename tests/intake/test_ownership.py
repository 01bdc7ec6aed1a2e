"""A citizen sees only their own appeals; anyone else's look exactly like ones that don't exist."""

from __future__ import annotations

import pytest

from appeals.extensions import db
from appeals.intake.models import Appeal
from tests.pages import page_text
from tests.samples import appeal_fields, minimal_pdf, minimal_png, upload


def submit_with_file(client, filename: str, content: bytes, subject: str) -> Appeal:
    response = client.post(
        "/appeals/new",
        data={**appeal_fields(subject=subject), "attachments": [upload(content, filename)]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    appeal_id = int(response.headers["Location"].split("/")[2])
    return db.session.get(Appeal, appeal_id)


@pytest.fixture
def two_citizens(client, make_user, login):
    """Aliya's appeal (with a PNG) and Berik's (with a PDF); Berik is signed in at the end."""
    aliya, berik = make_user(full_name="Aliya"), make_user(full_name="Berik")
    login(aliya)
    aliya_appeal = submit_with_file(
        client, "aliya-passport.png", minimal_png(), "Aliya's own matter"
    )
    client.post("/logout")
    login(berik)
    berik_appeal = submit_with_file(client, "berik.pdf", minimal_pdf(), "Berik's own matter")
    client.get("/")  # shows (and so clears) the "signed out" message
    return aliya_appeal, berik_appeal


def not_found_page(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, page_text(response.get_data(as_text=True))


def test_own_appeal_pages_are_open(client, two_citizens):
    _, own = two_citizens
    for url in (
        f"/appeals/{own.id}",
        f"/appeals/{own.id}/receipt",
        f"/appeals/{own.id}/attachments/{own.attachments[0].id}",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("page", ["detail", "receipt", "attachment"])
def test_another_citizens_appeal_is_not_found(client, two_citizens, page):
    theirs, _ = two_citizens
    url = {
        "detail": f"/appeals/{theirs.id}",
        "receipt": f"/appeals/{theirs.id}/receipt",
        "attachment": f"/appeals/{theirs.id}/attachments/{theirs.attachments[0].id}",
    }[page]

    status, body = not_found_page(client, url)

    assert status == 404  # not 403: whether the id exists is not revealed
    assert theirs.number not in body and theirs.subject not in body


def test_missing_appeal_answers_the_same_404(client, two_citizens):
    theirs, own = two_citizens
    missing = max(theirs.id, own.id) + 1000

    status_missing, page_missing = not_found_page(client, f"/appeals/{missing}")
    status_theirs, page_theirs = not_found_page(client, f"/appeals/{theirs.id}")

    assert status_missing == status_theirs == 404
    assert page_missing == page_theirs
    assert client.get(f"/appeals/{missing}/receipt").status_code == 404
    assert client.get(f"/appeals/{missing}/attachments/1").status_code == 404


def test_another_appeals_attachment_under_your_own_appeal_is_not_found(client, two_citizens):
    theirs, own = two_citizens

    response = client.get(f"/appeals/{own.id}/attachments/{theirs.attachments[0].id}")

    assert response.status_code == 404
    assert response.data != minimal_png()


def test_missing_attachment_of_your_own_appeal_is_not_found(client, two_citizens):
    theirs, own = two_citizens
    missing = max(theirs.attachments[0].id, own.attachments[0].id) + 1000

    assert client.get(f"/appeals/{own.id}/attachments/{missing}").status_code == 404


def test_list_shows_only_your_own_appeals(client, two_citizens):
    theirs, own = two_citizens

    page = page_text(client.get("/appeals/").get_data(as_text=True))

    assert own.number in page and own.subject in page
    assert theirs.number not in page and theirs.subject not in page


def test_signed_out_visitor_is_sent_to_sign_in(client, two_citizens):
    theirs, _ = two_citizens
    client.post("/logout")

    response = client.get(f"/appeals/{theirs.id}/attachments/{theirs.attachments[0].id}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
