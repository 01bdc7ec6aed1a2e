"""The audit of an appeal: a prosecutor's verdict on an appeal in their scope (answered or not), its
act of response and the body's reply to it. Functions take the actor as an argument and flush;
the caller commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from appeals.accounts.models import Role, User
from appeals.accounts.scope import prosecutor_scope
from appeals.audit.act_terms import act_due_date
from appeals.audit.models import Audit, ResponseAct, Violation
from appeals.audit.schedule import cancel_act_jobs, schedule_act_jobs
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.access import can_read
from appeals.intake.event_text import AUDIT_VERDICT
from appeals.intake.labels import STATUS_LABELS
from appeals.intake.models import Answer, Appeal, AppealStatus, EventKind
from appeals.intake.workflow import record_event
from appeals.notifications.service import queue_notice
from appeals.timeutil import local_date, local_today, now_utc
from appeals.work.reopen import ACT_OF_RESPONSE, reopen_appeal, reopen_refusal

# --- The audit ------------------------------------------------------------------------------

# Any appeal at a body can be audited, open and overdue ones too (a missed term is the
# commonest violation); one not yet at a body has nobody to audit.
NOT_AT_A_BODY = frozenset({AppealStatus.SUBMITTED, AppealStatus.MANUAL_ROUTING})


class AuditRefused(ValueError):
    """The audit cannot be recorded; the message is for the prosecutor, `field` the form
    field it concerns (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def audit_refusal(appeal: Appeal) -> str | None:
    """Why this appeal cannot be audited now, or None."""
    if appeal.status in NOT_AT_A_BODY or appeal.current_body_id is None:
        return _(
            "Only an appeal at a body can be audited; this one is %(status)s.",
            status=STATUS_LABELS[AppealStatus(appeal.status)],
        )
    return None


def missed_its_term(appeal: Appeal, today: date) -> bool:
    """Answered after its (extended) due date, or still open past it."""
    due = appeal.effective_due_on
    if due is None:
        return False
    if appeal.answered_at is not None:
        return local_date(appeal.answered_at, current_app.config["TIMEZONE"]) > due
    return appeal.is_overdue_on(today)


def _audited_body_id(appeal: Appeal) -> int | None:
    """The body that gave the answer (the latest one), else the body holding the appeal."""
    answered_by = db.session.execute(
        select(Answer.body_id)
        .where(Answer.appeal_id == appeal.id, Answer.body_id.is_not(None))
        .order_by(Answer.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return answered_by or appeal.current_body_id


def record_audit(
    appeal: Appeal,
    lawful: bool,
    violations: Iterable[str],
    note: str | None,
    act: str,
    by: User,
    *,
    reopen: bool = False,
    today: date | None = None,
) -> Audit:
    """A prosecutor's verdict on an appeal at a body in their scope: the audit row, an event on
    the timeline and a notice to the audited body's head. An act that demands it (`reopen`)
    reopens the decided appeal at its body (work/reopen.py)."""
    if prosecutor_scope(by) is None:
        raise AuditRefused(_("Only a prosecutor can audit an answer."))
    if not can_read(by, appeal):
        raise AuditRefused(_("This appeal is outside your region."))
    if refusal := audit_refusal(appeal):
        raise AuditRefused(refusal)
    try:
        chosen = {Violation(v) for v in violations}
        response = ResponseAct(act)
    except ValueError:
        raise AuditRefused(_("Choose the violations and the act from the lists.")) from None
    found = [v for v in Violation if v in chosen]  # the enum's order, no duplicates
    note = (note or "").strip()
    if lawful and found:
        raise AuditRefused(
            _("A lawful answer has no violations: untick them, or record the violations."),
            "violations",
        )
    if not lawful and not found:
        raise AuditRefused(
            _("Choose at least one violation, or record the answer as lawful."), "violations"
        )
    if not lawful and not note:
        raise AuditRefused(_("Say in the note what was wrong with the answer."), "note")
    today = today or local_today()
    if Violation.MISSED_DEADLINE in found and not missed_its_term(appeal, today):
        raise AuditRefused(
            _(
                "A missed deadline needs an appeal answered after its due date, or still "
                "unanswered past it."
            ),
            "violations",
        )
    if lawful and response != ResponseAct.NONE:
        raise AuditRefused(_("A lawful answer calls for no act of response."), "act")
    if reopen and response == ResponseAct.NONE:
        raise AuditRefused(
            _("Only an act of response can demand that the appeal be considered again."),
            "reopen",
        )
    if reopen and (refusal := reopen_refusal(appeal)):
        raise AuditRefused(refusal, "reopen")
    body_id = _audited_body_id(appeal)
    if body_id is None:
        raise AuditRefused(_("This appeal has no body to audit."))
    act_due_on = act_due_date(today, working_calendar()) if response != ResponseAct.NONE else None
    audit = Audit(
        appeal_id=appeal.id,
        body_id=body_id,
        prosecutor_id=by.id,
        lawful=lawful,
        violations=[str(v) for v in found],
        note=note,
        act=response,
        act_due_on=act_due_on,
        reopens_case=reopen,
    )
    db.session.add(audit)
    record_event(
        appeal,
        EventKind.AUDITED,
        by,
        data={
            "code": AUDIT_VERDICT,
            "lawful": lawful,
            "violations": [str(v) for v in found],
            "act": str(response),
            "act_due_on": act_due_on.isoformat() if act_due_on else None,
        },
    )
    db.session.flush()
    if reopen:
        reopen_appeal(appeal, by, source=ACT_OF_RESPONSE, source_number=str(audit.id), today=today)
    _notify_heads(audit, appeal)
    if response != ResponseAct.NONE:
        schedule_act_jobs(audit)
    return audit


def _notify_heads(audit: Audit, appeal: Appeal) -> None:
    heads = db.session.execute(
        select(User.id, User.email).where(
            User.body_id == audit.body_id, User.role == Role.HEAD, User.is_active
        )
    ).all()
    payload = {
        "number": appeal.number,
        "lawful": audit.lawful,
        "violations": list(audit.violations),
        "act": str(audit.act),
        "has_act": audit.act != ResponseAct.NONE,
        "act_due_on": audit.act_due_on.strftime("%d.%m.%Y") if audit.act_due_on else None,
        "note": audit.note,
    }
    for head_id, email in heads:
        queue_notice(
            "appeal_audited",
            email,
            payload,
            user_id=head_id,
            appeal_id=appeal.id,
            dedup_key=f"audited:{audit.id}:{head_id}",
        )


def record_act_reply(audit: Audit, by: User, *, at: datetime | None = None) -> None:
    """The prosecutor records that the body has answered the act of response; its reminders
    and overdue check are dropped once this commits."""
    if prosecutor_scope(by) is None or not can_read(by, audit.appeal):
        raise AuditRefused(_("Only a prosecutor of this region can record the body's reply."))
    if audit.act == ResponseAct.NONE:
        raise AuditRefused(_("This verdict carries no act to answer."))
    if audit.act_answered_at is not None:
        raise AuditRefused(_("The body's reply to this act is already recorded."))
    audit.act_answered_at = at or now_utc()
    db.session.flush()
    cancel_act_jobs(audit)


def act_is_overdue(audit: Audit, today: date) -> bool:
    """An act past its deadline with no reply from the body (from the day after the date).
    Read from the dates, so it holds before the sweep has run; after it, the unanswered acts
    it is true for are exactly those with `act_overdue_at` set."""
    return (
        audit.act != ResponseAct.NONE
        and audit.act_answered_at is None
        and audit.act_due_on is not None
        and today > audit.act_due_on
    )
