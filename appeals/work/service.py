"""The officials' and applicants' actions on an appeal, one function per transition.

Each checks who may act, changes the state through the workflow (which writes the event)
and flushes; the caller commits.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from appeals.accounts.models import Role, User
from appeals.extensions import db
from appeals.intake.models import (
    Answer,
    Appeal,
    AppealStatus,
    Decision,
    Event,
    EventKind,
    Satisfaction,
)
from appeals.intake.service import record_event
from appeals.intake.workflow import TransitionRefused, change_status
from appeals.notifications.service import queue_notice
from appeals.reference.models import Body
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


# --- The term: extension, suspension, forwarding ------------------------------------------


def _policy_terms(appeal: Appeal):
    from appeals.deadlines.models import DeadlinePolicy
    from appeals.deadlines.service import terms_of

    policy = db.session.get(DeadlinePolicy, appeal.policy_id) if appeal.policy_id else None
    if policy is None:
        raise TransitionRefused("This appeal has no term yet: route it to a body first.")
    return policy, terms_of(policy)


def extend_term(appeal: Appeal, new_due: date, reason: str, by: User, *, today: date) -> None:
    """The head extends the term by a reasoned decision, within the policy's limits; the
    applicant is notified at once (the law allows 3 working days)."""
    from appeals.deadlines.jobs import schedule_deadline_jobs
    from appeals.deadlines.rules import extension_error
    from appeals.deadlines.service import working_calendar

    _require_staff_of_body(by, appeal, {Role.HEAD})
    if not appeal.is_open or appeal.status == AppealStatus.SUSPENDED:
        raise TransitionRefused("Only the term of an open, running appeal can be extended.")
    if not (reason or "").strip():
        raise TransitionRefused("An extension needs a reason.")
    _policy, terms = _policy_terms(appeal)
    extensions_so_far = db.session.execute(
        select(func.count(Event.id)).where(
            Event.appeal_id == appeal.id, Event.kind == EventKind.EXTENDED
        )
    ).scalar_one()
    current_due = appeal.effective_due_on
    error = extension_error(
        received_on=appeal.received_on or appeal.registered_on,
        current_due=current_due,
        new_due=new_due,
        decided_on=today,
        extensions_so_far=extensions_so_far,
        terms=terms,
        calendar=working_calendar(),
    )
    if error:
        raise TransitionRefused(error)
    appeal.extended_until = new_due
    record_event(
        appeal,
        EventKind.EXTENDED,
        by,
        note=reason.strip(),
        data={"from": current_due.isoformat(), "to": new_due.isoformat()},
    )
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=current_due)
    _notify_applicant(appeal, "term_extended", {"until": new_due.isoformat(), "reason": reason})


def suspend_appeal(appeal: Appeal, reason: str, by: User, *, today: date) -> None:
    """Stop the clock, keeping the working days that were left (only where the policy allows)."""
    from appeals.deadlines.jobs import schedule_deadline_jobs
    from appeals.deadlines.rules import remaining_working_days
    from appeals.deadlines.service import working_calendar

    _require_staff_of_body(by, appeal, {Role.HEAD})
    _policy, terms = _policy_terms(appeal)
    if not terms.suspension_allowed:
        raise TransitionRefused("The rules in force for this appeal do not allow a suspension.")
    if not (reason or "").strip():
        raise TransitionRefused("A suspension needs a reason.")
    due = appeal.effective_due_on
    remaining = remaining_working_days(today, due, working_calendar())
    change_status(
        appeal,
        AppealStatus.SUSPENDED,
        EventKind.SUSPENDED,
        by,
        note=reason.strip(),
        data={"remaining_working_days": remaining, "due_on": due.isoformat()},
    )
    appeal.suspended_remaining = remaining
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=due)  # cancels; a suspended term has no jobs


def resume_appeal(appeal: Appeal, by: User, *, today: date) -> None:
    """Restart the clock with the days that were left: a new due date from today."""
    from appeals.deadlines.jobs import schedule_deadline_jobs
    from appeals.deadlines.rules import resumed_due_date
    from appeals.deadlines.service import working_calendar

    _require_staff_of_body(by, appeal, {Role.HEAD})
    if appeal.status != AppealStatus.SUSPENDED:
        raise TransitionRefused("Only a suspended appeal can be resumed.")
    new_due = resumed_due_date(today, appeal.suspended_remaining or 0, working_calendar())
    if appeal.extended_until is not None:
        appeal.extended_until = new_due
    else:
        appeal.due_on = new_due
    appeal.suspended_remaining = None
    change_status(
        appeal,
        AppealStatus.IN_PROGRESS,
        EventKind.RESUMED,
        by,
        data={"due_on": new_due.isoformat()},
    )
    db.session.flush()
    schedule_deadline_jobs(appeal)


def forward_appeal(appeal: Appeal, to_body: Body, reason: str, by: User, *, today: date) -> bool:
    """Send a misdirected appeal to the competent body: the term restarts there and the
    applicant is told. Returns True when it went after the legal window (recorded as late)."""
    from appeals.deadlines.jobs import schedule_deadline_jobs
    from appeals.deadlines.rules import forwarded_late
    from appeals.deadlines.service import due_date, working_calendar

    _require_staff_of_body(by, appeal, {Role.HEAD})
    if to_body.id == appeal.current_body_id:
        raise TransitionRefused("The appeal is already at this body.")
    if not to_body.is_active:
        raise TransitionRefused("That body is no longer active.")
    if not (reason or "").strip():
        raise TransitionRefused("Say why the appeal goes to another body.")
    if appeal.status not in (AppealStatus.REGISTERED, AppealStatus.IN_PROGRESS):
        raise TransitionRefused("Only a registered appeal or one in progress can be forwarded.")
    policy, terms = _policy_terms(appeal)
    calendar = working_calendar()
    late = forwarded_late(appeal.received_on or appeal.registered_on, today, terms, calendar)
    previous_due, from_body_id = appeal.effective_due_on, appeal.current_body_id
    received = calendar.next_working_day(today)
    appeal.current_body_id = to_body.id
    appeal.executor_id = None
    appeal.received_on = received
    appeal.due_on = due_date(received, policy, calendar)
    appeal.extended_until = None
    appeal.is_overdue = False
    change_status(
        appeal,
        AppealStatus.REGISTERED,
        EventKind.FORWARDED,
        by,
        note=reason.strip(),
        from_body_id=from_body_id,
        to_body_id=to_body.id,
        data={"late": late, "due_on": appeal.due_on.isoformat()},
    )
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=previous_due)
    _notify_applicant(appeal, "appeal_forwarded", {"body": to_body.name_en, "late": late})
    return late


def _notify_applicant(appeal: Appeal, template: str, payload: dict) -> None:
    if appeal.applicant is None:
        return
    queue_notice(
        template,
        appeal.applicant.email,
        payload,
        user_id=appeal.applicant_id,
        appeal_id=appeal.id,
        dedup_key=f"{template}-{appeal.id}-{len(appeal.events)}",
    )
