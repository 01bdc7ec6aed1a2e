"""A period of the scores: a range of local dates (a month, a quarter, a year or any range),
and its label."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    """A range of local dates, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = month_calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def month_of(cls, day: date) -> Period:
        """The month the day falls in."""
        return cls.month(day.year, day.month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"a quarter is 1 to 4, not {quarter}")
        first = 3 * quarter - 2
        return cls(date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.start.day == 1 and self == Period.month(self.start.year, self.start.month):
            return f"{self.start:%Y-%m}"
        if self == Period.year(self.start.year):
            return str(self.start.year)
        if self.start.day == 1 and self.start.month % 3 == 1:
            quarter = (self.start.month + 2) // 3
            if self == Period.quarter(self.start.year, quarter):
                return f"{self.start.year} Q{quarter}"
        return f"{self.start:%d.%m.%Y}-{self.end:%d.%m.%Y}"
