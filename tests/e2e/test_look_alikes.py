"""The head opens an appeal before the worker has found its look-alikes, in a real browser:
the page says they are being looked for, and shows them, ready to be grouped, once the worker
has kept them, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from appeals.extensions import db
from tests.e2e.test_official_journey import sign_in
from tests.work.conftest import people  # noqa: F401  (a fixture)
from tests.work.test_together import garbage  # noqa: F401  (a fixture)

pytestmark = pytest.mark.e2e


def test_the_look_alikes_show_once_the_worker_found_them(
    page: Page,
    people,  # noqa: F811
    garbage,  # noqa: F811
    run_jobs,
):
    first, like, other = garbage
    path, email = f"/work/appeals/{first.id}", people.head.email
    numbers, other_number = [a.number for a in like], other.number
    db.session.commit()  # hold no lock while the browser drives the server

    sign_in(page, email)
    page.goto(path)
    expect(page.get_by_test_id("look-alikes-pending")).to_contain_text("being looked for")
    expect(page.get_by_test_id("look-alikes")).to_have_count(0)

    run_jobs()  # the worker compares the body's open appeals with this one

    card = page.get_by_test_id("look-alikes")
    expect(card).to_be_visible(timeout=20_000)
    for number in numbers:
        expect(card.locator(f"[data-number='{number}']")).to_be_visible()
    expect(card).not_to_contain_text(other_number)
    expect(page.get_by_test_id("look-alikes-pending")).to_have_count(0)

    # The card came with the page's own form: the head groups one of them from it.
    card.locator(f"[data-number='{numbers[0]}']").get_by_role("checkbox").check()
    card.get_by_role("button", name="Answer them together with this one").click()
    expect(page.get_by_role("alert")).to_contain_text("will get this appeal's answer")
    expect(page.get_by_test_id("group-members")).to_contain_text(numbers[0])
