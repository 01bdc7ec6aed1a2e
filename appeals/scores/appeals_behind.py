"""The drill-down: for each figure of a body's score, the SELECT of the appeals it was counted
from, built from the same predicates as the measures."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, false, or_, select, tuple_
from sqlalchemy.orm import aliased

from appeals.audit.models import Audit
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal, Event
from appeals.scores.measures import very_overdue_on
from appeals.scores.period import Period
from appeals.scores.predicates import (
    UPHELD,
    answered,
    complaints_decided,
    followed,
    forwarded_in_time,
    forwardings_out,
    in_period,
    late,
    latest_audit_ids,
    on_time,
    open_late,
    received_on,
    timely_counted,
)
from appeals.timeutil import local_today

# Every figure a score page shows, with what its list holds. "x.successes" and "x.failures"
# narrow a rate's list (not for satisfaction: its successes are fractional).
# Lazy: each page shows them in the reader's language.
MEASURES = {
    "appeals": _l("the body's appeals due or answered in the period"),
    "timely": _l("answered, or still open past the due date"),
    "satisfaction": _l("answers the applicant rated"),
    "audit_clean": _l("answers a prosecutor audited (latest verdict)"),
    "no_followup": _l("answers given"),
    "complaints_rejected": _l("complaints about its answers decided in the period"),
    "median_days_to_answer": _l("answers given (with a receipt date)"),
    "mean_days_late": _l("appeals answered late or still open past the due date"),
    "open_overdue": _l("open now and past the due date"),
    "very_overdue": _l("open now and past the due date by a whole term again"),
    "extension_rate": _l("the body's appeals of the period"),
    "forwarded_out": _l("appeals received: its own of the period and those it forwarded out"),
    "forward_compliance": _l("forwardings out of the body (one row per forwarding)"),
}
RATES_WITH_PARTS = {
    "timely",
    "audit_clean",
    "no_followup",
    "complaints_rejected",
    "extension_rate",
    "forwarded_out",
    "forward_compliance",
}


def appeals_behind(
    body_id: int, measure: str, period: Period, *, today: date | None = None
) -> Select:
    """The SELECT of the appeals a figure was counted from: its length is the figure's n
    (or, for "x.successes"/"x.failures", the successes or the rest)."""
    today = today or local_today()
    name, _, part = measure.partition(".")
    if name not in MEASURES or (
        part and (part not in ("successes", "failures") or name not in RATES_WITH_PARTS)
    ):
        raise ValueError(f"no list of appeals behind {measure!r}")
    own = and_(Appeal.current_body_id == body_id, in_period(period))
    query = select(Appeal).order_by(Appeal.id)

    def pick(counted: ColumnElement, success: ColumnElement) -> ColumnElement:
        if part == "successes":
            return and_(counted, success)
        if part == "failures":
            return and_(counted, ~success)
        return counted

    if name in ("appeals", "extension_rate"):
        return query.where(pick(own, Appeal.extended_until.is_not(None)))
    if name == "timely":
        return query.where(own, pick(timely_counted(today), on_time()))
    if name == "satisfaction":
        return query.where(own, Appeal.satisfaction.is_not(None))
    if name == "mean_days_late":
        return query.where(own, late(today))
    if name == "median_days_to_answer":
        return query.where(own, answered(), received_on().is_not(None))
    if name == "no_followup":
        return query.where(own, pick(answered(), ~followed()))
    if name == "audit_clean":
        query = query.join(Audit, Audit.appeal_id == Appeal.id)
        counted = and_(
            Audit.body_id == body_id, Audit.id.in_(latest_audit_ids()), in_period(period)
        )
        return query.where(pick(counted, Audit.lawful.is_(True)))
    if name == "complaints_rejected":
        parent = aliased(Appeal)
        counted = and_(complaints_decided(period), parent.current_body_id == body_id)
        query = query.join(parent, parent.id == Appeal.parent_id)
        return query.where(pick(counted, Appeal.decision.not_in(UPHELD)))
    if name == "forward_compliance":
        query = query.join(Event, Event.appeal_id == Appeal.id)
        counted = and_(forwardings_out(period), Event.from_body_id == body_id)
        return query.where(pick(counted, forwarded_in_time()))
    if name == "forwarded_out":
        out = select(Event.appeal_id).where(forwardings_out(period), Event.from_body_id == body_id)
        forwarded = Appeal.id.in_(out)
        return query.where(pick(or_(own, forwarded), forwarded))
    # open_overdue / very_overdue: now, whatever the period.
    overdue = and_(Appeal.current_body_id == body_id, open_late(today))
    if name == "open_overdue":
        return query.where(overdue)
    cal = working_calendar()
    pairs = [
        (due, policy_id)
        for due, policy_id, term, unit in db.session.execute(
            select(
                Appeal.effective_due_on, Appeal.policy_id, DeadlinePolicy.term, DeadlinePolicy.unit
            )
            .join(DeadlinePolicy, DeadlinePolicy.id == Appeal.policy_id)
            .where(overdue)
            .distinct()
        )
        if very_overdue_on(cal, due, term, unit, today)
    ]
    if not pairs:
        return query.where(false())
    return query.where(overdue, tuple_(Appeal.effective_due_on, Appeal.policy_id).in_(pairs))
