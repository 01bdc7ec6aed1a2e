"""The query planner's statistics (ops/planner.py): the nightly job and `flask generate` count
them, and with them SQLite counts one big body's score cells by looking each appeal's working
days up through an index, where without them it scanned the whole working-day index for each
appeal (28 s for the biggest body of the 1,000,000-appeal load database, 1.5 s with them)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from appeals.audit.models import Audit
from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.ops.jobs import analyze_database
from appeals.ops.planner import refresh_planner_statistics
from appeals.queues import get_queue
from appeals.scores.cells import _count
from appeals.timeutil import local_today
from tests.conftest import planner_statistics_forgotten, tables_restored
from tests.ops.test_query_plans import captured, sqlite_plan
from tests.ops.test_workers import registered


@pytest.fixture
def generated(app):
    """2,000 appeals at 5 bodies, through the command (which counts the statistics too)."""
    with planner_statistics_forgotten(), tables_restored(("bodies",)):
        result = app.test_cli_runner().invoke(
            args=["generate", "--appeals", "2000", "--bodies", "5", "--months", "12", "--seed", "3"]
        )
        assert result.exit_code == 0, result.output
        yield


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _forget_statistics() -> None:
    """SQLite as before any ANALYZE: no statistics, and none loaded by this connection."""
    db.session.execute(text("DELETE FROM sqlite_stat1"))
    db.session.execute(text("ANALYZE sqlite_schema"))  # reloads what is left: nothing


def _appeals_counted() -> int | None:
    """The rows of appeals as the planner's statistics have them (None: none counted)."""
    if _sqlite():
        stat = db.session.execute(
            text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_appeals_body_submitted'")
        ).scalar()
        return None if stat is None else int(stat.split()[0])
    rows = db.session.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'appeals'"))
    counted = rows.scalar()
    return None if counted is None or counted < 0 else int(counted)  # -1: never analyzed


def test_the_nightly_job_counts_the_planners_statistics(app, generated, run_jobs):
    """Counted by `flask generate`, then by the nightly job (on SQLite from none at all)."""
    appeals = db.session.scalar(select(func.count()).select_from(Appeal))
    assert _appeals_counted() == appeals
    if _sqlite():
        _forget_statistics()
        db.session.commit()
        assert _appeals_counted() is None
    get_queue(app.config["RQ_SLOW_QUEUE"]).enqueue(analyze_database)
    assert run_jobs([app.config["RQ_SLOW_QUEUE"]])
    db.session.commit()
    assert _appeals_counted() == appeals


def test_flask_analyze_counts_them_and_the_scheduler_runs_it_at_night(app, generated):
    if _sqlite():
        _forget_statistics()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["analyze"])
    assert result.exit_code == 0, result.output
    assert "statistics are counted again" in result.output
    assert _appeals_counted() == db.session.scalar(select(func.count()).select_from(Appeal))
    assert registered(app)[analyze_database]["cron"] == "30 3 * * *"


def _count_plans(body_id: int) -> list[str]:
    """SQLite's plan of every statement of the cells' count of one body, from January."""
    last_audit = db.session.scalar(select(func.max(Audit.id))) or 0
    with captured() as statements:
        _count({body_id: date(local_today().year, 1, 1)}, local_today(), last_audit)
    return [line for statement in statements for line in sqlite_plan(*statement)]


def test_with_statistics_one_bodys_cells_are_counted_without_a_scan_of_the_working_days_per_appeal(
    app, generated
):
    if not _sqlite():
        pytest.skip("PostgreSQL keeps its statistics by itself (autovacuum)")
    biggest = db.session.execute(
        select(Appeal.current_body_id)
        .group_by(Appeal.current_body_id)
        .order_by(func.count().desc())
        .limit(1)
    ).scalar_one()
    _forget_statistics()
    without = _count_plans(biggest)
    assert any(line.startswith("SCAN working_day_index") for line in without), without

    refresh_planner_statistics()
    with_statistics = _count_plans(biggest)
    assert not any(line.startswith("SCAN working_day_index") for line in with_statistics), (
        with_statistics
    )
