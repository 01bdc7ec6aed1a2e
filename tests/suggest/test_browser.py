"""The suggestion on the appeal form in a real browser: typed text brings a suggestion under
the category field; it fills the category while none is chosen, and a category the citizen
chose changes only when they click "use it"; the script sends the CSRF token (CSRF is on
here, as in production)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from appeals.extensions import db
from tests.conftest import PASSWORD
from tests.factories import category_id

pytestmark = pytest.mark.e2e

SUBJECT = "Нет записи к врачу"
TEXT = "В поликлинике уже месяц нет талонов к терапевту, а маме нужны лекарства по рецепту."


def test_the_suggestion_fills_an_empty_category_and_never_replaces_a_choice(
    page: Page, app, make_user, model_dir, monkeypatch, tmp_path: Path
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    make_user(email="aset@example.kz")
    healthcare = str(category_id("healthcare"))
    land = str(category_id("land"))
    db.session.commit()  # no transaction held: the server's requests must not wait on SQLite
    requests: list[str] = []
    page.on(
        "request",
        lambda r: (
            requests.append(r.headers.get("x-csrftoken", "")) if "suggest-category" in r.url else 0
        ),
    )

    page.goto("/login")
    page.get_by_label("E-mail").fill("aset@example.kz")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/appeals/new")
    category = page.get_by_label("What it is about")
    expect(category).to_have_value("")  # nothing preselected
    box = page.locator("#category-suggestion")
    expect(box).to_be_hidden()

    page.get_by_label("Subject").fill(SUBJECT)
    page.get_by_label("Your appeal").fill(TEXT)

    expect(box).to_be_visible()
    expect(box).to_contain_text(re.compile(r"Suggested: Healthcare \(\d{2,3}%\)"))
    # Under the category field, in its group; the empty category is filled with it.
    expect(page.locator(".mb-3", has=category).locator("#category-suggestion")).to_have_count(1)
    expect(category).to_have_value(healthcare)
    expect(box).to_contain_text("selected")
    assert requests and all(token for token in requests)  # the form's CSRF token was sent
    page.screenshot(path=tmp_path / "suggestion.png", full_page=True)

    # The citizen chooses another category: a later suggestion offers, never replaces.
    category.select_option(land)
    expect(box.get_by_role("button", name="use it")).to_be_visible()
    page.get_by_label("Your appeal").fill(TEXT + " Прошу помочь.")
    page.wait_for_timeout(1500)  # well past the script's 600 ms pause
    expect(category).to_have_value(land)

    box.get_by_role("button", name="use it").click()

    expect(category).to_have_value(healthcare)
    expect(box).to_contain_text("selected")
    expect(box.get_by_role("button", name="use it")).to_have_count(0)


def test_a_short_text_shows_no_suggestion(page: Page, make_user, model_dir):
    make_user(email="bolat@example.kz")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "suggest-category" in r.url else 0)
    page.goto("/login")
    page.get_by_label("E-mail").fill("bolat@example.kz")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/appeals/new")

    page.get_by_label("Subject").fill("Врач")
    page.get_by_label("Your appeal").fill("нет")
    page.wait_for_timeout(1500)  # well past the script's 600 ms pause

    assert asked == []  # nothing worth asking about yet
    expect(page.locator("#category-suggestion")).to_be_hidden()
