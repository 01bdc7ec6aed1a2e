"""recompute_open_due_dates and the calendar cache, called directly."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, select

from appeals.accounts.models import Role
from appeals.deadlines.calendar import DayKind
from appeals.deadlines.holidays import add_calendar_day, remove_calendar_day
from appeals.deadlines.models import Holiday
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import EventKind
from appeals.intake.workflow import record_event
from tests.factories import submit

MONDAY = datetime(2026, 2, 2, 5, 0, tzinfo=UTC)  # registered 02.02.2026, due 23.02.2026


def _due_changes(appeal) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [
        (event.data["from"], event.data["to"])
        for event in appeal.events
        if event.kind == EventKind.DUE_DATE_CHANGED
    ]


def test_calendar_cache_notices_a_same_count_swap():
    """Delete one row and add another in one transaction: the count stays, the calendar
    must still be rebuilt."""
    old = date(2026, 3, 9)  # a Monday holiday
    new = date(2026, 2, 11)
    assert not working_calendar().is_working_day(old)
    assert working_calendar().is_working_day(new)
    db.session.execute(delete(Holiday).where(Holiday.day == old))
    db.session.add(Holiday(day=new, kind=DayKind.DAY_OFF, name="Swap (test)", source="admin"))
    db.session.flush()
    calendar = working_calendar()
    assert calendar.is_working_day(old)
    assert not calendar.is_working_day(new)
    db.session.rollback()
    assert not working_calendar().is_working_day(old)
    assert working_calendar().is_working_day(new)


def test_service_functions_return_the_count_and_flush_without_committing(make_user):
    admin_user = make_user()
    appeal, _code = submit(make_user(), now=MONDAY)
    assert add_calendar_day(date(2026, 2, 11), "day_off", "Test", admin_user) == 1
    assert appeal.due_on == date(2026, 2, 24)
    assert remove_calendar_day(date(2026, 2, 11), admin_user) == 1
    assert appeal.due_on == date(2026, 2, 23)
    db.session.rollback()  # nothing was committed
    assert appeal.due_on == date(2026, 2, 23)
    assert _due_changes(appeal) == []
    added = db.session.execute(select(Holiday).where(Holiday.day == date(2026, 2, 11))).first()
    assert added is None


def test_a_resumed_term_counts_from_the_resumption(make_user):
    """After a suspension the term is the days that were left, from the day of resumption
    (work.service.resume_appeal): a recomputation must not reset it to receipt + term."""
    appeal, _code = submit(make_user(), now=MONDAY)
    head = make_user(Role.HEAD, body_code="health-71")
    # Suspended on 05.02 with 12 working days left, resumed on 16.02: due 16.02 + 12 = 04.03.
    record_event(appeal, EventKind.SUSPENDED, head, data={"remaining_working_days": 12})
    record_event(appeal, EventKind.RESUMED, head).created_at = datetime(
        2026, 2, 16, 6, 0, tzinfo=UTC
    )
    appeal.due_on = date(2026, 3, 4)
    db.session.commit()
    # A day off before the resumption changes nothing; one after it moves the date by a day.
    assert add_calendar_day(date(2026, 2, 12), "day_off", "Test", None) == 0
    assert add_calendar_day(date(2026, 2, 18), "day_off", "Test", None) == 1
    assert appeal.due_on == date(2026, 3, 5)


def test_a_due_date_that_does_not_follow_from_the_term_is_left_alone(make_user):
    """A due date set by a rule this module does not know (its term under the old calendar
    gives another date) is not reset to receipt + term."""
    appeal, _code = submit(make_user(), now=MONDAY)
    appeal.due_on = date(2026, 3, 2)
    db.session.commit()
    assert add_calendar_day(date(2026, 2, 11), "day_off", "Test", None) == 0
    assert appeal.due_on == date(2026, 3, 2)
    assert _due_changes(appeal) == []
