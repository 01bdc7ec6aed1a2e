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


# Measured on 5 December 2026: the anonymous navbar fits in English and Kazakh, and wraps to a
# second row in Russian; a signed-in user's navbar (the name and role, API tokens, My data,
# Password, Sign out on the right) wraps in every language, and the prosecutor's and the
# admin's push the Kazakh page 9 and 18 px wider than the window. Fitting them is the
# layout's work (#11, phone-first pages); strict, so that a fix shows here as XPASS.
LAYOUT_GAP = pytest.mark.xfail(strict=True, reason="the navbar's layout does not fit it yet")
ROLES = [None, *Role]
CASES = [
    pytest.param(
        role,
        language,
        id=f"{role or 'anonymous'}-{language}",
        marks=[LAYOUT_GAP] if role is not None or language == "ru" else [],
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
