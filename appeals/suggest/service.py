"""The category suggestion in the app: training data from past appeals, retraining, and the
suggestion for a text being typed, with the model read from SUGGEST_MODEL_DIR."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus
from appeals.lazy import lazy_import
from appeals.queues import get_queue
from appeals.reference.models import Category
from appeals.suggest.corpus import generate

if TYPE_CHECKING:
    from appeals.suggest.model import Suggester, Suggestion

# scikit-learn is loaded with the model's module on the first suggestion asked for (or the
# first training), not when a web process starts: most processes never need it.
ml = lazy_import("appeals.suggest.model")

log = logging.getLogger(__name__)

# An appeal's category is final once it is answered: forwarding and re-routing are behind it.
FINAL_STATUSES = (AppealStatus.ANSWERED, AppealStatus.CLOSED)
# The most recent ones are enough, and keep the nightly training within minutes.
MAX_TRAINING_APPEALS = 50_000
CORPUS_SEED = 2026
# The training job (appeals/suggest/jobs.py), named by path: a service imports no job module.
RETRAIN_JOB = "appeals.suggest.jobs.retrain_suggester"
# One first training at a time, whichever process asks for it.
FIRST_TRAINING_JOB_ID = "suggest-first-training"
TRAINING_TIMEOUT = 1800
WAITING_OR_RUNNING = (
    JobStatus.QUEUED,
    JobStatus.STARTED,
    JobStatus.SCHEDULED,
    JobStatus.DEFERRED,
)


@dataclass(frozen=True)
class TrainingSet:
    texts: list[str]
    labels: list[str]  # top-level category codes
    from_appeals: int
    generated: int


@dataclass(frozen=True)
class TrainingReport:
    path: str
    from_appeals: int
    generated: int
    categories: list[str]
    seconds: float


def appeal_text(subject: str, text: str) -> str:
    """What the model reads: the subject line, then the text (as the form's script sends)."""
    return f"{subject}\n{text}"


def top_level_codes() -> dict[int, str]:
    """Each category's id -> the code of its top-level ancestor (the tree is small)."""
    rows = db.session.execute(select(Category.id, Category.code, Category.parent_id)).all()
    parent = {row.id: row.parent_id for row in rows}
    code = {row.id: row.code for row in rows}

    def top(category_id: int) -> str:
        seen = set()
        while parent[category_id] is not None and category_id not in seen:
            seen.add(category_id)
            category_id = parent[category_id]
        return code[category_id]

    return {category_id: top(category_id) for category_id in code}


def training_set(min_appeals: int, seed: int = CORPUS_SEED) -> TrainingSet:
    """Answered and closed appeals with their final top-level category, topped up with the
    generated corpus to `min_appeals` examples, so a fresh install suggests from day one."""
    tops = top_level_codes()
    rows = db.session.execute(
        select(Appeal.subject, Appeal.text, Appeal.category_id)
        .where(Appeal.status.in_(FINAL_STATUSES))
        .order_by(Appeal.id.desc())
        .limit(MAX_TRAINING_APPEALS)
    ).all()
    texts = [appeal_text(row.subject, row.text) for row in rows]
    labels = [tops[row.category_id] for row in rows]
    generated = generate(max(0, min_appeals - len(rows)), seed=seed)
    return TrainingSet(
        texts=texts + [text for text, _ in generated],
        labels=labels + [code for _, code in generated],
        from_appeals=len(rows),
        generated=len(generated),
    )


def retrain() -> TrainingReport:
    """Train the suggester on the database (and the corpus) and save it for every process."""
    config = current_app.config
    started = time.perf_counter()
    data = training_set(config["SUGGEST_MIN_APPEALS"])
    # Only reads so far: end the transaction before seconds of training, or SQLite's
    # BEGIN IMMEDIATE keeps every writer waiting on it.
    db.session.rollback()
    suggester = ml.train(
        data.texts,
        data.labels,
        min_confidence=config["SUGGEST_MIN_CONFIDENCE"],
        info={"from_appeals": data.from_appeals, "generated": data.generated},
    )
    path = ml.save(suggester, Path(config["SUGGEST_MODEL_DIR"]))
    report = TrainingReport(
        path=str(path),
        from_appeals=data.from_appeals,
        generated=data.generated,
        categories=suggester.categories,
        seconds=round(time.perf_counter() - started, 2),
    )
    log.info("Category suggester trained: %s", report)
    return report


def request_first_training() -> bool:
    """Queue one training on the slow queue when no model is saved yet and none is queued or
    running: the slow worker calls it at its start, and a suggestion asked for meanwhile. The
    web process never trains itself (seconds of a citizen's typing). True if queued."""
    config = current_app.config
    if ml.model_file(Path(config["SUGGEST_MODEL_DIR"])).current() is not None:
        return False
    queue = get_queue(config["RQ_SLOW_QUEUE"])
    try:
        job = Job.fetch(FIRST_TRAINING_JOB_ID, connection=queue.connection)
    except NoSuchJobError:
        job = None
    if job is not None and job.get_status(refresh=False) in WAITING_OR_RUNNING:
        return False
    queue.enqueue(RETRAIN_JOB, job_id=FIRST_TRAINING_JOB_ID, job_timeout=TRAINING_TIMEOUT)
    log.info("No category suggester saved yet: a training is queued on %s", queue.name)
    return True


def current_suggester() -> Suggester | None:
    """The newest saved model; with none yet, None at once (and a training is queued for the
    slow worker if SUGGEST_TRAIN_ON_DEMAND)."""
    config = current_app.config
    suggester = ml.model_file(Path(config["SUGGEST_MODEL_DIR"])).current()
    if suggester is None and config["SUGGEST_TRAIN_ON_DEMAND"]:
        try:
            request_first_training()
        except RedisError:  # no queue now: the slow worker queues it at its next start
            log.warning("Could not queue the suggester's first training", exc_info=True)
    return suggester


@dataclass(frozen=True)
class CategorySuggestion:
    category: Category
    confidence: float


def suggest_category(text: str) -> CategorySuggestion | None:
    """The category to suggest for an appeal's text, or None: no model, a short text, not
    sure enough, or the category has since been deactivated."""
    suggester = current_suggester()
    if suggester is None:
        return None
    suggestion: Suggestion | None = suggester.suggest(
        text, min_confidence=current_app.config["SUGGEST_MIN_CONFIDENCE"]
    )
    if suggestion is None:
        return None
    category = db.session.execute(
        select(Category).where(Category.code == suggestion.category_code, Category.is_active)
    ).scalar_one_or_none()
    if category is None:
        return None
    return CategorySuggestion(category, suggestion.confidence)
