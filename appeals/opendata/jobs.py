"""The open data's job: the statistics of the last twelve months counted ahead of the
requests, so that a visitor only reads them (opendata/statistics.py)."""

from __future__ import annotations

from appeals.opendata.periods import month_range
from appeals.opendata.statistics import count_statistics, months_between
from appeals.queues import app_job
from appeals.timeutil import local_today


@app_job
def count_open_statistics() -> int:
    """Count and keep the default download's months (the last twelve); returns how many."""
    today = local_today()
    months = months_between(*month_range(today))
    count_statistics(months, today)
    return len(months)
