"""Notices: an outbox row in the caller's transaction, delivered by a job after commit."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from html import unescape
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from rq import Retry
from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from appeals.accounts.labels import ROLE_LABELS
from appeals.accounts.links import site_link
from appeals.accounts.models import User
from appeals.audit.labels import ACT_LABELS, VIOLATION_LABELS
from appeals.deadlines.rules import notice_late
from appeals.extensions import db, insert_on_conflict
from appeals.intake.labels import (
    COMPLAINT_REASONS,
    DECISION_LABELS,
    LEAVE_GROUNDS,
    REPEAT_REASONS,
    SATISFACTION_LABELS,
)
from appeals.intake.models import Answer, Appeal
from appeals.language import LANGUAGES
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.preferences import (  # noqa: F401  (re-exported: one definition)
    APPLICANT_NOTICES,
    OPTIONAL_APPLICANT_NOTICES,
    REQUIRED_APPLICANT_NOTICES,
    applicant_addresses,
)
from appeals.queues import Outbox, PendingJob, outbox_after_commit, queue_after_commit
from appeals.reference.models import Body, Region
from appeals.replies.service import complaint_route, how_to_complain
from appeals.timeutil import local_date, now_utc
from appeals.work.defect_rules import DEFECT_LABELS, RETURNED_GROUND, RETURNED_LABEL

# Delivery retries with backoff: a mail server that is down for a while loses nothing.
RETRY_INTERVALS = [10, 60, 300, 900, 3600]
DELIVERY_RETRY = Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS)
# The applicant's notice of an extension (work.service.extend_term): the law gives it a window.
EXTENSION_NOTICE = "term_extended"
# The delivery jobs (notifications/jobs.py), named so this service need not import them.
DELIVER_NOTIFICATION = "appeals.notifications.jobs.deliver_notification"
# A new notice's first attempt: the drain of the notices' outbox (queues.Outbox).
NOTICE_OUTBOX = Outbox("notices", "appeals.notifications.jobs.deliver_outbox", "notifications")
# An applicant's notice by SMS: the dedup key of the same notice by e-mail, with this added.
SMS_KEY_SUFFIX = "-sms"


def queue_notice(
    template: str,
    address: str,
    payload: dict[str, Any],
    *,
    user_id: int | None = None,
    appeal_id: int | None = None,
    channel: str = "email",
    dedup_key: str | None = None,
    language: str | None = None,
) -> int | None:
    """Write a notice to the outbox; returns its id. With a dedup key already used, or for a
    deactivated user (who receives no notices), write nothing (None)."""
    if user_id is not None and not _receives_notices(user_id):
        return None
    # A key taken already, however recently (even by a transaction not yet committed, which
    # this one waits for): no row, no id.
    notice_id = db.session.execute(
        _notice_insert(db.session.get_bind().dialect.name),
        {
            "template": template,
            "address": address,
            "payload": payload,
            "user_id": user_id,
            "appeal_id": appeal_id,
            "channel": channel,
            "dedup_key": dedup_key,
            "language": language,
        },
    ).scalar()
    if notice_id is not None:
        outbox_after_commit(NOTICE_OUTBOX, notice_id)
    return notice_id


@cache
def _notice_insert(_dialect: str):
    """The notice's INSERT, built once for each database (its values are parameters)."""
    return (
        insert_on_conflict(Notification)
        .on_conflict_do_nothing(index_elements=[Notification.dedup_key])
        .returning(Notification.id)
    )


def _receives_notices(user_id: int) -> bool:
    user = db.session.get(User, user_id)
    return user is not None and user.is_active


def delivery_job(notice_id: int, job_id: str | None = None) -> PendingJob:
    """The job that delivers one notice: on the notifications queue, retried with backoff,
    under the notice's own job id (so a waiting delivery can be recognised)."""
    return PendingJob(
        DELIVER_NOTIFICATION,
        (notice_id,),
        queue="notifications",
        job_id=job_id or f"notice-{notice_id}",
        retry=DELIVERY_RETRY,
    )


def retry_job(notice_id: int) -> PendingJob:
    """The delivery job of a notice whose first attempt (in the outbox's drain) failed: the
    same retries with backoff as delivery_job's, the first of them already spent."""
    return replace(
        delivery_job(notice_id),
        at=now_utc() + timedelta(seconds=RETRY_INTERVALS[0]),
        retry=Retry(max=len(RETRY_INTERVALS) - 1, interval=RETRY_INTERVALS[1:]),
    )


# The labels of the codes a payload stores, for every notice template (a label's key is the code).
_LABELS = {
    "ground": LEAVE_GROUNDS | {RETURNED_GROUND: RETURNED_LABEL},
    "defect": DEFECT_LABELS,
    "decision": DECISION_LABELS,
    "complaint_reason": COMPLAINT_REASONS,
    "repeat_reason": REPEAT_REASONS,
    "violation": VIOLATION_LABELS,
    "act": ACT_LABELS,
    "satisfaction": SATISFACTION_LABELS,
    "role": ROLE_LABELS,
}


@dataclass(frozen=True)
class RenderedNotice:
    subject: str
    text: str
    html: str | None  # None: a plain-text notice (the staff's and the account mails)


def render_notice(notice: Notification) -> tuple[str, str]:
    """Subject and plain text of a notice."""
    rendered = render_message(notice)
    return rendered.subject, rendered.text


def recipient_language(user: User | None, fallback: str | None = None) -> str:
    """The language of what is sent to a person: their own (users.language), else the fallback
    (an account mail's: the interface language of the request that caused it), else the
    site's default."""
    if user is not None and user.language in LANGUAGES:
        return user.language
    if fallback in LANGUAGES:
        return fallback
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def notice_language(notice: Notification) -> str:
    """The language a notice is rendered in: the one written on it when it was queued (an
    applicant's notice: the appeal's; an account mail: its recipient's), else its recipient's."""
    if notice.language in LANGUAGES:
        return notice.language
    user = db.session.get(User, notice.user_id) if notice.user_id else None
    return recipient_language(user)


def render_message(notice: Notification) -> RenderedNotice:
    """A notice in its language (notice_language), the labels and the names of bodies and
    regions it shows included. An applicant's notice (templates/notifications/NAME.html) is
    rendered as HTML and plain text; the others (NAME.txt: the staff's and the account mails)
    are plain text, the subject on their first line."""
    appeal = db.session.get(Appeal, notice.appeal_id) if notice.appeal_id else None
    language = notice_language(notice)
    try:
        template = current_app.jinja_env.get_template(f"notifications/{notice.template}.html")
    except TemplateNotFound:
        with force_locale(language):
            text = render_template(
                f"notifications/{notice.template}.txt",
                appeal=appeal,
                labels=_LABELS,
                body_name=_body_name,
                region_name=_region_name,
                **notice.payload,
            )
        subject, _, body = text.strip().partition("\n")
        return RenderedNotice(subject.strip(), body.strip(), None)
    context = {"appeal": appeal, "language": language, "labels": _LABELS, **notice.payload}
    with force_locale(language):
        context |= _notice_helpers(appeal, notice.payload)
        subject = render_template(template, part="subject", **context)
        html = render_template(template, part="html", **context)
        text = render_template(template, part="text", **context)
    return RenderedNotice(" ".join(unescape(subject).split()), _plain(unescape(text)), html)


def _plain(text: str) -> str:
    """The text body's lines without the template's indentation, at most one empty line
    between paragraphs."""
    lines = "\n".join(line.strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", lines).strip()


def _notice_helpers(appeal: Appeal | None, payload: dict[str, Any]) -> dict[str, Any]:
    """What the applicant's notice templates read besides the payload: the labels of the
    stored codes, body names in the notice's language, links and the complaint's route. The
    route and its paragraph are functions, worked out once and only by the notices that show
    them: a receipt does not, and they were a fifth of its job."""
    answer = db.session.get(Answer, payload["answer_id"]) if payload.get("answer_id") else None

    @cache
    def complaint():
        return complaint_route(appeal) if appeal is not None else None

    @cache
    def complaint_paragraph():
        # The answer's own paragraph, as it was given; for no answer, the one it would carry.
        if answer is not None and answer.how_to_complain:
            return answer.how_to_complain
        return how_to_complain(appeal) if appeal is not None else None

    return {
        "body_name": _body_name,
        "site_link": site_link,
        "answer": answer,
        "complaint": complaint,
        "complaint_paragraph": complaint_paragraph,
    }


def _body_name(body_id: int | None) -> str:
    body = db.session.get(Body, body_id) if body_id else None
    return body.name if body is not None else ""


def _region_name(region_id: int | None) -> str:
    region = db.session.get(Region, region_id) if region_id else None
    return region.name if region is not None else ""


def undelivered_notices(limit: int = 200) -> list[Notification]:
    """Failed notices, and pending ones older than two sweeps: what the admin must see."""
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


def flag_extension_notice_if_late(notice: Notification) -> bool:
    """Flag the appeal's extension as notified late when this notice of it has just gone out
    after the window; called by the delivery job, in the same transaction as the sending."""
    if notice.template != EXTENSION_NOTICE or notice.appeal_id is None or notice.sent_at is None:
        return False
    last_day = db.session.execute(
        select(Appeal.extension_notice_due_on).where(Appeal.id == notice.appeal_id)
    ).scalar_one_or_none()
    sent_on = local_date(notice.sent_at, current_app.config["TIMEZONE"])
    if last_day is None or not notice_late(last_day, sent_on=sent_on, today=sent_on):
        return False
    if _sent_on_another_channel(notice):
        return False  # the applicant was told already, by the other channel
    # A plain UPDATE: the flag is the system's finding, not a user's edit, so it must not bump
    # the appeal's version and turn an official's open form into "changed meanwhile".
    db.session.execute(
        update(Appeal)
        .where(Appeal.id == notice.appeal_id, Appeal.extension_notified_late_at.is_(None))
        .values(extension_notified_late_at=notice.sent_at)
        .execution_options(synchronize_session=False)
    )
    return True


def _sent_on_another_channel(notice: Notification) -> bool:
    """Whether the same notice (the e-mail's key K, the SMS's K-sms) went out on the other
    channel."""
    key = notice.dedup_key
    if key is None:
        return False
    sms = key.endswith(SMS_KEY_SUFFIX)
    other = key.removesuffix(SMS_KEY_SUFFIX) if sms else key + SMS_KEY_SUFFIX
    return (
        db.session.execute(
            select(Notification.id).where(
                Notification.dedup_key == other, Notification.status == NotificationStatus.SENT
            )
        ).first()
        is not None
    )


def flag_unsent_extension_notices(today: date, now: datetime) -> int:
    """Flag, in one UPDATE, the extensions whose notice has still not gone out once the window
    is over (the local date `today` is past it); flagged ones are left alone. Returns how many.
    """
    # Driven by the unsent notices (few, and found through the status index), not by every
    # appeal ever extended.
    # The applicant is told once the notice went out on any of their channels: a failed SMS
    # beside a delivered e-mail of the same extension (keys K and K-sms) is not a late notice.
    sibling = aliased(Notification)
    sent_on_another_channel = (
        select(sibling.id)
        .where(
            sibling.appeal_id == Notification.appeal_id,
            sibling.status == NotificationStatus.SENT,
            (sibling.dedup_key == Notification.dedup_key + SMS_KEY_SUFFIX)
            | (Notification.dedup_key == sibling.dedup_key + SMS_KEY_SUFFIX),
        )
        .exists()
    )
    unsent = select(Notification.appeal_id).where(
        Notification.status.in_((NotificationStatus.PENDING, NotificationStatus.FAILED)),
        Notification.template == EXTENSION_NOTICE,
        ~sent_on_another_channel,
    )
    return db.session.execute(
        update(Appeal)
        .where(
            Appeal.id.in_(unsent),
            Appeal.extension_notified_late_at.is_(None),
            Appeal.extension_notice_due_on < today,  # notice_late(), for an unsent notice
        )
        .values(extension_notified_late_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def notify_applicant(
    appeal: Appeal, template: str, payload: dict, *, dedup_key: str | None = None
) -> int | None:
    """The applicant's notice of a step, in the appeal's language: on each channel the
    applicant chose (preferences.py; an optional notice they turned off is not written), or to
    the contact e-mail an anonymous applicant gave; and the same to each co-signatory of a
    collective appeal. Returns the applicant's first notice's id, or None when none is
    written."""
    key = dedup_key or f"{template}-{appeal.id}-{len(appeal.events)}"
    notify_cosignatories(appeal, template, payload, key)
    if appeal.applicant is not None:
        user_id = appeal.applicant_id
        targets = applicant_addresses(appeal.applicant, template)
    elif appeal.contact_email:
        user_id, targets = None, [("email", appeal.contact_email)]
    else:
        return None
    first = None
    for channel, address in targets:
        notice = queue_notice(
            template,
            address,
            payload,
            user_id=user_id,
            appeal_id=appeal.id,
            channel=channel,
            # The e-mail's key as before; the SMS's its own.
            dedup_key=key if channel == "email" else key + SMS_KEY_SUFFIX,
            language=appeal.language,
        )
        first = first or notice
    return first


def notify_cosignatories(appeal: Appeal, template: str, payload: dict, key: str) -> None:
    """A collective appeal's co-signatories get each notice the applicant gets, in the
    appeal's language (by e-mail: they chose no channels)."""
    for cosignatory in appeal.cosignatories:
        queue_notice(
            template,
            cosignatory.email,
            payload,
            user_id=cosignatory.user_id,
            appeal_id=appeal.id,
            dedup_key=f"{key}-cosignatory-{cosignatory.id}",
            language=appeal.language,
        )
