"""An RQ worker killed with SIGKILL in the middle of a notice's delivery (in the drain of the
notices' outbox): after a restart and the next sweep the notice goes out once when the mail
server had not yet taken it, and at least once under one Message-ID when it had (what SMTP
allows: the server took the message but the worker died before it heard "250" and marked the
notice sent)."""

from __future__ import annotations

import time

import pytest
from redis import Redis
from rq.registry import StartedJobRegistry
from rq.scheduler import RQScheduler
from sqlalchemy import Row, select

from appeals.extensions import db
from appeals.notifications.jobs import requeue_pending_notifications
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import NOTICE_OUTBOX
from tests.factories import submit
from tests.faults.conftest import wait_for

# RQ finds a started job (here the killed drain) abandoned once its heartbeat's TTL has run
# out: a worker that runs jobs in its own process (worker.py for every queue but the slow one)
# sets it to the job's timeout (RQ's default 180 s) + 60 s. The dead worker's scheduler lock
# lapses after 61 s (a new worker takes it within RQ's 120 s fallback); the test moves these
# clocks on instead of waiting four minutes.
ABANDONED_AFTER = 241


def rq_clock_moved_on(connection: Redis, queue: str) -> None:
    StartedJobRegistry(queue, connection=connection).cleanup(
        timestamp=time.time() + ABANDONED_AFTER
    )
    connection.delete(RQScheduler.get_locking_key(queue))


def _notice() -> Row:
    """The notice's state, read in a transaction of its own (on SQLite a reader that stayed
    open would hold the write lock the worker needs)."""
    notice = db.session.execute(
        select(Notification.id, Notification.status, Notification.attempts, Notification.sent_at)
    ).one()
    db.session.commit()
    return notice


@pytest.mark.parametrize("taken", [False, True], ids=["before-the-server-took-it", "after"])
def test_a_worker_killed_during_a_delivery(
    app, make_user, workers, holding_smtp, redis_server, monkeypatch, taken
):
    inbox = holding_smtp(take_before_hold=taken)
    group = workers(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(inbox.port))
    appeal, _code = submit(make_user(email="aliya@example.kz"))  # its receipt is queued
    notice_id = _notice().id

    worker = group.start("notifications")
    assert inbox.reached.wait(60), "the delivery did not reach the mail server's DATA"
    group.kill(worker)
    inbox.release.set()

    notice = _notice()
    assert notice.status == NotificationStatus.PENDING and notice.sent_at is None  # rolled back

    # The killed drain had taken the notice from the outbox: the restarted worker has no job
    # for it. While the drain's hand holds it (it might be in the middle of a delivery) the
    # sweep leaves it; once the hand lapses (OUTBOX_HOLD_SECONDS, moved on here), the sweep
    # finds it pending in the database and gives it a job of its own.
    connection = Redis.from_url(redis_server.url)
    rq_clock_moved_on(connection, "notifications")
    group.start("notifications")  # the restart
    monkeypatch.setitem(app.config, "NOTIFICATION_SWEEP_SECONDS", 0)
    assert requeue_pending_notifications() == 0
    connection.delete(NOTICE_OUTBOX.in_hand)
    assert requeue_pending_notifications() == 1
    assert requeue_pending_notifications() == 0  # its job is waiting: not queued twice
    wait_for(lambda: _notice().status == NotificationStatus.SENT, 60, "the notice was not sent")
    time.sleep(1)  # a second delivery, if one were queued, would have its chance
    assert requeue_pending_notifications() == 0  # the next sweep: nothing left to send

    notice = _notice()
    assert notice.attempts == 1  # the killed attempt's count was rolled back with it
    ids = {message["Message-ID"] for message in inbox.messages}
    assert ids == {f"<notice-{notice_id}@e-appeals.example.kz>"}
    assert all(appeal.number in message["Subject"] for message in inbox.messages)
    if taken:
        assert len(inbox.messages) == 2  # at least once: the copy carries the same Message-ID
    else:
        assert len(inbox.messages) == 1  # exactly once
