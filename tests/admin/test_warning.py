"""The warning, from 1 November, that next year's calendar is neither reviewed nor loaded."""

from __future__ import annotations

from datetime import date

import pytest

from appeals.admin import views
from appeals.deadlines.holidays import calendar_warning


@pytest.mark.parametrize(
    ("today", "next_year_rows", "admin_rows", "warned"),
    [
        (date(2026, 10, 31), 0, 0, False),  # before November: too early
        (date(2026, 1, 15), 0, 0, False),
        (date(2026, 11, 1), 0, 0, True),  # from 1 November
        (date(2026, 12, 31), 0, 0, True),
        (date(2026, 11, 1), 4, 0, True),  # a few rows: not loaded
        (date(2026, 11, 1), 5, 0, False),  # loaded from the package
        (date(2026, 11, 1), 19, 0, False),
        (date(2026, 11, 1), 1, 1, False),  # the admin has added a day: reviewed
        (date(2026, 11, 20), 3, 2, False),
    ],
)
def test_calendar_warning(today, next_year_rows, admin_rows, warned):
    warning = calendar_warning(today, next_year_rows, admin_rows)
    assert (warning is not None) == warned
    if warned:
        assert warning.startswith(f"Next year's calendar ({today.year + 1}) has not been reviewed")


@pytest.mark.parametrize(
    ("today", "warned"),
    [
        (date(2028, 11, 2), True),  # 2029 has no rows in the test database
        (date(2028, 10, 31), False),
        (date(2026, 11, 2), False),  # 2027 is seeded
    ],
)
def test_warning_is_shown_on_the_admin_pages(admin_client, monkeypatch, today, warned):
    monkeypatch.setattr(views, "local_today", lambda: today)
    for path in ("/admin/", "/admin/calendar"):
        page = admin_client.get(path).get_data(as_text=True)
        assert ('data-testid="calendar-warning"' in page) == warned, path
