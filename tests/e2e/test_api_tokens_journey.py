"""A citizen makes a personal access token in a real browser at 360 px (issue #12): it is
shown once, the API answers it, it is revoked on the same page and then refused; the open
data page fits the narrow screen too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from appeals.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_token_is_made_shown_once_used_and_revoked_at_360px(page: Page, make_user, tmp_path):
    make_user(email="tokens@example.kz")
    db.session.commit()
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_label("E-mail").fill("tokens@example.kz")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/api/tokens/")
    page.get_by_label("Name").fill("My 311 app")
    page.get_by_role("button", name="Make the token").click()
    shown = page.get_by_test_id("new-token")
    expect(shown).to_be_visible()
    token = re.search(r"eap_\S+", shown.inner_text()).group(0)
    assert fits(page)
    page.screenshot(path=tmp_path / "tokens.png", full_page=True)

    api = page.request
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/appeals", headers=headers).status == 200

    page.reload()  # the page after a redirect: a reload neither posts again nor shows it
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    expect(page.get_by_test_id("tokens").get_by_role("row")).to_have_count(2)  # head + one
    page.get_by_test_id("tokens").get_by_role("button", name="Revoke").click()
    expect(page.get_by_test_id("tokens")).to_contain_text("revoked")
    assert api.get("/api/v1/appeals", headers=headers).status == 401

    page.goto("/open-data/")
    expect(page.get_by_test_id("statistics-dictionary")).to_be_visible()
    assert fits(page)
