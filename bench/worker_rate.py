"""Benchmark: how fast one RQ worker delivers notices, forking a work horse per job (RQ's
Worker) against running jobs in its own process (RQ's SimpleWorker), in one run on the same
data; then SimpleWorker in a process settled as worker.py settles it (appeals/heap.py) against
Python's collector as it starts, alternated. Each submission's receipt is one delivery job;
delivery keeps up with intake only if the worker drains them faster than citizens submit.

Run from the project root (SQLite and a local Redis in a temporary folder; notices go to the
log channel, as with MAIL_SERVER unset):
    python bench/worker_rate.py                 # 400 receipts per worker kind
    python bench/worker_rate.py --notices 1000
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402
from rq import Queue, SimpleWorker, Worker  # noqa: E402
from sqlalchemy import select  # noqa: E402

from appeals import create_app  # noqa: E402
from appeals.accounts.models import Role, User  # noqa: E402
from appeals.accounts.service import create_user  # noqa: E402
from appeals.extensions import db  # noqa: E402
from appeals.heap import settle  # noqa: E402
from appeals.intake.service import NewAppeal, submit_appeal  # noqa: E402
from appeals.localredis import LocalRedis  # noqa: E402
from appeals.queues import use_app  # noqa: E402
from appeals.reference.models import Category, Region  # noqa: E402
from appeals.reference.seed import seed_holidays, seed_reference  # noqa: E402


def submit_many(applicant: User, count: int) -> None:
    """`count` registered appeals, each with its receipt queued for delivery."""
    category = db.session.scalar(select(Category.id).where(Category.code == "healthcare"))
    region = db.session.scalar(select(Region.id).where(Region.code == "710000000"))
    for n in range(count):
        submit_appeal(
            applicant,
            NewAppeal(
                kind="statement",
                category_id=category,
                region_id=region,
                subject=f"No appointment with a doctor ({n})",
                text="I have been waiting for an appointment for two months. Please help.",
            ),
        )
        db.session.commit()


def drain(worker_class: type[Worker], connection: Redis) -> tuple[int, float]:
    queue = Queue("notifications", connection=connection)
    jobs = queue.count
    started = time.perf_counter()
    worker_class(["notifications"], connection=connection).work(burst=True)
    elapsed = time.perf_counter() - started
    assert queue.count == 0, "the worker left jobs behind"
    return jobs, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=400)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the log channel's notices and RQ's per-job lines
    work = Path(tempfile.mkdtemp(prefix="appeals-worker-"))
    with LocalRedis(data_dir=str(work / "redis")) as redis:
        app = create_app(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{work / 'bench.sqlite3'}",
            REDIS_URL=redis.url,
            SECRET_KEY="bench",
            MAIL_SERVER="",
            UPLOAD_DIR=work / "uploads",
        )
        use_app(app)
        connection = Redis.from_url(redis.url)
        with app.app_context():
            db.create_all()
            seed_reference(today=date(2026, 11, 25))
            seed_holidays([2025, 2026, 2027])
            applicant = create_user("bench@example.kz", "bench-password-1", "Bench", Role.CITIZEN)
            db.session.commit()
            rates = {}
            for worker_class in (Worker, SimpleWorker):
                submit_many(applicant, args.notices)
                jobs, elapsed = drain(worker_class, connection)
                rates[worker_class.__name__] = jobs / elapsed
                print(f"{worker_class.__name__:13s} {jobs} jobs in {elapsed:5.1f} s: "
                      f"{jobs / elapsed:6.1f} jobs/s")  # fmt: skip
            print(f"SimpleWorker / Worker: {rates['SimpleWorker'] / rates['Worker']:.1f}x")
            defaults = gc.get_threshold()
            for kind in ("as it starts", "settled") * 2:
                if kind == "settled":
                    settle()
                else:
                    gc.unfreeze()
                    gc.set_threshold(*defaults)
                submit_many(applicant, args.notices)
                jobs, elapsed = drain(SimpleWorker, connection)
                print(f"SimpleWorker, collector {kind:12s} {jobs} jobs in {elapsed:5.1f} s: "
                      f"{jobs / elapsed:6.1f} jobs/s")  # fmt: skip


if __name__ == "__main__":
    main()
