"""The navbar of every role at 1280 px in each interface language: measured in a real browser
(the words' lengths differ: Kazakh and Russian run longer than English)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from appeals.accounts.models import Role
from appeals.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}

# One row: every item of the navbar lies within the brand's row (a wrapped item, or a link
# broken over two lines, reaches below it).
ROWS = """() => {
  const brand = document.querySelector('.navbar-brand').getBoundingClientRect();
  const below = [];
  document.querySelectorAll('#nav .nav-item').forEach((item) => {
    const box = item.getBoundingClientRect();
    if (box.bottom > brand.bottom + 8 || box.top < brand.top - 8) below.push(item.innerText);
  });
  return {below: below, height: document.querySelector('nav.navbar').offsetHeight,
          scroll: document.documentElement.scrollWidth, width: window.innerWidth};
}"""


def measure(page: Page, language: str) -> dict:
    page.locator(f"[data-testid=language-switch] button[value={language}]").click()
    page.wait_for_load_state()
    return page.evaluate(ROWS)


# The navbar once wrapped at 1280 px in Russian, and for every signed-in role (the Kazakh
# prosecutor's and admin's page 9 and 18 px too wide); the phone-first layout (#11: the navbar
# expands from 1200 px, the account's links in a menu) fits every role in every language.
ROLES = [None, *Role]
CASES = [
    pytest.param(
        role,
        language,
        id=f"{role or 'anonymous'}-{language}",
    )
    for role in ROLES
    for language in ("en", "ru", "kk")
]


@pytest.mark.parametrize(("role", "language"), CASES)
def test_the_navbar_fits_one_row_at_1280px(page: Page, make_user, role, language):
    page.set_viewport_size(DESKTOP)
    if role is not None:
        body = "health-71" if role in (Role.OFFICIAL, Role.HEAD) else None
        email = f"{role}@navbar.example.kz"
        make_user(role, body_code=body, email=email, full_name="Айгерим Садыкова")
        db.session.commit()  # reading the user again would hold SQLite's write lock
        page.goto("/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
    page.goto("/")

    measured = measure(page, language)

    assert measured["scroll"] <= measured["width"] + 1, measured  # no sideways scroll
    assert measured["below"] == [], measured  # one row
