"""The access-to-information kind (Law of the RK "On access to information" of 16.11.2015
No. 401-V, art. 11): 15 calendar days from registration, one extension of at most 15 calendar
days with a notice within 3 working days, a reasoned refusal within 5 working days (a later one
is recorded as late), forwarding within 3 working days.

Every date is worked by hand on the 2026/2027 Kazakhstan calendar (the `holidays` library's
days off, as tests/deadlines/test_first_day.py builds it; 2026-2027 has no transfers). Day 1
is the day after registration (the policy's default). The days off used below: Nauryz Sat
21.03-Wed 25.03.2026; Independence Day Wed 16.12.2026; New Year Fri 01.01 and Sat 02.01.2027,
observed Mon 04.01.2027; Orthodox Christmas Thu 07.01.2027; Nauryz Sun 21.03-Wed 24.03.2027
(observed on Wed 24.03)."""

from __future__ import annotations

from datetime import date

import pytest

from appeals.deadlines.calendar import WorkingCalendar, kazakhstan_days
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.policies import POLICIES
from appeals.deadlines.rules import (
    extension_error,
    extension_notice_due,
    forwarded_late,
    latest_extension,
    refused_late,
)
from appeals.deadlines.service import due_date, policy_in_force, terms_of

CAL = WorkingCalendar.from_days(kazakhstan_days([2025, 2026, 2027, 2028]))
(SEED,) = [p for p in POLICIES if p.profile == "appk" and p.kind == "information"]
TERMS = SEED  # a PolicySeed is the rules' Terms with its identity


def test_the_seed_row_cites_the_law_for_every_figure():
    assert (SEED.term, SEED.unit, SEED.extensions_allowed) == (15, "calendar", 1)
    assert (SEED.extension_max, SEED.extension_unit) == (15, "calendar")
    assert (SEED.refusal_within, SEED.forward_within, SEED.total_cap_months) == (5, 3, None)
    assert SEED.defect_fix_max is None and not SEED.first_day_is_receipt
    for words in (
        "No. 401-V), art. 11",
        "15 calendar days",
        "one extension of at most 15 calendar days",
        "notice within 3 working days",
        "refusal within 5 working days",
        "forwarding within 3 working days",
    ):
        assert words in SEED.source
    seeded = policy_in_force("information", date(2026, 12, 1))
    assert terms_of(seeded) == terms_of(DeadlinePolicy(**{**SEED.__dict__}))


# (registration, due): registration + 15 calendar days, moved on to the next working day.
TERM_TABLE = [
    # Thu 05.11.2026 + 15 = Fri 20.11.2026, a working day.
    (date(2026, 11, 5), date(2026, 11, 20)),
    # Fri 06.11.2026 + 15 = Sat 21.11 -> Sun 22 -> Mon 23.11.2026.
    (date(2026, 11, 6), date(2026, 11, 23)),
    # Tue 01.12.2026 + 15 = Wed 16.12, Independence Day -> Thu 17.12.2026.
    (date(2026, 12, 1), date(2026, 12, 17)),
    # Thu 17.12.2026 + 15 = Fri 01.01.2027; Sat 02, Sun 03 and Mon 04 (observed) are off
    # too -> Tue 05.01.2027.
    (date(2026, 12, 17), date(2027, 1, 5)),
    # Tue 09.03.2027 + 15 = Wed 24.03.2027, Nauryz observed -> Thu 25.03.2027.
    (date(2027, 3, 9), date(2027, 3, 25)),
]


@pytest.mark.parametrize(("registered", "due"), TERM_TABLE)
def test_the_term_is_15_calendar_days_moved_off_a_day_off(registered, due):
    policy = DeadlinePolicy(term=15, unit="calendar", first_day_is_receipt=False)
    assert due_date(registered, policy, CAL) == due


# (registration, due, the latest extension): due + 15 calendar days, moved on like any
# calendar deadline that falls on a day off.
EXTENSION_TABLE = [
    # Due Fri 20.11.2026 + 15 = Sat 05.12 -> Mon 07.12.2026.
    (date(2026, 11, 5), date(2026, 11, 20), date(2026, 12, 7)),
    # Due Mon 23.11.2026 + 15 = Tue 08.12.2026.
    (date(2026, 11, 6), date(2026, 11, 23), date(2026, 12, 8)),
    # Due Thu 17.12.2026 + 15 = Fri 01.01.2027 -> Tue 05.01.2027 (as above).
    (date(2026, 12, 1), date(2026, 12, 17), date(2027, 1, 5)),
]


@pytest.mark.parametrize(("registered", "due", "cap"), EXTENSION_TABLE)
def test_one_extension_of_at_most_15_calendar_days(registered, due, cap):
    assert latest_extension(registered, due, TERMS, CAL) == cap

    def error(new_due, *, so_far=0, decided_on=due):
        return extension_error(
            received_on=registered,
            current_due=due,
            new_due=new_due,
            decided_on=decided_on,
            extensions_so_far=so_far,
            terms=TERMS,
            calendar=CAL,
        )

    assert error(cap) is None
    assert error(date.fromordinal(cap.toordinal() + 1)) == (
        f"The term can be extended to {cap:%d.%m.%Y} at the latest."
    )
    # A second extension is refused, whatever its date.
    assert error(cap, so_far=1) == (
        "The term can be extended 1 time(s) at most, and it has been already."
    )
    # Decided after the due date: too late.
    late = date.fromordinal(due.toordinal() + 1)
    assert error(cap, decided_on=late) == (
        "The term has already run out: an extension must be decided before the due date."
    )


# (decided, the last day for the applicant's notice): 3 working days after the decision.
NOTICE_TABLE = [
    # Fri 18.12.2026: Mon 21 (1), Tue 22 (2), Wed 23.12.2026 (3).
    (date(2026, 12, 18), date(2026, 12, 23)),
    # Tue 15.12.2026: Wed 16 is off; Thu 17 (1), Fri 18 (2), Mon 21.12.2026 (3).
    (date(2026, 12, 15), date(2026, 12, 21)),
]


@pytest.mark.parametrize(("decided", "last_day"), NOTICE_TABLE)
def test_the_extension_notice_is_due_within_3_working_days(decided, last_day):
    assert extension_notice_due(decided, CAL) == last_day


# (registration, the last day of the refusal window): 5 working days after registration; a
# refusal on any later day, a day off included, is late.
REFUSAL_TABLE = [
    # Thu 10.12.2026: Fri 11 (1), Mon 14 (2), Tue 15 (3), Wed 16 off, Thu 17 (4),
    # Fri 18.12.2026 (5); Sat 19.12 is late.
    (date(2026, 12, 10), date(2026, 12, 18), date(2026, 12, 19)),
    # Thu 19.03.2026: Fri 20 (1), Sat 21-Wed 25 off, Thu 26 (2), Fri 27 (3), Mon 30 (4),
    # Tue 31.03.2026 (5); Wed 01.04 is late.
    (date(2026, 3, 19), date(2026, 3, 31), date(2026, 4, 1)),
    # Mon 02.11.2026: Tue 03 (1) .. Fri 06 (4), Mon 09.11.2026 (5); Tue 10.11 is late.
    (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 10)),
]


@pytest.mark.parametrize(("registered", "last_day", "late_day"), REFUSAL_TABLE)
def test_a_refusal_after_5_working_days_is_late(registered, last_day, late_day):
    assert not refused_late(registered, registered, TERMS, CAL)
    assert not refused_late(registered, last_day, TERMS, CAL)
    assert refused_late(registered, late_day, TERMS, CAL)
    # A kind without a refusal window never refuses late.
    statement = policy_in_force("statement", date(2026, 12, 1))
    assert not refused_late(registered, date(2027, 6, 1), terms_of(statement), CAL)


# (received by the wrong holder, the last day to forward it on time, a late day): 3 working
# days after receipt, as the policy's forward_within.
FORWARD_TABLE = [
    # Thu 10.12.2026: Fri 11 (1), Mon 14 (2), Tue 15.12.2026 (3); Wed 16 off; Thu 17 late.
    (date(2026, 12, 10), date(2026, 12, 15), date(2026, 12, 17)),
    # Wed 30.12.2026: Thu 31 (1), Fri 01-Mon 04 off, Tue 05 (2), Wed 06.01.2027 (3); Thu 07
    # off; Fri 08.01.2027 late.
    (date(2026, 12, 30), date(2027, 1, 6), date(2027, 1, 8)),
]


@pytest.mark.parametrize(("received", "last_day", "late_day"), FORWARD_TABLE)
def test_a_request_to_the_wrong_holder_is_forwarded_within_3_working_days(
    received, last_day, late_day
):
    assert not forwarded_late(received, last_day, TERMS, CAL)
    assert forwarded_late(received, late_day, TERMS, CAL)
