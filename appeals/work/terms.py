"""The term of an appeal at its body: extension, suspension and resumption, forwarding to the
competent body (each restarts, moves or stops the clock and schedules its jobs)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select

from appeals.accounts.models import User
from appeals.deadlines.rules import (
    extension_notice_due,
    forwarded_late,
    remaining_working_days,
    resumed_due_date,
)
from appeals.deadlines.schedule import schedule_deadline_jobs
from appeals.deadlines.service import working_calendar
from appeals.deadlines.term import start_term
from appeals.extensions import db
from appeals.intake.models import (
    Appeal,
    AppealStatus,
    Event,
    EventKind,
)
from appeals.intake.workflow import (
    TransitionRefused,
    change_status,
    record_event,
    refuse,
)
from appeals.notifications.service import notify_applicant
from appeals.reference.models import (
    Body,
    Category,
    Region,
    RoutingRule,
    ancestor_chain,
    localized_name,
)
from appeals.work.inbox import SEARCH_MAX, like_pattern
from appeals.work.standing import (
    extension_refusal,
    forward_refusal,
    policy_terms,
    resume_refusal,
    standing,
)

S = AppealStatus


def extend_term(
    appeal: Appeal,
    new_due: date,
    reason: str,
    by: User,
    *,
    today: date,
    request: Event | None = None,
) -> None:
    """The head extends the term by a reasoned decision, within the policy's limits; the
    applicant is notified at once (the law allows 3 working days)."""

    refuse(standing(appeal, by).refusal("head"))
    if not appeal.is_open or appeal.status == S.SUSPENDED:
        raise TransitionRefused(_("Only the term of an open, running appeal can be extended."))
    if not (reason or "").strip():
        raise TransitionRefused(_("An extension needs a reason."))
    refuse(extension_refusal(appeal, today, new_due))
    current_due = appeal.effective_due_on
    assert current_due is not None  # a running term: checked by the refusal above
    appeal.extended_until = new_due
    # The notice's delivery job and the deadline sweep flag it late against this day.
    appeal.extension_notice_due_on = extension_notice_due(today, working_calendar())
    data: dict[str, object] = {"from": current_due.isoformat(), "to": new_due.isoformat()}
    if request is not None:
        data["request_id"] = request.id
    record_event(appeal, EventKind.EXTENDED, by, note=reason.strip(), data=data)
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=current_due)
    notify_applicant(
        appeal, "term_extended", {"until": new_due.isoformat(), "reason": reason.strip()}
    )


def suspend_appeal(appeal: Appeal, reason: str, by: User, *, today: date) -> None:
    """Stop the clock, keeping the working days that were left (only where the policy allows)."""

    who = standing(appeal, by)
    refuse(who.refusal("head"))
    _policy, terms = policy_terms(appeal)
    if not terms.suspension_allowed:
        raise TransitionRefused(_("The rules in force for this appeal do not allow a suspension."))
    if not (reason or "").strip():
        raise TransitionRefused(_("A suspension needs a reason."))
    due = appeal.effective_due_on
    if due is None:
        raise TransitionRefused(_("This appeal has no term yet: route it to a body first."))
    remaining = remaining_working_days(today, due, working_calendar())
    change_status(
        appeal,
        S.SUSPENDED,
        EventKind.SUSPENDED,
        by,
        note=reason.strip(),
        data={"remaining_working_days": remaining, "due_on": due.isoformat()},
    )
    appeal.suspended_remaining = remaining
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=due)  # cancels; a suspended term has no jobs
    notify_applicant(appeal, "appeal_suspended", {"reason": reason.strip()})


def resume_appeal(appeal: Appeal, by: User, *, today: date) -> None:
    """Restart the clock with the days that were left: a new due date from today."""

    refuse(resume_refusal(appeal, standing(appeal, by)))
    new_due = resumed_due_date(today, appeal.suspended_remaining or 0, working_calendar())
    if appeal.extended_until is not None:
        appeal.extended_until = new_due
    else:
        appeal.due_on = new_due
    appeal.suspended_remaining = None
    change_status(
        appeal,
        S.IN_PROGRESS,
        EventKind.RESUMED,
        by,
        data={"due_on": new_due.isoformat()},
    )
    db.session.flush()
    schedule_deadline_jobs(appeal)
    notify_applicant(appeal, "appeal_resumed", {"due_on": new_due.isoformat()})


# The forward form lists at most this many bodies: a country has tens of thousands, and a list
# of all of them cost every view of an appeal its rendering (and no one could read it).
FORWARD_CHOICES = 50


def forward_choices(
    appeal: Appeal, search: str = "", *, including: int | None = None
) -> list[tuple[int, str]]:
    """(id, name) of the active bodies the forward form offers, by name, never the appeal's
    own. With `search`: those whose name (in any language) or code contains it. Without: those
    the routing rules make competent for the appeal's matter anywhere (a wrong place is a common
    mistake), and the bodies of its place. At most FORWARD_CHOICES; `including` (the body
    posted) is offered too when it may be chosen."""
    may_receive = (Body.is_active, Body.id != appeal.current_body_id)
    offered = select(Body.id, localized_name(Body)).where(*may_receive)
    search = search.strip()[:SEARCH_MAX]
    if search:
        pattern = like_pattern(search)
        columns = (Body.name_kk, Body.name_ru, Body.name_en, Body.code)
        offered = offered.where(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
    else:
        competent = select(RoutingRule.body_id).where(
            RoutingRule.is_active,
            RoutingRule.category_id.in_(ancestor_chain(Category, appeal.category_id)),
        )
        place = ancestor_chain(Region, appeal.region_id)
        offered = offered.where(or_(Body.id.in_(competent), Body.region_id.in_(place)))
    rows = db.session.execute(
        offered.order_by(localized_name(Body), Body.id).limit(FORWARD_CHOICES)
    ).all()
    choices = [(body_id, name) for body_id, name in rows]
    if including and including not in {body_id for body_id, _name in choices}:
        # The body posted, found by a search that this request does not repeat.
        posted = select(Body.id, localized_name(Body)).where(Body.id == including, *may_receive)
        choices += [(body_id, name) for body_id, name in db.session.execute(posted)]
    return choices


def forward_appeal(appeal: Appeal, to_body: Body, reason: str, by: User, *, today: date) -> bool:
    """Send a misdirected appeal to the competent body: the term restarts there and the
    applicant is told. Returns True when it went after the legal window (recorded as late)."""

    refuse(standing(appeal, by).refusal("head"))
    if to_body.id == appeal.current_body_id:
        raise TransitionRefused(_("The appeal is already at this body."))
    if not to_body.is_active:
        raise TransitionRefused(_("That body is no longer active."))
    if not (reason or "").strip():
        raise TransitionRefused(_("Say why the appeal goes to another body."))
    refuse(forward_refusal(appeal, standing(appeal, by)))
    policy, terms = policy_terms(appeal)
    calendar = working_calendar()
    received_before = appeal.received_on or appeal.registered_on
    assert received_before is not None  # every appeal with a policy has been received
    late = forwarded_late(received_before, today, terms, calendar)
    previous_due, from_body_id = appeal.effective_due_on, appeal.current_body_id
    appeal.current_body_id = to_body.id
    appeal.executor_id = None
    due = start_term(appeal, calendar.next_working_day(today), policy)
    change_status(
        appeal,
        S.REGISTERED,
        EventKind.FORWARDED,
        by,
        note=reason.strip(),
        from_body_id=from_body_id,
        to_body_id=to_body.id,
        data={"late": late, "due_on": due.isoformat()},
    )
    db.session.flush()
    schedule_deadline_jobs(appeal, previous_due=previous_due)
    notify_applicant(
        appeal,
        "appeal_forwarded",
        {"body_id": to_body.id, "reason": reason.strip(), "late": late, "due_on": due.isoformat()},
    )
    return late
