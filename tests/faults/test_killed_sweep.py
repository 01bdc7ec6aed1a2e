"""An RQ worker killed with SIGKILL in the middle of the deadline sweep: its transaction dies
with it, so nothing is half-flagged; after a restart the next sweep flags each overdue appeal
once, with one event and one set of notices. On PostgreSQL the kill comes after the sweep has
flagged the appeals and written their events, while it waits to write the notices (the test
locks that table); on SQLite, whose single writer allows no such middle, while the sweep waits
for the write lock the test holds."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime

from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus
from sqlalchemy import create_engine, func, select, text

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import Appeal, Event, EventKind
from appeals.notifications.models import Notification
from tests.factories import submit
from tests.faults.conftest import wait_for

SWEEP = "appeals.deadlines.jobs.sweep_deadlines"
OVERDUE = 5


def _state() -> tuple[int, int, int]:
    """Appeals flagged overdue, overdue events, overdue notices."""
    state = (
        db.session.execute(select(func.count()).where(Appeal.is_overdue.is_(True))).scalar(),
        db.session.execute(select(func.count()).where(Event.kind == EventKind.OVERDUE)).scalar(),
        db.session.execute(
            select(func.count()).where(Notification.template.like("%overdue%"))
        ).scalar(),
    )
    db.session.commit()
    return state


def _sweep(connection: Redis) -> Job:
    return Queue("sweeps", connection=connection).enqueue(SWEEP)


class _Blocker:
    """Holds what the sweep needs next, from a connection of the test's own."""

    def __init__(self, app) -> None:
        self.url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.sqlite = self.url.startswith("sqlite")

    def __enter__(self):
        if self.sqlite:
            self.connection = sqlite3.connect(
                self.url.removeprefix("sqlite:///"), isolation_level=None
            )
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            self.engine = create_engine(self.url)
            self.connection = self.engine.connect()
            self.connection.execute(text("LOCK TABLE notifications IN EXCLUSIVE MODE"))
        return self

    def sweep_is_waiting(self) -> bool:
        if self.sqlite:
            return True  # it can only wait for the write lock
        # The statistics are a snapshot per transaction: this one holds the lock, so clear it.
        self.connection.execute(text("SELECT pg_stat_clear_snapshot()"))
        waiting = (
            self.connection.execute(
                text(
                    "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            )
            .scalars()
            .all()
        )
        return any("notifications" in query for query in waiting)

    def __exit__(self, *exc):
        if self.sqlite:
            self.connection.execute("ROLLBACK")
            self.connection.close()
        else:
            self.connection.rollback()
            self.connection.close()
            self.engine.dispose()


def test_a_worker_killed_in_the_middle_of_the_sweep(app, make_user, workers, redis_server):
    make_user(Role.HEAD, body_code="health-71")
    citizen = make_user()
    for n in range(OVERDUE):  # due 22.09.2026, long past
        submit(citizen, subject=f"Late {n}", now=datetime(2026, 9, 1, 6, 0, tzinfo=UTC))
    assert _state() == (0, 0, 0)
    connection = Redis.from_url(redis_server.url)
    group = workers()

    worker = group.start("sweeps")
    with _Blocker(app) as blocker:
        job = _sweep(connection)
        wait_for(lambda: job.get_status(refresh=True) == JobStatus.STARTED, 60, "no sweep ran")
        wait_for(blocker.sweep_is_waiting, 60, "the sweep did not reach the notices")
        time.sleep(0.3)
        group.kill(worker)
    assert _state() == (0, 0, 0)  # nothing half-flagged: the transaction died with the worker

    group.start("sweeps")  # the restart, and the next sweep
    job = _sweep(connection)
    wait_for(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, 60, "no sweep finished")
    flagged, events, notices = _state()
    assert (flagged, events) == (OVERDUE, OVERDUE) and notices >= OVERDUE  # the head's, at least

    job = _sweep(connection)  # and one more: nothing twice
    wait_for(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, 60, "no sweep finished")
    assert _state() == (flagged, events, notices)
