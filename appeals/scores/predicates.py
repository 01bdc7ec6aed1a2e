"""The predicates of the scores, in SQL: which appeals a period holds, which are answered, on
time, late, open past their due date, followed up, and which complaints and forwardings count.
The measures (measures.py) and the drill-down lists (appeals_behind.py) share them, so each
figure and its list of appeals agree."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import aliased

from appeals.audit.models import Audit
from appeals.intake.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    UPHELD_DECISIONS,
    Appeal,
    AppealKind,
    Event,
    EventKind,
)
from appeals.scores.period import Period
from appeals.scores.sql_dates import local_date_sql, month_of, plus_days, utc_bounds

FOLLOWUP_DAYS = 60  # DESIGN.md: a complaint or repeat within 60 days of the answer
UPHELD = tuple(sorted(d.value for d in UPHELD_DECISIONS))


def in_period(period: Period, a=Appeal) -> ColumnElement:
    """The appeal's effective due date or its answer falls in the period."""
    start_utc, end_utc = utc_bounds(period)
    return or_(
        a.effective_due_on.between(period.start, period.end),
        and_(a.answered_at >= start_utc, a.answered_at < end_utc),
    )


def answered(a=Appeal) -> ColumnElement:
    """Answered and not open again (a reopened appeal waits for a new answer)."""
    return and_(a.answered_at.is_not(None), a.status.not_in(list(OPEN_STATUSES)))


def open_late(today: date, a=Appeal) -> ColumnElement:
    """Running (the clock not stopped) and past the effective due date."""
    # due_on <= effective due, so the first test lets the (status, due_on) index narrow it.
    return and_(a.status.in_(list(RUNNING_STATUSES)), a.due_on < today, a.effective_due_on < today)


def timely_counted(today: date, a=Appeal) -> ColumnElement:
    """Counted in timeliness: answered (with a due date), or running past its due date."""
    return or_(and_(answered(a), a.effective_due_on.is_not(None)), open_late(today, a))


def on_time(a=Appeal) -> ColumnElement:
    """Answered on or before the effective due date (local dates)."""
    return and_(
        answered(a),
        a.effective_due_on.is_not(None),
        local_date_sql(a.answered_at) <= a.effective_due_on,
    )


def late(today: date, a=Appeal) -> ColumnElement:
    """Answered after the effective due date, or still running past it."""
    return or_(
        and_(
            answered(a),
            a.effective_due_on.is_not(None),
            local_date_sql(a.answered_at) > a.effective_due_on,
        ),
        open_late(today, a),
    )


def received_on(a=Appeal) -> ColumnElement:
    return func.coalesce(a.received_on, a.registered_on)


def latest_audit_ids() -> Select:
    return select(func.max(Audit.id)).group_by(Audit.appeal_id)


def followed(a=Appeal) -> ColumnElement:
    """A complaint or repeat appeal (parent = it) submitted within 60 days after the answer."""
    child = aliased(Appeal)
    return (
        select(child.id)
        .where(
            child.parent_id == a.id,
            child.submitted_at >= a.answered_at,
            child.submitted_at <= plus_days(a.answered_at, FOLLOWUP_DAYS),
        )
        .exists()
    )


def complaints_decided(period: Period, complaint=Appeal) -> ColumnElement:
    start_utc, end_utc = utc_bounds(period)
    return and_(
        complaint.kind == AppealKind.COMPLAINT.value,
        complaint.parent_id > 0,  # an index range (see the follow-ups below)
        answered(complaint),
        complaint.answered_at >= start_utc,
        complaint.answered_at < end_utc,
    )


def forwarded_by_a_body() -> ColumnElement:
    """A forwarding out of a body (the event names the body it left)."""
    return and_(Event.kind == EventKind.FORWARDED.value, Event.from_body_id.is_not(None))


def forwardings_out(period: Period) -> ColumnElement:
    start_utc, end_utc = utc_bounds(period)
    return and_(forwarded_by_a_body(), Event.created_at >= start_utc, Event.created_at < end_utc)


def answer_day(a=Appeal) -> ColumnElement:
    """The local date of the answer (NULL without one): the date in_period tests."""
    return case((a.answered_at.is_not(None), local_date_sql(a.answered_at)))


def period_months(a=Appeal) -> tuple[ColumnElement, ColumnElement]:
    """The months that put the appeal in a period of whole months (in_period): those of its
    effective due date and of its answer (first days; NULL without one)."""
    return month_of(a.effective_due_on), month_of(answer_day(a))


def months_from(first: date, a=Appeal) -> ColumnElement:
    """The appeal's due month or answer month (period_months) is `first`'s or later (`first`
    a month's first day): its cells are among those a build counts from that month on."""
    return or_(a.effective_due_on >= first, answer_day(a) >= first)


def forwarded_in_time() -> ColumnElement:
    return Event.data["late"].as_boolean().is_(false())


def sum_if(condition: ColumnElement, value=1) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)
