"""Retraining: the job in a real RQ worker writes the model file; the training set takes the
answered appeals' final top-level category and tops up with the corpus; the nightly schedule
and the CLI command."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from rq.cron import CronScheduler
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import Appeal, Decision
from appeals.periodic import register_periodic_jobs
from appeals.queues import get_queue
from appeals.reference.models import Body
from appeals.suggest.jobs import retrain_suggester
from appeals.suggest.model import MODEL_FILENAME, load
from appeals.suggest.service import training_set
from appeals.timeutil import local_today
from appeals.work.service import answer_appeal
from appeals.work.terms import forward_appeal
from tests.factories import submit

ROOT = Path(__file__).resolve().parents[2]
INSULIN = "Нет инсулина в аптеке поликлиники, ребёнок с диабетом остаётся без лекарства."
PLOT = "Сосед поставил забор на моём земельном участке, границы участка нарушены."


@pytest.fixture
def answered(make_user):
    """Ten answered appeals, five about medicines (a child category of healthcare) and five
    about land, and three still open (not counted: their category may yet change)."""
    citizen = make_user()
    health_head = make_user(Role.HEAD, body_code="health-71")
    akimat_head = make_user(Role.HEAD, body_code="akimat-71")
    for n in range(5):
        appeal, _ = submit(
            citizen, category="healthcare.medicines", subject=f"Инсулин {n}", text=INSULIN
        )
        answer_appeal(appeal, "Инсулин поступит в аптеку.", Decision.SATISFIED, health_head)
        appeal, _ = submit(citizen, category="land", subject=f"Забор {n}", text=PLOT)
        answer_appeal(appeal, "Границы восстановлены.", Decision.SATISFIED, akimat_head)
    for _ in range(3):  # still open: their category may yet change
        submit(citizen, category="police", subject="Шум по ночам", text=PLOT)
    db.session.commit()


def test_training_set_takes_the_answered_appeals_top_level_category(answered):
    data = training_set(min_appeals=0)

    assert data.from_appeals == 10 and data.generated == 0
    assert sorted(data.labels) == ["healthcare"] * 5 + ["land"] * 5
    assert all(text.startswith(("Инсулин", "Забор")) for text in data.texts)
    assert any(INSULIN in text for text in data.texts)
    db.session.commit()


def test_training_set_is_topped_up_with_the_corpus_to_the_minimum(answered):
    data = training_set(min_appeals=500)

    assert data.from_appeals == 10 and data.generated == 490
    assert len(data.texts) == len(data.labels) == 500
    assert len(set(data.labels)) == 15  # every category, from the corpus
    db.session.commit()


def test_a_forwarded_appeal_counts_once_answered_with_the_category_it_holds(make_user):
    """Appeal.category_id when answered, after any forwarding (no service re-categorises an
    appeal today; one that does would be seen here)."""
    citizen = make_user()
    health_head = make_user(Role.HEAD, body_code="health-71")
    education = db.session.execute(select(Body).where(Body.code == "education-71")).scalar_one()
    education_head = make_user(Role.HEAD, body_code="education-71")
    appeal, _ = submit(citizen, category="healthcare", text="Школьная медсестра не работает.")
    forward_appeal(appeal, education, "Школьная медсестра", health_head, today=local_today())
    db.session.commit()
    assert training_set(min_appeals=0).labels == []  # forwarded, not answered yet
    db.session.commit()

    answer_appeal(appeal, "Медсестра принята.", Decision.SATISFIED, education_head)
    db.session.commit()

    assert appeal.current_body_id == education.id
    assert training_set(min_appeals=0).labels == ["healthcare"]
    db.session.commit()


def test_the_retraining_job_runs_in_a_worker_and_writes_the_model(
    app, answered, empty_model_dir, monkeypatch, run_jobs
):
    monkeypatch.setitem(app.config, "SUGGEST_MIN_APPEALS", 600)
    job = get_queue("default").enqueue(retrain_suggester)

    run_jobs()

    job.refresh()
    assert job.is_finished, job.latest_result().exc_string if job.latest_result() else None
    report = job.return_value()
    path = empty_model_dir / MODEL_FILENAME
    assert report["path"] == str(path)
    assert report["from_appeals"] == 10 and report["generated"] == 590
    model = load(path)
    assert model.info["from_appeals"] == 10
    assert len(model.categories) == 15
    assert model.suggest(INSULIN + " Прошу помочь.").category_code == "healthcare"


def test_the_retraining_learns_from_the_appeals_alone_when_there_are_enough(
    app, answered, empty_model_dir, monkeypatch, run_jobs
):
    monkeypatch.setitem(app.config, "SUGGEST_MIN_APPEALS", 10)
    get_queue("default").enqueue(retrain_suggester)

    run_jobs()

    model = load(empty_model_dir / MODEL_FILENAME)
    assert sorted(model.categories) == ["healthcare", "land"]  # medicines -> healthcare
    assert model.info["generated"] == 0


def test_retraining_twice_gives_the_same_model(app, answered, empty_model_dir, monkeypatch):
    monkeypatch.setitem(app.config, "SUGGEST_MIN_APPEALS", 300)
    retrain_suggester()
    first = load(empty_model_dir / MODEL_FILENAME)
    retrain_suggester()
    second = load(empty_model_dir / MODEL_FILENAME)
    text = "Забор соседа стоит на моём участке, прошу восстановить границы."
    assert first.probabilities(text) == pytest.approx(second.probabilities(text))
    assert [p.name for p in empty_model_dir.iterdir()] == [MODEL_FILENAME]


def test_the_retraining_is_registered_nightly(app, redis_server):
    from redis import Redis

    scheduler = CronScheduler(connection=Redis.from_url(redis_server.url))
    register_periodic_jobs(scheduler, app.config)

    jobs = {job.func: job for job in scheduler.get_jobs()}
    assert retrain_suggester in jobs
    nightly = jobs[retrain_suggester]
    assert nightly.cron == app.config["SUGGEST_RETRAIN_CRON"] == "0 3 * * *"
    assert nightly.queue_name == app.config["RQ_SLOW_QUEUE"] == "slow"
    # Training on many appeals takes longer than RQ's default of 180 s.
    assert nightly.job_options["job_timeout"] >= 600


def test_the_cli_command_trains_and_saves(app, empty_model_dir, monkeypatch):
    monkeypatch.setitem(app.config, "SUGGEST_MIN_APPEALS", 600)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["train-suggester"])

    assert result.exit_code == 0, result.output
    assert "Category suggester saved to" in result.output
    assert "0 appeals, 600 generated examples, 15 categories" in result.output
    assert (empty_model_dir / MODEL_FILENAME).is_file()
    assert db.session.execute(select(Appeal.id)).first() is None


def test_a_freshly_started_slow_worker_makes_the_model_ready(app, redis_server, tmp_path):
    """The slow worker, at its start, queues the first training and runs it: the model is
    there before any citizen asks for a suggestion."""
    models = tmp_path / "models"
    env = {
        **os.environ,
        "REDIS_URL": redis_server.url,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "APPEALS_INSTANCE_DIR": str(tmp_path),
        "SUGGEST_MODEL_DIR": str(models),
        "SUGGEST_MIN_APPEALS": "800",  # a smaller corpus: faster
        "SECRET_KEY": secrets.token_hex(32),
    }
    db.session.commit()
    result = subprocess.run(
        [sys.executable, "worker.py", "--queues", app.config["RQ_SLOW_QUEUE"], "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    suggester = load(models / MODEL_FILENAME)
    assert "healthcare" in suggester.categories


def test_a_fast_worker_does_not_train(app, redis_server, tmp_path):
    models = tmp_path / "models"
    env = {
        **os.environ,
        "REDIS_URL": redis_server.url,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "APPEALS_INSTANCE_DIR": str(tmp_path),
        "SUGGEST_MODEL_DIR": str(models),
        "SECRET_KEY": secrets.token_hex(32),
    }
    result = subprocess.run(
        [sys.executable, "worker.py", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert not models.exists()
    assert get_queue(app.config["RQ_SLOW_QUEUE"]).count == 0
