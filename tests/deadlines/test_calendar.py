"""Table tests of the working-day calendar over Kazakhstan's real 2025-2027 calendar.

Every expected date below was worked out by hand from `holidays.KZ` (holidays 0.109)
and the comment shows the count; the naive loop then checks the same figures.
Key: H = public holiday, D = transferred day off, W = working weekend day by decree.
2025: 01-02.01 H, 03.01 D (from Sun 05.01, W), 07.01 H, 08.03 Sat H + 10.03 H,
      21-25.03 H (Nauryz), 01.05 07.05 09.05 H, 06.06 H (Eid al-Adha), 06.07 Sun H + 07.07 H,
      30.08 Sat H + 01.09 H, 25.10 Sat H + 27.10 H, 16.12 H.
2026: 01-02.01 H, 07.01 H, 08.03 Sun H + 09.03 H, 21-25.03 H, 01.05 07.05 H,
      09.05 Sat H + 11.05 H, 27.05 H (Eid, estimated), 06.07 H, NO 30.08 (see below),
      25.10 Sun H + 26.10 H, 16.12 H.
2027: 01.01 H, 02.01 Sat H + 04.01 H, 07.01 H, 08.03 H, 15.03 H (Constitution Day, new
      date), 21.03 Sun H, 22-24.03 H, 01.05 Sat H + 03.05 H, 07.05 H, 09.05 Sun H + 10.05 H,
      16.05 Sun H (Eid, estimated, not moved), 06.07 H, 25.10 H, 16.12 H.
2028: 01.01 Sat H, 02.01 Sun H, 03-04.01 H, 07.01 H.
"""

from datetime import date, timedelta

import pytest

from appeals.deadlines.calendar import (
    CalendarDay,
    DayKind,
    WorkingCalendar,
    kazakhstan_days,
)
from bench.naive import naive_add_working_days

D = date

KZ_ROWS = kazakhstan_days([2024, 2025, 2026, 2027, 2028])
KZ = WorkingCalendar.from_days(KZ_ROWS)
KZ_OFF = {r.day for r in KZ_ROWS if r.kind != DayKind.WORKING_DAY}
KZ_WORKING = {r.day for r in KZ_ROWS if r.kind == DayKind.WORKING_DAY}


ADD_WORKING_DAYS_CASES = [
    # --- New Year 2025 and the transferred day off 03.01 / working Sunday 05.01 ---
    # 31.12.24 Tue; 01-02.01 H, 03.01 D, 04.01 Sat; day1=05.01 Sun (W), d2=06.01, 07.01 H,
    # d3-5=08-10.01, d6-10=13-17.01, d11-15=20-24.01
    (D(2024, 12, 31), 15, D(2025, 1, 24)),
    # 30.12.24 Mon; d1=31.12, 01-04.01 off, d2=05.01 Sun (W), d3=06.01
    (D(2024, 12, 30), 3, D(2025, 1, 6)),
    # 01.01 Wed (H); 02.01 H, 03.01 D, 04.01 Sat; d1=05.01, the working Sunday
    (D(2025, 1, 1), 1, D(2025, 1, 5)),
    # 03.01 Fri (D); 04.01 Sat; d1=05.01 (W), d2=06.01, 07.01 H, d3-5=08-10.01,
    # d6-10=13-17.01, d11-15=20-24.01
    (D(2025, 1, 3), 15, D(2025, 1, 24)),
    # 04.01 Sat; d1=05.01 (W), d2=06.01, 07.01 H, d3-5=08-10.01, d6-10=13-17.01
    (D(2025, 1, 4), 10, D(2025, 1, 17)),
    # 05.01 Sun (W) is a working day but never counts as the start; d1=06.01, 07.01 H,
    # d2-4=08-10.01, d5-9=13-17.01, d10-14=20-24.01, d15=27.01
    (D(2025, 1, 5), 15, D(2025, 1, 27)),
    # 06.01 Mon; 07.01 H; d1=08.01 Wed
    (D(2025, 1, 6), 1, D(2025, 1, 8)),
    # 06.01 Mon; 07.01 H; d1-3=08-10.01, d4-8=13-17.01, d9-13=20-24.01, d14-18=27-31.01,
    # d19=03.02, d20=04.02
    (D(2025, 1, 6), 20, D(2025, 2, 4)),
    # --- March 2025: 08.03 Sat + observed 10.03, Nauryz 21-25.03 ---
    # 28.02 Fri (month end); d1-5=03-07.03, 08.03 Sat H, 09.03 Sun, 10.03 H, d6-9=11-14.03,
    # d10-13=17-20.03, 21-25.03 off, d14=26.03, d15=27.03
    (D(2025, 2, 28), 15, D(2025, 3, 27)),
    # 07.03 Fri; 08-09 weekend, 10.03 H; d1-4=11-14.03, d5-8=17-20.03, 21-25.03 off,
    # d9-11=26-28.03, d12=31.03, d13-15=01-03.04
    (D(2025, 3, 7), 15, D(2025, 4, 3)),
    # 14.03 Fri; d1-4=17-20.03, 21-25.03 off, d5-7=26-28.03, d8=31.03, d9=01.04, d10=02.04
    (D(2025, 3, 14), 10, D(2025, 4, 2)),
    # 20.03 Thu; 21-25.03 off (Nauryz); d1=26.03
    (D(2025, 3, 20), 1, D(2025, 3, 26)),
    # 20.03 Thu; 21-25.03 off; d1-3=26-28.03, d4=31.03, d5-8=01-04.04, d9-13=07-11.04,
    # d14=14.04, d15=15.04
    (D(2025, 3, 20), 15, D(2025, 4, 15)),
    # 21.03 Fri (H), the same count as from 20.03 because 21-25.03 are all off
    (D(2025, 3, 21), 15, D(2025, 4, 15)),
    # --- May 2025: 01.05 Thu, 07.05 Wed, 09.05 Fri ---
    # 30.04 Wed; 01.05 H, d1=02.05, d2-3=05-06.05, 07.05 H, d4=08.05, 09.05 H,
    # d5-9=12-16.05, d10-14=19-23.05, d15=26.05
    (D(2025, 4, 30), 15, D(2025, 5, 26)),
    # 06.05 Tue; 07.05 H, d1=08.05, 09.05 H, d2=12.05, d3=13.05
    (D(2025, 5, 6), 3, D(2025, 5, 13)),
    # --- Eid al-Adha 06.06.2025 Fri ---
    # 27.05 Tue; d1-3=28-30.05, d4-7=02-05.06, 06.06 H, d8-12=09-13.06, d13-15=16-18.06
    (D(2025, 5, 27), 15, D(2025, 6, 18)),
    # 01.06 Sun; d1-4=02-05.06, 06.06 H, d5-9=09-13.06, d10-14=16-20.06, d15=23.06
    (D(2025, 6, 1), 15, D(2025, 6, 23)),
    # 05.06 Thu; 06.06 H, 07-08 weekend; d1=09.06 Mon
    (D(2025, 6, 5), 1, D(2025, 6, 9)),
    # --- Capital Day 06.07.2025 Sun, observed Mon 07.07 ---
    # 04.07 Fri; 05-06 weekend, 07.07 H; d1=08.07 Tue
    (D(2025, 7, 4), 1, D(2025, 7, 8)),
    # 30.06 Mon (month end); d1-4=01-04.07, 07.07 H, d5-8=08-11.07, d9-13=14-18.07,
    # d14=21.07, d15=22.07
    (D(2025, 6, 30), 15, D(2025, 7, 22)),
    # --- Constitution Day 30.08.2025 Sat, observed Mon 01.09 ---
    # 29.08 Fri; 30-31 weekend, 01.09 H; d1=02.09 Tue
    (D(2025, 8, 29), 1, D(2025, 9, 2)),
    # 20.08 Wed; d1-2=21-22.08, d3-7=25-29.08, 01.09 H, d8-11=02-05.09, d12-14=08-10.09,
    # d15=11.09
    (D(2025, 8, 20), 15, D(2025, 9, 11)),
    # 31.08 Sun (month end); 01.09 H; d1-4=02-05.09, d5-9=08-12.09, d10=15.09
    (D(2025, 8, 31), 10, D(2025, 9, 15)),
    # --- Republic Day 25.10.2025 Sat, observed Mon 27.10 ---
    # 24.10 Fri; 25-26 weekend, 27.10 H; d1=28.10 Tue
    (D(2025, 10, 24), 1, D(2025, 10, 28)),
    # 10.10 Fri; d1-5=13-17.10, d6-10=20-24.10, 27.10 H, d11-14=28-31.10, d15=03.11
    (D(2025, 10, 10), 15, D(2025, 11, 3)),
    # 25.10 Sat (H); 26 Sun, 27.10 H; d1-4=28-31.10, d5-9=03-07.11, d10-14=10-14.11,
    # d15=17.11
    (D(2025, 10, 25), 15, D(2025, 11, 17)),
    # 05.11 Wed, no holiday near: d1-2=06-07.11, d3-7=10-14.11, d8-12=17-21.11,
    # d13-15=24-26.11 (three whole weeks: same weekday)
    (D(2025, 11, 5), 15, D(2025, 11, 26)),
    # --- Independence Day 16.12.2025 Tue and the year end ---
    # 15.12 Mon; 16.12 H; d1=17.12
    (D(2025, 12, 15), 1, D(2025, 12, 17)),
    # 10.12 Wed; d1-2=11-12.12, d3=15.12, 16.12 H, d4-6=17-19.12, d7-11=22-26.12,
    # d12-14=29-31.12, 01-02.01 H, 03-04 weekend, d15=05.01.2026
    (D(2025, 12, 10), 15, D(2026, 1, 5)),
    # 31.12 Wed; 01-02.01 H, 03-04 weekend; d1=05.01.2026
    (D(2025, 12, 31), 1, D(2026, 1, 5)),
    # 31.12 Wed; d1-2=05-06.01, 07.01 H, d3-4=08-09.01, d5-9=12-16.01, d10-14=19-23.01,
    # d15-19=26-30.01, d20=02.02
    (D(2025, 12, 31), 20, D(2026, 2, 2)),
    # --- 2026 ---
    # 06.01 Tue; 07.01 H; d1-2=08-09.01, d3=12.01
    (D(2026, 1, 6), 3, D(2026, 1, 12)),
    # 06.03 Fri; 07 Sat, 08.03 Sun H, 09.03 H; d1-4=10-13.03, d5-9=16-20.03, 21-25.03 off,
    # d10-11=26-27.03, d12-13=30-31.03, d14-15=01-02.04
    (D(2026, 3, 6), 15, D(2026, 4, 2)),
    # 20.03 Fri; 21-22 weekend (H), 23-25.03 H; d1-2=26-27.03, d3-4=30-31.03, d5-7=01-03.04,
    # d8-12=06-10.04, d13-15=13-15.04
    (D(2026, 3, 20), 15, D(2026, 4, 15)),
    # 21.03 Sat (H); 22 Sun, 23-25.03 H; d1=26.03 Thu
    (D(2026, 3, 21), 1, D(2026, 3, 26)),
    # 30.04 Thu; 01.05 H, d1-3=04-06.05, 07.05 H, d4=08.05, 09 Sat H, 10 Sun, 11.05 H,
    # d5-8=12-15.05, d9-13=18-22.05, d14=25.05, d15=26.05
    (D(2026, 4, 30), 15, D(2026, 5, 26)),
    # 08.05 Fri; 09-10 weekend, 11.05 H; d1-4=12-15.05, d5-9=18-22.05, d10=25.05
    (D(2026, 5, 8), 10, D(2026, 5, 25)),
    # 26.05 Tue; 27.05 H (Eid al-Adha, estimated); d1=28.05
    (D(2026, 5, 26), 1, D(2026, 5, 28)),
    # 20.05 Wed; d1-2=21-22.05, d3-4=25-26.05, 27.05 H, d5-6=28-29.05, d7-11=01-05.06,
    # d12-15=08-11.06
    (D(2026, 5, 20), 15, D(2026, 6, 11)),
    # 03.07 Fri; 04-05 weekend, 06.07 H (Mon); d1=07.07
    (D(2026, 7, 3), 1, D(2026, 7, 7)),
    # 28.08 Fri; 29-30 weekend; 31.08 Mon is a working day: holidays.KZ has no
    # Constitution Day in 2026 (30.08 up to 2025, 15.03 from 2027)
    (D(2026, 8, 28), 1, D(2026, 8, 31)),
    # 23.10 Fri; 24 Sat, 25.10 Sun H, 26.10 H; d1-3=27-29.10
    (D(2026, 10, 23), 3, D(2026, 10, 29)),
    # 15.12 Tue; 16.12 H; d1-2=17-18.12, d3-7=21-25.12, d8-11=28-31.12, 01.01 H,
    # 02.01 Sat H, 03 Sun, 04.01 H; d12-13=05-06.01, 07.01 H, d14=08.01, d15=11.01.2027
    (D(2026, 12, 15), 15, D(2027, 1, 11)),
    # 31.12 Thu; 01.01 H, 02-03 weekend, 04.01 H; d1=05.01.2027
    (D(2026, 12, 31), 1, D(2027, 1, 5)),
    # --- 2027 ---
    # 01.01 Fri (H); 02-03 weekend, 04.01 H; d1-2=05-06.01, 07.01 H, d3=08.01,
    # d4-8=11-15.01, d9-13=18-22.01, d14=25.01, d15=26.01
    (D(2027, 1, 1), 15, D(2027, 1, 26)),
    # 26.02 Fri (month end, not a leap year); 27-28 weekend; d1=01.03 Mon
    (D(2027, 2, 26), 1, D(2027, 3, 1)),
    # 05.03 Fri; 08.03 H, d1-4=09-12.03, 15.03 H (Constitution Day), d5-8=16-19.03,
    # 20 Sat, 21.03 Sun H, 22-24.03 H, d9-10=25-26.03
    (D(2027, 3, 5), 10, D(2027, 3, 26)),
    # 19.03 Fri; 20 Sat, 21 Sun H, 22-24.03 H; d1-2=25-26.03, d3-5=29-31.03, d6-7=01-02.04,
    # d8-12=05-09.04, d13-15=12-14.04
    (D(2027, 3, 19), 15, D(2027, 4, 14)),
    # 30.04 Fri; 01.05 Sat H, 02 Sun, 03.05 H; d1-3=04-06.05, 07.05 H, 08 Sat, 09.05 Sun H,
    # 10.05 H; d4-7=11-14.05, 15 Sat, 16.05 Sun H (Eid); d8-12=17-21.05, d13-15=24-26.05
    (D(2027, 4, 30), 15, D(2027, 5, 26)),
    # 05.07 Mon; 06.07 H; d1=07.07
    (D(2027, 7, 5), 1, D(2027, 7, 7)),
    # 22.10 Fri; 25.10 H; d1-4=26-29.10, d5-9=01-05.11, d10-14=08-12.11, d15-19=15-19.11,
    # d20=22.11
    (D(2027, 10, 22), 20, D(2027, 11, 22)),
    # 15.12 Wed; 16.12 H; d1=17.12, d2-6=20-24.12, d7-11=27-31.12, 01-02.01.2028 weekend H,
    # 03-04.01 H; d12-13=05-06.01, 07.01 H, d14-15=10-11.01
    (D(2027, 12, 15), 15, D(2028, 1, 11)),
    # 31.12 Fri; 01-04.01 off; d1-2=05-06.01, 07.01 H, d3=10.01.2028
    (D(2027, 12, 31), 3, D(2028, 1, 10)),
    # --- n == 0: the start itself if it works, else the next working day ---
    # 05.01.2025 Sun (W) works
    (D(2025, 1, 5), 0, D(2025, 1, 5)),
    # 04.01.2025 Sat -> 05.01 Sun (W)
    (D(2025, 1, 4), 0, D(2025, 1, 5)),
    # 21.03.2025 H -> 21-25.03 off -> 26.03
    (D(2025, 3, 21), 0, D(2025, 3, 26)),
]

ADD_CALENDAR_DAYS_CASES = [
    # 10.03.2025 + 15 = 25.03 (Nauryz, H) -> 26.03
    (D(2025, 3, 10), 15, D(2025, 3, 26)),
    # 01.04.2025 + 15 = 16.04 Wed, a working day
    (D(2025, 4, 1), 15, D(2025, 4, 16)),
    # 20.12.2024 + 15 = 04.01.2025 Sat -> 05.01 Sun (W)
    (D(2024, 12, 20), 15, D(2025, 1, 5)),
    # 17.08.2025 + 15 = 01.09 (observed Constitution Day, H) -> 02.09
    (D(2025, 8, 17), 15, D(2025, 9, 2)),
    # 17.12.2025 + 15 = 01.01.2026 H; 02.01 H, 03-04 weekend -> 05.01
    (D(2025, 12, 17), 15, D(2026, 1, 5)),
    # 21.12.2025 Sun + 15 = 05.01.2026 Mon, a working day
    (D(2025, 12, 21), 15, D(2026, 1, 5)),
    # 12.05.2026 + 15 = 27.05 (Eid, H) -> 28.05
    (D(2026, 5, 12), 15, D(2026, 5, 28)),
    # 22.04.2027 + 15 = 07.05 H; 08 Sat, 09.05 Sun H, 10.05 H -> 11.05
    (D(2027, 4, 22), 15, D(2027, 5, 11)),
    # 20.12.2027 + 15 = 04.01.2028 H -> 05.01
    (D(2027, 12, 20), 15, D(2028, 1, 5)),
]


@pytest.mark.parametrize(("start", "n", "due"), ADD_WORKING_DAYS_CASES)
def test_add_working_days_kazakhstan(start: date, n: int, due: date) -> None:
    assert KZ.add_working_days(start, n) == due
    assert naive_add_working_days(start, n, KZ_OFF, KZ_WORKING) == due
    if n > 0:
        assert KZ.working_days_between(start, due) == n


@pytest.mark.parametrize(("start", "n", "due"), ADD_CALENDAR_DAYS_CASES)
def test_add_calendar_days_kazakhstan(start: date, n: int, due: date) -> None:
    assert KZ.add_calendar_days(start, n) == due


def test_bisect_matches_naive_loop_every_day_2025_2027() -> None:
    d = D(2025, 1, 1)
    while d <= D(2027, 12, 31):
        for n in (1, 5, 15, 20):
            due = KZ.add_working_days(d, n)
            assert due == naive_add_working_days(d, n, KZ_OFF, KZ_WORKING), (d, n)
            assert KZ.working_days_between(d, due) == n, (d, n)
            # Every day in (d, due] is either counted or listed as a day off.
            assert (due - d).days == n + len(KZ.days_off_between(d, due)), (d, n)
        assert KZ.is_working_day(d) == (naive_add_working_days(d, 0, KZ_OFF, KZ_WORKING) == d)
        d += timedelta(days=1)


def test_kazakhstan_days_substituted_day_off_2025() -> None:
    rows = {(r.day, r.kind): r for r in kazakhstan_days([2025])}
    assert (D(2025, 1, 3), DayKind.DAY_OFF) in rows
    assert rows[(D(2025, 1, 5), DayKind.WORKING_DAY)].name == "Working day (moved to 2025-01-03)"
    assert (D(2025, 1, 3), DayKind.PUBLIC_HOLIDAY) not in rows
    # "(observed)" and "(estimated)" entries are public holidays like the rest.
    assert (D(2025, 3, 24), DayKind.PUBLIC_HOLIDAY) in rows
    assert (D(2026, 5, 27), DayKind.PUBLIC_HOLIDAY) in {
        (r.day, r.kind) for r in kazakhstan_days([2026])
    }
    assert KZ.is_working_day(D(2025, 1, 5)) and not KZ.is_working_day(D(2025, 1, 3))


def test_kazakhstan_days_ignores_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without an explicit language, `holidays` would name the days in Kazakh here.
    monkeypatch.setenv("LANGUAGE", "kk")
    kinds = {(r.day, r.kind) for r in kazakhstan_days([2025])}
    assert (D(2025, 1, 3), DayKind.DAY_OFF) in kinds
    assert (D(2025, 1, 5), DayKind.WORKING_DAY) in kinds


def test_kazakhstan_days_working_day_in_the_previous_year() -> None:
    # 03.01.2014 was substituted from Saturday 28.12.2013: the pair comes with 2014.
    kinds = {(r.day, r.kind) for r in kazakhstan_days([2014])}
    assert (D(2014, 1, 3), DayKind.DAY_OFF) in kinds
    assert (D(2013, 12, 28), DayKind.WORKING_DAY) in kinds


def test_admin_extra_day_off_pushes_due_date() -> None:
    # 05.11.2025 + 15 working days = 26.11 (see the table); a decree making Fri 14.11 a day
    # off means one more day to count: 27.11.
    extra = CalendarDay(D(2025, 11, 14), DayKind.DAY_OFF, "Extra day off")
    cal = WorkingCalendar.from_days([*KZ_ROWS, extra])
    assert cal.add_working_days(D(2025, 11, 5), 15) == D(2025, 11, 27)
    assert cal.days_off_between(D(2025, 11, 5), D(2025, 11, 27)) == [
        D(2025, 11, 8),
        D(2025, 11, 9),
        D(2025, 11, 14),
        D(2025, 11, 15),
        D(2025, 11, 16),
        D(2025, 11, 22),
        D(2025, 11, 23),
    ]


def test_admin_working_saturday_pulls_due_date_back() -> None:
    # A working Saturday 15.11.2025 is one more working day inside the term: 25.11.
    extra = CalendarDay(D(2025, 11, 15), DayKind.WORKING_DAY, "Working Saturday")
    cal = WorkingCalendar.from_days([*KZ_ROWS, extra])
    assert cal.add_working_days(D(2025, 11, 5), 15) == D(2025, 11, 25)
    assert cal.is_working_day(D(2025, 11, 15))


def test_out_of_range_raises() -> None:
    cal = WorkingCalendar.from_days(KZ_ROWS, first=D(2025, 1, 1), last=D(2025, 12, 31))
    with pytest.raises(ValueError, match="outside the working calendar"):
        cal.is_working_day(D(2024, 12, 31))
    with pytest.raises(ValueError, match="outside the working calendar"):
        cal.add_working_days(D(2026, 1, 5), 1)
    with pytest.raises(ValueError, match="outside the working calendar"):
        cal.working_days_between(D(2025, 6, 1), D(2026, 1, 1))
    with pytest.raises(ValueError, match="outside the working calendar"):
        cal.add_calendar_days(D(2025, 12, 20), 15)  # 04.01.2026
    # The start is inside, but the 15th working day after 25.12.2025 is not.
    with pytest.raises(ValueError, match="after the end"):
        cal.add_working_days(D(2025, 12, 25), 15)
    with pytest.raises(ValueError, match="outside the working calendar"):
        KZ.next_working_day(D(1999, 12, 31))
    with pytest.raises(ValueError, match="n must be >= 0"):
        KZ.add_working_days(D(2025, 1, 6), -1)


def test_plain_weeks_without_holidays() -> None:
    cal = WorkingCalendar(first=D(2030, 1, 1), last=D(2030, 12, 31))
    # 04.01.2030 Fri: d1=07.01 Mon ... 5 working days = one week later.
    assert cal.add_working_days(D(2030, 1, 4), 5) == D(2030, 1, 11)
    assert cal.working_days_between(D(2030, 1, 11), D(2030, 1, 4)) == 0
