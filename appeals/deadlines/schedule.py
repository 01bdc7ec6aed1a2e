"""Scheduling a term's jobs: which jobs one due date has and when they run. The jobs
themselves live in jobs.py; they are named here by their dotted path, so the services that
change a term schedule its jobs without importing a jobs module."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from appeals.deadlines.rules import reminder_days
from appeals.deadlines.service import working_calendar
from appeals.intake.models import RUNNING_STATUSES, Appeal
from appeals.queues import cancel_after_commit, enqueue_after_commit
from appeals.timeutil import local_today, now_utc

# The jobs of an appeal's term (appeals/deadlines/jobs.py), by name.
SEND_REMINDER = "appeals.deadlines.jobs.send_reminder"
MARK_OVERDUE = "appeals.deadlines.jobs.mark_overdue_job"


def site_zone() -> ZoneInfo:
    """The site's zone, in which reminders and overdue checks run."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=site_zone())


def reminder_job_id(appeal_id: int, name: str, due: date) -> str:
    return f"reminder-{appeal_id}-{name}-{due:%Y%m%d}"


def overdue_job_id(appeal_id: int, due: date) -> str:
    return f"overdue-{appeal_id}-{due:%Y%m%d}"


def deadline_job_ids(appeal_id: int, due: date) -> list[str]:
    """Every scheduled job that belongs to one due date of one appeal."""
    calendar = working_calendar()
    return [
        *(reminder_job_id(appeal_id, name, due) for name, _ in reminder_days(due, calendar)),
        overdue_job_id(appeal_id, due),
    ]


def schedule_deadline_jobs(appeal: Appeal, previous_due: date | None = None) -> None:
    """Schedule (after commit) the reminders and the overdue check for the appeal's due date,
    and cancel those of the due date it replaces."""
    if previous_due is not None:
        cancel_after_commit(deadline_job_ids(appeal.id, previous_due))
    due = appeal.effective_due_on
    if due is None or appeal.status not in RUNNING_STATUSES:
        return
    schedule_term_jobs(
        appeal.id,
        due,
        reminder=SEND_REMINDER,
        reminder_id=reminder_job_id,
        overdue=MARK_OVERDUE,
        overdue_id=overdue_job_id,
    )


def schedule_term_jobs(
    item_id: int,
    due: date,
    *,
    reminder: str,
    reminder_id: Callable[[int, str, date], str],
    overdue: str,
    overdue_id: Callable[[int, date], str],
) -> None:
    """Schedule (after commit) a term's reminders, reminder(item_id, name, due_iso), at the
    reminder hour of each reminder day still to come, and its overdue check,
    overdue(item_id), just after local midnight after the due date (overdue from the day
    after). The ids make scheduling twice the same."""
    now = now_utc()
    today = local_today(now)
    hour = current_app.config["REMINDER_HOUR"]
    for name, day in reminder_days(due, working_calendar()):
        if day >= today:
            enqueue_after_commit(
                reminder,
                item_id,
                name,
                due.isoformat(),
                job_id=reminder_id(item_id, name, due),
                at=max(at_local(day, hour), now),
            )
    enqueue_after_commit(
        overdue,
        item_id,
        job_id=overdue_id(item_id, due),
        at=max(at_local(due + timedelta(days=1), 0, 5), now),
    )
