"""The case file: the applicant and the staff who may read the appeal download it as one PDF
(in the appeal's language) and its documents as one ZIP; anyone else gets the appeal's 404."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from appeals.extensions import db
from appeals.intake.models import Appeal, Decision
from appeals.work.service import answer_appeal, assign_executor
from tests.intake.test_ownership import submit_with_file
from tests.samples import minimal_png


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


@pytest.fixture
def answered(client, people, login) -> Appeal:
    """The citizen's appeal with a picture, assigned and answered at health-71."""
    login(people.citizen)
    appeal = submit_with_file(client, "receipt-photo.png", minimal_png(), "Ambulance came late")
    assign_executor(appeal, people.official, people.head)
    answer_appeal(
        appeal,
        "The ambulance station was checked; the crew was reprimanded.",
        Decision.SATISFIED,
        people.official,
    )
    db.session.commit()
    return appeal


def test_the_applicant_downloads_the_case_in_the_appeals_language(client, answered):
    answered.language = "ru"
    db.session.commit()
    response = client.get(f"/appeals/{answered.id}/case.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    # the number's letter is Cyrillic: the name travels as UTF-8 (RFC 6266)
    assert quote(f"case-{answered.number}.pdf") in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert answered.number in text
    assert "Ambulance came late" in text
    assert "crew was reprimanded" in text  # the answer
    assert "01-receipt-photo.png" in "".join(text.split())  # the documents, named as in the ZIP
    assert "Материалы обращения" in text and "Ход рассмотрения" in text  # Russian: its language
    assert "Case file" not in text


def test_an_english_appeal_gets_an_english_case_file(client, answered):

    text = pdf_text(client.get(f"/appeals/{answered.id}/case.pdf").data)

    assert f"Case file of appeal {answered.number}" in text and "Timeline" in text
    assert "Материалы обращения" not in text


def test_the_documents_zip_holds_every_file_as_uploaded(client, answered):
    response = client.get(f"/appeals/{answered.id}/documents.zip")

    assert response.status_code == 200
    archive = zipfile.ZipFile(BytesIO(response.data))
    assert archive.namelist() == ["01-receipt-photo.png"]
    content = archive.read("01-receipt-photo.png")
    assert hashlib.sha256(content).hexdigest() == answered.attachments[0].sha256


def test_the_appeal_page_links_the_case_file(client, answered):
    page = client.get(f"/appeals/{answered.id}").get_data(as_text=True)

    assert f"/appeals/{answered.id}/case.pdf" in page
    assert f"/appeals/{answered.id}/documents.zip" in page


@pytest.mark.parametrize("who", ["official", "head", "prosecutor", "admin"])
def test_staff_who_may_read_the_appeal_download_it(client, answered, people, login, who):
    login(getattr(people, who))

    assert client.get(f"/appeals/{answered.id}/case.pdf").status_code == 200
    assert client.get(f"/appeals/{answered.id}/documents.zip").status_code == 200


@pytest.mark.parametrize("who", ["other_citizen", "stranger", "stranger_head"])
def test_anyone_else_gets_not_found(client, answered, people, login, who):
    login(getattr(people, who))

    for url in (f"/appeals/{answered.id}/case.pdf", f"/appeals/{answered.id}/documents.zip"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert answered.number not in response.get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client, answered):
    client.post("/logout")

    response = client.get(f"/appeals/{answered.id}/case.pdf")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_markup_in_an_appeal_is_printed_as_text_and_fetches_nothing(client, people, login):
    login(people.citizen)
    appeal = submit_with_file(
        client, "x.png", minimal_png(), '<img src="http://127.0.0.1:9/x"> <b>bold</b>'
    )

    text = pdf_text(client.get(f"/appeals/{appeal.id}/case.pdf").data)

    assert '<img src="http://127.0.0.1:9/x"> <b>bold</b>' in text
