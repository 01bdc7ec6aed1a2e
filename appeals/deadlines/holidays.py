"""The admin's changes to the working calendar: a day added or removed, a year loaded from
the holidays package, with the recomputation of the open appeals' due dates they touch; the
warning about next year's calendar and the year's month grid.

Plain functions that take the actor, flush and never commit: the view commits once.
"""

from __future__ import annotations

import calendar as month_calendar
import logging
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from appeals.accounts.models import User
from appeals.audit.act_terms import follow_calendar_change
from appeals.deadlines.calendar import DayKind, WorkingCalendar
from appeals.deadlines.labels import DAY_KIND_LABELS, MONTHS, WEEKDAYS
from appeals.deadlines.models import DeadlinePolicy, Holiday
from appeals.deadlines.rules import add_term
from appeals.deadlines.schedule import schedule_deadline_jobs
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.event_text import (
    CALENDAR_DAY_ADDED,
    CALENDAR_DAY_REMOVED,
    CALENDAR_YEAR_LOADED,
)
from appeals.intake.models import RUNNING_STATUSES, Appeal, Event, EventKind
from appeals.intake.workflow import record_event
from appeals.reference.seed import seed_holidays
from appeals.timeutil import local_date

log = logging.getLogger(__name__)

# Before this many rows a year's calendar cannot have been loaded: Kazakhstan has 10+ holidays.
LOADED_YEAR_MIN_ROWS = 5


class CalendarChangeRefused(ValueError):
    """The calendar change would be wrong or would change nothing; the message is for the admin."""


def calendar_day_error(day: date, kind: str, existing_kind: str | None) -> str | None:
    """Why a new calendar row for `day` is refused, or None when it may be added."""
    if existing_kind is not None:
        label = DAY_KIND_LABELS.get(existing_kind, existing_kind)
        return _(
            "%(day)s is in the calendar already (as a %(kind)s): remove that row first.",
            day=f"{day:%d.%m.%Y}",
            kind=label,
        )
    weekday = WEEKDAYS[day.weekday()]
    weekend = day.weekday() >= 5
    if kind == DayKind.WORKING_DAY and not weekend:
        return _(
            "%(day)s is a %(weekday)s, a working day already: an extra working day "
            "by decree is a Saturday or a Sunday.",
            day=f"{day:%d.%m.%Y}",
            weekday=weekday,
        )
    if kind == DayKind.DAY_OFF and weekend:
        return _(
            "%(day)s is a %(weekday)s, a day off already: an extra day off by decree is a weekday.",
            day=f"{day:%d.%m.%Y}",
            weekday=weekday,
        )
    # A public holiday on a weekend is kept: the law names it, and the weekday it moves to
    # is a row of its own.
    return None


def add_calendar_day(day: date, kind: str, name: str, by: User | None) -> int:
    """Add a day to the calendar and move the due dates it touches; returns how many moved."""
    calendar = working_calendar()
    _check_window(day, calendar)
    existing = db.session.execute(select(Holiday.kind).where(Holiday.day == day)).scalar()
    error = calendar_day_error(day, kind, existing)
    if error:
        raise CalendarChangeRefused(error)
    name = name.strip()
    try:
        with db.session.begin_nested():  # another admin may have added the same day just now
            db.session.add(Holiday(day=day, kind=DayKind(kind), name=name, source="admin"))
    except IntegrityError:
        raise CalendarChangeRefused(
            _("%(day)s is in the calendar already.", day=f"{day:%d.%m.%Y}")
        ) from None
    return recompute_open_due_dates(
        day,
        by,
        before=calendar,
        text={"code": CALENDAR_DAY_ADDED, "day_kind": str(kind), "day_name": name},
    )


def remove_calendar_day(day: date, by: User | None) -> int:
    """Remove a day from the calendar and move the due dates it touches; returns how many moved."""
    calendar = working_calendar()
    row = db.session.execute(select(Holiday).where(Holiday.day == day)).scalar_one_or_none()
    if row is None:
        raise CalendarChangeRefused(_("%(day)s is not in the calendar.", day=f"{day:%d.%m.%Y}"))
    text = {"code": CALENDAR_DAY_REMOVED, "day_kind": str(row.kind), "day_name": row.name}
    db.session.delete(row)
    db.session.flush()
    return recompute_open_due_dates(day, by, before=calendar, text=text)


def load_holidays_year(year: int, by: User | None) -> tuple[int, int]:
    """Add the holidays package's missing days of a year; returns (days added, appeals moved)."""
    # Idempotent: seed_holidays keeps the days present, so a second run adds nothing.
    calendar = working_calendar()
    _check_window(date(year, 1, 1), calendar)
    _check_window(date(year, 12, 31), calendar)
    last_id = db.session.execute(select(func.max(Holiday.id))).scalar() or 0
    added = seed_holidays([year])
    if not added:
        return 0, 0
    db.session.flush()
    # New rows get ids above the old maximum; a worked day of a transfer may lie in the
    # year before, so the range comes from the rows, not from the year.
    first, last = db.session.execute(
        select(func.min(Holiday.day), func.max(Holiday.day)).where(Holiday.id > last_id)
    ).one()
    moved = recompute_open_due_dates(
        first,
        by,
        until=last,
        before=calendar,
        text={"code": CALENDAR_YEAR_LOADED, "days_added": added, "year": year},
    )
    return added, moved


def _check_window(day: date, calendar: WorkingCalendar) -> None:
    if not calendar.first <= day <= calendar.last:
        raise CalendarChangeRefused(
            _(
                "The calendar covers %(first)s to %(last)s only.",
                first=f"{calendar.first:%d.%m.%Y}",
                last=f"{calendar.last:%d.%m.%Y}",
            )
        )


@dataclass(frozen=True)
class _Term:
    """Where an appeal's running term counts from, and how long it is."""

    start: date
    length: int
    unit: str

    def due(self, calendar: WorkingCalendar) -> date:
        return add_term(self.start, self.length, self.unit, calendar)


def recompute_open_due_dates(
    changed_day: date,
    by: User | None,
    *,
    until: date | None = None,
    before: WorkingCalendar | None = None,
    text: dict | None = None,
) -> int:
    """Move the due dates of the open appeals that a change of days touches; returns how many.
    `text`: the change's code and parameters (intake.event_text), written on each event."""
    # The change covers [changed_day, until]. Each moved appeal gets a DUE_DATE_CHANGED event
    # and its reminders moved. `before` is the calendar as it was: an appeal whose stored due
    # date does not follow from its term under it got that date from a rule this function
    # does not know, and is left alone (logged) rather than reset to receipt + term.
    last_day = until or changed_day
    # The Holiday rows are flushed, so the table's fingerprint has changed (a row more or less
    # changes the count; a same-count swap changes the max id or max updated_at) and
    # working_calendar() rebuilds.
    calendar = working_calendar()
    # A day can only move a due date if it lies after the term's start and not after the due
    # date (a change after the due date leaves the days up to it as they were).
    candidates = (
        db.session.execute(
            select(Appeal)
            .where(
                Appeal.status.in_(RUNNING_STATUSES),
                # An extension is a dated decision of the head naming its own date: a later
                # calendar change does not move it, so extended appeals are left alone.
                Appeal.extended_until.is_(None),
                Appeal.policy_id.is_not(None),
                Appeal.received_on < last_day,
                Appeal.due_on >= changed_day,
            )
            .order_by(Appeal.id)
        )
        .scalars()
        .all()
    )
    if before is not None:
        # The acts of response's terms follow the calendar the same way (audit/act_terms.py).
        follow_calendar_change(changed_day, last_day, before, calendar)
    if not candidates:
        return 0
    policies = {
        policy.id: policy
        for policy in db.session.execute(
            select(DeadlinePolicy).where(
                DeadlinePolicy.id.in_({appeal.policy_id for appeal in candidates})
            )
        ).scalars()
    }
    resumed = _resumed_terms([appeal.id for appeal in candidates])
    moved: list[tuple[Appeal, date]] = []
    skipped = 0
    data = {**(text or {}), "day": changed_day.isoformat()}
    if until is not None:
        data["until"] = until.isoformat()
    for appeal in candidates:
        old_due, received_on, policy_id = appeal.due_on, appeal.received_on, appeal.policy_id
        if old_due is None or received_on is None or policy_id is None:
            continue  # excluded by the query already; this narrows the types
        policy = policies[policy_id]
        term = resumed.get(appeal.id) or _Term(received_on, policy.term, policy.unit)
        if before is not None and term.due(before) != old_due:
            skipped += 1
            continue
        new_due = term.due(calendar)
        if new_due == old_due:
            continue
        appeal.due_on = new_due
        record_event(
            appeal,
            EventKind.DUE_DATE_CHANGED,
            by,
            data={
                "from": old_due.isoformat(),
                "to": new_due.isoformat(),
                # The timeline shows "due date set" from this key, as for the other events.
                "due_on": new_due.isoformat(),
                **data,
            },
        )
        moved.append((appeal, old_due))
    if skipped:
        log.warning(
            "Calendar change of %s: %d open appeal(s) left alone, their due date does not "
            "follow from their term under the previous calendar",
            changed_day,
            skipped,
        )
    db.session.flush()
    for appeal, old_due in moved:
        schedule_deadline_jobs(appeal, previous_due=old_due)
    return len(moved)


def _resumed_terms(appeal_ids: list[int]) -> dict[int, _Term]:
    """The terms restarted after a suspension, by appeal id."""
    # The working days that were left, counted from the day of resumption (as
    # work.service.resume_appeal does), unless a forwarding restarted the term since.
    kinds = (EventKind.SUSPENDED, EventKind.RESUMED, EventKind.FORWARDED)
    zone = current_app.config["TIMEZONE"]
    remaining: dict[int, int] = {}
    terms: dict[int, _Term] = {}
    for start in range(0, len(appeal_ids), 500):  # bounded IN lists
        rows = db.session.execute(
            select(Event.appeal_id, Event.kind, Event.created_at, Event.data)
            .where(Event.appeal_id.in_(appeal_ids[start : start + 500]), Event.kind.in_(kinds))
            .order_by(Event.id)
        ).all()
        for appeal_id, kind, created_at, event_data in rows:
            if kind == EventKind.FORWARDED:
                terms.pop(appeal_id, None)
            elif kind == EventKind.SUSPENDED:
                remaining[appeal_id] = int((event_data or {}).get("remaining_working_days", 0))
            elif kind == EventKind.RESUMED:
                days = remaining.get(appeal_id, 0)
                terms[appeal_id] = _Term(local_date(created_at, zone), days, "working")
    return terms


def calendar_warning(today: date, next_year_rows: int, admin_rows: int) -> str | None:
    """From 1 November, a warning when next year's calendar is neither reviewed nor loaded."""
    if today < date(today.year, 11, 1):
        return None
    if admin_rows > 0 or next_year_rows >= LOADED_YEAR_MIN_ROWS:
        return None
    return _(
        "Next year's calendar (%(year)s) has not been reviewed/loaded: load it from "
        "the holidays package and check it against the government's decree on days off.",
        year=today.year + 1,
    )


def next_year_warning(today: date) -> str | None:
    """calendar_warning() with next year's row counts from the Holiday table."""
    year = today.year + 1
    rows, admin_rows = db.session.execute(
        select(
            func.count(Holiday.id),
            func.count(Holiday.id).filter(Holiday.source == "admin"),
        ).where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    ).one()
    return calendar_warning(today, rows, admin_rows)


def year_rows(year: int) -> list[Holiday]:
    """The calendar rows of a year, in date order."""
    return list(
        db.session.execute(
            select(Holiday)
            .where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
            .order_by(Holiday.day)
        ).scalars()
    )


GridDay = tuple[date, bool] | None  # (day, is a working day), None outside the month


def month_grid(year: int, calendar: WorkingCalendar) -> list[tuple[str, list[list[GridDay]]]]:
    """Each month of the year as weeks of (day, is working), Monday first."""
    months = []
    for month in range(1, 13):
        weeks = [
            [(d, calendar.is_working_day(d)) if d.month == month else None for d in week]
            for week in month_calendar.Calendar().monthdatescalendar(year, month)
        ]
        months.append((MONTHS[month - 1], weeks))
    return months
