"""Starts RQ workers, with RQ's scheduler for enqueue_at/enqueue_in and retries, on the
app's queues (REDIS_URL and DATABASE_URL from the environment):

    python worker.py                          one worker on RQ_QUEUES (default, notifications,
                                              sweeps), as scripts/run starts it
    python worker.py --processes 4            RQ's worker pool: four worker processes
    python worker.py --queues slow            the slow jobs (retraining, the score cells,
                                              snapshots), so they never hold up notices; at
                                              its start it queues the category suggestion's
                                              first training when no model is saved yet
    python worker.py --burst                  run what is queued, then exit

Notices, sweeps and deadline jobs run in the worker's own process: forking a work horse per
job cost about 100 ms a job, ten times a notice's delivery (bench/worker_rate.py), and held
delivery below intake. Only the slow queue forks a horse per job, so that the retraining's
memory (about 600 MB at its peak) goes back to the system after each job.
"""

from __future__ import annotations

import argparse

from redis import Redis
from rq import SimpleWorker, Worker
from rq.worker_pool import WorkerPool

from appeals import create_app
from appeals.extensions import db
from appeals.heap import settle
from appeals.queues import use_app
from appeals.suggest.service import request_first_training


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="worker processes (1: one plain worker; more: RQ's worker pool)",
    )
    parser.add_argument(
        "--queues",
        default="",
        help="comma-separated queues in priority order (default: the config's RQ_QUEUES)",
    )
    parser.add_argument("--burst", action="store_true", help="run what is queued, then exit")
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    return args


def worker_class(queues: list[str], slow_queue: str) -> type[Worker]:
    """RQ's forking Worker for the slow queue; SimpleWorker (jobs in its own process) else."""
    return Worker if slow_queue in queues else SimpleWorker


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    app = create_app()
    use_app(app)
    queues = [name for name in args.queues.split(",") if name] or app.config["RQ_QUEUES"]
    # No socket timeout here: the worker blocks on Redis while it waits for work.
    connection = Redis.from_url(app.config["REDIS_URL"])
    if app.config["RQ_SLOW_QUEUE"] in queues:
        # The model is ready before the first citizen types, not trained on their keystroke.
        with app.app_context():
            request_first_training()
    kind = worker_class(queues, app.config["RQ_SLOW_QUEUE"])
    settle()  # before the pool forks: each worker inherits the frozen app
    if args.processes == 1:
        kind(queues, connection=connection).work(with_scheduler=True, burst=args.burst)
        return
    # The pool forks its workers: none may share the parent's database connections.
    with app.app_context():
        db.engine.dispose()
    pool = WorkerPool(queues, connection=connection, num_workers=args.processes, worker_class=kind)
    pool.start(burst=args.burst)


if __name__ == "__main__":
    main()
