"""Notices: an outbox row in the caller's transaction, delivered by a job after commit."""

from __future__ import annotations

from typing import Any

from flask import render_template
from rq import Retry
from sqlalchemy import select

from appeals.extensions import db
from appeals.notifications.models import Notification
from appeals.queues import enqueue_after_commit

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
    from appeals.notifications.jobs import deliver_notification

    enqueue_after_commit(
        deliver_notification,
        notice.id,
        queue="notifications",
        job_id=f"notice-{notice.id}",
        retry=DELIVERY_RETRY,
    )
    return notice


def render_notice(notice: Notification) -> tuple[str, str]:
    """Subject (the template's first line) and body of a notice."""
    from appeals.intake.models import Appeal

    appeal = db.session.get(Appeal, notice.appeal_id) if notice.appeal_id else None
    text = render_template(f"notifications/{notice.template}.txt", appeal=appeal, **notice.payload)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip()
