"""Benchmark: due dates for 1,000,000 appeals, bisect calendar vs the naive day-by-day loop.

Run from the project root: python bench/deadlines_calendar.py [--pairs N] [--sample N]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# Run as a script, the project root is not on sys.path: add it so `appeals` imports.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from appeals.deadlines.calendar import (  # noqa: E402
    DayKind,
    WorkingCalendar,
    kazakhstan_days,
)
from bench.naive import naive_add_working_days  # noqa: E402

SEED = 20250103
TERMS = (15, 20, 10, 30)  # working days: APPK 15, complaint 20, extension 10, Russia-like 30
FIRST_REGISTRATION = date(2025, 1, 1)
LAST_REGISTRATION = date(2027, 12, 31)


def main() -> None:
    """Time construction, the bisect calendar on all pairs and the naive loop on a sample."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=50_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    rows = kazakhstan_days(range(2024, 2030))
    t1 = time.perf_counter()
    calendar = WorkingCalendar.from_days(rows)  # the default window: 2000-2100
    t2 = time.perf_counter()

    rng = random.Random(SEED)
    span = (LAST_REGISTRATION - FIRST_REGISTRATION).days
    pairs = [
        (FIRST_REGISTRATION + timedelta(days=rng.randrange(span + 1)), rng.choice(TERMS))
        for _ in range(args.pairs)
    ]

    add = calendar.add_working_days
    t3 = time.perf_counter()
    due = [add(start, n) for start, n in pairs]
    t4 = time.perf_counter()

    days_off = {r.day for r in rows if r.kind != DayKind.WORKING_DAY}
    working_days = {r.day for r in rows if r.kind == DayKind.WORKING_DAY}
    sample = pairs[: args.sample]
    t5 = time.perf_counter()
    naive_due = [naive_add_working_days(start, n, days_off, working_days) for start, n in sample]
    t6 = time.perf_counter()
    # Same answers, or the speed means nothing.
    assert naive_due == due[: len(sample)], "bisect and naive loop disagree"

    fast = t4 - t3
    naive_per_call = (t6 - t5) / len(sample)
    naive_scaled = naive_per_call * len(pairs)
    print(
        f"machine: {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores"
    )
    print(f"kazakhstan_days(2024..2029): {len(rows)} rows in {(t1 - t0) * 1e3:.1f} ms")
    print(f"WorkingCalendar construction (2000-2100): {(t2 - t1) * 1e3:.1f} ms")
    print(
        f"bisect: {len(pairs):,} due dates in {fast:.3f} s ({fast / len(pairs) * 1e6:.2f} us/call)"
    )
    print(
        f"naive:  {len(sample):,}-pair sample in {t6 - t5:.3f} s "
        f"({naive_per_call * 1e6:.2f} us/call), scaled to {len(pairs):,}: {naive_scaled:.1f} s"
    )
    print(f"ratio:  {naive_scaled / fast:.1f}x faster; answers identical on the sample")


if __name__ == "__main__":
    main()
