"""The registration notice: written to the outbox with the appeal, delivered by a job over a
real SMTP server, never twice, and kept (FAILED, with the reason) when the server is down."""

from __future__ import annotations

from redis import Redis
from rq import Queue
from rq.job import Job
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from appeals.extensions import db
from appeals.localredis import free_port
from appeals.notifications.jobs import deliver_notification
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import NOTICE_OUTBOX, queue_notice
from appeals.queues import waiting_in_outbox
from appeals.timeutil import now_utc
from tests.factories import submit
from tests.notifications.conftest import plain_body
from tests.ops.test_request_costs import statements_sent


def run_now(job, *args):
    """Run a job function here, as a worker would. The test's session commits first: on SQLite
    every transaction holds the write lock, and the job has a session of its own."""
    db.session.commit()
    return job(*args)


def the_notice() -> Notification:
    db.session.expire_all()  # read what the job committed
    return db.session.execute(select(Notification)).scalar_one()


def test_submitting_writes_a_pending_notice_and_hands_it_to_the_outbox(make_user, redis_server):
    citizen = make_user(email="dana@example.kz")
    appeal, _ = submit(citizen)

    notice = the_notice()
    assert (notice.status, notice.attempts, notice.sent_at) == (NotificationStatus.PENDING, 0, None)
    assert (notice.address, notice.user_id, notice.appeal_id) == (
        "dana@example.kz",
        citizen.id,
        appeal.id,
    )
    assert notice.template == "appeal_registered"
    connection = Redis.from_url(redis_server.url)
    assert waiting_in_outbox(NOTICE_OUTBOX, connection) == {notice.id}
    [drain] = Queue("notifications", connection=connection).get_jobs()
    assert drain.func_name == "appeals.notifications.jobs.deliver_outbox"


def test_a_notice_is_one_statement_and_a_key_used_already_writes_nothing(redis_server):
    def on_notices(statement: str) -> bool:
        return "notifications" in statement

    with statements_sent(on_notices) as first_sent:
        first = queue_notice("appeal_registered", "dana@example.kz", {}, dedup_key="receipt-1")
    with statements_sent(on_notices) as second_sent:
        second = queue_notice("appeal_registered", "other@example.kz", {}, dedup_key="receipt-1")
    db.session.commit()

    assert first is not None and second is None
    assert (len(first_sent), len(second_sent)) == (1, 1)  # no read before the write
    assert [notice.address for notice in db.session.scalars(select(Notification))] == [
        "dana@example.kz"
    ]
    assert waiting_in_outbox(NOTICE_OUTBOX, Redis.from_url(redis_server.url)) == {first}


def test_job_delivers_the_notice_with_the_number_in_the_subject(make_user, run_jobs, smtp_server):
    citizen = make_user(email="dana@example.kz")
    appeal, code = submit(citizen)

    run_jobs()

    [message] = smtp_server.messages
    assert message["To"] == "dana@example.kz"
    assert appeal.number in message["Subject"]
    body = plain_body(message)
    assert appeal.number in body and code in body
    assert "Health Department of Astana" in body
    notice = the_notice()
    assert notice.status == NotificationStatus.SENT
    assert notice.sent_at is not None and notice.last_error is None
    assert notice.attempts == 1


def test_running_the_job_again_sends_no_second_message(
    make_user, run_jobs, smtp_server, redis_server
):
    submit(make_user())
    run_jobs()
    notice_id = the_notice().id

    # A duplicate of the job (a retry, a second sweep) runs after the notice went out.
    queue = Queue("notifications", connection=Redis.from_url(redis_server.url))
    queue.enqueue(deliver_notification, notice_id)
    run_jobs()
    assert run_now(deliver_notification, notice_id) == "skipped"

    assert len(smtp_server.messages) == 1
    assert the_notice().attempts == 1


def test_mail_server_down_leaves_the_notice_failed_with_the_reason(
    make_user, run_jobs, smtp_down, redis_server
):
    submit(make_user())

    run_jobs()

    notice = the_notice()
    assert notice.status == NotificationStatus.FAILED
    assert "refused" in notice.last_error.lower()
    assert notice.attempts == 1 and notice.sent_at is None
    # The notice's own job retries it with backoff: the first retry in 10 s, four left.
    registry = ScheduledJobRegistry("notifications", connection=Redis.from_url(redis_server.url))
    assert f"notice-{notice.id}" in registry.get_job_ids()
    due = registry.get_scheduled_time(f"notice-{notice.id}")
    assert 5 < (due - now_utc()).total_seconds() <= 10
    retry = Job.fetch(f"notice-{notice.id}", connection=Redis.from_url(redis_server.url))
    assert (retry.retries_left, retry.retry_intervals) == (4, [60, 300, 900, 3600])


def test_failed_notice_goes_out_when_the_server_is_back(
    app, make_user, run_jobs, smtp_server, monkeypatch
):
    appeal, _ = submit(make_user())
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # the server is down
    run_jobs()
    assert the_notice().status == NotificationStatus.FAILED
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)  # and back

    assert run_now(deliver_notification, the_notice().id) == "sent"  # what RQ's retry runs

    notice = the_notice()
    assert notice.status == NotificationStatus.SENT and notice.last_error is None
    assert notice.attempts == 2
    [message] = smtp_server.messages
    assert appeal.number in message["Subject"]
