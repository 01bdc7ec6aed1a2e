"""How alike texts are: the look-alikes' measure. The cosine of the texts' tf-idf in the
category suggester's own feature space (its character and word vectorisers), fitted on the
compared texts alone, so that no trained model is needed and the words of a body's appeals
weigh as they do there.

Fitting scikit-learn's vectorisers for each comparison analysed every candidate's text again
(the character 2-5-grams of 300 appeals, in Python: some 90 ms an official's page). A text's
analysis does not depend on the texts it is compared with, only the idf does: each text is
analysed once per process and kept, and the idf, the weights and the cosines are counted
here with scikit-learn's formulas (sublinear tf, smoothed idf, unit rows), giving its numbers
(1.5 ms for 300 kept texts)."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from appeals.suggest.model import MAX_TEXT_CHARS, build_pipeline

# About 10 KB a text (some 1,000 distinct n-grams): ten bodies' candidates, kept per process.
TEXTS_KEPT = 3_000
# The terms' numbers grow with every new text (some 100 bytes a term); past this many the kept
# texts start afresh. At most some 60 MB a process in all.
TERMS_KEPT = 300_000

# A text's analysis by one vectoriser: its terms' numbers and their sublinear tf (1 + ln count).
Analysis = tuple[np.ndarray, np.ndarray]


class AnalysedTexts:
    """Texts analysed by each of the suggester's vectorisers, kept (the least recently used
    dropped first) with their terms numbered for the whole process. One lock: the texts of one
    comparison must be numbered alike."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._analysers: tuple[Callable[[str], list[str]], ...] = ()
        self._numbering: dict[str, int] = {}
        self._texts: OrderedDict[str, tuple[Analysis, ...]] = OrderedDict()

    def analyses(self, texts: Sequence[str]) -> list[tuple[Analysis, ...]]:
        """Each text's analysis by each vectoriser, numbered alike."""
        with self._lock:
            if not self._analysers:
                features = build_pipeline().named_steps["features"]
                self._analysers = tuple(v.build_analyzer() for _, v in features.transformer_list)
            found = [self._analysis(text) for text in texts]
            if len(self._numbering) > TERMS_KEPT:  # the next comparison numbers afresh
                self._numbering.clear()
                self._texts.clear()
            return found

    def _analysis(self, text: str) -> tuple[Analysis, ...]:
        kept = self._texts.get(text)
        if kept is not None:
            self._texts.move_to_end(text)
            return kept
        kept = tuple(self._numbered(analyse(text)) for analyse in self._analysers)
        self._texts[text] = kept
        if len(self._texts) > TEXTS_KEPT:
            self._texts.popitem(last=False)
        return kept

    def _numbered(self, terms: list[str]) -> Analysis:
        counts = Counter(terms)
        numbering = self._numbering
        ids = np.fromiter(
            (numbering.setdefault(term, len(numbering)) for term in counts),
            dtype=np.int32,
            count=len(counts),
        )
        tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        return ids, tf


_analysed = AnalysedTexts()


def cosines(analyses: Sequence[Analysis]) -> np.ndarray:
    """The cosine of the first text's tf-idf with each of the others', the idf counted over
    these texts as scikit-learn's TfidfVectorizer counts it (ln((1 + n) / (1 + df)) + 1). A
    text without terms is alike to nothing (0)."""
    sizes = np.array([len(ids) for ids, _ in analyses])
    ids = np.concatenate([ids for ids, _ in analyses])
    weights = np.concatenate([tf for _, tf in analyses])
    of_text = np.repeat(np.arange(len(analyses)), sizes)
    in_texts = np.bincount(ids, minlength=1)  # each text names a term once
    weights = weights * (np.log((1 + len(analyses)) / (1 + in_texts[ids])) + 1.0)
    norms = np.sqrt(np.bincount(of_text, weights=weights**2, minlength=len(analyses)))
    first = np.zeros(len(in_texts))
    first[analyses[0][0]] = weights[: sizes[0]]
    dots = np.bincount(of_text, weights=weights * first[ids], minlength=len(analyses))
    lengths = norms * norms[0]
    return np.divide(dots, lengths, out=np.zeros_like(dots), where=lengths > 0)[1:]


def similarities(text: str, others: Sequence[str]) -> list[float]:
    """How alike `text` is to each of `others` (0 to 1): the mean of the cosines in the two
    vectorisers' spaces, as the two stacked unit rows of scikit-learn's FeatureUnion give."""
    if not others:
        return []
    texts = [text[:MAX_TEXT_CHARS], *(other[:MAX_TEXT_CHARS] for other in others)]
    analyses = _analysed.analyses(texts)
    per_vectoriser = [cosines([a[k] for a in analyses]) for k in range(len(analyses[0]))]
    return [float(score) for score in np.mean(per_vectoriser, axis=0)]
