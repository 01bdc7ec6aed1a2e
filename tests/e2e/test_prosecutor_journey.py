"""A prosecutor's journey in a real browser (issue #5): the dashboard, a body's figures, the
appeals behind one of them, an audit that finds a violation, and the body's quality falling
on its page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import Decision
from appeals.work.service import answer_appeal
from tests.audit.conftest import clean_desk_tables  # noqa: F401  (autouse: audits go first)
from tests.conftest import PASSWORD
from tests.factories import submit

pytestmark = pytest.mark.e2e


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation").first


def percent(locator: Locator) -> float:
    return float(locator.inner_text().strip().rstrip("%"))


def test_prosecutor_drills_down_audits_and_sees_the_quality_move(page: Page, make_user, tmp_path):
    citizen = make_user(full_name="Aliya Citizen")
    head = make_user(Role.HEAD, body_code="health-71")
    make_user(Role.PROSECUTOR, body_code="prosecutor-71", email="prosecutor71@example.kz")
    numbers = []
    for subject in ("No appointment with a cardiologist", "Clinic refuses to register my child"):
        appeal, _ = submit(citizen, subject=subject)
        answer_appeal(appeal, "Please apply again next year.", Decision.REFUSED, head)
        numbers.append(appeal.number)
    db.session.commit()  # the server sees the data; no lock is held while the browser works

    page.goto("/login")
    page.get_by_label("E-mail").fill("prosecutor71@example.kz")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The dashboard: the body is there (too few appeals this month to be ranked).
    nav(page).get_by_role("link", name="Prosecutor's desk").click()
    expect(page.get_by_role("heading", name="Prosecutor's desk")).to_be_visible()
    too_few = page.get_by_test_id("too-few")
    body_link = too_few.get_by_role("link", name=re.compile("Health Department of Astana"))
    expect(body_link).to_be_visible()
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    body_link.click()

    # The body page: its figures, each a link; the quality before any audit.
    expect(
        page.get_by_role("heading", name=re.compile("Health Department of Astana"))
    ).to_be_visible()
    quality_before = percent(page.get_by_test_id("quality"))
    figures = page.get_by_test_id("figures")
    expect(figures.locator('[data-measure="audit_clean"]')).to_have_attribute("data-count", "0")
    expect(page.get_by_test_id("trend-chart").locator("svg")).to_be_visible()

    # The appeals behind "appeals in the period": both, and one is opened.
    figures.locator('[data-measure="appeals"]').click()
    expect(page.get_by_test_id("total")).to_have_text("2")
    page.get_by_test_id("appeals").get_by_role("link", name=numbers[0], exact=True).click()

    # The appeal: its answer, and the verdict form.
    expect(
        page.get_by_role("heading", name=re.compile(f"Appeal {re.escape(numbers[0])}"))
    ).to_be_visible()
    expect(page.get_by_test_id("answer")).to_contain_text("Please apply again next year.")
    page.get_by_label("Violations found").check()
    # Forgetting the violation itself is refused beside the field, with the note kept.
    page.get_by_label("Note").fill("A refusal without any legal ground or reasoning.")
    page.get_by_role("button", name="Record the verdict").click()
    expect(page.locator("#audit-form")).to_contain_text(
        "Choose at least one violation, or record the answer as lawful."
    )
    expect(page.get_by_label("Note")).to_have_value(
        "A refusal without any legal ground or reasoning."
    )

    page.get_by_label("Unlawful refusal").check()
    page.get_by_label("Warning").check()
    page.get_by_role("button", name="Record the verdict").click()
    expect(page.get_by_role("alert")).to_contain_text("The verdict is recorded")
    audit = page.get_by_test_id("audit")
    expect(audit).to_contain_text("Unlawful refusal")
    expect(page.get_by_test_id("act")).to_contain_text("Warning: to be answered by")
    expect(page.get_by_test_id("timeline").locator("[data-event=audited]")).to_be_visible()
    page.screenshot(path=tmp_path / "audited.png", full_page=True)

    # Back on the body page: the audit counts at once, and the quality has fallen.
    page.get_by_role("navigation", name="breadcrumb").get_by_role(
        "link", name=re.compile("Health Department of Astana")
    ).click()
    figures = page.get_by_test_id("figures")
    expect(figures.locator('[data-measure="audit_clean.failures"]')).to_have_attribute(
        "data-count", "1"
    )
    quality_after = percent(page.get_by_test_id("quality"))
    assert quality_after < quality_before
    expect(page.get_by_test_id("body-audits")).to_contain_text(numbers[0])
    page.screenshot(path=tmp_path / "body.png", full_page=True)
