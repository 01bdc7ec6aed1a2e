"""The pure deadline rules over the real Kazakhstan calendar, each figure worked out by hand."""

from datetime import UTC, date, datetime

import pytest

from appeals.deadlines.calendar import WorkingCalendar, kazakhstan_days
from appeals.deadlines.rules import (
    Terms,
    add_months,
    add_term,
    extension_error,
    forwarded_late,
    is_very_overdue,
    latest_extension,
    remaining_working_days,
    reminder_days,
    resumed_due_date,
)
from appeals.deadlines.service import explain_due
from tests.factories import submit

CAL = WorkingCalendar.from_days(kazakhstan_days([2025, 2026, 2027, 2028]))
APPK = Terms(15, "working", 1, 0, "working", 2, 3, False)
APPK_COMPLAINT = Terms(20, "working", 1, 10, "working", None, 3, False)
FZ59 = Terms(30, "calendar", 1, 30, "calendar", None, 7, False)


@pytest.mark.parametrize(
    ("received", "terms", "due"),
    [
        # 05.11.2026 Thu; 06(1) 09-13(2-6) 16-20(7-11) 23-26(12-15)
        (date(2026, 11, 5), APPK, date(2026, 11, 26)),
        # complaint, 20 wd: ... 27.11(16) 30.11(17) 01-03.12(18-20)
        (date(2026, 11, 5), APPK_COMPLAINT, date(2026, 12, 3)),
        # 59-FZ: 05.11 + 30 calendar days = 05.12 (Sat) -> Mon 07.12
        (date(2026, 11, 5), FZ59, date(2026, 12, 7)),
        # 59-FZ: 01.12.2026 + 30 = 31.12 (Thu, a working day)
        (date(2026, 12, 1), FZ59, date(2026, 12, 31)),
    ],
)
def test_term_by_profile(received, terms, due):
    assert add_term(received, terms.term, terms.unit, CAL) == due


@pytest.mark.parametrize(
    ("received", "current_due", "terms", "cap"),
    [
        # APPK: two months from receipt at most: 05.11.2026 -> 05.01.2027
        (date(2026, 11, 5), date(2026, 11, 26), APPK, date(2027, 1, 5)),
        # complaint: 10 wd after 03.12: 04(1) 07-11(2-6) 14-15(7-8) 16 off 17(9) 18(10)
        (date(2026, 11, 5), date(2026, 12, 3), APPK_COMPLAINT, date(2026, 12, 18)),
        # 59-FZ: 30 calendar days after 07.12.2026 = 06.01.2027 (Wed, working)
        (date(2026, 11, 5), date(2026, 12, 7), FZ59, date(2027, 1, 6)),
        # APPK receipt on 31.12.2026: two months on is 28.02.2027 (no 31 Feb)
        (date(2026, 12, 31), date(2027, 1, 25), APPK, date(2027, 2, 28)),
    ],
)
def test_latest_extension(received, current_due, terms, cap):
    assert latest_extension(received, current_due, terms, CAL) == cap


def test_add_months_clamps_to_month_end():
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)  # leap year
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("new_due", "decided_on", "so_far", "message"),
    [
        (date(2026, 12, 20), date(2026, 11, 20), 0, None),
        (date(2027, 1, 5), date(2026, 11, 26), 0, None),  # on the due date itself: still in time
        (date(2027, 1, 6), date(2026, 11, 20), 0, "05.01.2027 at the latest"),
        (date(2026, 12, 20), date(2026, 11, 27), 0, "already run out"),
        (date(2026, 11, 25), date(2026, 11, 20), 0, "later than the current one"),
        (date(2026, 12, 20), date(2026, 11, 20), 1, "1 time(s) at most"),
    ],
)
def test_extension_error(new_due, decided_on, so_far, message):
    error = extension_error(
        received_on=date(2026, 11, 5),
        current_due=date(2026, 11, 26),
        new_due=new_due,
        decided_on=decided_on,
        extensions_so_far=so_far,
        terms=APPK,
        calendar=CAL,
    )
    assert (error is None) if message is None else (message in error)


def test_suspension_keeps_the_days_left_and_resumes_with_them():
    # Suspended Mon 16.11.2026, due 26.11: left 17-20 (4) + 23-26 (4) = 8 working days.
    assert remaining_working_days(date(2026, 11, 16), date(2026, 11, 26), CAL) == 8
    # Resumed Mon 14.12: 15(1), 16 Independence Day off, 17(2) 18(3) 21-25(4-8) -> Fri 25.12
    assert resumed_due_date(date(2026, 12, 14), 8, CAL) == date(2026, 12, 25)
    # Resumed Fri 20.03.2026 with 2 left: 21-25 Nauryz off, 26(1) 27(2)
    assert resumed_due_date(date(2026, 3, 20), 2, CAL) == date(2026, 3, 27)


@pytest.mark.parametrize(
    ("forwarded_on", "late"),
    [
        (date(2026, 11, 10), False),  # received Thu 05.11: 06, 09, 10 = 3 working days
        (date(2026, 11, 11), True),  # the 4th working day
    ],
)
def test_forwarding_window(forwarded_on, late):
    assert forwarded_late(date(2026, 11, 5), forwarded_on, APPK, CAL) is late


def test_reminders_skip_days_off():
    # Due Thu 26.03.2026; 21-25.03 are Nauryz days off: 1 wd before is Fri 20.03, 3 before 18.03.
    assert reminder_days(date(2026, 3, 26), CAL) == [
        ("3_days", date(2026, 3, 18)),
        ("1_day", date(2026, 3, 20)),
        ("due_today", date(2026, 3, 26)),
    ]


def test_very_overdue_after_a_whole_term_again():
    # Due 26.11.2026 + 15 wd: 27(1) 30.11-04.12(2-6) 07-11(7-11) 14(12) 15(13) 17(14) 18(15)
    assert not is_very_overdue(date(2026, 12, 18), date(2026, 11, 26), 15, "working", CAL)
    assert is_very_overdue(date(2026, 12, 19), date(2026, 11, 26), 15, "working", CAL)


def test_due_date_explained_in_words(make_user):
    # Registered Fri 20.03.2026; 23-25.03 are weekday days off (Nauryz, observed).
    appeal, _ = submit(make_user(), now=datetime(2026, 3, 20, 5, 0, tzinfo=UTC))
    due = add_term(date(2026, 3, 20), 15, "working", CAL)
    assert appeal.due_on == due
    assert explain_due(appeal) == (
        "registered 20.03.2026, 15 working days, day 1: the working day after receipt, "
        "days off on weekdays: 23.03, 24.03, 25.03"
        f": due {due:%d.%m.%Y}"
    )
