"""Findings reopen the case: an upheld complaint, or a prosecutor's act of response that
demands it, sends an answered (or closed) appeal back to its body with a new term."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from appeals.accounts.models import Role, User
from appeals.deadlines.schedule import schedule_deadline_jobs
from appeals.deadlines.term import start_term
from appeals.extensions import db
from appeals.intake.labels import STATUS_LABELS
from appeals.intake.models import Appeal, AppealStatus, EventKind
from appeals.intake.workflow import TransitionRefused, change_status
from appeals.notifications.service import notify_applicant, queue_notice
from appeals.timeutil import local_today
from appeals.work.standing import executor_or_heads

S = AppealStatus

# What can reopen a case: the Event.data["source"] of the REOPENED step.
COMPLAINT_UPHELD = "complaint"
ACT_OF_RESPONSE = "act"

# Only a decided case can be reopened: an open one is still being considered.
REOPENABLE = frozenset({S.ANSWERED, S.CLOSED})


def reopen_refusal(appeal: Appeal) -> str | None:
    """Why this appeal cannot be reopened now, or None."""
    if appeal.status in REOPENABLE:
        return None
    return _(
        "Only an answered or closed appeal can be reopened; this one is %(status)s.",
        status=STATUS_LABELS[S(appeal.status)],
    )


def reopen_appeal(
    appeal: Appeal, by: User, *, source: str, source_number: str, today: date | None = None
) -> date:
    """Reopen the decided appeal at the body that holds it: a new term under its policy from
    today, back in its executor's work (or the heads', who assign it), the applicant and the
    body told. `source_number` names the complaint or the audit that found for reopening.
    Returns the new due date."""
    if refusal := reopen_refusal(appeal):
        raise TransitionRefused(refusal)
    today = today or local_today()
    previous_due = appeal.effective_due_on
    change_status(
        appeal,
        S.REOPENED,
        EventKind.REOPENED,
        by,
        data={"source": source, "source_number": source_number},
    )
    appeal.closed_at = None
    appeal.satisfaction = None  # the rating was of the answer the finding set aside
    appeal.satisfaction_comment = None
    due = start_term(appeal, today)  # the policy in force at registration, as before
    executor = appeal.executor
    if executor is not None and _still_works_there(executor, appeal):
        # Back in the executor's hands at once: reopened, then in progress (DESIGN's lifecycle).
        change_status(
            appeal,
            S.IN_PROGRESS,
            EventKind.ASSIGNED,
            by,
            data={"executor_id": executor.id, "previous_executor_id": executor.id},
        )
    else:
        appeal.executor = None  # the head assigns it (reopened -> in progress)
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=previous_due)
    payload = {
        "number": appeal.number,
        "source": source,
        "source_number": source_number,
        "due_on": due.isoformat(),
    }
    notify_applicant(appeal, "appeal_reopened", payload)
    for person in executor_or_heads(appeal):
        queue_notice(
            "appeal_reopened_staff",
            person.email,
            payload,
            user_id=person.id,
            appeal_id=appeal.id,
            dedup_key=f"reopened:{appeal.id}:{len(appeal.events)}:{person.id}",
        )
    return due


def _still_works_there(user: User, appeal: Appeal) -> bool:
    return (
        user.is_active
        and user.body_id == appeal.current_body_id
        and user.role in (Role.OFFICIAL, Role.HEAD)
    )
