"""The law's deadline rules as pure functions of values: easy to test with tables."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from appeals.deadlines.calendar import WorkingCalendar

# Reminders to the executor: (name, working days before the due date).
REMINDERS: tuple[tuple[str, int], ...] = (("3_days", 3), ("1_day", 1), ("due_today", 0))


@dataclass(frozen=True)
class Terms:
    """The figures of a deadline policy: the one description of them. The DeadlinePolicy model
    has a column for each (tested), and PolicySeed, PolicyFigures, the admin's PolicyForm and
    service.terms_of are derived from these fields."""

    term: int
    unit: str  # working | calendar
    extensions_allowed: int
    extension_max: int  # 0: no cap of its own, only total_cap_months
    extension_unit: str
    total_cap_months: int | None
    forward_within: int
    suspension_allowed: bool
    # Whether day 1 of the term is the registration (receipt) day itself or the working day
    # after it: the APPK's text does not settle it (the national system's practice appears to
    # count the registration day), so it is the policy's choice; the default is the day after.
    first_day_is_receipt: bool = False
    # A reasoned refusal is due within this many working days of registration (Law on access
    # to information, art. 11); None: the kind has no refusal window of its own.
    refusal_within: int | None = None
    # The latest date the body may set for the applicant to fix the defects of a statement or
    # a complaint, in working days from the day it asks (APPK art. 64(6): "a reasonable
    # time", a figure the Code does not give); None: the kind has no defects path.
    defect_fix_max: int | None = None


def add_term(
    start: date, n: int, unit: str, calendar: WorkingCalendar, *, start_is_day_1: bool = False
) -> date:
    """The last day of `n` working or calendar days counted from `start`: day 1 is the day
    after `start`, or `start` itself when `start_is_day_1` (then `start` must be a working day,
    as a registration day is). A calendar deadline on a day off moves on."""
    days = n - 1 if start_is_day_1 and n > 0 else n
    if unit == "calendar":
        return calendar.add_calendar_days(start, days)
    return calendar.add_working_days(start, days)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def latest_extension(
    received_on: date, current_due: date, terms: Terms, calendar: WorkingCalendar
) -> date | None:
    """The furthest date a term may be extended to, or None when it cannot be extended."""
    if terms.extensions_allowed < 1:
        return None
    caps = []
    if terms.extension_max:
        caps.append(add_term(current_due, terms.extension_max, terms.extension_unit, calendar))
    if terms.total_cap_months:
        caps.append(add_months(received_on, terms.total_cap_months))
    return min(caps) if caps else None


def extension_error(
    *,
    received_on: date,
    current_due: date,
    new_due: date,
    decided_on: date,
    extensions_so_far: int,
    terms: Terms,
    calendar: WorkingCalendar,
) -> str | None:
    """Why this extension is not lawful, or None when it is (in the request's language; plain
    English without a request, Flask-Babel's gettext needs no app)."""
    if terms.extensions_allowed < 1:
        return _("This kind of appeal cannot be extended.")
    if extensions_so_far >= terms.extensions_allowed:
        return ngettext(
            "The term can be extended %(num)d time(s) at most, and it has been already.",
            "The term can be extended %(num)d time(s) at most, and it has been already.",
            terms.extensions_allowed,
        )
    if decided_on > current_due:
        return _("The term has already run out: an extension must be decided before the due date.")
    if new_due <= current_due:
        return _("The new due date must be later than the current one.")
    cap = latest_extension(received_on, current_due, terms, calendar)
    if cap is None:
        return _("This kind of appeal cannot be extended.")
    if new_due > cap:
        return _("The term can be extended to %(date)s at the latest.", date=f"{cap:%d.%m.%Y}")
    return None


def remaining_working_days(today: date, due: date, calendar: WorkingCalendar) -> int:
    """Working days left in a term, counting from tomorrow (0 once the due date has passed)."""
    return calendar.working_days_between(today, due)


def resumed_due_date(resumed_on: date, remaining: int, calendar: WorkingCalendar) -> date:
    """After a suspension the clock restarts with the days that were left."""
    return calendar.add_working_days(resumed_on, remaining)


# APPK art. 65: a body that is not competent forwards the appeal within 3 working days of its
# receipt, telling the applicant at the same time (the window is the policy's forward_within).
def forwarded_late(
    received_on: date, forwarded_on: date, terms: Terms, cal: WorkingCalendar
) -> bool:
    """True when a misdirected appeal was forwarded after the legal window."""
    return cal.working_days_between(received_on, forwarded_on) > terms.forward_within


def refused_late(received_on: date, refused_on: date, terms: Terms, cal: WorkingCalendar) -> bool:
    """True when a refusal came after the last day of the policy's refusal window (Law on
    access to information, art. 11: 5 working days of registration, day 1 the working day
    after it), even on a day off after it; never for a kind without a window."""
    if terms.refusal_within is None:
        return False
    return refused_on > cal.add_working_days(received_on, terms.refusal_within)


def latest_fix_by(asked_on: date, terms: Terms, cal: WorkingCalendar) -> date | None:
    """The furthest date the body may set for fixing defects, or None for a kind without a
    defects path (day 1 is the working day after the request, as for every term)."""
    if terms.defect_fix_max is None:
        return None
    return cal.add_working_days(asked_on, terms.defect_fix_max)


def fix_by_error(
    asked_on: date, fix_by: date, due: date | None, terms: Terms, cal: WorkingCalendar
) -> str | None:
    """Why `fix_by` is not a lawful date to fix defects by, or None when it is: after today,
    within the policy's maximum, and not after the term (fixing does not stop the clock)."""
    latest = latest_fix_by(asked_on, terms, cal)
    if latest is None:
        return _("Defects are fixed only in a statement or a complaint.")
    if fix_by <= asked_on:
        return _("The date to fix the defects by must be in the future.")
    if fix_by > latest:
        return _(
            "The defects can be given at most %(num)d working days: until %(date)s.",
            num=terms.defect_fix_max,
            date=f"{latest:%d.%m.%Y}",
        )
    if due is not None and fix_by > due:
        return _(
            "The date to fix the defects by cannot be after the due date, %(date)s: fixing "
            "them does not stop the term.",
            date=f"{due:%d.%m.%Y}",
        )
    return None


# APPK art. 76: the applicant is told of an extension within 3 working days of the decision.
EXTENSION_NOTICE_WORKING_DAYS = 3


def extension_notice_due(decided_on: date, calendar: WorkingCalendar) -> date:
    """The last day the applicant's notice of an extension may go out (day 1 is the working
    day after the decision, as for every term)."""
    return calendar.add_working_days(decided_on, EXTENSION_NOTICE_WORKING_DAYS)


def notice_late(last_day: date, *, sent_on: date | None, today: date) -> bool:
    """A notice due by `last_day` (local dates) is late when it went out after that day, or
    has still not gone out once that day is over."""
    return (sent_on if sent_on is not None else today) > last_day


def reminder_days(due: date, calendar: WorkingCalendar) -> list[tuple[str, date]]:
    """The executor's reminders for a due date: 3 and 1 working days before, and on the day."""
    return [(name, calendar.subtract_working_days(due, n) if n else due) for name, n in REMINDERS]


def is_very_overdue(today: date, due: date, term: int, unit: str, cal: WorkingCalendar) -> bool:
    """Past the due date by a whole term again."""
    return today > add_term(due, term, unit, cal)


def unusual_days(
    registered_on: date, due: date, calendar: WorkingCalendar
) -> tuple[list[date], list[date]]:
    """The days that move a due date: weekdays off, and weekend days worked, in between."""
    days_off = calendar.days_off_between(registered_on, due)
    holidays = [d for d in days_off if d.weekday() < 5]
    weekend_work = [d for d in _weekend_days(registered_on, due) if calendar.is_working_day(d)]
    return holidays, weekend_work


def _weekend_days(a: date, b: date) -> list[date]:
    days = (b - a).days
    return [a + timedelta(d) for d in range(1, days + 1) if (a + timedelta(d)).weekday() >= 5]
