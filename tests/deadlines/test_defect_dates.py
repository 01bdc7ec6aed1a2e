"""The date to fix defects by (APPK art. 64(6)-(7)): after the day the body asks, at most the
policy's defect_fix_max working days later (10 for statements and complaints), and not after
the term, which runs on; the appeal is returned from the day after that date.

Worked by hand on the 2026/2027 Kazakhstan calendar (the `holidays` library's days off; no
transfers in these years): Independence Day Wed 16.12.2026; New Year Fri 01.01 and Sat
02.01.2027, observed Mon 04.01.2027; Orthodox Christmas Thu 07.01.2027; Nauryz 2026 Sat 21.03-
Wed 25.03. Day 1 is the working day after the request, as for every term."""

from __future__ import annotations

from datetime import date

import pytest

from appeals.deadlines.calendar import WorkingCalendar, kazakhstan_days
from appeals.deadlines.policies import POLICIES
from appeals.deadlines.rules import fix_by_error, latest_fix_by

CAL = WorkingCalendar.from_days(kazakhstan_days([2025, 2026, 2027, 2028]))
STATEMENT = next(p for p in POLICIES if p.profile == "appk" and p.kind == "statement")
COMPLAINT = next(p for p in POLICIES if p.profile == "appk" and p.kind == "complaint")
REPORT = next(p for p in POLICIES if p.profile == "appk" and p.kind == "report")


def test_statements_and_complaints_have_the_defects_path_cited():
    for seed in (STATEMENT, COMPLAINT):
        assert seed.defect_fix_max == 10
        assert "art. 64(6)-(7)" in seed.source and "at most 10 working days" in seed.source
    others = [p for p in POLICIES if p.kind not in ("statement", "complaint")]
    assert all(p.defect_fix_max is None for p in others)


# (asked on, the latest date the body may set)
LATEST_TABLE = [
    # Tue 08.12.2026: Wed 09 (1), Thu 10 (2), Fri 11 (3), Mon 14 (4), Tue 15 (5), Wed 16 off,
    # Thu 17 (6), Fri 18 (7), Mon 21 (8), Tue 22 (9), Wed 23.12.2026 (10).
    (date(2026, 12, 8), date(2026, 12, 23)),
    # Wed 30.12.2026: Thu 31 (1), Fri 01-Mon 04 off, Tue 05 (2), Wed 06 (3), Thu 07 off,
    # Fri 08 (4), Mon 11 (5) .. Fri 15 (9), Mon 18.01.2027 (10).
    (date(2026, 12, 30), date(2027, 1, 18)),
    # Thu 19.03.2026: Fri 20 (1), Sat 21-Wed 25 off, Thu 26 (2), Fri 27 (3), Mon 30 (4),
    # Tue 31 (5), Wed 01.04 (6), Thu 02 (7), Fri 03 (8), Mon 06 (9), Tue 07.04.2026 (10).
    (date(2026, 3, 19), date(2026, 4, 7)),
]


@pytest.mark.parametrize(("asked", "latest"), LATEST_TABLE)
def test_the_latest_date_is_10_working_days_after_the_request(asked, latest):
    assert latest_fix_by(asked, STATEMENT, CAL) == latest
    far_due = date(2027, 12, 31)
    assert fix_by_error(asked, latest, far_due, STATEMENT, CAL) is None
    beyond = CAL.next_working_day(date.fromordinal(latest.toordinal() + 1))
    assert fix_by_error(asked, beyond, far_due, STATEMENT, CAL) == (
        f"The defects can be given at most 10 working days: until {latest:%d.%m.%Y}."
    )


def test_the_date_must_be_in_the_future():
    asked, due = date(2026, 12, 8), date(2026, 12, 30)
    message = "The date to fix the defects by must be in the future."
    assert fix_by_error(asked, asked, due, STATEMENT, CAL) == message
    assert fix_by_error(asked, date(2026, 12, 7), due, STATEMENT, CAL) == message
    # The next day is the earliest lawful date.
    assert fix_by_error(asked, date(2026, 12, 9), due, STATEMENT, CAL) is None


def test_the_date_cannot_be_after_the_term_which_runs_on():
    # A statement registered Tue 08.12.2026 is due Wed 30.12.2026 (15 working days: Wed 09 ..
    # Tue 15 (1-5), Thu 17 .. Wed 30 (6-15), Independence Day skipped). Asked on Mon
    # 28.12.2026, the policy would allow 10 working days: Tue 29 (1), Wed 30 (2), Thu 31 (3),
    # Fri 01-Mon 04 off, Tue 05 (4), Wed 06 (5), Thu 07 off, Fri 08 (6), Mon 11 (7) .. Thu
    # 14.01.2027 (10); the term stops it at 30.12.
    asked, due = date(2026, 12, 28), date(2026, 12, 30)
    assert latest_fix_by(asked, COMPLAINT, CAL) == date(2027, 1, 14)
    assert fix_by_error(asked, due, due, COMPLAINT, CAL) is None
    assert fix_by_error(asked, date(2026, 12, 31), due, COMPLAINT, CAL) == (
        "The date to fix the defects by cannot be after the due date, 30.12.2026: fixing them "
        "does not stop the term."
    )


def test_a_kind_without_the_path_has_no_date():
    assert latest_fix_by(date(2026, 12, 8), REPORT, CAL) is None
    assert fix_by_error(date(2026, 12, 8), date(2026, 12, 10), None, REPORT, CAL) == (
        "Defects are fixed only in a statement or a complaint."
    )
