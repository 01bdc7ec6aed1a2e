"""With Redis down, an appeal is still accepted; its notice waits in the outbox and the sweep
hands it to RQ once Redis is back."""

from __future__ import annotations

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus
from appeals.localredis import free_port
from appeals.notifications.jobs import requeue_pending_notifications
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import NOTICE_OUTBOX
from appeals.queues import waiting_in_outbox
from tests.conftest import redis_round_trips
from tests.factories import submit
from tests.samples import appeal_fields


@pytest.fixture
def submitted_while_redis_was_down(app, client, make_user, login, monkeypatch, redis_server):
    """An appeal submitted through the form while the app's Redis did not answer."""
    login(make_user(email="yerlan@example.kz"))
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")

    response = client.post("/appeals/new", data=appeal_fields())

    monkeypatch.setitem(app.config, "REDIS_URL", redis_server.url)  # Redis is back
    assert response.status_code == 302
    return db.session.execute(select(Appeal)).scalar_one(), response


def notices_queued(redis_server) -> list[str]:
    return Queue("notifications", connection=Redis.from_url(redis_server.url)).get_job_ids()


def sweep() -> int:
    db.session.commit()  # the sweep has its own session; SQLite lets one writer at a time
    return requeue_pending_notifications()


def test_appeal_is_accepted_while_redis_is_down(
    client, submitted_while_redis_was_down, redis_server
):
    appeal, response = submitted_while_redis_was_down

    assert response.headers["Location"] == f"/appeals/{appeal.id}/receipt"
    assert appeal.status == AppealStatus.REGISTERED
    assert client.get(response.headers["Location"]).status_code == 200
    notice = db.session.execute(select(Notification)).scalar_one()
    assert notice.status == NotificationStatus.PENDING and notice.appeal_id == appeal.id
    assert notices_queued(redis_server) == []  # the job never reached Redis


def test_sweep_requeues_the_notice_and_it_is_delivered(
    app, submitted_while_redis_was_down, monkeypatch, redis_server, run_jobs, smtp_server
):
    appeal, _ = submitted_while_redis_was_down
    monkeypatch.setitem(app.config, "NOTIFICATION_SWEEP_SECONDS", 0)

    assert sweep() == 1
    assert len(notices_queued(redis_server)) == 1
    run_jobs()

    [message] = smtp_server.messages
    assert message["To"] == "yerlan@example.kz"
    assert appeal.number in message["Subject"]
    db.session.expire_all()
    assert db.session.execute(select(Notification.status)).scalar_one() == NotificationStatus.SENT
    assert sweep() == 0  # a sent notice is not queued again


def test_sweep_leaves_a_fresh_notice_to_its_own_job(
    app, submitted_while_redis_was_down, monkeypatch, redis_server
):
    # Within the sweep's delay the notice's own job may still be on its way.
    monkeypatch.setitem(app.config, "NOTIFICATION_SWEEP_SECONDS", 120)

    assert sweep() == 0
    assert notices_queued(redis_server) == []


def test_a_second_sweep_reads_the_waiting_jobs_at_once_and_doubles_none(
    app, make_user, monkeypatch, redis_server
):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    for n in range(6):
        submit(make_user(email=f"resident{n}@example.kz"))  # each notice lost with Redis down
    monkeypatch.setitem(app.config, "REDIS_URL", redis_server.url)
    monkeypatch.setitem(app.config, "NOTIFICATION_SWEEP_SECONDS", 0)
    assert sweep() == 6
    queued = notices_queued(redis_server)
    with redis_round_trips() as round_trips:
        assert sweep() == 0  # their jobs still wait: none is queued twice
    assert sorted(notices_queued(redis_server)) == sorted(queued)
    # The outbox, its drain and the six jobs read in a few round trips, not two a notice.
    assert len(round_trips) <= 4


def test_sweep_does_not_double_a_notice_still_in_the_outbox(
    app, make_user, monkeypatch, redis_server
):
    submit(make_user())  # Redis up: handed to the outbox, its drain queued
    monkeypatch.setitem(app.config, "NOTIFICATION_SWEEP_SECONDS", 0)
    [drain] = notices_queued(redis_server)

    assert sweep() == 0

    notice_id = db.session.execute(select(Notification.id)).scalar_one()
    assert notices_queued(redis_server) == [drain]  # no job of its own besides the drain
    assert waiting_in_outbox(NOTICE_OUTBOX, Redis.from_url(redis_server.url)) == {notice_id}


def test_sweep_starts_a_drain_for_notices_left_in_the_outbox(
    app, make_user, monkeypatch, redis_server, run_jobs, smtp_server
):
    """A drain that died while it held the outbox: the notices handed over meanwhile were
    pushed, but none started a drain. Once the hold lapses, the sweep starts one."""
    connection = Redis.from_url(redis_server.url)
    connection.set(NOTICE_OUTBOX.holder, 1)  # the dead drain's hold
    submit(make_user(email="yerlan@example.kz"))
    assert notices_queued(redis_server) == []
    monkeypatch.setitem(app.config, "NOTIFICATION_SWEEP_SECONDS", 0)
    assert sweep() == 0 and notices_queued(redis_server) == []  # still held: nothing yet

    connection.delete(NOTICE_OUTBOX.holder)  # the hold lapsed (OUTBOX_HOLD_SECONDS)
    assert sweep() == 0  # no job of the notice's own: a drain
    assert len(notices_queued(redis_server)) == 1
    run_jobs()

    [message] = smtp_server.messages
    assert message["To"] == "yerlan@example.kz"
    assert waiting_in_outbox(NOTICE_OUTBOX, connection) == set()


def test_sweep_while_redis_is_still_down_waits_for_the_next_one(
    app, submitted_while_redis_was_down, monkeypatch
):
    monkeypatch.setitem(app.config, "NOTIFICATION_SWEEP_SECONDS", 0)
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")

    assert sweep() == 0

    db.session.expire_all()
    assert db.session.execute(select(Notification.status)).scalar_one() == "pending"
