"""Scheduling an act of response's jobs: the heads' reminders and the overdue check of one
act's due date. The jobs live in jobs.py; they are named here by their dotted path, so the
audit service schedules them without importing a jobs module."""

from __future__ import annotations

from datetime import date

from appeals.audit.models import Audit, ResponseAct
from appeals.deadlines.rules import reminder_days
from appeals.deadlines.schedule import schedule_term_jobs
from appeals.deadlines.service import working_calendar
from appeals.queues import cancel_after_commit

# The jobs of an act's term (appeals/audit/jobs.py), by name.
SEND_ACT_REMINDER = "appeals.audit.jobs.send_act_reminder"
MARK_ACT_OVERDUE = "appeals.audit.jobs.mark_act_overdue_job"


def reminder_job_id(audit_id: int, name: str, due: date) -> str:
    return f"act-reminder-{audit_id}-{name}-{due:%Y%m%d}"


def overdue_job_id(audit_id: int, due: date) -> str:
    return f"act-overdue-{audit_id}-{due:%Y%m%d}"


def act_job_ids(audit_id: int, due: date) -> list[str]:
    """Every scheduled job that belongs to one act's due date."""
    return [
        *(
            reminder_job_id(audit_id, name, due)
            for name, _ in reminder_days(due, working_calendar())
        ),
        overdue_job_id(audit_id, due),
    ]


def schedule_act_jobs(audit: Audit) -> None:
    """Schedule (after commit) the heads' reminders and the overdue check of an act."""
    due = audit.act_due_on
    if audit.act == ResponseAct.NONE or due is None or audit.act_answered_at is not None:
        return
    schedule_term_jobs(
        audit.id,
        due,
        reminder=SEND_ACT_REMINDER,
        reminder_id=reminder_job_id,
        overdue=MARK_ACT_OVERDUE,
        overdue_id=overdue_job_id,
    )


def cancel_act_jobs(audit: Audit) -> None:
    """Drop (after commit) the act's reminders and overdue check: the body has answered."""
    if audit.act_due_on is not None:
        cancel_after_commit(act_job_ids(audit.id, audit.act_due_on))
