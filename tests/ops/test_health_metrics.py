"""/healthz, /readyz and /metrics: what a load balancer and Prometheus read."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from rq import Queue
from sqlalchemy import text

from appeals import JsonLogFormatter
from appeals.extensions import db
from appeals.localredis import LocalRedis
from appeals.ops.health import migration_heads
from tests.factories import submit


@pytest.fixture(autouse=True)
def unstamped():
    """No alembic_version, as create_all leaves the tests' schema (a database once migrated
    by hand may have one)."""
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


@pytest.fixture
def stamped(unstamped):
    """The database stamped at the migrations' head, as `flask db upgrade` leaves it (the
    tests build the schema with create_all, which writes no alembic_version)."""
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    for head in migration_heads():
        db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("DROP TABLE alembic_version"))
    db.session.commit()


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_the_schema_is_at_head_and_redis_answers(client, stamped):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_refuses_a_schema_behind_the_code(client, stamped):
    db.session.execute(text("UPDATE alembic_version SET version_num = '85fdbc639f49'"))
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("migrations not at head")
    assert body["checks"]["redis"] == "ok"


def test_readyz_refuses_an_unmigrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "migrations not at head" in response.get_json()["checks"]["database"]


def test_readyz_refuses_when_redis_is_down(app, client, stamped):
    dead = LocalRedis()
    dead.start()
    url = dead.url
    dead.stop()
    saved = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = url
    try:
        response = client.get("/readyz")
    finally:
        app.config["REDIS_URL"] = saved
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"].startswith("redis unreachable")


def test_metrics_report_latency_queues_failed_jobs_and_overdue(
    app, client, redis_server, make_user
):
    from redis import Redis

    queue = Queue("sweeps", connection=Redis.from_url(redis_server.url))
    queue.enqueue("appeals.no_such_module.job")
    queue.enqueue("appeals.no_such_module.job")
    appeal, _code = submit(make_user())
    appeal.is_overdue = True
    db.session.commit()

    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    body = response.get_data(as_text=True)
    assert 'appeals_http_request_duration_seconds_count{endpoint="ops.healthz"' in body
    assert 'appeals_rq_queue_jobs{queue="sweeps",state="queued"} 2.0' in body
    # The receipt, handed to the notices' outbox and not yet taken by its drain.
    assert 'appeals_rq_queue_jobs{queue="notifications",state="outbox notices"} 1.0' in body
    assert 'appeals_rq_failed_jobs{queue="default"} 0.0' in body
    assert "appeals_redis_up 1.0" in body
    assert "appeals_open_overdue 1.0" in body


def test_metrics_count_failed_jobs(app, client, run_jobs, redis_server):
    from redis import Redis

    Queue("sweeps", connection=Redis.from_url(redis_server.url)).enqueue(
        "appeals.no_such_module.job"
    )
    run_jobs(["sweeps"])
    body = client.get("/metrics").get_data(as_text=True)
    assert 'appeals_rq_failed_jobs{queue="sweeps"} 1.0' in body


def test_metrics_token_guards_the_endpoint(app, client):
    app.config["METRICS_TOKEN"] = "s3cret"
    try:
        assert client.get("/metrics").status_code == 404
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 404
        right = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert right.status_code == 200
    finally:
        app.config["METRICS_TOKEN"] = ""


def test_json_logs_are_one_object_per_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("appeals.x", logging.ERROR, __file__, 1, "failed %s", ("Ж",),
                                   sys.exc_info())  # fmt: skip
    entry = json.loads(JsonLogFormatter().format(record))
    assert entry["level"] == "ERROR" and entry["logger"] == "appeals.x"
    assert entry["message"] == "failed Ж"
    assert "ValueError: boom" in entry["exception"]
