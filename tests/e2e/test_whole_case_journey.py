"""The whole case in a real browser (issue #13): the applicant adds a document, the official
answers from the head's template, the applicant complains, the superior body upholds the
complaint, and the original appeal is back in the official's inbox with its new term."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.deadlines.service import due_date, policy_in_force, working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.timeutil import local_today
from appeals.work.service import assign_executor
from tests.e2e.test_citizen_journey import nav
from tests.e2e.test_official_journey import open_from_inbox, sign_in, sign_out
from tests.factories import submit
from tests.samples import minimal_pdf

pytestmark = pytest.mark.e2e

TEMPLATE = (
    "Dear {applicant}, your appeal {number} was considered by the health department. A "
    "cardiologist will see you before {due_on}; the executor {executor} will call you to agree "
    "the time (Order No. 12 of the Health Department)."
)


def test_a_document_a_templated_answer_an_upheld_complaint_and_the_case_reopens(
    page: Page, make_user, tmp_path
):
    applicant = make_user(email="aliya@example.kz", full_name="Aliya Nurova")
    official = make_user(
        Role.OFFICIAL, body_code="health-71", email="daniyar@example.kz", full_name="Daniyar Omarov"
    )
    head = make_user(Role.HEAD, body_code="health-71", email="saule@example.kz")
    make_user(Role.HEAD, body_code="akimat-71", email="akim@example.kz")
    appeal, _ = submit(applicant, subject="No appointment with a cardiologist")
    assign_executor(appeal, official, head)
    db.session.commit()
    number, appeal_id, due_text = appeal.number, appeal.id, f"{appeal.due_on:%d.%m.%Y}"
    registered_on = appeal.registered_on
    db.session.commit()  # hold no lock while the browser drives the server
    scan = tmp_path / "referral.pdf"
    scan.write_bytes(minimal_pdf())

    # The head keeps a template for the body's answers.
    sign_in(page, "saule@example.kz")
    page.goto("/work/answer-templates/new")
    page.get_by_label("Title").fill("Cardiologist arranged")
    page.get_by_label("Decision").select_option("partly_satisfied")
    page.get_by_label("Language").select_option("en")
    page.get_by_label("Text").fill(TEMPLATE)
    page.get_by_role("button", name="Save the template").click()
    expect(page.get_by_role("alert")).to_contain_text("The template is saved")
    sign_out(page)

    # The applicant adds the referral to the appeal.
    sign_in(page, "aliya@example.kz")
    page.goto(f"/appeals/{appeal_id}")
    page.get_by_label("Clarification (optional)").fill("The referral from my GP is attached.")
    page.get_by_label("Documents").set_input_files(str(scan))
    page.get_by_role("button", name="Add to the appeal").click()
    expect(page.get_by_role("alert")).to_contain_text("Added to your appeal")
    expect(page.get_by_test_id("timeline").locator("[data-event=supplemented]")).to_be_visible()
    sign_out(page)

    # The official sees the document and answers from the template.
    sign_in(page, "daniyar@example.kz")
    open_from_inbox(page, number)
    expect(page.get_by_test_id("attachments")).to_contain_text("referral.pdf")
    page.get_by_label("Start from a template").select_option(label="Cardiologist arranged (en)")
    page.get_by_role("button", name="Use").click()
    answer = page.get_by_label("Answer", exact=True)
    expect(answer).to_have_value(
        f"Dear Aliya Nurova, your appeal {number} was considered by the health department. A "
        f"cardiologist will see you before {due_text}; the executor Daniyar Omarov "
        "will call you to agree the time (Order No. 12 of the Health Department)."
    )
    expect(page.get_by_label("Decision")).to_have_value("partly_satisfied")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("The answer is sent")
    sign_out(page)

    # The applicant reads the answer with the system's paragraph and complains.
    sign_in(page, "aliya@example.kz")
    page.goto(f"/appeals/{appeal_id}")
    expect(page.get_by_test_id("how-to-complain")).to_contain_text("Akimat of Astana")
    page.get_by_label("Why you complain").select_option("disagrees")
    page.get_by_label("Your complaint").fill("A week is too long: I need the cardiologist now.")
    page.get_by_role("button", name="File the complaint").click()
    expect(page.get_by_test_id("access-code")).to_be_visible()
    complaint_number = db.session.execute(
        select(Appeal.number).where(Appeal.parent_id == appeal_id)
    ).scalar_one()
    db.session.commit()
    sign_out(page)

    # The superior body's head upholds the complaint.
    sign_in(page, "akim@example.kz")
    open_from_inbox(page, complaint_number)
    page.get_by_label("Decision").select_option("satisfied")
    page.get_by_label("Answer", exact=True).fill(
        "The complaint is upheld: the health department is to arrange the appointment within "
        "three days and to answer the applicant again on the merits of the appeal."
    )
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("The answer is sent")
    sign_out(page)

    # The original appeal is back in the official's inbox, in progress, with its new term.
    new_due = due_date(
        local_today(), policy_in_force("statement", registered_on), working_calendar()
    )
    db.session.commit()
    sign_in(page, "daniyar@example.kz")
    nav(page).get_by_role("link", name="Inbox").click()
    row = page.get_by_test_id("inbox").locator(f"tr[data-appeal='{number}']")
    expect(row).to_contain_text(f"{new_due:%d.%m.%Y}")
    open_from_inbox(page, number)
    expect(page.locator("h1 [data-status]")).to_have_text("in progress")
    expect(page.get_by_test_id("timeline").locator("[data-event=reopened]")).to_be_visible()
    expect(page.get_by_test_id("answer-form")).to_be_visible()
