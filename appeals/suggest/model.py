"""The category suggestion's model: TF-IDF features and a calibrated linear classifier.

Pure scikit-learn and files, no Flask: `train` builds a `Suggester`, `save` writes it
atomically to a directory, `ModelFile` loads it and reloads it when the file changes, so
every web process (on any machine that shares the directory) serves the newest model.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import joblib
import numpy as np
import sklearn
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

log = logging.getLogger(__name__)

MODEL_FILENAME = "category_suggester.joblib"
MIN_TEXT_CHARS = 15  # shorter than this says too little to suggest anything
# The subject and the first lines say what an appeal is about; the rest only costs time.
MAX_TEXT_CHARS = 3000
DEFAULT_MIN_CONFIDENCE = 0.5
# The calibration's cross-validation needs a few examples of each category in every fold.
CALIBRATION_FOLDS = 3
MIN_EXAMPLES_PER_CATEGORY = 5
PROBES = 12


class Suggestion(NamedTuple):
    category_code: str
    confidence: float


def normalize(text: str) -> str:
    """Lower case, and ё as е (people type either)."""
    return text.lower().replace("ё", "е")


def build_pipeline() -> Pipeline:
    """Character n-grams within words (robust to Russian endings and typos) plus words and
    word pairs, then a linear SVM whose scores are calibrated into probabilities."""
    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    preprocessor=normalize,
                    sublinear_tf=True,
                    min_df=2,
                    dtype=np.float32,
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    preprocessor=normalize,
                    sublinear_tf=True,
                    min_df=2,
                    dtype=np.float32,
                ),
            ),
        ]
    )
    # random_state: liblinear shuffles; fixed, the same data give the same model.
    # ensemble=False: one SVM on all the data, its sigmoid fitted on cross-validated scores;
    # one model to run per suggestion instead of one per fold.
    classifier = CalibratedClassifierCV(
        LinearSVC(C=0.5, random_state=0), method="sigmoid", cv=CALIBRATION_FOLDS, ensemble=False
    )
    return Pipeline([("features", features), ("classifier", classifier)])


class FastScorer:
    """The fitted pipeline's arithmetic for one text, without scikit-learn's per-call input
    checks (which cost most of a single prediction): tf-idf of each vectorizer, the SVM's
    scores, each class's sigmoid, normalised. It is built from a fitted pipeline and checked
    against the pipeline's own predict_proba on probe texts; a pipeline it does not match
    (another scikit-learn, another layout) is served by the pipeline instead."""

    def __init__(self, pipeline: Pipeline) -> None:
        union = pipeline.named_steps["features"]
        calibrated = pipeline.named_steps["classifier"].calibrated_classifiers_
        if len(calibrated) != 1 or calibrated[0].method != "sigmoid":
            raise ValueError("expects one sigmoid-calibrated classifier")
        model = calibrated[0]
        if len(model.classes) < 3 or list(model.estimator.classes_) != list(model.classes):
            raise ValueError("expects three or more classes in the estimator's order")
        self.parts = []
        offset = 0
        for _name, vectorizer in union.transformer_list:
            if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"):
                raise ValueError("expects sublinear tf, idf and l2 norm")
            self.parts.append(
                (vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, offset)
            )
            offset += len(vectorizer.vocabulary_)
        svm = model.estimator
        # Feature-major, so a text's few hundred features are a row gather.
        self.weights = np.ascontiguousarray(svm.coef_.T, dtype=np.float64)
        self.intercept = np.asarray(svm.intercept_, dtype=np.float64)
        self.a = np.array([c.a_ for c in model.calibrators], dtype=np.float64)
        self.b = np.array([c.b_ for c in model.calibrators], dtype=np.float64)

    def probabilities(self, text: str) -> np.ndarray:
        scores = self.intercept.copy()
        for analyzer, vocabulary, idf, offset in self.parts:
            # Count the n-grams first (in C), then look up only the distinct ones.
            found = [
                (vocabulary[term], n)
                for term, n in Counter(analyzer(text)).items()
                if term in vocabulary
            ]
            if not found:
                continue
            ids = np.fromiter((j for j, _ in found), dtype=np.intp, count=len(found))
            counts = np.fromiter((n for _, n in found), dtype=np.float64, count=len(found))
            weights = (1.0 + np.log(counts)) * idf[ids]  # sublinear tf times idf
            weights /= math.sqrt(weights @ weights)  # each vectorizer's l2 norm
            scores += weights @ self.weights[ids + offset]
        proba = expit(-(self.a * scores + self.b))
        total = proba.sum()
        if total == 0:
            return np.full_like(proba, 1 / len(proba))
        return proba / total


def _fast_scorer(pipeline: Pipeline, probes: Sequence[str]) -> FastScorer | None:
    """A FastScorer that gives the pipeline's probabilities on the probes, else None."""
    if not probes:
        return None  # nothing to check it on: not trusted
    try:
        scorer = FastScorer(pipeline)
    except (AttributeError, KeyError, ValueError) as error:
        log.info("Category suggester without the fast path: %s", error)
        return None
    expected = pipeline.predict_proba(list(probes))
    for text, wanted in zip(probes, expected, strict=True):
        if not np.allclose(scorer.probabilities(text), wanted, atol=1e-5):
            log.warning("Category suggester's fast path disagrees with the pipeline: unused")
            return None
    return scorer


@dataclass
class Suggester:
    """A trained pipeline and what it was trained on."""

    pipeline: Pipeline
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    info: dict[str, Any] = field(default_factory=dict)
    fast: FastScorer | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.fast is None:
            self.fast = _fast_scorer(self.pipeline, self.info.get("probes", ()))

    @property
    def categories(self) -> list[str]:
        return [str(code) for code in self.pipeline.classes_]

    def _proba(self, text: str) -> np.ndarray:
        text = text[:MAX_TEXT_CHARS]
        if self.fast is not None:
            return self.fast.probabilities(text)
        return self.pipeline.predict_proba([text])[0]

    def probabilities(self, text: str) -> dict[str, float]:
        """Each category's probability for the text."""
        proba = self._proba(text)
        return {str(code): float(p) for code, p in zip(self.pipeline.classes_, proba, strict=True)}

    def suggest(self, text: str, min_confidence: float | None = None) -> Suggestion | None:
        """The likeliest category and its probability; None for a short text or when the
        model is not sure enough (below `min_confidence`, default the suggester's own)."""
        if len(text.strip()) < MIN_TEXT_CHARS:
            return None
        threshold = self.min_confidence if min_confidence is None else min_confidence
        proba = self._proba(text)
        best = int(proba.argmax())
        if proba[best] < threshold:
            return None
        return Suggestion(str(self.pipeline.classes_[best]), float(proba[best]))


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    info: dict[str, Any] | None = None,
) -> Suggester:
    """Fit the pipeline; categories with fewer than MIN_EXAMPLES_PER_CATEGORY examples are
    left out (too few to learn, and the calibration's folds need some of each)."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    kept = [
        (text[:MAX_TEXT_CHARS], label)
        for text, label in zip(texts, labels, strict=True)
        if counts[label] >= MIN_EXAMPLES_PER_CATEGORY
    ]
    if len({label for _, label in kept}) < 2:
        raise ValueError("at least two categories with enough examples are needed")
    pipeline = build_pipeline()
    pipeline.fit([text for text, _ in kept], [label for _, label in kept])
    details = {
        **(info or {}),
        "examples": len(kept),
        "left_out_categories": sorted(
            c for c, n in counts.items() if n < MIN_EXAMPLES_PER_CATEGORY
        ),
        "sklearn": sklearn.__version__,
        # Texts the fast path is checked on whenever the model is built or loaded.
        "probes": [text for text, _ in kept[:: max(1, len(kept) // PROBES)]][:PROBES],
    }
    return Suggester(pipeline, min_confidence=min_confidence, info=details)


def save(suggester: Suggester, directory: Path) -> Path:
    """Write the model to `directory` atomically: a reader sees the old file or the new one,
    never half of one (a temporary file in the same directory, then os.replace)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / MODEL_FILENAME
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".suggester-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            joblib.dump(
                {"pipeline": suggester.pipeline, "info": suggester.info}, stream, compress=3
            )
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes it private (0600); web processes may run as another user.
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def load(path: Path, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Suggester:
    """Read a model written by `save`."""
    stored = joblib.load(path)
    return Suggester(stored["pipeline"], min_confidence=min_confidence, info=stored["info"])


class ModelFile:
    """The model file of a directory, loaded once per process and again when it changes
    (another process or machine retrained it). None while there is no usable model."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / MODEL_FILENAME
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._suggester: Suggester | None = None

    def current(self) -> Suggester | None:
        """The newest model on disk (one stat per call), or None."""
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return None
        # os.replace gives the new file a new inode, so a retrain is seen even when the
        # file system's clock is coarse.
        stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        if stamp == self._stamp:
            return self._suggester
        with self._lock:
            if stamp != self._stamp:
                self._suggester = self._read()
                self._stamp = stamp
        return self._suggester

    def _read(self) -> Suggester | None:
        try:
            suggester = load(self.path)
        except Exception as error:  # a file from elsewhere or truncated: retrain, don't crash
            log.warning("Category suggester %s unreadable, ignored: %s", self.path, error)
            return None
        if suggester.info.get("sklearn") != sklearn.__version__:
            # A pickle from another scikit-learn may load yet predict wrongly: retrain.
            log.warning(
                "Category suggester %s was trained with scikit-learn %s, this is %s: ignored",
                self.path,
                suggester.info.get("sklearn"),
                sklearn.__version__,
            )
            return None
        return suggester


_model_files: dict[Path, ModelFile] = {}
_model_files_lock = threading.Lock()


def model_file(directory: Path) -> ModelFile:
    """The process-wide ModelFile of a directory (so its cache is shared by threads)."""
    directory = Path(directory).resolve()
    with _model_files_lock:
        return _model_files.setdefault(directory, ModelFile(directory))
