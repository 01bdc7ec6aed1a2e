"""Delivery jobs: a new notice's first attempt in the drain of the notices' outbox, its
retries (and the sweep's re-queues) in a job of its own."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq.job import JobStatus
from sqlalchemy import select

from appeals.extensions import db
from appeals.notifications.channels import CHANNELS, notice_message_id
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import (
    NOTICE_OUTBOX,
    delivery_job,
    flag_extension_notice_if_late,
    render_message,
    retry_job,
)
from appeals.queues import (
    app_job,
    drain_outbox,
    existing_jobs,
    redis_connection,
    restart_drain,
    send_pending_jobs,
    waiting_in_outbox,
)
from appeals.timeutil import now_utc

log = logging.getLogger(__name__)

# A job in one of these states will still run: queueing it again would run it twice.
_WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.STARTED}


@app_job
def deliver_notification(notification_id: int) -> str:
    """A notice's retry (and a sweep's re-queue): see _deliver."""
    return _deliver(notification_id)


@app_job
def deliver_outbox() -> int:
    """The first attempt at each new notice (NOTICE_OUTBOX), one transaction each; a notice
    that fails is retried by a job of its own with backoff (retry_job). Returns how many
    notices were attempted."""
    return drain_outbox(NOTICE_OUTBOX, _first_attempt)


def _first_attempt(notification_id: int) -> None:
    try:
        _deliver(notification_id)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.warning("Notice %s not delivered, retried later: %s", notification_id, error)
        send_pending_jobs([retry_job(notification_id)])


def _deliver(notification_id: int) -> str:
    """Send one notice; a notice already sent is not sent again (idempotent). Killed between
    the server's acceptance and the commit, the next attempt sends it again under the same
    Message-ID: at least once, with a key for the receiver to drop the copy."""
    notice = db.session.get(Notification, notification_id, with_for_update=True)
    if notice is None or notice.status == NotificationStatus.SENT:
        return "skipped"
    rendered = render_message(notice)
    notice.attempts += 1
    try:
        message_id = notice_message_id(notice.id, current_app.config["MAIL_FROM"])
        CHANNELS[notice.channel].send(
            notice.address, rendered.subject, rendered.text, message_id, html=rendered.html
        )
    except Exception as error:
        notice.status = NotificationStatus.FAILED
        notice.last_error = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()  # keep the failure visible, then let RQ retry with backoff
        raise
    notice.status = NotificationStatus.SENT
    notice.sent_at = now_utc()
    notice.last_error = None
    # Committed with the sending (by the caller), so a late extension notice is never sent
    # unflagged.
    flag_extension_notice_if_late(notice)
    return "sent"


@app_job
def requeue_pending_notifications() -> int:
    """Hand RQ again every notice still pending a while after it was written: a notice whose
    job was lost (Redis down at commit, Redis flushed) goes out within one sweep."""
    cutoff = now_utc() - timedelta(seconds=current_app.config["NOTIFICATION_SWEEP_SECONDS"])
    ids = db.session.execute(
        select(Notification.id).where(
            Notification.status == NotificationStatus.PENDING, Notification.created_at < cutoff
        )
    ).scalars()
    if not current_app.config["RQ_ENABLED"]:
        return 0
    # The job id is the notice's. Enqueueing an id that is still waiting would put it in the
    # queue a second time (RQ does not deduplicate), so only lost or dead jobs are sent again;
    # a notice still in the outbox waits for its drain (started here if none holds it).
    try:
        connection = redis_connection()
        handed_over = waiting_in_outbox(NOTICE_OUTBOX, connection)
        restart_drain(NOTICE_OUTBOX, connection)
        jobs = [delivery_job(notice_id) for notice_id in ids if notice_id not in handed_over]
        waiting = _jobs_waiting([job.job_id for job in jobs], connection)
    except RedisError as error:
        log.warning("Redis unavailable, pending notices wait for the next sweep: %s", error)
        return 0
    return send_pending_jobs([job for job in jobs if job.job_id not in waiting])


def _jobs_waiting(job_ids: list[str], connection: Redis) -> set[str]:
    """The ids of those jobs still queued, scheduled, deferred or running: read a batch in one
    round trip (one by one, a backlog of pending notices cost two round trips each)."""
    return {
        job.id
        for found in existing_jobs(job_ids, connection)
        for job in found
        if job.get_status(refresh=False) in _WAITING
    }
