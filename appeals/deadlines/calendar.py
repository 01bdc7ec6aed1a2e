"""The working-day calendar behind legal deadlines (pure: no Flask, no database).

The law counts most terms in working days: day 1 is the first working day after
registration (APPK art. 76). Which days are working is data: Monday to Friday,
minus public holidays and extra days off by decree, plus extra working days by
decree (a working Saturday or Sunday). The admin edits those rows; this module
turns them into a `WorkingCalendar` that answers every query by bisection over a
precomputed sorted list of working-day ordinals, so a sweep over a million open appeals
never steps day by day (the Alaveteli counter-example in CONVENTIONS.md).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import holidays


class DayKind(StrEnum):
    """The three kinds of calendar rows the admin edits."""

    PUBLIC_HOLIDAY = "public_holiday"  # a day off by law
    DAY_OFF = "day_off"  # an extra day off by decree (a transferred day off)
    WORKING_DAY = "working_day"  # an extra working day by decree (a working Saturday/Sunday)


@dataclass(frozen=True)
class CalendarDay:
    """One row of the calendar table: a date, its kind and a human-readable name."""

    day: date
    kind: DayKind
    name: str


# How `holidays` names a day off transferred by decree, e.g.
# "Day off (substituted from 01/05/2025)": the date in brackets is the weekend day
# that becomes a working day in exchange.
_SUBSTITUTED_PREFIX = "Day off (substituted from "
_SUBSTITUTED_DATE_FORMAT = "%m/%d/%Y"


def kazakhstan_days(years: Iterable[int]) -> list[CalendarDay]:
    """Rows for the calendar table from the `holidays` package (holidays.KZ(years=...))."""
    # The language must be explicit: with language=None `holidays` translates names
    # through gettext's environment lookup (LANGUAGE, LANG...), so on a server with
    # LANG=kk_KZ the names would be Kazakh and the prefix below would never match.
    kz = holidays.KZ(years=sorted(set(years)), language="en_US")
    rows: list[CalendarDay] = []
    for day, name in sorted(kz.items()):
        # Two holidays on one date are joined with "; " (e.g. 2032-03-22, Eid al-Adha
        # and Nowruz), so look at each part, not just the start of the whole name.
        parts = name.split("; ")
        substituted = [p for p in parts if p.startswith(_SUBSTITUTED_PREFIX)]
        for part in substituted:
            raw = part[len(_SUBSTITUTED_PREFIX) : len(_SUBSTITUTED_PREFIX) + 10]
            worked = datetime.strptime(raw, _SUBSTITUTED_DATE_FORMAT).date()
            # The worked day can fall in the previous year (2014-01-03 was
            # substituted from 2013-12-28): it is emitted with its day off, so the
            # pair is seeded together.
            rows.append(
                CalendarDay(
                    worked, DayKind.WORKING_DAY, f"Working day (moved to {day.isoformat()})"
                )
            )
        # A date that is only a transferred day off is DAY_OFF; anything holding a
        # holiday by law (including "(observed)" and "(estimated)") is PUBLIC_HOLIDAY.
        kind = DayKind.DAY_OFF if len(substituted) == len(parts) else DayKind.PUBLIC_HOLIDAY
        rows.append(CalendarDay(day, kind, name))
    rows.sort(key=lambda row: (row.day, row.kind))
    return rows


class WorkingCalendar:
    """Working days over [first, last], answering each query by bisection."""

    def __init__(
        self,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        first: date = date(2000, 1, 1),
        last: date = date(2100, 12, 31),
    ) -> None:
        if last < first:
            raise ValueError(f"calendar range is empty: first={first} > last={last}")
        self.first = first
        self.last = last
        self._first_ord = first.toordinal()
        self._last_ord = last.toordinal()
        off = {d.toordinal() for d in days_off}
        extra = {d.toordinal() for d in working_days}
        # Ordinal 1 (0001-01-01) was a Monday, so (ordinal - 1) % 7 is date.weekday()
        # without building a date object for each of the ~37,000 days of a century.
        # An extra working day wins over a day off: the decree is the later word.
        # Rows outside [first, last] are simply not in the window.
        # A list, not an array: bisect reads ~16 items per query, and an array boxes a
        # new int for each read (measured 1.5x slower); a century is ~26,000 ints, ~1 MB.
        self._working: list[int] = [
            o
            for o in range(self._first_ord, self._last_ord + 1)
            if o in extra or ((o - 1) % 7 < 5 and o not in off)
        ]

    @classmethod
    def from_days(cls, rows: Iterable[CalendarDay], **kw: date) -> WorkingCalendar:
        """Build a calendar from table rows: holidays and days off are off, working days work."""
        days_off: list[date] = []
        working_days: list[date] = []
        for row in rows:
            (working_days if row.kind == DayKind.WORKING_DAY else days_off).append(row.day)
        return cls(days_off, working_days, **kw)

    def _ordinal(self, d: date) -> int:
        # Outside the window the list knows nothing, and a silent wrong due date
        # is worse than an error: refuse.
        o = d.toordinal()
        if not self._first_ord <= o <= self._last_ord:
            raise ValueError(
                f"date {d} is outside the working calendar ({self.first}..{self.last})"
            )
        return o

    def _at(self, index: int) -> date:
        # An index past the end means the answer lies beyond `last`.
        if index >= len(self._working):
            raise ValueError(
                f"the answer falls after the end of the working calendar ({self.last})"
            )
        return date.fromordinal(self._working[index])

    def is_working_day(self, d: date) -> bool:
        """True if `d` is a working day."""
        o = self._ordinal(d)
        i = bisect_left(self._working, o)
        return i < len(self._working) and self._working[i] == o

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the next working day."""
        return self._at(bisect_left(self._working, self._ordinal(d)))

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start never counts); n == 0: next_working_day."""
        # The hot path of the deadline sweep (a million calls), so the range check and
        # the lookup are inlined rather than going through _ordinal and _at.
        o = start.toordinal()
        if n > 0 and self._first_ord <= o <= self._last_ord:
            # bisect_right skips `start` even when it is a working day: the law's day 1
            # is the first working day after registration.
            i = bisect_right(self._working, o) + n - 1
            if i < len(self._working):
                return date.fromordinal(self._working[i])
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n == 0:
            return self.next_working_day(start)
        # Out of range start, or an answer past `last`: let the helpers raise.
        return self._at(bisect_right(self._working, self._ordinal(start)) + n - 1)

    def subtract_working_days(self, end: date, n: int) -> date:
        """The n-th working day before `end` (end itself not counted): for reminders."""
        if n < 1:
            raise ValueError("n must be at least 1")
        index = bisect_left(self._working, self._ordinal(end)) - n
        if index < 0:
            raise ValueError(f"{end} minus {n} working days is before the calendar's start")
        return self._at(index)

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days d with a < d <= b (0 if b <= a)."""
        oa, ob = self._ordinal(a), self._ordinal(b)
        if ob <= oa:
            return 0
        return bisect_right(self._working, ob) - bisect_right(self._working, oa)

    def add_calendar_days(self, start: date, n: int) -> date:
        """`start` + n calendar days, moved to the next working day if that falls on a day off."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        self._ordinal(start)
        return self.next_working_day(start + timedelta(days=n))

    def days_off_between(self, a: date, b: date) -> list[date]:
        """Non-working days d with a < d <= b, to explain a due date in words."""
        # A plain loop: it runs once per appeal page, over a few weeks at most.
        self._ordinal(a)
        self._ordinal(b)
        days = (a + timedelta(days=i) for i in range(1, (b - a).days + 1))
        return [d for d in days if not self.is_working_day(d)]
