"""The RQ processes: `worker.py --processes N` runs RQ's worker pool, and the slow jobs have
their own queue so that notices and sweeps never wait behind them."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from redis import Redis
from rq import Queue, SimpleWorker, Worker
from rq.job import Job, JobStatus

from appeals.opendata.jobs import count_open_statistics
from appeals.ops.jobs import analyze_database
from appeals.periodic import register_periodic_jobs
from appeals.scores.snapshots import refresh_score_cache, snapshot_previous_month
from appeals.suggest.jobs import retrain_suggester
from worker import worker_class

ROOT = Path(__file__).resolve().parents[2]


def registered(app) -> dict:
    jobs = {}

    class Recorder:
        def register(self, func, **options):
            jobs[func] = options

    register_periodic_jobs(Recorder(), app.config)
    return jobs


def worker_env(app, redis_server, tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "REDIS_URL": redis_server.url,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "APPEALS_INSTANCE_DIR": str(tmp_path),
        # Outside tests the app refuses the development key: a worker is given a real one.
        "SECRET_KEY": secrets.token_hex(32),
    }


def test_slow_jobs_have_their_own_queue_and_the_fast_worker_does_not_serve_it(app):
    slow = app.config["RQ_SLOW_QUEUE"]
    jobs = registered(app)
    for func in (
        retrain_suggester,
        refresh_score_cache,
        snapshot_previous_month,
        count_open_statistics,
        analyze_database,
    ):
        assert jobs[func]["queue_name"] == slow, func.__name__
    others = {options["queue_name"] for func, options in jobs.items()} - {slow}
    assert others and others <= set(app.config["RQ_QUEUES"])
    assert slow not in app.config["RQ_QUEUES"]


def test_worker_rejects_zero_processes():
    result = subprocess.run(
        [sys.executable, "worker.py", "--processes", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--processes must be at least 1" in result.stderr


def test_worker_pool_runs_jobs_in_parallel(app, redis_server, tmp_path):
    connection = Redis.from_url(redis_server.url)
    queue = Queue("pooltest", connection=connection)
    pool = subprocess.Popen(
        [sys.executable, "worker.py", "--processes", "2", "--queues", "pooltest"],
        cwd=ROOT,
        env=worker_env(app, redis_server, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(Worker.all(queue=queue)) < 2:
            assert pool.poll() is None, "the worker pool exited"
            assert time.monotonic() < deadline, "two workers did not register within 60 s"
            time.sleep(0.2)
        started = time.monotonic()
        jobs = [queue.enqueue("time.sleep", 2) for _ in range(2)]
        while not all(job.get_status(refresh=True) == JobStatus.FINISHED for job in jobs):
            assert time.monotonic() - started < 30, [job.get_status() for job in jobs]
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        names = {Job.fetch(job.id, connection=connection).worker_name for job in jobs}
        assert len(names) == 2, "each job ran in its own worker"
        assert elapsed < 3.9, f"two 2-second jobs took {elapsed:.1f} s: not in parallel"
    finally:
        pool.send_signal(signal.SIGINT)
        try:
            pool.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pool.kill()
            pool.wait()


def test_notices_and_sweeps_run_in_the_workers_own_process(app, redis_server, tmp_path):
    """A work horse forked per job cost about 100 ms a job, and delivery fell behind intake:
    the fast queues' jobs run in the worker's process; only the slow queue forks one."""
    connection = Redis.from_url(redis_server.url)
    queue = Queue("owntest", connection=connection)
    jobs = [queue.enqueue("os.getpid") for _ in range(3)]
    worker = subprocess.Popen(
        [sys.executable, "worker.py", "--queues", "owntest", "--burst"],
        cwd=ROOT,
        env=worker_env(app, redis_server, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert worker.wait(timeout=120) == 0
    ran_in = {Job.fetch(job.id, connection=connection).return_value() for job in jobs}
    assert ran_in == {worker.pid}
    assert worker_class([app.config["RQ_SLOW_QUEUE"]], app.config["RQ_SLOW_QUEUE"]) is Worker
    assert worker_class(app.config["RQ_QUEUES"], app.config["RQ_SLOW_QUEUE"]) is SimpleWorker
