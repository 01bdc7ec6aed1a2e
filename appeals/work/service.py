"""The officials' and applicants' actions on an appeal, one function per transition.

Each checks who may act, changes the state through the workflow (which writes the event)
and flushes; the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from appeals.accounts.models import Role, User
from appeals.extensions import db
from appeals.intake.models import (
    Answer,
    Appeal,
    AppealStatus,
    Decision,
    EventKind,
    Satisfaction,
)
from appeals.intake.service import record_event
from appeals.intake.workflow import TransitionRefused, change_status
from appeals.notifications.service import queue_notice
from appeals.timeutil import now_utc


def _require_staff_of_body(actor: User, appeal: Appeal, roles: set[Role]) -> None:
    if actor.role not in roles or actor.body_id != appeal.current_body_id:
        raise TransitionRefused("Only staff of the body that holds this appeal can do this.")


def assign_executor(appeal: Appeal, executor: User, by: User) -> None:
    """The head puts an official of the body in charge; the appeal is then in progress."""
    _require_staff_of_body(by, appeal, {Role.HEAD})
    staff = (Role.OFFICIAL, Role.HEAD)
    if executor.body_id != appeal.current_body_id or executor.role not in staff:
        raise TransitionRefused("The executor must be an official of the same body.")
    appeal.executor_id = executor.id
    if appeal.status == AppealStatus.IN_PROGRESS:
        record_event(appeal, EventKind.ASSIGNED, by, data={"executor_id": executor.id})
    else:
        change_status(
            appeal,
            AppealStatus.IN_PROGRESS,
            EventKind.ASSIGNED,
            by,
            data={"executor_id": executor.id},
        )
    db.session.flush()


def answer_appeal(
    appeal: Appeal, text: str, decision: Decision, by: User, *, at: datetime | None = None
) -> Answer:
    """The executor or the head answers with a decision; the applicant is notified."""
    _require_staff_of_body(by, appeal, {Role.OFFICIAL, Role.HEAD})
    answer = Answer(
        appeal=appeal,
        text=text.strip(),
        decision=decision,
        author_id=by.id,
        body_id=appeal.current_body_id,
    )
    db.session.add(answer)
    appeal.decision = decision
    appeal.answered_at = at or now_utc()
    change_status(
        appeal, AppealStatus.ANSWERED, EventKind.ANSWERED, by, data={"decision": decision}
    )
    db.session.flush()
    if appeal.applicant is not None:
        queue_notice(
            "appeal_answered",
            appeal.applicant.email,
            {"number": appeal.number, "decision": decision},
            user_id=appeal.applicant_id,
            appeal_id=appeal.id,
            dedup_key=f"answered:{appeal.id}:{answer.id}",
        )
    return answer


def rate_answer(appeal: Appeal, satisfaction: Satisfaction, comment: str | None, by: User) -> None:
    """The applicant rates the answer; the appeal is closed."""
    if by.id != appeal.applicant_id:
        raise TransitionRefused("Only the applicant can rate the answer.")
    appeal.satisfaction = satisfaction
    appeal.satisfaction_comment = (comment or "").strip() or None
    appeal.closed_at = now_utc()
    change_status(
        appeal,
        AppealStatus.CLOSED,
        EventKind.RATED,
        by,
        data={"satisfaction": satisfaction},
        note=appeal.satisfaction_comment,
    )
    db.session.flush()


def withdraw_appeal(appeal: Appeal, by: User, reason: str | None = None) -> None:
    """The applicant withdraws an open appeal."""
    if by.id != appeal.applicant_id:
        raise TransitionRefused("Only the applicant can withdraw the appeal.")
    appeal.closed_at = now_utc()
    change_status(appeal, AppealStatus.WITHDRAWN, EventKind.WITHDRAWN, by, note=reason)
    db.session.flush()
