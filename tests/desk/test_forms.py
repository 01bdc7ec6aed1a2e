"""The period form against a fixed "today": which periods it accepts and what it says."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from appeals.desk.forms import PeriodForm
from appeals.scores.period import Period

TODAY = date(2026, 5, 10)  # in the second quarter


def _form(app, **args) -> PeriodForm:
    with app.test_request_context():
        form = PeriodForm.from_args(MultiDict(args), today=TODAY)
        form.validate()
        return form


@pytest.mark.parametrize(
    ("args", "period"),
    [
        ({}, Period.month(2026, 5)),
        ({"period": "month", "month": "2026-05"}, Period.month(2026, 5)),
        ({"period": "quarter", "year": "2026", "quarter": "2"}, Period.quarter(2026, 2)),
        ({"period": "year", "year": "2026"}, Period.year(2026)),
        (
            {"period": "custom", "start": "2026-01-15", "end": "2026-05-10"},
            Period(date(2026, 1, 15), date(2026, 5, 10)),
        ),
        # A stale, broken value in a field the chosen period does not use is ignored.
        (
            {"period": "month", "month": "2026-04", "start": "garbage", "year": "x"},
            Period.month(2026, 4),
        ),
        ({"period": "year", "year": "2025", "month": "13-13"}, Period.year(2025)),
    ],
)
def test_accepted_periods(app, args, period):
    form = _form(app, **args)
    assert form.errors == {}
    assert form.to_period() == period


@pytest.mark.parametrize(
    ("args", "errors"),
    [
        ({"period": "month", "month": "2026-06"}, {"month": ["That month has not begun yet."]}),
        (
            {"period": "quarter", "year": "2026", "quarter": "3"},
            {"quarter": ["That quarter has not begun yet."]},
        ),
        ({"period": "year", "year": "2027"}, {"year": ["Choose a year from 2000 to 2026."]}),
        ({"period": "year", "year": ""}, {"year": ["Choose a year."]}),
        (
            {"period": "custom", "start": "", "end": ""},
            {
                "start": ["Give the first day (a date)."],
                "end": ["Give the last day (a date)."],
            },
        ),
        (
            {"period": "custom", "start": "1999-12-31", "end": "2000-01-31"},
            {"start": ["The range cannot begin before 2000."]},
        ),
    ],
)
def test_refused_periods(app, args, errors):
    assert _form(app, **args).errors == errors


def test_query_args_keep_only_what_the_period_uses(app):
    form = _form(app, period="quarter", year="2026", quarter="1", month="2026-02", start="x")
    assert form.query_args() == {"period": "quarter", "year": "2026", "quarter": "1"}
