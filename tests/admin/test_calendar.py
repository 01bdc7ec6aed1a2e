"""The admin's calendar: the page of a year, adding and removing days, loading a year from the
holidays package, and the due dates of open appeals moving with the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from appeals.accounts.models import Role
from appeals.deadlines.calendar import kazakhstan_days
from appeals.deadlines.models import DeadlinePolicy, Holiday
from appeals.deadlines.service import due_date, working_calendar
from appeals.extensions import db
from appeals.intake.event_text import event_text
from appeals.intake.models import Appeal, EventKind
from appeals.work.terms import extend_term
from tests.factories import submit

# Monday 2 February 2026, 10:00 in Almaty: registered that day; 15 working days later is
# Monday 23 February (no holiday in February 2026).
MONDAY = datetime(2026, 2, 2, 5, 0, tzinfo=UTC)
REGISTERED = date(2026, 2, 2)
DUE = date(2026, 2, 23)
WEDNESDAY = date(2026, 2, 11)  # inside the term
SATURDAY = date(2026, 2, 14)  # inside the term


@pytest.fixture
def open_appeal(make_user) -> Appeal:
    appeal, _code = submit(make_user(), now=MONDAY)
    assert (appeal.status, appeal.received_on, appeal.due_on) == ("registered", REGISTERED, DUE)
    return appeal


def _holidays() -> int:
    return db.session.execute(select(func.count(Holiday.id))).scalar_one()


def _due_events(appeal: Appeal) -> list:
    db.session.expire_all()
    return [event for event in appeal.events if event.kind == EventKind.DUE_DATE_CHANGED]


def _add(client, day: date, kind: str, name: str = "Extra day (test)"):
    return client.post(
        f"/admin/calendar/{day.year}", data={"day": day.isoformat(), "kind": kind, "name": name}
    )


def test_year_page_lists_the_rows_of_2026(admin_client):
    page = admin_client.get("/admin/calendar/2026").get_data(as_text=True)
    expected = [row.day for row in kazakhstan_days([2026]) if row.day.year == 2026]
    assert page.count('<tr data-day="') == len(expected) == 19
    for day in expected:
        assert f'data-day="{day.isoformat()}"' in page
    assert "01.01.2026" in page and "New Year&#39;s Day" in page
    assert "Nowruz Holiday" in page and "Saturday" in page  # 21.03.2026
    assert page.count('data-working="0"') == 365 - working_calendar().working_days_between(
        date(2025, 12, 31), date(2026, 12, 31)
    )


def test_calendar_without_a_year_shows_the_current_year(admin_client):
    page = admin_client.get("/admin/calendar").get_data(as_text=True)
    assert f"Working-day calendar {datetime.now(UTC).year}" in page


def test_year_outside_the_calendar_is_not_found(admin_client):
    assert admin_client.get("/admin/calendar/1999").status_code == 404
    assert admin_client.get("/admin/calendar/2101").status_code == 404


def test_extra_day_off_moves_the_due_date_and_removing_it_moves_it_back(
    admin_client, open_appeal, admin
):
    response = _add(admin_client, WEDNESDAY, "day_off", "Day off by decree (test)")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/calendar/2026")
    page = admin_client.get("/admin/calendar/2026").get_data(as_text=True)
    assert "1 open appeal got a new due date." in page
    assert 'data-day="2026-02-11"' in page and "admin" in page

    db.session.refresh(open_appeal)
    assert open_appeal.due_on == date(2026, 2, 24)  # one working day later
    [event] = _due_events(open_appeal)
    assert event.actor_id == admin.id
    assert event.data == {
        "code": "calendar_day_added",
        "day_kind": "day_off",
        "day_name": "Day off by decree (test)",
        "from": "2026-02-23",
        "to": "2026-02-24",
        "due_on": "2026-02-24",
        "day": "2026-02-11",
    }
    assert event.note is None
    text = event_text(event)
    assert "11.02.2026 added as extra day off" in text
    assert "Day off by decree (test)" in text
    row = db.session.execute(select(Holiday).where(Holiday.day == WEDNESDAY)).scalar_one()
    assert (row.kind, row.source) == ("day_off", "admin")

    response = admin_client.post("/admin/calendar/days/2026-02-11/remove")
    assert response.status_code == 302
    assert "1 open appeal got a new due date." in admin_client.get("/admin/calendar/2026").get_data(
        as_text=True
    )
    db.session.refresh(open_appeal)
    assert open_appeal.due_on == DUE
    events = _due_events(open_appeal)
    assert [(e.data["from"], e.data["to"]) for e in events] == [
        ("2026-02-23", "2026-02-24"),
        ("2026-02-24", "2026-02-23"),
    ]
    assert "11.02.2026 (extra day off (by decree), Day off by decree (test)) removed" in (
        event_text(events[1])
    )
    # The citizen's timeline shows the change.
    assert [e.kind for e in open_appeal.events][-2:] == ["due_date_changed"] * 2


def test_working_saturday_pulls_the_due_date_earlier(admin_client, open_appeal):
    assert _add(admin_client, SATURDAY, "working_day", "Working Saturday (test)").status_code == 302
    db.session.refresh(open_appeal)
    assert open_appeal.due_on == date(2026, 2, 20)
    [event] = _due_events(open_appeal)
    assert (event.data["from"], event.data["to"]) == ("2026-02-23", "2026-02-20")


def test_a_day_outside_the_term_moves_nothing(admin_client, open_appeal):
    for day in (date(2026, 1, 28), date(2026, 2, 25)):  # before receipt, after the due date
        _add(admin_client, day, "day_off")
        page = admin_client.get("/admin/calendar/2026").get_data(as_text=True)
        assert "0 open appeals got a new due date." in page
    db.session.refresh(open_appeal)
    assert open_appeal.due_on == DUE
    assert _due_events(open_appeal) == []


def test_extended_and_answered_appeals_are_left_alone(admin_client, make_user, open_appeal):
    head = make_user(Role.HEAD, body_code=open_appeal.current_body.code)
    extended, _code = submit(make_user(), now=MONDAY)
    extend_term(extended, date(2026, 3, 10), "Expert opinion needed", head, today=REGISTERED)
    answered, _code = submit(make_user(), now=MONDAY)
    answered.status = "answered"  # test data: the answering service is not under test here
    db.session.commit()
    _add(admin_client, WEDNESDAY, "day_off")
    db.session.expire_all()
    assert open_appeal.due_on == date(2026, 2, 24)
    assert (extended.due_on, extended.extended_until) == (DUE, date(2026, 3, 10))
    assert answered.due_on == DUE
    assert _due_events(extended) == [] and _due_events(answered) == []


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        (WEDNESDAY, "working_day", "is a Wednesday, a working day already"),
        (SATURDAY, "day_off", "is a Saturday, a day off already"),
        (date(2026, 1, 1), "day_off", "01.01.2026 is in the calendar already"),
        (date(2026, 3, 21), "working_day", "21.03.2026 is in the calendar already"),
    ],
)
def test_invalid_days_are_form_errors_and_change_nothing(
    admin_client, open_appeal, day, kind, message
):
    before = _holidays()
    response = _add(admin_client, day, kind)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _holidays() == before
    db.session.refresh(open_appeal)
    assert open_appeal.due_on == DUE
    assert _due_events(open_appeal) == []


def test_incomplete_form_is_refused(admin_client):
    before = _holidays()
    response = admin_client.post(
        "/admin/calendar/2026", data={"day": "", "kind": "day_off", "name": "x"}
    )
    assert "This field is required" in response.get_data(as_text=True)
    response = admin_client.post(
        "/admin/calendar/2026", data={"day": "2026-02-11", "kind": "holiday", "name": "x"}
    )
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _holidays() == before


def test_removing_a_day_that_is_not_there_says_so(admin_client):
    before = _holidays()
    response = admin_client.post("/admin/calendar/days/2026-02-11/remove", follow_redirects=True)
    assert "11.02.2026 is not in the calendar." in response.get_data(as_text=True)
    assert admin_client.post("/admin/calendar/days/not-a-date/remove").status_code == 404
    assert _holidays() == before


def test_load_year_from_the_package_is_idempotent_and_moves_due_dates(admin_client, make_user):
    # Registered 20.12.2028 while 2029 has no rows: 1-2 January count as working days.
    appeal, _code = submit(make_user(), now=datetime(2028, 12, 20, 5, 0, tzinfo=UTC))
    assert appeal.due_on == date(2029, 1, 10)
    assert 'data-testid="calendar-empty"' in admin_client.get("/admin/calendar/2029").get_data(
        as_text=True
    )

    response = admin_client.post("/admin/calendar/2029/load", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "16 day(s) of 2029 loaded from the holidays package." in page
    assert "1 open appeal got a new due date." in page
    assert page.count('<tr data-day="2029-') == 16
    db.session.refresh(appeal)
    policy = db.session.get(DeadlinePolicy, appeal.policy_id)
    assert appeal.due_on == date(2029, 1, 12)
    assert appeal.due_on == due_date(appeal.received_on, policy, working_calendar())
    [event] = _due_events(appeal)
    assert event.data["day"] == "2029-01-01" and event.data["until"] == "2029-12-17"

    before = _holidays()
    page = admin_client.post("/admin/calendar/2029/load", follow_redirects=True).get_data(
        as_text=True
    )
    assert "0 day(s) of 2029 loaded" in page and "0 open appeals got a new due date." in page
    assert _holidays() == before
