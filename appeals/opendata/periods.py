"""Months as the open data's requests name them (YYYY-MM)."""

from __future__ import annotations

import re
from datetime import date

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date | None:
    """The first day of a YYYY-MM month, or None when it is not one."""
    found = MONTH.match(text.strip())
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def month_range(today: date, months: int = 12) -> tuple[date, date]:
    """The first days of the months of the last `months` months, this one included."""
    last = today.replace(day=1)
    index = last.year * 12 + last.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1), last
