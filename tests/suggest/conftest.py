"""A suggester trained once per test run on 80% of the generated corpus (seed 1), the other
20% kept apart for the accuracy test, and the app pointed at a directory holding it."""

from __future__ import annotations

from pathlib import Path

import pytest

from appeals.suggest.corpus import generate
from appeals.suggest.model import Suggester, save, train
from tests.e2e.conftest import (  # noqa: F401  (the browser fixtures, for test_browser.py)
    browser_context_args,
    browser_type_launch_args,
    live_server,
    page,
)

CORPUS_SIZE = 3000
TRAIN_SHARE = 0.8


@pytest.fixture(scope="session")
def corpus_split() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """generate(3000, seed=1) split 80/20 (the generator's order is already random)."""
    corpus = generate(CORPUS_SIZE, seed=1)
    cut = int(len(corpus) * TRAIN_SHARE)
    return corpus[:cut], corpus[cut:]


@pytest.fixture(scope="session")
def suggester(corpus_split) -> Suggester:
    """The suggester trained on the 80% part."""
    training, _held_out = corpus_split
    texts, labels = zip(*training, strict=True)
    return train(list(texts), list(labels))


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory, suggester) -> Path:
    """A directory with that suggester saved in it (tests must not write into it)."""
    directory = tmp_path_factory.mktemp("trained-model")
    save(suggester, directory)
    return directory


@pytest.fixture
def model_dir(app, monkeypatch, trained_model_dir) -> Path:
    """The app serves suggestions from the trained model."""
    monkeypatch.setitem(app.config, "SUGGEST_MODEL_DIR", trained_model_dir)
    return trained_model_dir


@pytest.fixture
def empty_model_dir(app, monkeypatch, tmp_path) -> Path:
    """The app's model directory holds no model yet (a fresh install)."""
    directory = tmp_path / "models"
    monkeypatch.setitem(app.config, "SUGGEST_MODEL_DIR", directory)
    return directory
