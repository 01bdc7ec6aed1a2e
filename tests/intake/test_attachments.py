"""Attachments on the appeal form: checked by content and size, stored, and downloadable by
the applicant exactly as sent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal
from tests.pages import field_error, field_value, parse
from tests.samples import (
    EXE_BYTES,
    NOTHING_SAVED,
    appeal_fields,
    minimal_pdf,
    minimal_png,
    saved_counts,
    upload,
)


@pytest.fixture
def citizen(make_user, login):
    user = make_user()
    login(user)
    return user


def post_appeal(client, files, **changes):
    return client.post(
        "/appeals/new",
        data={**appeal_fields(**changes), "attachments": files},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("scan.png", minimal_png(), "image/png"),
        ("contract.pdf", minimal_pdf(), "application/pdf"),
        ("notes.txt", "Квитанция № 15, оплачено.".encode(), "text/plain"),
    ],
)
def test_real_file_is_accepted_and_downloadable(client, citizen, filename, content, content_type):
    response = post_appeal(client, [upload(content, filename)])

    assert response.status_code == 302
    appeal = db.session.execute(select(Appeal)).scalar_one()
    [attachment] = appeal.attachments
    assert (attachment.filename, attachment.size) == (filename, len(content))
    detail = client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    link = f"/appeals/{appeal.id}/attachments/{attachment.id}"
    assert link in detail and filename in detail

    download = client.get(link)

    assert download.status_code == 200
    assert download.data == content
    assert download.mimetype == content_type
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert filename in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_five_files_are_accepted(client, citizen):
    files = [upload(minimal_png(), f"photo{n}.png") for n in range(5)]

    response = post_appeal(client, files)

    assert response.status_code == 302
    assert saved_counts()["attachments"] == 5


def test_six_files_are_refused(client, citizen):
    files = [upload(minimal_png(), f"photo{n}.png") for n in range(6)]

    response = post_appeal(client, files)

    assert response.status_code == 200
    assert "At most 5 files" in field_error(response.get_data(as_text=True), "attachments")
    assert saved_counts() == NOTHING_SAVED


REJECTED = [
    # (why, file name, content, part of the message)
    ("text named .pdf", "report.pdf", b"This is not really a PDF, just text.", "not a PDF"),
    ("program named .pdf", "report.pdf", EXE_BYTES, "not a PDF"),
    ("PDF named .png", "photo.png", minimal_pdf(), "not a PNG"),
    ("PNG named .jpg", "photo.jpg", minimal_png(), "not a JPG"),
    ("program named .txt", "notes.txt", EXE_BYTES, "not a TXT"),
    ("program with its own name", "setup.exe", EXE_BYTES, "not accepted"),
    ("no extension", "report", minimal_pdf(), "not accepted"),
    ("empty file", "empty.pdf", b"", "empty"),
]


@pytest.mark.parametrize(
    ("why", "filename", "content", "message"), REJECTED, ids=[case[0] for case in REJECTED]
)
def test_disguised_or_unwanted_file_is_refused_by_name(
    client, citizen, why, filename, content, message
):
    response = post_appeal(client, [upload(content, filename)])

    assert response.status_code == 200, why
    error = field_error(response.get_data(as_text=True), "attachments")
    assert error is not None and filename in error and message in error, f"{why}: {error!r}"
    assert saved_counts() == NOTHING_SAVED


def test_one_bad_file_refuses_the_whole_submission(client, citizen):
    files = [upload(minimal_png(), "scan.png"), upload(b"plain words", "report.pdf")]

    response = post_appeal(client, files)

    error = field_error(response.get_data(as_text=True), "attachments")
    assert "report.pdf" in error and "scan.png" not in error
    assert saved_counts() == NOTHING_SAVED


def test_file_over_the_configured_size_is_refused(app, client, citizen, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 2048)
    big = minimal_pdf() + b"%" + b"x" * 2048  # still a PDF by its content

    response = post_appeal(client, [upload(big, "big.pdf")])

    assert response.status_code == 200
    error = field_error(response.get_data(as_text=True), "attachments")
    assert error == "big.pdf: the file is larger than 2 KB."
    assert saved_counts() == NOTHING_SAVED


def test_file_of_exactly_the_configured_size_is_accepted(app, client, citizen, monkeypatch):
    pdf = minimal_pdf()
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", len(pdf))

    response = post_appeal(client, [upload(pdf, "exact.pdf")])

    assert response.status_code == 302
    assert saved_counts()["attachments"] == 1


def test_form_tells_the_limits_in_force(app, client, citizen, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 2 * 1024 * 1024)
    monkeypatch.setitem(app.config, "MAX_ATTACHMENTS", 3)

    page = client.get("/appeals/new").get_data(as_text=True)

    hint = " ".join(e.text() for e in parse(page).iter() if "form-text" in e.classes)
    assert "Up to 3 files" in hint and "2 MB each" in hint


def test_typed_values_are_kept_and_nothing_saved_after_a_refused_file(client, citizen):
    subject = "Water bill charged twice"
    text = "The water utility charged me twice for September; receipts attached."

    response = post_appeal(
        client, [upload(b"MZ not a pdf", "receipt.pdf")], subject=subject, text=text
    )

    page = response.get_data(as_text=True)
    assert "receipt.pdf" in field_error(page, "attachments")
    assert field_value(page, "subject") == subject
    assert field_value(page, "text") == text
    assert "Attached files must be chosen again" in page
    assert saved_counts() == NOTHING_SAVED
