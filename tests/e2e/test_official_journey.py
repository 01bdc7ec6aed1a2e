"""An official's journey in a real browser (issue #4): an appeal arrives, the executor asks for
more time, the head approves, the executor answers; the citizen reads the answer on the
timeline and rates it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.work.service import assign_executor
from tests.conftest import PASSWORD
from tests.e2e.test_citizen_journey import nav
from tests.factories import submit

pytestmark = pytest.mark.e2e

ANSWER = (
    "We checked your appeal with the polyclinic. A cardiologist will see you on 2 December "
    "at 10:00 (Order No. 12 of the Health Department). If you disagree, you may complain to "
    "the Akimat of Astana, the superior body, or go to court."
)


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(nav(page).get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    nav(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("alert")).to_contain_text("You are signed out")


def open_from_inbox(page: Page, number: str) -> None:
    nav(page).get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    row = page.get_by_test_id("inbox").locator(f"tr[data-appeal='{number}']")
    expect(row).to_be_visible()
    row.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", name=f"Appeal {number}")).to_be_visible()


def test_official_extends_with_the_heads_approval_answers_and_the_citizen_rates(
    page: Page, make_user
):
    citizen = make_user(email="aigerim@example.kz", full_name="Aigerim Sadykova")
    official = make_user(Role.OFFICIAL, body_code="health-71", email="daniyar@example.kz")
    head = make_user(Role.HEAD, body_code="health-71", email="saule@example.kz")
    appeal, _ = submit(citizen, subject="No appointment with a cardiologist")
    # The head's resolution on registration puts the official in charge.
    assign_executor(appeal, official, head)
    db.session.commit()
    number, until = appeal.number, appeal.due_on + timedelta(days=7)
    db.session.commit()  # hold no lock while the browser drives the server

    # The official finds the new appeal in the inbox and asks for more time.
    sign_in(page, "daniyar@example.kz")
    open_from_inbox(page, number)
    expect(page.get_by_test_id("executor")).to_have_text(re.compile("Test Official"))
    page.get_by_label("Extend until").fill(until.isoformat())
    page.get_by_label("Reason for the extension").fill("The expert's opinion is awaited.")
    page.get_by_role("button", name="Ask the head for an extension").click()
    expect(page.get_by_role("alert")).to_contain_text("The extension request is sent to the head.")
    expect(
        page.get_by_test_id("timeline").locator("[data-event=extension_requested]")
    ).to_be_visible()
    sign_out(page)

    # The head sees the request and approves it.
    sign_in(page, "saule@example.kz")
    open_from_inbox(page, number)
    expect(page.get_by_test_id("pending-extension")).to_contain_text(
        "The expert's opinion is awaited."
    )
    page.get_by_role("button", name="Approve the extension").click()
    expect(page.get_by_role("alert")).to_contain_text(f"extended until {until:%d.%m.%Y}")
    expect(page.get_by_test_id("due")).to_contain_text(f"{until:%d.%m.%Y}")
    sign_out(page)

    # The official answers with a decision.
    sign_in(page, "daniyar@example.kz")
    open_from_inbox(page, number)
    expect(page.get_by_test_id("complaint-paragraph")).to_contain_text(
        "The system adds to every answer"
    )
    page.get_by_label("Decision").select_option("partly_satisfied")
    page.get_by_label("Answer", exact=True).fill(ANSWER)
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("The answer is sent")
    expect(page.locator("h1 [data-status]")).to_have_text("answered")
    sign_out(page)

    # The citizen reads the answer on the timeline and rates it.
    sign_in(page, "aigerim@example.kz")
    nav(page).get_by_role("link", name="My appeals").click()
    page.get_by_test_id("my-appeals").get_by_role("link", name=number, exact=True).click()
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("[data-event=extended]")).to_be_visible()
    expect(timeline.locator("[data-event=answered]")).to_be_visible()
    expect(page.get_by_test_id("answer")).to_contain_text("Partly satisfied")
    expect(page.get_by_test_id("answer")).to_contain_text("A cardiologist will see you")
    page.get_by_label("Partly satisfied", exact=True).check()
    page.get_by_label("Comment (optional)").fill("Helpful, but slow.")
    page.get_by_role("button", name="Rate the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("the appeal is closed")
    expect(page.locator("h1 [data-status]")).to_have_text("closed")
    expect(timeline.locator("[data-event=rated]")).to_contain_text("Helpful, but slow.")
    expect(page.get_by_test_id("rate-form")).to_have_count(0)
