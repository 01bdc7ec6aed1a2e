"""An act of response that demands it reopens the decided appeal at its body; an act's own term
can be extended once, within its cap, and follows a change of the working calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from appeals.audit.act_terms import extend_act_term
from appeals.audit.models import Audit
from appeals.audit.service import record_audit
from appeals.deadlines.holidays import add_calendar_day
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal, Event, EventKind
from appeals.notifications.models import Notification
from tests.conftest import tables_restored
from tests.factories import submit
from tests.pages import field_error, page_text

ACT_WITH_REOPENING = {
    "verdict": "violations",
    "violations": ["formal_reply"],
    "note": "The answer does not address the waiting time at all.",
    "act": "representation",
    "reopen": "y",
}


def count(model, *where) -> int:
    value = db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()
    db.session.commit()
    return value


def test_an_act_that_demands_it_reopens_the_answered_appeal(
    client, login, astana_prosecutor, answered_appeal, health_head, citizen
):
    appeal = answered_appeal()
    login(astana_prosecutor)

    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=ACT_WITH_REOPENING)

    assert response.status_code == 302
    audit = db.session.execute(select(Audit).where(Audit.appeal_id == appeal.id)).scalar_one()
    assert audit.reopens_case
    db.session.refresh(appeal)
    # Answered by the head with no executor: reopened, waiting for the head to assign it.
    assert appeal.status == "reopened" and appeal.executor_id is None
    reopened = db.session.execute(
        select(Event).where(Event.appeal_id == appeal.id, Event.kind == EventKind.REOPENED)
    ).scalar_one()
    assert reopened.data == {"source": "act", "source_number": str(audit.id)}
    notices = set(
        db.session.execute(
            select(Notification.template, Notification.address).where(
                Notification.appeal_id == appeal.id
            )
        ).all()
    )
    assert ("appeal_reopened", citizen.email) in notices
    assert ("appeal_reopened_staff", health_head.email) in notices
    page = page_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "reopened" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"act": "none"}, "Only an act of response can demand"),
        ({"verdict": "lawful", "violations": [], "act": "none"}, "Only an act of response"),
    ],
)
def test_reopening_needs_an_act(
    client, login, astana_prosecutor, answered_appeal, changes, message
):
    appeal = answered_appeal()
    login(astana_prosecutor)

    response = client.post(
        f"/prosecutor/appeals/{appeal.id}/audit", data=ACT_WITH_REOPENING | changes
    )

    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), "reopen")
    assert count(Audit, Audit.appeal_id == appeal.id) == 0
    assert db.session.get(Appeal, appeal.id).status == "answered"


def test_an_open_appeal_cannot_be_reopened_and_nothing_is_saved(
    client, login, astana_prosecutor, citizen
):
    appeal, _code = submit(citizen)
    login(astana_prosecutor)

    response = client.post(f"/prosecutor/appeals/{appeal.id}/audit", data=ACT_WITH_REOPENING)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Only an answered or closed appeal can be reopened" in field_error(page, "reopen")
    assert "The answer does not address the waiting time" in page  # what was typed stays
    assert count(Audit, Audit.appeal_id == appeal.id) == 0
    assert count(Event, Event.appeal_id == appeal.id, Event.kind == EventKind.REOPENED) == 0


# --- The act's term ---------------------------------------------------------------------------


@pytest.fixture
def act_of_1_march(answered_appeal, astana_prosecutor):
    """A representation decided on Monday 1 March 2027: 30 calendar days run to Wednesday
    31 March 2027 (1 March + 30 days; no holiday of Kazakhstan falls on 31 March)."""
    appeal = answered_appeal()
    audit = record_audit(
        appeal,
        False,
        ["formal_reply"],
        "Formal.",
        "representation",
        astana_prosecutor,
        today=date(2027, 3, 1),
    )
    audit.created_at = datetime(2027, 3, 1, 6, tzinfo=UTC)  # 11:00 in Astana
    db.session.commit()
    assert audit.act_due_on == date(2027, 3, 31)
    return audit


def extend(client, audit: Audit, until: str):
    return client.post(f"/prosecutor/audits/{audit.id}/extend", data={"until": until})


def test_the_prosecutor_extends_the_act_once_within_its_cap(
    client, login, astana_prosecutor, act_of_1_march
):
    login(astana_prosecutor)
    # Decided today (any day before 31.03.2027); the cap: 31.03 + 30 days = 30.04.2027.
    too_far = extend(client, act_of_1_march, "2027-05-01")
    db.session.refresh(act_of_1_march)
    assert act_of_1_march.act_due_on == date(2027, 3, 31)
    assert "30.04.2027 at the latest" in page_text(
        client.get(too_far.headers["Location"]).get_data(as_text=True)
    )

    extend(client, act_of_1_march, "2027-04-30")

    db.session.refresh(act_of_1_march)
    assert act_of_1_march.act_due_on == date(2027, 4, 30)
    assert act_of_1_march.act_extensions == 1
    again = extend(client, act_of_1_march, "2027-05-05")
    assert "cannot be extended again" in page_text(
        client.get(again.headers["Location"]).get_data(as_text=True)
    )
    db.session.refresh(act_of_1_march)
    assert act_of_1_march.act_due_on == date(2027, 4, 30)


def test_a_prosecutor_of_another_region_cannot_extend(
    client, login, almaty_prosecutor, act_of_1_march
):
    login(almaty_prosecutor)

    assert extend(client, act_of_1_march, "2027-04-10").status_code == 404
    db.session.refresh(act_of_1_march)
    assert act_of_1_march.act_due_on == date(2027, 3, 31)


@pytest.fixture
def calendar_restored(app_ctx):
    with tables_restored(("holidays",)):
        yield


def test_a_day_off_on_its_due_date_moves_the_act_on(act_of_1_march, calendar_restored):
    # A decree makes Wednesday 31.03.2027 a day off: a calendar-day term ending on a day off
    # ends on the next working day, Thursday 01.04.2027.
    add_calendar_day(date(2027, 3, 31), "day_off", "Test decree", None)
    db.session.commit()

    db.session.refresh(act_of_1_march)
    assert act_of_1_march.act_due_on == date(2027, 4, 1)


def test_an_extended_act_keeps_its_date_when_the_calendar_changes(
    act_of_1_march, astana_prosecutor, calendar_restored
):
    extend_act_term(
        act_of_1_march,
        date(2027, 4, 14),
        astana_prosecutor,
        today=date(2027, 3, 2),
        calendar=working_calendar(),
    )
    db.session.commit()

    add_calendar_day(date(2027, 4, 14), "day_off", "Test decree", None)
    db.session.commit()

    db.session.refresh(act_of_1_march)
    assert act_of_1_march.act_due_on == date(2027, 4, 14)
