"""Deadlines against the database: the calendar from the Holiday table, the policy in force."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from appeals.deadlines.calendar import CalendarDay, DayKind, WorkingCalendar
from appeals.deadlines.models import DeadlinePolicy, Holiday
from appeals.deadlines.rules import Terms, add_term, unusual_days
from appeals.extensions import ReadOncePerTransaction, db
from appeals.fragments import kept_in_process
from appeals.timeutil import local_date

# (database, calendar_version()) -> the calendar then
_cache: dict[tuple[str, str], WorkingCalendar] = {}


def calendar_version() -> str:
    """What tells one state of the Holiday table from another: its count, its last id and its
    last change (a day added, removed or edited changes one of them)."""
    row = db.session.execute(
        select(func.count(Holiday.id), func.max(Holiday.id), func.max(Holiday.updated_at))
    ).one()
    return "/".join(str(value) for value in row)


# A submission asks for the calendar three times, and a page for each date it shows.
_checked_version = ReadOncePerTransaction(calendar_version, (Holiday,))


def working_calendar() -> WorkingCalendar:
    """The working-day calendar, rebuilt only when the Holiday table has changed (checked once
    per transaction, and again after a flush that wrote holidays). A transaction that has
    written holidays keeps its calendar to itself."""
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], _checked_version())
    return kept_in_process(_checked_version.memo_for(_cache), key, _calendar_read, limit=2)


def _calendar_read() -> WorkingCalendar:
    rows = db.session.execute(select(Holiday.day, Holiday.kind, Holiday.name)).all()
    return WorkingCalendar.from_days(
        CalendarDay(day, DayKind(kind), name) for day, kind, name in rows
    )


def policy_in_force(kind: str, on: date, profile: str | None = None) -> DeadlinePolicy:
    """The policy for an appeal kind that was in effect on a date (the latest effective one)."""
    profile = profile or current_app.config["DEADLINE_PROFILE"]
    policy = db.session.execute(
        select(DeadlinePolicy)
        .where(
            DeadlinePolicy.profile == profile,
            DeadlinePolicy.kind == kind,
            DeadlinePolicy.effective_from <= on,
        )
        .order_by(DeadlinePolicy.effective_from.desc())
        .limit(1)
    ).scalar_one_or_none()
    if policy is None:
        raise LookupError(f"no deadline policy for {kind!r} in profile {profile!r} on {on}")
    return policy


def registration_day(submitted_at: datetime, calendar: WorkingCalendar) -> date:
    """An appeal received on a day off is registered on the next working day (APPK art. 64(3))."""
    received = local_date(submitted_at, current_app.config["TIMEZONE"])
    return calendar.next_working_day(received)


def due_date(registered_on: date, policy: DeadlinePolicy, calendar: WorkingCalendar) -> date:
    """The last day of the term counted from receipt: day 1 is the day after it, or the day of
    receipt itself where the policy says so (first_day_is_receipt)."""
    return add_term(
        registered_on,
        policy.term,
        policy.unit,
        calendar,
        start_is_day_1=policy.first_day_is_receipt,
    )


def terms_of(policy: DeadlinePolicy) -> Terms:
    """The figures of a policy row, as the pure rules take them."""
    return Terms(**{field.name: getattr(policy, field.name) for field in fields(Terms)})


def explain_due(appeal) -> str | None:
    """An appeal's due date in words, in the reader's language: receipt, term, days off in
    between, extension."""
    if appeal.due_on is None or appeal.policy_id is None:
        return None
    policy = db.session.get(DeadlinePolicy, appeal.policy_id)
    received = appeal.received_on or appeal.registered_on
    holidays, weekend_work = unusual_days(received, appeal.due_on, working_calendar())
    # The English plural serves for one day too, as the sentence always read.
    if policy.unit == "calendar":
        term = ngettext("%(num)d calendar days", "%(num)d calendar days", policy.term)
    else:
        term = ngettext("%(num)d working days", "%(num)d working days", policy.term)
    day_1 = (
        _("day 1: the day of receipt")
        if policy.first_day_is_receipt
        else _("day 1: the working day after receipt")
    )
    parts = [_("registered %(date)s", date=f"{received:%d.%m.%Y}"), term, day_1]
    if holidays:
        days = ", ".join(f"{d:%d.%m}" for d in holidays)
        parts.append(_("days off on weekdays: %(days)s", days=days))
    if weekend_work:
        days = ", ".join(f"{d:%d.%m}" for d in weekend_work)
        parts.append(_("working weekend days: %(days)s", days=days))
    text = _("%(steps)s: due %(date)s", steps=", ".join(parts), date=f"{appeal.due_on:%d.%m.%Y}")
    if appeal.extended_until:
        text += _("; extended until %(date)s", date=f"{appeal.extended_until:%d.%m.%Y}")
    return text
