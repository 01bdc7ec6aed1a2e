"""A period's months: the month a day falls in, to its last day."""

from datetime import date

import pytest

from appeals.scores.period import Period


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29)),  # a leap year's February
        (date(2026, 2, 28), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),  # the year's last month
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 4, 30)),
    ],
)
def test_the_month_a_day_falls_in(day, start, end):
    assert Period.month_of(day) == Period(start, end)
    assert Period.month_of(day).label == f"{day:%Y-%m}"
