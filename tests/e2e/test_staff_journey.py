"""The office administers its own staff, in a real browser (issue #10): the admin invites an
official, the official follows the link from the e-mail (read from a real SMTP server), sets a
password and a second factor, signs in with both and sees the inbox; the admin deactivates
them and their open session ends."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.reference.models import Body
from tests.conftest import PASSWORD
from tests.e2e.test_citizen_journey import nav
from tests.notifications.conftest import smtp_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.e2e

FIRST_PASSWORD = "amber-lantern-93-quiet"


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_admin_invites_an_official_who_signs_in_with_two_factors_until_deactivated(
    page: Page,
    browser: Browser,
    live_server,
    make_user,
    run_jobs,
    smtp_server,  # noqa: F811
):
    make_user(Role.ADMIN, email="admin@example.kz")
    health = db.session.execute(select(Body.id).where(Body.code == "health-71")).scalar_one()
    db.session.commit()  # no transaction of the test's may hold SQLite's lock meanwhile
    sign_in(page, "admin@example.kz", PASSWORD)
    expect(nav(page).get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/admin/users/invite")
    page.get_by_label("Full name").fill("Arman Tulegenov")
    page.get_by_label("E-mail").fill("arman@gov.kz")
    page.get_by_label("Role").select_option("official")
    page.get_by_label("Body or prosecutor's office").select_option(str(health))
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("alert").first).to_be_visible()

    db.session.commit()
    run_jobs()  # the invitation goes out over SMTP
    db.session.commit()
    [message] = [m for m in smtp_server.messages if m["To"] == "arman@gov.kz"]
    link = re.search(r"https?://\S+/invitation/\S+", message.get_content()).group(0)

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    official = context.new_page()
    official.goto(urlsplit(link).path)
    official.get_by_label("Password", exact=True).fill(FIRST_PASSWORD)
    official.get_by_label("Repeat the password").fill(FIRST_PASSWORD)
    official.get_by_role("button", name="Set the password").click()
    expect(nav(official).get_by_role("button", name="Sign out")).to_be_visible()

    official.goto("/account/two-factor")
    secret = official.get_by_test_id("totp-secret").inner_text().strip()
    official.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    official.get_by_role("button", name="Confirm").click()
    expect(official.get_by_test_id("recovery-codes")).to_be_visible()

    nav(official).get_by_role("button", name="Sign out").click()
    sign_in(official, "arman@gov.kz", FIRST_PASSWORD)
    expect(official.get_by_role("heading", name="Second factor")).to_be_visible()
    official.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    official.get_by_role("button", name="Confirm").click()
    nav(official).get_by_role("link", name="Inbox").click()
    expect(official.get_by_role("heading", name="Inbox")).to_be_visible()

    page.goto("/admin/users?q=arman")
    page.get_by_role("link", name=re.compile("Arman Tulegenov")).first.click()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_test_id("state")).to_contain_text("deactivated")

    official.reload()  # the open session has ended
    expect(official.get_by_role("button", name="Sign in")).to_be_visible()
    context.close()
