"""Deadline jobs: reminders, the overdue mark and the sweep.

The database is the source of truth. Scheduled per-appeal jobs only make things prompt; each
re-checks the database when it runs, and the periodic sweep repairs whatever Redis lost.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import String, and_, cast, insert, literal, or_, select, true, union, update
from sqlalchemy.orm import selectinload

from appeals.accounts.models import Role, User
from appeals.accounts.scope import regional_prosecutors_for
from appeals.deadlines.digest import queue_overdue_digest
from appeals.deadlines.rules import reminder_days
from appeals.deadlines.schedule import reminder_job_id, site_zone
from appeals.deadlines.service import working_calendar
from appeals.extensions import db, insert_on_conflict
from appeals.intake.models import RUNNING_STATUSES, Appeal, Event, EventKind
from appeals.intake.workflow import record_event
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import (
    delivery_job,
    flag_unsent_extension_notices,
    notify_applicant,
    queue_notice,
)
from appeals.queues import (
    PendingJob,
    app_job,
    queue_after_commit,
    send_pending_jobs,
)
from appeals.timeutil import local_today, now_utc
from appeals.work.standing import executor_or_heads

# The applicant's notice of a deemed refusal (the term ran out with no answer).
TERM_EXPIRED_NOTICE = "term_expired_unanswered"


@app_job
def send_reminder(appeal_id: int, name: str, due_iso: str) -> int:
    """Remind the executor (or the heads, before one is assigned) of a coming due date.
    Skips an appeal no longer open or due that day; never sends the same reminder twice."""
    appeal = db.session.get(Appeal, appeal_id)
    due = date.fromisoformat(due_iso)
    if appeal is None or appeal.status not in RUNNING_STATUSES or appeal.effective_due_on != due:
        return 0
    sent = 0
    for user in executor_or_heads(appeal):
        notice = queue_notice(
            "deadline_reminder",
            user.email,
            {"reminder": name},
            user_id=user.id,
            appeal_id=appeal.id,
            dedup_key=f"reminder-{appeal.id}-{name}-{due:%Y%m%d}-{user.id}",
        )
        sent += notice is not None
    if sent:
        record_event(appeal, EventKind.REMINDED, None, data={"reminder": name, "due_on": due_iso})
    return sent


def _overdue_criteria(today: date, appeal_id: int | None):
    criteria = [
        Appeal.status.in_(RUNNING_STATUSES),
        Appeal.effective_due_on < today,
        Appeal.is_overdue.is_(False),
    ]
    if appeal_id is not None:
        criteria.append(Appeal.id == appeal_id)
    return and_(*criteria)


def mark_overdue(today: date, appeal_id: int | None = None) -> int:
    """Flag the appeals whose term ran out, each with one event and notices to the executor,
    the heads of the body and the prosecutors of the region. One UPDATE ... RETURNING picks
    and locks them (so a job and the sweep running together cannot both write the event);
    events and notices are then inserted in bulk for exactly those. Returns how many."""
    stamp = now_utc()
    flagged = db.session.execute(
        update(Appeal)
        .where(_overdue_criteria(today, appeal_id))
        .values(is_overdue=True)
        .returning(Appeal.id, Appeal.status)
        .execution_options(synchronize_session=False)
    ).all()
    if not flagged:
        return 0
    db.session.execute(
        insert(Event),
        [
            {
                "appeal_id": flagged_id,
                "kind": EventKind.OVERDUE,
                "created_at": stamp,
                "status_after": status,
                "data": {"by_sweep": appeal_id is None},
            }
            for flagged_id, status in flagged
        ],
    )
    notice_ids: list[int] = []
    ids = [flagged_id for flagged_id, _ in flagged]
    for start in range(0, len(ids), 500):  # bounded IN lists
        notice_ids += _insert_overdue_notices(ids[start : start + 500], today, stamp)
    _deliver_after_commit(notice_ids)
    tell_applicants_term_expired(ids)
    return len(flagged)


def tell_applicants_term_expired(appeal_ids: list[int]) -> int:
    """Tell each applicant whose appeal's term has just run out with no answer: a deemed
    refusal (APPK art. 91(2); a complaint: deemed rejected, art. 100(5)), the right to complain
    now and the link to the complaint form. Once per appeal (the dedup key), however often the
    flag is set again. Returns how many notices were written."""
    written = 0
    for start in range(0, len(appeal_ids), 500):  # bounded IN lists
        appeals = db.session.execute(
            select(Appeal)
            .where(Appeal.id.in_(appeal_ids[start : start + 500]))
            .options(selectinload(Appeal.applicant))
        ).scalars()
        for appeal in appeals:
            due = appeal.effective_due_on
            notice = notify_applicant(
                appeal,
                TERM_EXPIRED_NOTICE,
                {"due_on": due.isoformat() if due else None},
                dedup_key=f"{TERM_EXPIRED_NOTICE}:{appeal.id}",
            )
            written += notice is not None
    return written


def _overdue_recipients(appeal_ids: list[int]):
    """(appeal, user, e-mail) for the executor, the body's heads and the prosecutors whose
    scope holds the appeal (accounts.scope): equality joins, an index lookup per appeal."""
    chosen = Appeal.id.in_(appeal_ids)
    executors = (
        select(Appeal.id, User.id, User.email)
        .join(User, User.id == Appeal.executor_id)
        .where(chosen, User.is_active)
    )
    heads = (
        select(Appeal.id, User.id, User.email)
        .join(User, and_(User.body_id == Appeal.current_body_id, User.role == Role.HEAD))
        .where(chosen, User.is_active)
    )
    prosecutors = regional_prosecutors_for(
        select(Appeal.id.label("key"), Appeal.region_id).where(chosen).subquery()
    )
    return union(executors, heads, prosecutors).subquery()


def _insert_overdue_notices(appeal_ids: list[int], today: date, stamp: datetime) -> list[int]:
    recipients = _overdue_recipients(appeal_ids)
    appeal_col, user_col, email_col = recipients.c
    return list(
        db.session.execute(
            insert_on_conflict(Notification)
            .from_select(
                [
                    "appeal_id",
                    "user_id",
                    "address",
                    "channel",
                    "template",
                    "payload",
                    "dedup_key",
                    "status",
                    "attempts",
                    "created_at",
                ],
                select(
                    appeal_col,
                    user_col,
                    email_col,
                    literal("email"),
                    literal("appeal_overdue"),
                    literal({}, type_=Notification.payload.type),
                    literal("overdue-")
                    + cast(appeal_col, String)
                    + literal("-")
                    + cast(user_col, String)
                    + literal("-")
                    + cast(today, String),
                    literal(NotificationStatus.PENDING.value),
                    literal(0),
                    literal(stamp, type_=Notification.created_at.type),
                ).where(true()),  # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
            )
            .on_conflict_do_nothing()
            .returning(Notification.id)
        ).scalars()
    )


def clear_stale_overdue_flags(today: date) -> int:
    """Unflag appeals that are no longer overdue (closed, extended, forwarded to a new term)."""
    return db.session.execute(
        update(Appeal)
        .where(
            Appeal.is_overdue.is_(True),
            or_(Appeal.status.not_in(RUNNING_STATUSES), Appeal.effective_due_on >= today),
        )
        .values(is_overdue=False)
        .execution_options(synchronize_session=False)
    ).rowcount


def _deliver_after_commit(notice_ids: list[int]) -> None:
    for notice_id in notice_ids:
        queue_after_commit(delivery_job(notice_id))


@app_job
def mark_overdue_job(appeal_id: int) -> int:
    """The scheduled overdue check of one appeal (the sweep does the same for all)."""
    return mark_overdue(local_today(), appeal_id)


def missing_reminders(now: datetime) -> list[PendingJob]:
    """Reminders whose moment has come and which no notice shows as sent."""
    calendar = working_calendar()
    today = local_today(now)
    horizon = calendar.add_working_days(today, 3)
    past_hour = now.astimezone(site_zone()).hour >= current_app.config["REMINDER_HOUR"]
    rows = db.session.execute(
        select(Appeal.id, Appeal.effective_due_on).where(
            Appeal.is_overdue.is_(False),  # true for every appeal not yet due; lets the index serve
            Appeal.status.in_(RUNNING_STATUSES),
            Appeal.effective_due_on >= today,
            Appeal.effective_due_on <= horizon,
        )
    ).all()
    wanted: dict[str, PendingJob] = {}
    for appeal_id, due in rows:
        come = [
            name
            for name, day in reminder_days(due, calendar)
            if day < today or (day == today and past_hour)
        ]
        if come:  # only the latest reminder: "3 days left" is wrong once 1 day is left
            job_id = reminder_job_id(appeal_id, come[-1], due)
            wanted[job_id] = PendingJob(
                send_reminder, (appeal_id, come[-1], due.isoformat()), job_id=job_id
            )
    if not wanted:
        return []
    appeal_ids = sorted({job.args[0] for job in wanted.values()})
    sent: set[tuple] = set()
    for start in range(0, len(appeal_ids), 500):  # bounded IN lists
        sent.update(
            db.session.execute(
                select(
                    Event.appeal_id,
                    Event.data["reminder"].as_string(),
                    Event.data["due_on"].as_string(),
                ).where(
                    Event.kind == EventKind.REMINDED,
                    Event.appeal_id.in_(appeal_ids[start : start + 500]),
                )
            ).all()
        )
    return [job for job in wanted.values() if tuple(job.args) not in sent]


@app_job
def sweep_deadlines() -> dict[str, int]:
    """The backbone: recompute overdue flags set-based, flag extensions whose notice missed
    its window, and re-queue reminders Redis lost."""
    now = now_utc()
    today = local_today(now)
    cleared = clear_stale_overdue_flags(today)
    flagged = mark_overdue(today)
    notified_late = flag_unsent_extension_notices(today, now)
    db.session.commit()
    reminders = send_pending_jobs(missing_reminders(now))
    return {
        "flagged": flagged,
        "cleared": cleared,
        "notified_late": notified_late,
        "reminders": reminders,
    }


@app_job
def send_overdue_digest() -> int:
    """The national prosecutor's office's daily digest of the appeals gone overdue since the
    last one (deadlines.digest); a second run the same day writes nothing."""
    return queue_overdue_digest(now_utc())
