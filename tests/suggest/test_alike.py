"""How alike texts are (the look-alikes' measure): the numbers scikit-learn's two vectorisers
give when fitted on the compared texts, from texts analysed once and kept."""

from __future__ import annotations

import pytest

from appeals.suggest import alike
from appeals.suggest.corpus import generate
from appeals.suggest.model import build_pipeline

GARBAGE = (
    "Во дворе дома {n} по улице Абая не вывозят мусор уже две недели, контейнеры "
    "переполнены, вокруг бегают крысы."
)


def fitted_afresh(text: str, others: list[str]) -> list[float]:
    """The measure as scikit-learn computes it: both vectorisers fitted on these texts alone,
    their unit rows stacked, the dot product halved."""
    features = build_pipeline().named_steps["features"]
    features.set_params(chars__min_df=1, words__min_df=1)
    matrix = features.fit_transform([text] + others)
    scores = (matrix[1:] @ matrix[0].T).toarray().ravel() / len(features.transformer_list)
    return [float(score) for score in scores]


def texts() -> list[str]:
    """A body's mixed mail: look-alikes, generated appeals of every category, Kazakh and
    English, one text twice, one of a single letter and an empty one (no terms at all)."""
    generated = [text for text, _code in generate(80, seed=7)]
    return [
        GARBAGE.format(n=12),
        GARBAGE.format(n=14),
        "Не вывозят мусор\nКонтейнеры во дворе на Абая переполнены.",
        "Абай көшесіндегі аулада қоқыс екі апта бойы шығарылмайды.",
        "Garbage has not been collected in our yard on Abay street for two weeks.",
        GARBAGE.format(n=12),
        "ы",
        "",
        *generated,
    ]


@pytest.fixture
def kept_afresh(monkeypatch):
    """Nothing kept from other tests."""
    monkeypatch.setattr(alike, "_analysed", alike.AnalysedTexts())


def test_the_measure_is_scikit_learns_fitted_on_the_compared_texts(kept_afresh):
    sample = texts()

    for first in (0, 3, 6, 7, 20):
        text, others = sample[first], sample[:first] + sample[first + 1 :]
        assert alike.similarities(text, others) == pytest.approx(
            fitted_afresh(text, others), abs=1e-5
        )
    scores = alike.similarities(sample[0], sample[1:])
    assert scores[0] > 0.5 and scores[4] == pytest.approx(1.0)  # its neighbour; itself again
    assert scores[6] == 0.0  # a text without terms is like nothing


def test_kept_texts_give_the_same_numbers_in_other_company_and_after_starting_afresh(
    kept_afresh, monkeypatch
):
    """A text analysed for one comparison is reused in the next, with other texts around it
    (its idf is counted anew); past the terms' limit the numbering starts again."""
    sample = texts()
    alike.similarities(sample[0], sample[1:10])
    fewer, more = sample[5:30], sample[3:60]

    assert alike.similarities(sample[1], fewer) == pytest.approx(
        fitted_afresh(sample[1], fewer), abs=1e-5
    )
    monkeypatch.setattr(alike, "TERMS_KEPT", 50)
    alike.similarities(sample[2], fewer)  # past the limit: everything kept is dropped
    assert alike.similarities(sample[2], more) == pytest.approx(
        fitted_afresh(sample[2], more), abs=1e-5
    )
