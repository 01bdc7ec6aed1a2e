"""How often the suggested category is right, against always suggesting the most frequent one:
on the held-out 20% of the generated corpus, on a corpus generated with another seed, and on
appeals written by hand in words the generator does not use."""

from __future__ import annotations

from collections import Counter

from appeals.suggest.corpus import generate
from tests.suggest.handwritten import HANDWRITTEN


def majority_baseline(training, tested) -> float:
    """The accuracy of always answering the training set's most frequent category."""
    most_frequent = Counter(label for _, label in training).most_common(1)[0][0]
    return sum(label == most_frequent for _, label in tested) / len(tested)


def measure(suggester, tested) -> tuple[float, float, float]:
    """(accuracy of the top category, share suggested at the threshold, accuracy of those)."""
    right = suggested = suggested_right = 0
    for text, label in tested:
        probabilities = suggester.probabilities(text)
        best = max(probabilities, key=probabilities.get)
        right += best == label
        suggestion = suggester.suggest(text)
        if suggestion is not None:
            suggested += 1
            suggested_right += suggestion.category_code == label
    return right / len(tested), suggested / len(tested), suggested_right / max(suggested, 1)


def report(name, accuracy, coverage, precision, baseline) -> None:
    print(
        f"{name}: accuracy {accuracy:.3f} (baseline {baseline:.3f}); "
        f"suggested for {coverage:.1%}, right in {precision:.1%} of those"
    )


def test_beats_the_most_frequent_category_on_the_held_out_split(suggester, corpus_split):
    training, held_out = corpus_split
    accuracy, coverage, precision = measure(suggester, held_out)
    baseline = majority_baseline(training, held_out)
    report("held-out 20% (600)", accuracy, coverage, precision, baseline)
    assert accuracy > baseline + 0.5
    # The corpus has ambiguous two-matter appeals on purpose: perfection would be suspect.
    assert accuracy < 0.999
    assert precision > 0.9  # what is actually shown to citizens is right nearly always


def test_beats_the_most_frequent_category_on_another_seed(suggester, corpus_split):
    training, _ = corpus_split
    other = generate(1000, seed=2)
    accuracy, coverage, precision = measure(suggester, other)
    baseline = majority_baseline(training, other)
    report("seed 2 (1000)", accuracy, coverage, precision, baseline)
    assert accuracy > baseline + 0.5
    assert coverage > 0.8


def test_beats_the_most_frequent_category_on_handwritten_appeals(suggester, corpus_split):
    training, _ = corpus_split
    accuracy, coverage, precision = measure(suggester, HANDWRITTEN)
    baseline = majority_baseline(training, HANDWRITTEN)
    report(f"handwritten ({len(HANDWRITTEN)})", accuracy, coverage, precision, baseline)
    assert accuracy > baseline + 0.3
    assert precision > 0.8


def test_every_category_is_learnt(suggester):
    assert sorted(suggester.categories) == sorted({label for _, label in generate(3000, seed=1)})
