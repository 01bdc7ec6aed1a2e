"""The browser checks the files before sending (static/site.js, limits from the form's data-
attributes): an oversized file or a type not accepted is said next to the files at once, and
submitting sends nothing, so what was typed stays on the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from appeals.extensions import db
from tests.e2e.test_official_journey import sign_in

pytestmark = pytest.mark.e2e

SIX_MB = 6 * 1024 * 1024


def test_an_oversized_file_is_refused_before_sending(page: Page, make_user):
    citizen = make_user(email="files@example.kz")
    email = citizen.email
    db.session.commit()
    sign_in(page, email)
    page.goto("/appeals/new")
    page.get_by_label("Subject").fill("Flooded basement at No. 5")
    page.get_by_label("Your appeal").fill("Water has stood in the basement for two months now.")
    files = page.locator("input[type=file][name=attachments]")
    posts: list[str] = []

    def record(request) -> None:
        if request.method == "POST" and request.url.endswith("/appeals/new"):
            posts.append(request.url)

    page.on("request", record)

    files.set_input_files(
        [{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF" + b"0" * SIX_MB}]
    )
    message = page.locator("[data-file-check]")
    expect(message).to_have_text("scan.pdf: the file is larger than 5 MB.")
    expect(files).to_have_class("form-control is-invalid")

    page.get_by_role("button", name="Submit the appeal").click()
    page.wait_for_timeout(500)
    assert posts == []  # nothing was sent
    expect(page.get_by_label("Subject")).to_have_value("Flooded basement at No. 5")
    expect(files).to_be_focused()

    files.set_input_files(
        [{"name": "virus.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    expect(message).to_contain_text("virus.exe: this type of file is not accepted")
    files.set_input_files(
        [{"name": "letter.txt", "mimeType": "text/plain", "buffer": b"A small letter."}]
    )
    expect(message).to_be_hidden()
    expect(files).to_have_class("form-control")
