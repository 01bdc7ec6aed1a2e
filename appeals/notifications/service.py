"""Notices: an outbox row in the caller's transaction, delivered by a job after commit."""

from __future__ import annotations

from typing import Any

from flask import render_template
from rq import Retry
from sqlalchemy import select

from appeals.extensions import db
from appeals.notifications.models import Notification, NotificationStatus
from appeals.queues import PendingJob, queue_after_commit

# Delivery retries with backoff: a mail server that is down for a while loses nothing.
DELIVERY_RETRY = Retry(max=5, interval=[10, 60, 300, 900, 3600])


def queue_notice(
    template: str,
    address: str,
    payload: dict[str, Any],
    *,
    user_id: int | None = None,
    appeal_id: int | None = None,
    channel: str = "email",
    dedup_key: str | None = None,
) -> Notification | None:
    """Write a notice to the outbox; with a dedup key already used, write nothing."""
    if dedup_key is not None:
        exists = db.session.execute(
            select(Notification.id).where(Notification.dedup_key == dedup_key)
        ).first()
        if exists:
            return None
    notice = Notification(
        template=template,
        address=address,
        payload=payload,
        user_id=user_id,
        appeal_id=appeal_id,
        channel=channel,
        dedup_key=dedup_key,
    )
    db.session.add(notice)
    db.session.flush()
    queue_after_commit(delivery_job(notice.id))
    return notice


def delivery_job(notice_id: int, job_id: str | None = None) -> PendingJob:
    """The job that delivers one notice: on the notifications queue, retried with backoff,
    under the notice's own job id (so a waiting delivery can be recognised)."""
    from appeals.notifications.jobs import deliver_notification

    return PendingJob(
        deliver_notification,
        (notice_id,),
        queue="notifications",
        job_id=job_id or f"notice-{notice_id}",
        retry=DELIVERY_RETRY,
    )


def render_notice(notice: Notification) -> tuple[str, str]:
    """Subject (the template's first line) and body of a notice."""
    from appeals.intake.models import Appeal

    appeal = db.session.get(Appeal, notice.appeal_id) if notice.appeal_id else None
    text = render_template(f"notifications/{notice.template}.txt", appeal=appeal, **notice.payload)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip()


def undelivered_notices(limit: int = 200) -> list[Notification]:
    """Failed notices, and pending ones older than two sweeps: what the admin must see."""
    from datetime import timedelta

    from flask import current_app

    from appeals.timeutil import now_utc

    stale = now_utc() - timedelta(seconds=2 * current_app.config["NOTIFICATION_SWEEP_SECONDS"])
    return list(
        db.session.execute(
            select(Notification)
            .where(
                (Notification.status == NotificationStatus.FAILED)
                | (
                    (Notification.status == NotificationStatus.PENDING)
                    & (Notification.created_at < stale)
                )
            )
            .order_by(Notification.created_at.desc())
            .limit(limit)
        ).scalars()
    )


def retry_notice(notice: Notification) -> None:
    """Send a failed notice again (after commit); a sent one is left alone."""
    if notice.status == NotificationStatus.SENT:
        return
    notice.status = NotificationStatus.PENDING
    queue_after_commit(delivery_job(notice.id, f"notice-{notice.id}-retry-{notice.attempts}"))
