"""Delivery jobs."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from appeals.extensions import db
from appeals.notifications.channels import CHANNELS
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import DELIVERY_RETRY, render_notice
from appeals.queues import PendingJob, app_job, send_pending_jobs
from appeals.timeutil import now_utc


@app_job
def deliver_notification(notification_id: int) -> str:
    """Send one notice; a notice already sent is not sent again (idempotent)."""
    notice = db.session.get(Notification, notification_id, with_for_update=True)
    if notice is None or notice.status == NotificationStatus.SENT:
        return "skipped"
    subject, body = render_notice(notice)
    notice.attempts += 1
    try:
        CHANNELS[notice.channel].send(notice.address, subject, body)
    except Exception as error:
        notice.status = NotificationStatus.FAILED
        notice.last_error = f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()  # keep the failure visible, then let RQ retry with backoff
        raise
    notice.status = NotificationStatus.SENT
    notice.sent_at = now_utc()
    notice.last_error = None
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
    # The job id is the notice's: RQ keeps one job per id, so a notice still queued is not doubled.
    return send_pending_jobs(
        [
            PendingJob(
                deliver_notification,
                (notice_id,),
                queue="notifications",
                job_id=f"notice-{notice_id}",
                retry=DELIVERY_RETRY,
            )
            for notice_id in ids
        ]
    )
