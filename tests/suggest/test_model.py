"""The suggester itself: the threshold, saving and loading, reloading a changed file, and the
generated corpus it learns from on a fresh install."""

from __future__ import annotations

import random
import re
from collections import Counter

import joblib
import pytest

from appeals.reference.seed_data import CATEGORIES
from appeals.suggest import corpus
from appeals.suggest import model as model_module
from appeals.suggest.corpus import CATEGORY_CODES, generate
from appeals.suggest.model import (
    MODEL_FILENAME,
    ModelFile,
    Suggestion,
    load,
    save,
    train,
)

HEALTHCARE_TEXT = (
    "Не могу попасть к врачу\nВ поликлинике по месту жительства нет талонов к терапевту "
    "уже месяц, а в аптеке не выдают бесплатные лекарства от давления."
)


# --- the threshold ---------------------------------------------------------------------------


def test_a_clear_text_gets_its_category_with_its_confidence(suggester):
    suggestion = suggester.suggest(HEALTHCARE_TEXT)
    assert isinstance(suggestion, Suggestion)
    code, confidence = suggestion
    assert code == "healthcare"
    assert 0.5 <= confidence <= 1.0
    assert confidence == pytest.approx(suggester.probabilities(HEALTHCARE_TEXT)["healthcare"])


def test_below_the_threshold_nothing_is_suggested(suggester):
    # A text that names no matter at all: the model is unsure, and says nothing.
    vague = "Здравствуйте! Прошу разобраться и дать ответ в установленный срок. Заранее спасибо."
    best = max(suggester.probabilities(vague).values())
    assert best < 0.5
    assert suggester.suggest(vague) is None
    # The same clear text is refused once the bar is above its confidence.
    confidence = suggester.suggest(HEALTHCARE_TEXT).confidence
    assert suggester.suggest(HEALTHCARE_TEXT, min_confidence=confidence + 1e-6) is None
    assert suggester.suggest(HEALTHCARE_TEXT, min_confidence=confidence) is not None


@pytest.mark.parametrize("text", ["", "   ", "врач", "нет врача!!!", " " * 40 + "поликлиника"])
def test_a_short_text_gets_no_suggestion(suggester, text):
    assert len(text.strip()) < model_module.MIN_TEXT_CHARS
    assert suggester.suggest(text, min_confidence=0.0) is None


def test_a_very_long_text_is_judged_by_its_beginning(suggester):
    long_text = HEALTHCARE_TEXT + " Ждём ответа." * 2000
    assert suggester.suggest(long_text) == suggester.suggest(
        long_text[: model_module.MAX_TEXT_CHARS]
    )


# --- training --------------------------------------------------------------------------------


def test_training_leaves_out_categories_with_too_few_examples():
    data = generate(300, seed=5)
    texts = [text for text, _ in data] + ["Одно обращение о редком предмете, и только одно."]
    labels = [code for _, code in data] + ["rare_matter"]
    suggester = train(texts, labels)
    assert "rare_matter" not in suggester.categories
    assert suggester.info["left_out_categories"] == ["rare_matter"]
    assert suggester.info["examples"] == len(data)


def test_training_needs_two_categories():
    with pytest.raises(ValueError, match="two categories"):
        train(["Нет горячей воды в доме уже месяц"] * 10, ["utilities_housing"] * 10)
    with pytest.raises(ValueError, match="length"):
        train(["a text"], [])


# --- files -----------------------------------------------------------------------------------


def test_save_and_load_round_trip(suggester, tmp_path):
    path = save(suggester, tmp_path / "models")
    assert path == tmp_path / "models" / MODEL_FILENAME
    loaded = load(path)
    assert loaded.categories == suggester.categories
    assert loaded.info == suggester.info
    for text, _ in generate(50, seed=9):
        assert loaded.probabilities(text) == pytest.approx(suggester.probabilities(text))
    # Nothing but the model is left in the directory: the temporary file became it.
    assert [p.name for p in path.parent.iterdir()] == [MODEL_FILENAME]
    assert path.stat().st_mode & 0o777 == 0o644  # readable by web processes of another user


def test_a_failed_save_keeps_the_old_model_and_leaves_no_temporary_file(
    suggester, tmp_path, monkeypatch
):
    path = save(suggester, tmp_path)
    before = path.read_bytes()

    def broken_dump(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(model_module.joblib, "dump", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        save(suggester, tmp_path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [MODEL_FILENAME]


def test_model_file_loads_once_and_reloads_when_the_file_changes(suggester, tmp_path):
    models = ModelFile(tmp_path)
    assert models.current() is None  # no model yet
    save(suggester, tmp_path)
    first = models.current()
    assert first is not None and first.categories == suggester.categories
    assert models.current() is first  # unchanged file: the loaded model is kept

    # Another process retrains: a model of two categories replaces the file.
    data = [(t, c) for t, c in generate(400, seed=3) if c in ("land", "police")]
    save(train([t for t, _ in data], [c for _, c in data]), tmp_path)
    second = models.current()
    assert second is not first
    assert sorted(second.categories) == ["land", "police"]


def test_an_unreadable_model_file_counts_as_none(tmp_path):
    (tmp_path / MODEL_FILENAME).write_bytes(b"not a model")
    assert ModelFile(tmp_path).current() is None


def test_a_model_from_another_scikit_learn_counts_as_none(suggester, tmp_path):
    path = save(suggester, tmp_path)
    stored = joblib.load(path)
    stored["info"]["sklearn"] = "0.24.2"
    joblib.dump(stored, path)
    assert ModelFile(tmp_path).current() is None


def test_model_file_cache_is_shared_per_directory(tmp_path):
    assert model_module.model_file(tmp_path) is model_module.model_file(tmp_path / ".")
    assert model_module.model_file(tmp_path) is not model_module.model_file(tmp_path / "x")


# --- the generated corpus --------------------------------------------------------------------


def test_the_corpus_covers_every_top_level_category_of_the_seed():
    top_level = {c.code for c in CATEGORIES if c.parent_code is None}
    assert set(CATEGORY_CODES) == top_level
    assert {code for _, code in generate(2000, seed=4)} == top_level


def test_the_corpus_is_the_same_for_a_seed_and_differs_between_seeds():
    assert generate(200, seed=7) == generate(200, seed=7)
    assert generate(200, seed=7) != generate(200, seed=8)
    assert len(generate(0, seed=7)) == 0


def test_the_corpus_is_varied_like_real_appeals():
    data = generate(2000, seed=6)
    texts = [text for text, _ in data]
    lengths = sorted(len(t) for t in texts)
    assert lengths[0] < 80 and lengths[-1] > 400  # one-liners and long letters
    assert len(set(texts)) > 0.97 * len(texts)  # hardly any two alike
    kazakh = sum(bool(re.search("[әғқңөұүһі]", t.lower())) for t in texts)
    english = sum(bool(re.search("[a-z]{4} [a-z]{4}", t.lower())) for t in texts)
    assert kazakh > 100 and english > 50
    # The distribution is uneven, as in real intake: housing far ahead of agriculture.
    counts = Counter(code for _, code in data)
    assert counts["utilities_housing"] > 3 * counts["agriculture"]


def test_the_corpus_misspells_some_words():
    sentence = "Работодатель не выплачивает зарплату уже третий месяц"
    slipped = corpus._misspell(sentence, random.Random(1), rate=1.0)
    words, slipped_words = sentence.split(" "), slipped.split(" ")
    assert len(slipped_words) == len(words)
    changed = 0
    for word, typed in zip(words, slipped_words, strict=True):
        if len(word) < 4:
            assert typed == word  # short words are left alone
        else:
            assert abs(len(typed) - len(word)) <= 1  # one slip of one letter at most
            changed += typed != word
    assert changed >= 4  # of the 6 long words (a sound-alike slip may change nothing)
    assert corpus._misspell(sentence, random.Random(1), rate=0.0) == sentence


# --- the fast path ---------------------------------------------------------------------------


def test_the_fast_path_gives_the_pipelines_probabilities(suggester):
    assert suggester.fast is not None
    texts = [text for text, _ in generate(150, seed=12)]
    texts += ["ξξξξ ψψψψ ωωωω 12345", HEALTHCARE_TEXT * 40, "врач " * 3]
    for text in texts:
        clipped = text[: model_module.MAX_TEXT_CHARS]
        expected = suggester.pipeline.predict_proba([clipped])[0]
        assert suggester.fast.probabilities(clipped) == pytest.approx(expected, abs=1e-5)


def test_a_fast_path_that_disagrees_is_not_used(suggester, monkeypatch):
    monkeypatch.setattr(
        model_module.FastScorer, "probabilities", lambda self, text: self.intercept * 0 + 1
    )
    slow = model_module.Suggester(suggester.pipeline, info=suggester.info)
    assert slow.fast is None
    assert slow.suggest(HEALTHCARE_TEXT).category_code == "healthcare"


def test_a_model_without_probe_texts_is_served_by_the_pipeline(suggester):
    unchecked = model_module.Suggester(suggester.pipeline, info={})
    assert unchecked.fast is None
    code, confidence = unchecked.suggest(HEALTHCARE_TEXT)
    assert code == "healthcare"
    assert confidence == pytest.approx(suggester.suggest(HEALTHCARE_TEXT).confidence, abs=1e-5)
