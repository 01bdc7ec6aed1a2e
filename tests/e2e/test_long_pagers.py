"""A list of many pages on a phone: its pager wraps onto more rows, so the page never scrolls
sideways (Bootstrap's pagination is one row of links, 540 px wide on page 30 of 70)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from appeals.extensions import db
from appeals.ratings.ranking import month_axis
from appeals.reference.models import Body
from appeals.scores.models import ScoreSnapshot
from appeals.timeutil import local_today
from tests.e2e.test_phone_pages import MEASURE, PHONE

pytestmark = pytest.mark.e2e


def test_a_pager_of_many_pages_wraps_on_a_phone(page: Page, app, monkeypatch):
    """The public ratings of a closed month from its snapshot, every seeded body ranked, two
    to a page: page 40 of 78 at 360 px."""
    monkeypatch.setitem(app.config, "RATINGS_PER_PAGE", 2)
    month = month_axis(local_today(), 2)[0]
    body_ids = db.session.scalars(select(Body.id)).all()
    db.session.add_all(
        ScoreSnapshot(
            body_id=body_id,
            month=month,
            appeals=10,
            ranked=True,
            timeliness=0.9,
            quality=0.8,
            score=70.0 + i % 20,
            grade="B",
        )
        for i, body_id in enumerate(body_ids)
    )
    db.session.commit()

    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(f"/ratings/?month={month:%Y-%m}&page=40")

    pager = page.locator("[data-testid=ratings-pages] .page-item")
    assert pager.count() > 10  # a long pager indeed
    measured = page.evaluate(MEASURE)
    assert measured["scrollWidth"] <= measured["width"], measured["wide"]
    assert page.locator("[data-testid=ratings-pages] .page-item.active").inner_text() == "40"
