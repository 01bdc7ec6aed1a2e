"""A citizen's journey in a real browser (issue #2): register, submit an appeal with an
attachment, follow it on the list and its timeline, then check its status signed out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.conftest import PASSWORD
from tests.samples import minimal_pdf

pytestmark = pytest.mark.e2e

# A birth date (15.05.1990) and the check digit the law's algorithm gives for it.
VALID_IIN = "900515300127"
# A kind's prefix letter(s) (Cyrillic), the year, eight digits: "З-2026-00000001".
REGISTRATION_NUMBER = re.compile(r"^[А-ЯЁ]{1,2}-\d{4}-\d{8}$")
ACCESS_CODE = re.compile(r"^[A-Z2-9]{10}$")
STATEMENT = "Statement: ask for your rights to be realised"
SUBJECT = "No appointment with a doctor"
TEXT = "I have been waiting for an appointment at the polyclinic for two months. Please help."


def nav(page: Page) -> Locator:
    """The top navigation bar (the home page repeats some of its links as buttons)."""
    return page.get_by_role("navigation")


def choose(select: Locator, label: str) -> None:
    """Pick an option by its visible text; tree options are indented with em spaces."""
    option = select.locator("option").filter(has_text=re.compile(rf"^\s*{re.escape(label)}$"))
    expect(option).to_have_count(1)
    select.select_option(option.get_attribute("value"))


def fill_appeal_form(page: Page, attachment: Path) -> None:
    choose(page.get_by_label("Kind of appeal"), STATEMENT)
    choose(page.get_by_label("What it is about"), "Healthcare")
    choose(page.get_by_label("Where"), "Astana")
    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Your appeal").fill(TEXT)
    page.get_by_label("Attachments").set_input_files(attachment)


def test_citizen_registers_submits_and_follows_an_appeal(page: Page, tmp_path: Path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(minimal_pdf())

    # Register from the home page.
    page.goto("/")
    nav(page).get_by_role("link", name="Register", exact=True).click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    page.get_by_label("Full name").fill("Aigerim Nurlanovna Sadykova")
    page.get_by_label("E-mail").fill("aigerim@example.kz")
    page.get_by_label("IIN (optional)").fill(VALID_IIN)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # The sign-in page says a confirmation link is on its way (the same words whether or not
    # the address had an account); sign in, then on to the appeal form.
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_contain_text("follow its link to confirm the address")
    page.get_by_label("E-mail").fill("aigerim@example.kz")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/appeals/new")
    expect(page.get_by_role("heading", name="Submit an appeal")).to_be_visible()
    fill_appeal_form(page, pdf)
    page.get_by_role("button", name="Submit the appeal").click()

    # The receipt: a registration number and the access code, shown once.
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_be_visible()
    expect(page.get_by_test_id("registration-number")).to_have_text(REGISTRATION_NUMBER)
    expect(page.get_by_test_id("access-code")).to_have_text(ACCESS_CODE)
    number = page.get_by_test_id("registration-number").inner_text().strip()
    access_code = page.get_by_test_id("access-code").inner_text().strip()
    assert number.startswith("З-"), number  # a statement's prefix (Cyrillic Ze)
    expect(receipt).to_contain_text(SUBJECT)
    expect(receipt.locator("[data-status]")).to_have_text("registered")
    page.screenshot(path=tmp_path / "receipt.png", full_page=True)

    # Found on "My appeals", and opened.
    nav(page).get_by_role("link", name="My appeals").click()
    table = page.get_by_test_id("my-appeals")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(SUBJECT)
    expect(row.locator("[data-status]")).to_have_text("registered")
    row.get_by_role("link", name=number, exact=True).click()

    # The timeline and the attachment.
    expect(page.get_by_role("heading", name=f"Appeal {number}")).to_be_visible()
    timeline = page.get_by_test_id("timeline")
    expect(timeline.get_by_role("listitem")).to_have_text(
        [re.compile(r"^\s*Submitted"), re.compile(r"^\s*Routed")]
    )
    expect(timeline.locator("[data-event=routed]")).to_contain_text("due date set")
    link = page.get_by_test_id("attachments").get_by_role("link", name="scan.pdf")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "scan.pdf"
    assert Path(download.path()).read_bytes() == pdf.read_bytes()

    # Signed out, the number and access code still show the status.
    nav(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("alert")).to_contain_text("You are signed out")
    expect(nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    nav(page).get_by_role("link", name="Check a status").click()
    page.get_by_label("Registration number").fill(number)
    page.get_by_label("Access code").fill(access_code)
    page.get_by_role("button", name="Check the status").click()
    result = page.get_by_test_id("status-result")
    expect(result).to_contain_text(f"Appeal {number}")
    expect(result.locator("[data-status]")).to_have_text("registered")
    expect(result.get_by_test_id("timeline").get_by_role("listitem")).to_have_count(2)


def test_disguised_attachment_is_refused_and_the_form_kept(page: Page, tmp_path: Path, make_user):
    make_user(email="dana@example.kz")  # committed: the server sees it, no lock is held
    fake = tmp_path / "scan.pdf"
    fake.write_text("Not a PDF at all, only text wearing a .pdf name.\n")

    page.goto("/login")
    page.get_by_label("E-mail").fill("dana@example.kz")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    nav(page).get_by_role("link", name="New appeal").click()
    fill_appeal_form(page, fake)
    page.get_by_role("button", name="Submit the appeal").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the marked fields")
    attachments = page.get_by_label("Attachments")
    expect(attachments).to_have_class(re.compile(r"\bis-invalid\b"))
    # Bootstrap shows the message in the .invalid-feedback right after the field.
    expect(
        attachments.locator("xpath=following-sibling::*[contains(@class, 'invalid-feedback')]")
    ).to_have_text("scan.pdf: the content is not a PDF file, whatever its name says.")
    expect(page.get_by_label("Subject")).to_have_value(SUBJECT)
    expect(page.get_by_label("Your appeal")).to_have_value(TEXT)
    expect(page.get_by_label("Where").locator("option:checked")).to_have_text(
        re.compile(r"Astana$")
    )

    # Nothing was registered.
    nav(page).get_by_role("link", name="My appeals").click()
    expect(page.get_by_text("You have no appeals yet.")).to_be_visible()
