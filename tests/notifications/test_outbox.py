"""The notices' outbox: a new notice's id is pushed to a Redis list after commit and one drain
job at a time delivers them, however many come, so that RQ's own cost of a job is paid per
drain and not per notice (bench/worker_rate.py)."""

from __future__ import annotations

import threading

import pytest
from redis import Redis
from rq import Queue, Worker
from rq.job import Job
from rq.registry import StartedJobRegistry
from sqlalchemy import select

from appeals.extensions import db
from appeals.localredis import free_port
from appeals.notifications.jobs import requeue_pending_notifications
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import NOTICE_OUTBOX
from appeals.queues import drain_outbox, hand_over, waiting_in_outbox
from tests.factories import submit
from tests.faults.conftest import Workers, wait_for
from tests.notifications.conftest import Inbox


def drains_queued(redis_server) -> int:
    jobs = Queue("notifications", connection=Redis.from_url(redis_server.url)).get_jobs()
    assert all(job.func_name == NOTICE_OUTBOX.job for job in jobs)
    return len(jobs)


def statuses() -> list[str]:
    found = list(db.session.execute(select(Notification.status).order_by(Notification.id)))
    db.session.commit()  # on SQLite a reader left open would hold the worker's write lock
    return [status for (status,) in found]


def test_many_notices_are_delivered_by_one_drain(make_user, redis_server, run_jobs, smtp_server):
    for n in range(5):
        submit(make_user(email=f"applicant{n}@example.kz"))

    assert drains_queued(redis_server) == 1  # the first hand-over started it; it holds on
    assert len(waiting_in_outbox(NOTICE_OUTBOX, Redis.from_url(redis_server.url))) == 5
    run_jobs()

    assert sorted(m["To"] for m in smtp_server.messages) == [
        f"applicant{n}@example.kz" for n in range(5)
    ]
    assert statuses() == [NotificationStatus.SENT] * 5
    connection = Redis.from_url(redis_server.url)
    assert waiting_in_outbox(NOTICE_OUTBOX, connection) == set()
    assert not connection.exists(NOTICE_OUTBOX.holder)  # let go: the next notice starts a drain

    submit(make_user(email="later@example.kz"))
    assert drains_queued(redis_server) == 1
    run_jobs()
    assert smtp_server.messages[-1]["To"] == "later@example.kz"


def test_a_drain_takes_what_comes_while_it_runs_and_none_other_starts(app, redis_server):
    connection = Redis.from_url(redis_server.url)
    hand_over(NOTICE_OUTBOX, [1])
    Queue("notifications", connection=connection).empty()  # this test drains by hand
    handled = []
    hold_left = []

    def handle(item_id: int) -> None:
        handled.append(item_id)
        hold_left.append(connection.ttl(NOTICE_OUTBOX.holder))
        if item_id == 1:  # a request commits its notice while the drain holds the outbox
            hand_over(NOTICE_OUTBOX, [2])
            connection.expire(NOTICE_OUTBOX.holder, 5)  # as if the first took most of a minute

    assert drain_outbox(NOTICE_OUTBOX, handle) == 2
    assert handled == [1, 2]
    assert drains_queued(redis_server) == 0
    assert min(hold_left) > 50  # the hold renewed with each batch taken


def test_the_sweep_leaves_a_notice_in_a_drains_hand_alone(app, make_user, monkeypatch):
    """Taken from the list but not yet sent, a notice is in no list and has no job: the sweep
    must still not give it a job of its own (two attempts at once could both send it)."""
    submit(make_user())
    db.session.commit()
    monkeypatch.setitem(app.config, "NOTIFICATION_SWEEP_SECONDS", 0)
    swept = []

    drain_outbox(NOTICE_OUTBOX, lambda _id: swept.append(requeue_pending_notifications()))

    assert swept == [0]
    assert requeue_pending_notifications() == 1  # out of the hand (still pending here): swept


def test_an_id_a_drain_takes_is_never_out_of_the_sweeps_sight(app, redis_server):
    """The sweep reads the list, then the hand. A drain that took ids from the list and then
    named them in its hand, in two steps, left a moment when a sweep found them in neither
    and gave their notices jobs of their own while the drain sent them too."""
    connection = Redis.from_url(redis_server.url)
    ids = list(range(1, 10_001))
    for start in range(0, len(ids), 1_000):
        hand_over(NOTICE_OUTBOX, ids[start : start + 1_000])
    Queue("notifications", connection=connection).empty()  # this test drains by hand
    handled: list[int] = []
    unseen: list[set[int]] = []
    done = threading.Event()

    def sweep() -> None:
        reader = Redis.from_url(redis_server.url)
        while not done.is_set():
            seen = waiting_in_outbox(NOTICE_OUTBOX, reader)
            # Those handled only after this read were waiting all through it.
            if missed := set(ids[len(handled) :]) - seen:
                unseen.append(missed)

    sweeper = threading.Thread(target=sweep)
    sweeper.start()
    try:
        assert drain_outbox(NOTICE_OUTBOX, handled.append) == len(ids)
    finally:
        done.set()
        sweeper.join()
    assert handled == ids
    assert unseen == []


def test_a_drain_that_fails_lets_go_and_the_ids_left_start_the_next(app, redis_server):
    connection = Redis.from_url(redis_server.url)
    hand_over(NOTICE_OUTBOX, [1, 2, 3])
    Queue("notifications", connection=connection).empty()

    def handle(item_id: int) -> None:
        if item_id == 2:
            raise ConnectionError("the database went away")

    with pytest.raises(ConnectionError):
        drain_outbox(NOTICE_OUTBOX, handle)

    # 3 goes back to the outbox and a new drain is queued for it at once; 2 is the sweep's
    # (its row is still pending in the database).
    assert waiting_in_outbox(NOTICE_OUTBOX, connection) == {3}
    assert drains_queued(redis_server) == 1
    assert connection.exists(NOTICE_OUTBOX.holder)  # held anew, by the drain just queued


def test_a_drain_waits_a_moment_for_the_next_notice(app, make_user, redis_server, tmp_path):
    """In production a drain lingers (OUTBOX_LINGER_SECONDS) before it ends, so that steady
    intake is delivered by one long drain: a notice that comes meanwhile starts no job."""
    controller = pytest.importorskip("aiosmtpd.controller")
    inbox = Inbox()
    server = controller.Controller(inbox, hostname="127.0.0.1", port=free_port())
    server.start()
    group = Workers(
        app,
        tmp_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(server.port),
        OUTBOX_LINGER_SECONDS="30",
    )
    try:
        submit(make_user(email="first@example.kz"))
        group.start("notifications")
        wait_for(lambda: len(inbox.messages) == 1, 60, "the first notice was not sent")

        submit(make_user(email="second@example.kz"))
        wait_for(lambda: len(inbox.messages) == 2, 30, "the lingering drain did not send it")
        assert [m["To"] for m in inbox.messages] == ["first@example.kz", "second@example.kz"]
        assert statuses() == [NotificationStatus.SENT] * 2
        # One job sent both, and it still runs (waits for more): none has finished.
        connection = Redis.from_url(redis_server.url)
        [drain] = StartedJobRegistry("notifications", connection=connection).get_job_ids()
        assert Job.fetch(drain, connection=connection).func_name == NOTICE_OUTBOX.job
        [worker] = Worker.all(connection=connection)
        assert worker.successful_job_count == 0
    finally:
        group.stop_all()
        server.stop()
