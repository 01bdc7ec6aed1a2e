"""Prometheus metrics (prometheus_client): the latency of every request by endpoint, the web
processes' time in Python's garbage collector, and, counted when /metrics is scraped, the RQ
queues' lengths, their failed jobs and the open overdue appeals.

Under gunicorn each worker process keeps its own histogram; gunicorn.conf.py sets
PROMETHEUS_MULTIPROC_DIR so that a scrape of any worker reports the sum of all of them."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

from flask import Flask, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from redis.exceptions import RedisError
from rq import Queue
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from appeals.extensions import begin_reading, db
from appeals.heap import collector_seconds
from appeals.intake.models import OPEN_STATUSES, Appeal
from appeals.queues import OUTBOXES, redis_connection

CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUEST_SECONDS = Histogram(
    "appeals_http_request_duration_seconds",
    "Time to answer a request, by endpoint, method and status code.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0),
)

# Labelled, so that no process writes its value before it has one to report (a CLI command
# under PROMETHEUS_MULTIPROC_DIR need not have the folder).
COLLECTOR_SECONDS = Counter(
    "appeals_gc_seconds",
    "Time the web processes spent in Python's garbage collector since they settled, by the "
    "generation of the pass (2: full passes).",
    ["generation"],
)
_reported = [0.0, 0.0, 0.0]
_collector_lock = threading.Lock()  # a process's threads report each pass once


def instrument(app: Flask) -> None:
    """Time every request of the app (the endpoint's name, not the URL: bounded labels)."""

    @app.before_request
    def _start_timer():
        g._metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("_metrics_started", None)
        if started is not None:
            REQUEST_SECONDS.labels(
                request.endpoint or "unmatched", request.method, str(response.status_code)
            ).observe(time.perf_counter() - started)
        _report_collector()
        return response


def _report_collector() -> None:
    """Add the collector's seconds since the last report (read here, not in the collector's
    callback, which may run while prometheus_client holds its lock)."""
    with _collector_lock:
        for generation, spent in enumerate(collector_seconds()):
            if spent > _reported[generation]:
                COLLECTOR_SECONDS.labels(str(generation)).inc(spent - _reported[generation])
                _reported[generation] = spent


class LiveFigures:
    """A collector counted at scrape time: queues (their outboxes' ids among them), failed
    jobs, open overdue appeals."""

    def collect(self) -> Iterator[Metric]:
        yield from self._queues()
        yield from self._overdue()

    def _queues(self) -> Iterator[Metric]:
        waiting = GaugeMetricFamily(
            "appeals_rq_queue_jobs", "Jobs waiting in an RQ queue.", labels=["queue", "state"]
        )
        failed = GaugeMetricFamily(
            "appeals_rq_failed_jobs", "Jobs in an RQ queue's failed registry.", labels=["queue"]
        )
        up = GaugeMetricFamily("appeals_redis_up", "1 when Redis answered this scrape.")
        try:
            connection = redis_connection()
            for name in [*current_app.config["RQ_QUEUES"], current_app.config["RQ_SLOW_QUEUE"]]:
                queue = Queue(name, connection=connection)
                waiting.add_metric([name, "queued"], queue.count)
                waiting.add_metric([name, "scheduled"], ScheduledJobRegistry(queue=queue).count)
                waiting.add_metric([name, "started"], StartedJobRegistry(queue=queue).count)
                failed.add_metric([name], FailedJobRegistry(queue=queue).count)
            for outbox in OUTBOXES.values():  # ids handed over, not yet taken by the drain
                waiting.add_metric(
                    [outbox.queue, f"outbox {outbox.name}"], connection.llen(outbox.items)
                )
            up.add_metric([], 1)
        except RedisError:
            up.add_metric([], 0)
            yield up
            return
        yield from (waiting, failed, up)

    def _overdue(self) -> Iterator[Metric]:
        gauge = GaugeMetricFamily(
            "appeals_open_overdue", "Open appeals flagged overdue by the deadline sweep."
        )
        try:
            begin_reading()
            count = db.session.execute(
                select(func.count())
                .select_from(Appeal)
                .where(Appeal.is_overdue.is_(True), Appeal.status.in_(OPEN_STATUSES))
            ).scalar_one()
            db.session.rollback()
        except SQLAlchemyError:
            db.session.rollback()
            return
        gauge.add_metric([], count)
        yield gauge


def exposition() -> bytes:
    """The text a Prometheus scrape reads."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests_registry = CollectorRegistry()
        MultiProcessCollector(requests_registry)
    else:
        requests_registry = REGISTRY
    live = CollectorRegistry(auto_describe=False)
    live.register(LiveFigures())
    return generate_latest(requests_registry) + generate_latest(live)
