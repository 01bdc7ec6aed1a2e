"""The public "How scores are computed" page: plain words, the parameters from the config,
and a worked example computed by the formula."""

from __future__ import annotations

import html

import pytest

from appeals.scores.snapshots import score_settings
from appeals.scores.views import worked_example


def page(client) -> str:
    response = client.get("/scores/how")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_anyone_can_read_how_scores_are_computed(client):
    text = page(client)
    assert "How scores are computed" in text
    assert "too few to rank" in text
    assert "fewer than <strong>20</strong> appeals" in text
    assert "<strong>10</strong> more appeals" in text  # k
    assert "score = 100 × (0.5 × T + 0.5 × Q)" in text
    for bound_text in (
        "85 or more",
        "70 to under 85",
        "55 to under 70",
        "45 to under 55",
        "under 45",
    ):
        assert bound_text in text


def test_the_worked_example_is_the_formulas_own_result(client, app):
    text = page(client)
    small, large = worked_example(score_settings())
    # Worked by hand: the small body's T = (10 + 10*0.8)/(10 + 10) = 90.0%; its score 83.7
    # (B) but 12 appeals are too few to rank; the large one scores 80.5 (B), ranked.
    assert small.score.timeliness == pytest.approx(0.9)
    assert round(small.score.score, 1) == 83.7 and not small.score.ranked
    assert round(large.score.score, 1) == 80.5 and large.score.ranked
    assert "= 90.0%" in text
    assert "<strong>83.7</strong>, grade <strong>B</strong>" in text
    assert "<strong>80.5</strong>, grade <strong>B</strong>" in text
    assert "with 12 appeals it is <em>too few to rank</em>" in text


@pytest.fixture
def other_parameters(app):
    saved = {
        name: app.config[name]
        for name in ("SCORE_SHRINK_K", "SCORE_MIN_APPEALS", "SCORE_WEIGHTS", "SCORE_GRADES")
    }
    app.config.update(
        SCORE_SHRINK_K=5,
        SCORE_MIN_APPEALS=10,
        SCORE_WEIGHTS=(0.6, 0.4),
        SCORE_GRADES=[(90, "A"), (75, "B"), (60, "C"), (50, "D"), (0, "E")],
    )
    yield
    app.config.update(saved)


def test_the_page_follows_the_config(client, other_parameters):
    text = page(client)
    assert "<strong>5</strong> more appeals" in text
    assert "fewer than <strong>10</strong> appeals" in text
    assert "score = 100 × (0.6 × T + 0.4 × Q)" in text
    assert "90 or more" in text and "under 50" in text
    # The small body now has 12 appeals, more than 10: ranked; T = (10 + 4)/15 = 93.3%.
    assert "= 93.3%" in text
    assert "it is <em>too few to rank</em>" not in text
