"""The officials' steps on an appeal, one function per transition: assign, answer, leave
without consideration, and the extension request with the head's decision.

Each checks who may act (work.standing), changes the state through the workflow (which writes
the event), queues its notice and flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from appeals.accounts.models import Role, User
from appeals.deadlines.schedule import schedule_deadline_jobs
from appeals.extensions import db
from appeals.intake.attachments import CheckedFile
from appeals.intake.event_text import EXECUTOR, LEFT_ON_GROUND
from appeals.intake.labels import LEAVE_GROUNDS
from appeals.intake.models import (
    UPHELD_DECISIONS,
    Answer,
    Appeal,
    AppealKind,
    AppealStatus,
    Decision,
    Event,
    EventKind,
)
from appeals.intake.service import attach_files
from appeals.intake.workflow import (
    TransitionRefused,
    change_status,
    latest_event,
    record_event,
    refuse,
    touch,
    transition_refusal,
)
from appeals.notifications.service import notify_applicant, queue_notice
from appeals.replies.service import how_to_complain
from appeals.timeutil import local_date, now_utc
from appeals.work.defects import leave_ground_refusal
from appeals.work.information import refusal_would_be_late
from appeals.work.reopen import COMPLAINT_UPHELD, reopen_appeal, reopen_refusal
from appeals.work.standing import (
    answer_refusal,
    assign_refusal,
    decide_extension_refusal,
    leave_refusal,
    pending_extension_request,
    request_extension_refusal,
    standing,
)
from appeals.work.terms import extend_term
from appeals.work.together import members_of

S = AppealStatus


def assign_executor(appeal: Appeal, executor: User, by: User) -> None:
    """The head puts an official of the body in charge; the appeal is then in progress."""
    refuse(assign_refusal(appeal, standing(appeal, by)))
    staff = (Role.OFFICIAL, Role.HEAD)
    if (
        executor.body_id != appeal.current_body_id
        or executor.role not in staff
        or not executor.is_active
    ):
        raise TransitionRefused(_("The executor must be an official of the same body."))
    if executor.id == appeal.executor_id:
        raise TransitionRefused(_("%(name)s is the executor already.", name=executor.full_name))
    data = {
        "code": EXECUTOR,
        "executor_name": executor.full_name,
        "executor_id": executor.id,
        "previous_executor_id": appeal.executor_id,
    }
    appeal.executor_id = executor.id
    if appeal.status in (S.IN_PROGRESS, S.SUSPENDED):
        record_event(appeal, EventKind.ASSIGNED, by, data=data)
        touch(appeal)
    else:
        change_status(appeal, S.IN_PROGRESS, EventKind.ASSIGNED, by, data=data)
    db.session.flush()
    notify_applicant(appeal, "appeal_assigned", {"executor": executor.full_name})
    queue_notice(
        "executor_assigned",
        executor.email,
        {"by": by.full_name},
        user_id=executor.id,
        appeal_id=appeal.id,
        dedup_key=f"executor_assigned-{appeal.id}-{len(appeal.events)}",
    )


def answer_appeal(
    appeal: Appeal,
    text: str,
    decision: Decision,
    by: User,
    *,
    files: Sequence[CheckedFile] = (),
    at: datetime | None = None,
) -> Answer:
    """The executor or the head answers with a decision; the applicant is notified. The
    appeals grouped under this one (work/together.py) get the same answer, each in its own
    case."""
    refuse(answer_refusal(appeal, standing(appeal, by)))
    if not (text or "").strip():
        raise TransitionRefused(_("An answer needs its text."))
    answer = _record_answer(appeal, text, decision, by, files=files, at=at)
    for member in members_of(appeal):
        if transition_refusal(member, S.ANSWERED) is None:  # one answered on its own stays so
            _record_answer(member, text, decision, by, files=files, at=at)
    return answer


def _record_answer(
    appeal: Appeal,
    text: str,
    decision: Decision,
    by: User,
    *,
    files: Sequence[CheckedFile],
    at: datetime | None,
) -> Answer:
    previous_due = appeal.effective_due_on
    answer = Answer(
        appeal=appeal,
        text=text.strip(),
        decision=decision,
        author_id=by.id,
        body_id=appeal.current_body_id,
        how_to_complain=how_to_complain(appeal),
    )
    db.session.add(answer)
    attach_files(appeal, files, answer)
    appeal.decision = decision
    appeal.answered_at = at or now_utc()
    data: dict[str, object] = {"decision": decision}
    answered_on = local_date(appeal.answered_at, current_app.config["TIMEZONE"])
    if decision == Decision.REFUSED and refusal_would_be_late(appeal, answered_on):
        data["refused_late"] = True  # past the refusal window: recorded, not refused
    change_status(appeal, S.ANSWERED, EventKind.ANSWERED, by, data=data)
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=previous_due)
    notify_applicant(
        appeal,
        "complaint_decided" if appeal.kind == AppealKind.COMPLAINT else "appeal_answered",
        {"number": appeal.number, "decision": decision, "answer_id": answer.id},
        dedup_key=f"answered:{appeal.id}:{answer.id}",
    )
    _reopen_if_upheld(appeal, by)
    return answer


def refusal_recorded_late(appeal: Appeal) -> bool:
    """Whether the appeal's latest answer is a refusal recorded past its window (its event
    keeps the mark)."""
    answered = latest_event(appeal, EventKind.ANSWERED)
    return bool(answered and (answered.data or {}).get("refused_late"))


def _reopen_if_upheld(complaint: Appeal, by: User) -> None:
    """An upheld complaint about an answer reopens the appeal it was about (a complaint about
    no answer in time finds the appeal still open: it goes on under its own term)."""
    original = complaint.parent
    if (
        complaint.kind == AppealKind.COMPLAINT
        and complaint.decision in UPHELD_DECISIONS
        and original is not None
        and reopen_refusal(original) is None
    ):
        reopen_appeal(original, by, source=COMPLAINT_UPHELD, source_number=complaint.number)


def leave_without_consideration(
    appeal: Appeal, ground: str, by: User, note: str | None = None
) -> None:
    """The head closes an appeal without consideration on a legal ground; the applicant is told
    the ground."""
    refuse(leave_refusal(appeal, standing(appeal, by)))
    if ground not in LEAVE_GROUNDS:
        raise TransitionRefused(_("Choose the legal ground from the list."))
    refuse(leave_ground_refusal(appeal, ground))
    earlier = _decided_earlier_appeal(appeal) if ground == "repeated" else None
    previous_due = appeal.effective_due_on
    appeal.closed_at = now_utc()
    extra = (note or "").strip()
    template = "appeal_left_without_consideration"
    payload: dict[str, object] = {"ground": ground, "note": extra or None}
    data: dict[str, object] = {"code": LEFT_ON_GROUND, "ground": ground}
    if earlier is not None:
        # The reference to the earlier answer: on the timeline and in the applicant's notice.
        assert earlier.answered_at is not None  # checked by _decided_earlier_appeal
        answered_on = local_date(earlier.answered_at, current_app.config["TIMEZONE"])
        template = "appeal_closed_as_repeat"
        payload |= {
            "earlier_number": earlier.number,
            "earlier_answered_on": answered_on.isoformat(),
        }
        data |= {
            "earlier_id": earlier.id,
            "earlier_number": earlier.number,
            "earlier_answered_on": answered_on.isoformat(),
        }
    change_status(
        appeal,
        S.LEFT_WITHOUT_CONSIDERATION,
        EventKind.LEFT_WITHOUT_CONSIDERATION,
        by,
        note=extra or None,
        data=data,
    )
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=previous_due)
    notify_applicant(appeal, template, payload)


def _decided_earlier_appeal(appeal: Appeal) -> Appeal | None:
    """For the "repeated" ground: the earlier appeal this one is linked to, which must be
    answered (a matter already decided); None when the applicant linked none (the head's note
    then names the earlier appeal)."""
    earlier = appeal.parent
    if earlier is None:
        return None
    if earlier.answered_at is None or earlier.status not in (S.ANSWERED, S.CLOSED):
        raise TransitionRefused(
            _(
                "The earlier appeal %(number)s has not been answered yet: a repeat can be "
                "closed only with a reference to an answer already given.",
                number=earlier.number,
            )
        )
    return earlier


def request_extension(appeal: Appeal, until: date, reason: str, by: User, *, today: date) -> Event:
    """The executor asks the head to extend the term to a date, with a reason; nothing changes
    until the head decides, and the heads of the body are told."""
    refuse(request_extension_refusal(appeal, standing(appeal, by), today, until))
    if not (reason or "").strip():
        raise TransitionRefused(_("An extension request needs a reason."))
    current_due = appeal.effective_due_on
    assert current_due is not None  # a running term: checked by the refusal above
    event = record_event(
        appeal,
        EventKind.EXTENSION_REQUESTED,
        by,
        note=reason.strip(),
        data={"until": until.isoformat(), "from": current_due.isoformat()},
    )
    touch(appeal)
    db.session.flush()
    heads = db.session.execute(
        select(User).where(
            User.body_id == appeal.current_body_id, User.role == Role.HEAD, User.is_active
        )
    ).scalars()
    for head in heads:
        queue_notice(
            "extension_requested",
            head.email,
            {"until": until.isoformat(), "reason": reason.strip(), "by": by.full_name},
            user_id=head.id,
            appeal_id=appeal.id,
            dedup_key=f"extension_requested-{event.id}-{head.id}",
        )
    return event


def approve_extension(appeal: Appeal, by: User, *, today: date) -> None:
    """The head grants the pending request: the term is extended to the requested date."""
    refuse(decide_extension_refusal(appeal, standing(appeal, by)))
    request = pending_extension_request(appeal)
    assert request is not None and request.data  # checked by the refusal above
    until = date.fromisoformat(request.data["until"])
    extend_term(appeal, until, request.note or "", by, today=today, request=request)


def refuse_extension(appeal: Appeal, reason: str, by: User) -> None:
    """The head refuses the pending request, with a reason; the term stays, the executor is
    told."""
    refuse(decide_extension_refusal(appeal, standing(appeal, by)))
    if not (reason or "").strip():
        raise TransitionRefused(_("Say why the extension is refused."))
    request = pending_extension_request(appeal)
    assert request is not None and request.data  # checked by the refusal above
    event = record_event(
        appeal,
        EventKind.EXTENSION_REFUSED,
        by,
        note=reason.strip(),
        data={"request_id": request.id, "until": request.data["until"]},
    )
    touch(appeal)
    db.session.flush()
    requester = db.session.get(User, request.actor_id) if request.actor_id else None
    if requester is not None:
        queue_notice(
            "extension_refused",
            requester.email,
            {"until": request.data["until"], "reason": reason.strip(), "by": by.full_name},
            user_id=requester.id,
            appeal_id=appeal.id,
            dedup_key=f"extension_refused-{event.id}",
        )
