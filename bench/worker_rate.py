"""Benchmark: how fast one RQ worker delivers notices. First a job per notice (what a retry
and the sweep's re-queue still use): RQ's Worker, forking a work horse per job, against its
SimpleWorker, running jobs in its own process; then the notices' outbox (a new notice's
first attempt), where one drain job delivers every notice handed over, against a job per
notice, both under SimpleWorker; then SimpleWorker in a process settled as worker.py settles
it (appeals/heap.py) against Python's collector as it starts, alternated. Each submission's
receipt is one delivery; delivery keeps up with intake only if the worker delivers them
faster than citizens submit. The worker's CPU seconds are printed with the wall time: the
worker shares the machine with the web processes, so its CPU is what the load test feels.

Run from the project root (SQLite and a local Redis in a temporary folder; notices go to the
log channel, as with MAIL_SERVER unset):
    python bench/worker_rate.py                 # 400 receipts per run
    python bench/worker_rate.py --notices 1000
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402
from rq import Queue, SimpleWorker, Worker  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from appeals import create_app  # noqa: E402
from appeals.accounts.models import Role, User  # noqa: E402
from appeals.accounts.service import create_user  # noqa: E402
from appeals.extensions import db  # noqa: E402
from appeals.heap import settle  # noqa: E402
from appeals.intake.service import NewAppeal, submit_appeal  # noqa: E402
from appeals.localredis import LocalRedis  # noqa: E402
from appeals.notifications.models import Notification, NotificationStatus  # noqa: E402
from appeals.notifications.service import NOTICE_OUTBOX, delivery_job  # noqa: E402
from appeals.queues import send_pending_jobs, use_app, waiting_in_outbox  # noqa: E402
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


def a_job_each(connection: Redis) -> None:
    """The naive way: the outbox's ids and drain dropped, a delivery job queued per notice."""
    ids = sorted(waiting_in_outbox(NOTICE_OUTBOX, connection))
    connection.delete(NOTICE_OUTBOX.items, NOTICE_OUTBOX.holder)
    Queue("notifications", connection=connection).empty()
    send_pending_jobs([delivery_job(notice_id) for notice_id in ids])


def drain(worker_class: type[Worker], connection: Redis) -> tuple[int, float, float]:
    """Notices sent, wall seconds and the worker's CPU seconds (it runs in this process, or
    forks work horses: their CPU is counted as children's)."""
    queue = Queue("notifications", connection=connection)
    pending = db.session.scalar(
        select(func.count()).where(Notification.status == NotificationStatus.PENDING)
    )
    db.session.commit()
    started, cpu = time.perf_counter(), _cpu()
    worker_class(["notifications"], connection=connection).work(burst=True)
    elapsed, spent = time.perf_counter() - started, _cpu() - cpu
    assert queue.count == 0, "the worker left jobs behind"
    left = db.session.scalar(
        select(func.count()).where(Notification.status == NotificationStatus.PENDING)
    )
    db.session.commit()
    assert left == 0, f"{left} notices not sent"
    return pending, elapsed, spent


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def report(name: str, sent: int, elapsed: float, spent: float) -> float:
    print(f"{name:40s} {sent} notices in {elapsed:5.1f} s: {sent / elapsed:6.1f} a second, "
          f"{spent / sent * 1000:5.1f} ms of the worker's CPU each")  # fmt: skip
    return spent / sent


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
            OUTBOX_LINGER_SECONDS=0,  # a burst worker: nothing comes after the drain
        )
        use_app(app)
        connection = Redis.from_url(redis.url)
        with app.app_context():
            db.create_all()
            seed_reference(today=date(2026, 11, 25))
            seed_holidays([2025, 2026, 2027])
            applicant = create_user("bench@example.kz", "bench-password-1", "Bench", Role.CITIZEN)
            db.session.commit()
            cost = {}
            for worker_class in (Worker, SimpleWorker):
                submit_many(applicant, args.notices)
                a_job_each(connection)
                name = f"a job per notice, {worker_class.__name__}"
                cost[name] = report(name, *drain(worker_class, connection))
            for _ in range(2):  # alternated, twice: the machine's speed drifts
                submit_many(applicant, args.notices)
                cost["outbox"] = report(
                    "the outbox's drain, SimpleWorker", *drain(SimpleWorker, connection)
                )
                submit_many(applicant, args.notices)
                a_job_each(connection)
                name = "a job per notice, SimpleWorker"
                cost[name] = report(name, *drain(SimpleWorker, connection))
            simple = cost["a job per notice, SimpleWorker"]
            print(f"SimpleWorker against Worker: {cost['a job per notice, Worker'] / simple:.1f}x "
                  f"less CPU a notice; the outbox against a job per notice: "
                  f"{simple / cost['outbox']:.1f}x")  # fmt: skip
            defaults = gc.get_threshold()
            for kind in ("as it starts", "settled") * 2:
                if kind == "settled":
                    settle()
                else:
                    gc.unfreeze()
                    gc.set_threshold(*defaults)
                submit_many(applicant, args.notices)
                report(f"the outbox, collector {kind}", *drain(SimpleWorker, connection))


if __name__ == "__main__":
    main()
