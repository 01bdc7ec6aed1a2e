"""Naive references, written the obvious way and sharing no code with the app: the benchmarks
measure the app against them, and the property tests check the app by them."""

from __future__ import annotations

from datetime import date, timedelta


def naive_add_working_days(
    start: date, n: int, days_off: set[date], working_days: set[date]
) -> date:
    """Naive reference for add_working_days, stepping day by day: for tests and the bench only."""

    # Deliberately the obvious loop, sharing no code with WorkingCalendar, so that the
    # two can check each other.
    def works(d: date) -> bool:
        return d in working_days or (d.weekday() < 5 and d not in days_off)

    d = start
    if n == 0:
        while not works(d):
            d += timedelta(days=1)
        return d
    while n > 0:
        d += timedelta(days=1)
        if works(d):
            n -= 1
    return d
