"""The applicant's steps on their own appeal after submission: rate the answer, withdraw,
complain about the answer (or about no answer in time)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from appeals.accounts.models import User
from appeals.deadlines.rules import add_months
from appeals.deadlines.schedule import schedule_deadline_jobs
from appeals.extensions import db
from appeals.intake.attachments import CheckedFile
from appeals.intake.event_text import COMPLAINT_REASON, TO_SUPERIOR_BODY
from appeals.intake.labels import COMPLAINT_REASONS
from appeals.intake.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Appeal,
    AppealKind,
    AppealStatus,
    Event,
    EventKind,
    Satisfaction,
)
from appeals.intake.service import (
    attach_files,
    notify_registered,
    numbered_appeal,
    register_at_body,
    route_new_appeal,
)
from appeals.intake.workflow import (
    TransitionRefused,
    change_status,
    record_event,
    refuse,
    touch,
    transition_refusal,
)
from appeals.notifications.service import queue_notice
from appeals.reference.models import Body
from appeals.timeutil import local_date, now_utc
from appeals.work.standing import executor_or_heads

S = AppealStatus


def rate_answer(appeal: Appeal, satisfaction: Satisfaction, comment: str | None, by: User) -> None:
    """The applicant rates the answer; the appeal is closed."""
    if by.id != appeal.applicant_id:
        raise TransitionRefused(_("Only the applicant can rate the answer."))
    if refusal := transition_refusal(appeal, S.CLOSED):
        raise TransitionRefused(
            refusal if appeal.status != S.CLOSED else _("The answer has been rated already.")
        )
    appeal.satisfaction = satisfaction
    appeal.satisfaction_comment = (comment or "").strip() or None
    appeal.closed_at = now_utc()
    change_status(
        appeal,
        S.CLOSED,
        EventKind.RATED,
        by,
        data={"satisfaction": satisfaction},
        note=appeal.satisfaction_comment,
    )
    db.session.flush()
    author = appeal.answers[-1].author if appeal.answers else None
    if author is not None:
        queue_notice(
            "answer_rated",
            author.email,
            {"satisfaction": satisfaction, "comment": appeal.satisfaction_comment},
            user_id=author.id,
            appeal_id=appeal.id,
            dedup_key=f"answer_rated-{appeal.id}",
        )


def withdraw_appeal(appeal: Appeal, by: User, reason: str | None = None) -> None:
    """The applicant withdraws an open appeal; the executor (if any) is told."""
    if by.id != appeal.applicant_id:
        raise TransitionRefused(_("Only the applicant can withdraw the appeal."))
    previous_due = appeal.effective_due_on
    appeal.closed_at = now_utc()
    change_status(appeal, S.WITHDRAWN, EventKind.WITHDRAWN, by, note=(reason or "").strip() or None)
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=previous_due)
    if appeal.executor is not None:
        queue_notice(
            "appeal_withdrawn",
            appeal.executor.email,
            {"reason": (reason or "").strip() or None},
            user_id=appeal.executor_id,
            appeal_id=appeal.id,
            dedup_key=f"appeal_withdrawn-{appeal.id}",
        )


def _complained_refusal(appeal: Appeal, by: User, today: date) -> str | None:
    if by.id != appeal.applicant_id:
        return _("Only the applicant can complain about this appeal.")
    answered = appeal.answered_at is not None and appeal.status in (S.ANSWERED, S.CLOSED)
    due = appeal.effective_due_on
    # APPK art. 91(2): no decision by the end of the term counts as a refusal.
    deemed_refusal = appeal.status in RUNNING_STATUSES and due is not None and today > due
    if not (answered or deemed_refusal):
        return _(
            "A complaint can be filed about an answer, or once the term has run out with no answer."
        )
    pending = db.session.execute(
        select(Appeal.number).where(
            Appeal.parent_id == appeal.id,
            Appeal.kind == AppealKind.COMPLAINT,
            Appeal.status.in_(OPEN_STATUSES),
        )
    ).scalar()
    if pending:
        return _(
            "Your complaint %(number)s about this appeal is being considered already.",
            number=pending,
        )
    return None


def add_to_appeal(
    appeal: Appeal, text: str | None, files: Sequence[CheckedFile], by: User
) -> Event:
    """The applicant adds documents or a clarification to their open appeal: one step on the
    timeline, the executor (or, before one is assigned, the body's heads) told; the term does
    not change (DESIGN "Intake")."""
    if by.id != appeal.applicant_id:
        raise TransitionRefused(_("Only the applicant can add to the appeal."))
    if not appeal.is_open:
        raise TransitionRefused(
            _("Documents and clarifications can be added only while the appeal is open.")
        )
    text = (text or "").strip()
    if not text and not files:
        raise TransitionRefused(_("Write a clarification or attach a document."))
    attach_files(appeal, files)
    event = record_event(
        appeal,
        EventKind.SUPPLEMENTED,
        by,
        note=text or None,
        data={"files": [checked.filename for checked in files]},
    )
    touch(appeal)
    db.session.flush()
    for user in executor_or_heads(appeal):
        queue_notice(
            "appeal_supplemented",
            user.email,
            {"files": len(files), "clarification": text or None},
            user_id=user.id,
            appeal_id=appeal.id,
            dedup_key=f"appeal_supplemented-{event.id}-{user.id}",
        )
    return event


def applicant_actions(appeal: Appeal, user: User, today: date) -> set[str]:
    """The applicant's steps on their appeal now: add to it, rate, withdraw, complain."""
    if not user.is_authenticated or user.id != appeal.applicant_id:
        return set()
    actions = set()
    if appeal.status == S.ANSWERED:
        actions.add("rate")
    if appeal.is_open:
        actions.update({"withdraw", "supplement", "cosign"})
    if _complained_refusal(appeal, user, today) is None:
        actions.add("complain")
    return actions


def file_complaint(
    appeal: Appeal, reason: str, text: str, by: User, *, now: datetime | None = None
) -> tuple[Appeal, str]:
    """The applicant complains about an answer (or about none in time): a new appeal of kind
    complaint, linked to this one, registered at the superior body of the body that answered
    with the complaint term. Returns the complaint and its access code (shown once)."""

    now = now or now_utc()
    today = local_date(now, current_app.config["TIMEZONE"])
    refuse(_complained_refusal(appeal, by, today))
    if reason not in COMPLAINT_REASONS:
        raise TransitionRefused(_("Choose why you complain from the list."))
    if not (text or "").strip():
        raise TransitionRefused(_("Say what you complain about."))
    answered_at = appeal.answered_at
    answer_body_id = appeal.answers[-1].body_id if appeal.answers else appeal.current_body_id
    answer_body = db.session.get(Body, answer_body_id) if answer_body_id else None
    what = "the answer to" if answered_at else "no answer in time to"
    complaint, access_code = numbered_appeal(
        AppealKind.COMPLAINT,
        by,
        now,
        category_id=appeal.category_id,
        region_id=appeal.region_id,
        subject=f"Complaint about {what} appeal {appeal.number}",
        text=text.strip(),
        language=appeal.language,
        parent_id=appeal.id,
        parent_reason=reason,
    )
    registered_on = complaint.registered_on
    record_event(
        complaint,
        EventKind.SUBMITTED,
        by,
        data={
            "code": COMPLAINT_REASON,
            "parent_id": appeal.id,
            "parent_number": appeal.number,
            "reason": reason,
        },
    )
    superior = answer_body.parent if answer_body is not None else None
    if answer_body is not None and superior is not None and superior.is_active:
        register_at_body(
            complaint,
            superior.id,
            registered_on,
            from_body_id=answer_body.id,
            data={"code": TO_SUPERIOR_BODY, "superior_of": answer_body.id},
        )
    else:
        route_new_appeal(complaint, registered_on)  # no superior body: the usual rules decide
    db.session.flush()
    zone = current_app.config["TIMEZONE"]
    since = local_date(answered_at, zone) if answered_at else appeal.effective_due_on
    # Filed after the window (the COMPLAINT_WINDOW_MONTHS setting), it is still accepted.
    window = current_app.config["COMPLAINT_WINDOW_MONTHS"]
    late = since is not None and today > add_months(since, window)
    record_event(
        appeal,
        EventKind.COMPLAINED,
        by,
        to_body_id=complaint.current_body_id,
        data={
            "code": COMPLAINT_REASON,
            "complaint_id": complaint.id,
            "complaint_number": complaint.number,
            "reason": reason,
            "late": late,
        },
    )
    touch(appeal)
    db.session.flush()
    notify_registered(complaint, access_code)
    return complaint, access_code
