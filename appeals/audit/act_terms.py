"""The term of an act of response: its extension on the body's request, and its due date
following a change of the working calendar, as an appeal's term does."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from appeals.accounts.models import User
from appeals.accounts.scope import prosecutor_scope
from appeals.audit.models import Audit, ResponseAct
from appeals.audit.schedule import act_job_ids, schedule_act_jobs
from appeals.deadlines.calendar import WorkingCalendar
from appeals.deadlines.rules import add_term
from appeals.extensions import db
from appeals.intake.access import can_read
from appeals.queues import cancel_after_commit
from appeals.timeutil import local_date


class ActTermRefused(ValueError):
    """The act's term cannot be changed so; the message is for the prosecutor."""


def act_due_date(decided_on: date, calendar: WorkingCalendar) -> date:
    """The body's deadline to answer an act of response, counted like an appeal's term."""
    config = current_app.config
    return add_term(decided_on, config["AUDIT_ACT_TERM"], config["AUDIT_ACT_TERM_UNIT"], calendar)


def latest_act_extension(audit: Audit, calendar: WorkingCalendar) -> date | None:
    """The furthest date the act's term may be extended to now, or None when it may not be."""
    config = current_app.config
    if audit.act_extensions >= config["AUDIT_ACT_EXTENSIONS"] or audit.act_due_on is None:
        return None
    return add_term(
        audit.act_due_on,
        config["AUDIT_ACT_EXTENSION_MAX"],
        config["AUDIT_ACT_TERM_UNIT"],
        calendar,
    )


def act_extension_refusal(
    audit: Audit, new_due: date | None, today: date, calendar: WorkingCalendar
) -> str | None:
    """Why the act's term cannot be extended to `new_due` today, or None."""
    if audit.act == ResponseAct.NONE or audit.act_due_on is None:
        return _("This verdict carries no act to answer.")
    if audit.act_answered_at is not None:
        return _("The body has answered this act already.")
    if today > audit.act_due_on:
        return _("The act's term has already run out: it must be extended before its due date.")
    cap = latest_act_extension(audit, calendar)
    if cap is None:
        return _("The act's term cannot be extended again.")
    if new_due is None or new_due <= audit.act_due_on:
        return _("The new due date must be later than the current one.")
    if new_due > cap:
        return _("The term can be extended to %(date)s at the latest.", date=f"{cap:%d.%m.%Y}")
    return None


def extend_act_term(
    audit: Audit, new_due: date | None, by: User, *, today: date, calendar: WorkingCalendar
) -> None:
    """The prosecutor extends the body's term to answer the act; its reminders move."""
    if prosecutor_scope(by) is None or not can_read(by, audit.appeal):
        raise ActTermRefused(_("Only a prosecutor of this region can extend the act's term."))
    if refusal := act_extension_refusal(audit, new_due, today, calendar):
        raise ActTermRefused(refusal)
    assert new_due is not None and audit.act_due_on is not None  # checked above
    cancel_after_commit(act_job_ids(audit.id, audit.act_due_on))
    audit.act_due_on = new_due
    audit.act_extensions += 1
    db.session.flush()
    schedule_act_jobs(audit)


def follow_calendar_change(
    first_day: date, last_day: date, before: WorkingCalendar, after: WorkingCalendar
) -> int:
    """Move the due dates of the pending, never extended acts that a change of the days
    [first_day, last_day] touches, as recompute_open_due_dates does for appeals; an act whose
    date does not follow from its term under the old calendar is left alone. Returns how many
    moved."""
    zone = current_app.config["TIMEZONE"]
    pending = db.session.execute(
        select(Audit).where(
            Audit.act != ResponseAct.NONE,
            Audit.act_answered_at.is_(None),
            Audit.act_overdue_at.is_(None),
            Audit.act_extensions == 0,  # an extension names its own date, as for appeals
            Audit.act_due_on >= first_day,
        )
    ).scalars()
    moved = 0
    for audit in pending:
        decided_on = local_date(audit.created_at, zone)
        old_due = audit.act_due_on
        if decided_on >= last_day or old_due is None or act_due_date(decided_on, before) != old_due:
            continue
        new_due = act_due_date(decided_on, after)
        if new_due == old_due:
            continue
        cancel_after_commit(act_job_ids(audit.id, old_due))
        audit.act_due_on = new_due
        moved += 1
        db.session.flush()
        schedule_act_jobs(audit)
    return moved
