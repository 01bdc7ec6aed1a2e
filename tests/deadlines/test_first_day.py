"""Day 1 of a term is a field of the deadline policy (the APPK's text does not settle whether
the registration day counts); the APPK complaint term has no extension (art. 99) and a
complaint not decided in time is deemed rejected (art. 100(5)). Dates worked out by hand on
the real calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from appeals.deadlines.calendar import WorkingCalendar, kazakhstan_days
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.policies import POLICIES
from appeals.deadlines.rules import add_term, extension_error
from appeals.deadlines.service import due_date, explain_due, policy_in_force, terms_of
from appeals.extensions import db
from appeals.intake.models import Appeal, AppealKind
from appeals.timeutil import local_today, now_utc
from tests.factories import submit

CAL = WorkingCalendar.from_days(kazakhstan_days([2025, 2026, 2027, 2028]))

# (receipt, term, unit, due with day 1 the day after, due with day 1 the day of receipt)
FIRST_DAY_TABLE = [
    # Thu 05.11.2026: 06(1) 09-13(2-6) 16-20(7-11) 23-26(12-15) -> Thu 26.11; counting the
    # 5th as day 1, the 15th working day is Wed 25.11.
    (date(2026, 11, 5), 15, "working", date(2026, 11, 26), date(2026, 11, 25)),
    # Fri 20.03.2026, Nauryz: 23-25.03 weekday days off. 26(1) 27(2) 30.03-03.04(3-7)
    # 06-10(8-12) 13(13) 14(14) 15(15) -> Wed 15.04; from the 20th as day 1 -> Tue 14.04.
    (date(2026, 3, 20), 15, "working", date(2026, 4, 15), date(2026, 4, 14)),
    # 30 calendar days: 05.11 + 30 = Sat 05.12 -> the next working day, Mon 07.12; from the
    # 5th as day 1: 05.11 + 29 = Fri 04.12.
    (date(2026, 11, 5), 30, "calendar", date(2026, 12, 7), date(2026, 12, 4)),
    # Mon 14.12.2026, 20 working days: Independence Day Wed 16.12; 01.01 and Sat 02.01
    # observed on Mon 04.01; Orthodox Christmas Thu 07.01. 15(1) 17(2) 18(3) 21-25(4-8)
    # 28-31(9-12) 05(13) 06(14) 08(15) 11-15(16-20) -> Fri 15.01.2027; from the 14th: 14.01.
    (date(2026, 12, 14), 20, "working", date(2027, 1, 15), date(2027, 1, 14)),
]


@pytest.mark.parametrize(("receipt", "term", "unit", "after", "of_receipt"), FIRST_DAY_TABLE)
@pytest.mark.parametrize("first_day_is_receipt", [False, True])
def test_the_due_date_follows_the_policys_first_counting_day(
    receipt, term, unit, after, of_receipt, first_day_is_receipt
):
    policy = DeadlinePolicy(term=term, unit=unit, first_day_is_receipt=first_day_is_receipt)
    expected = of_receipt if first_day_is_receipt else after
    assert due_date(receipt, policy, CAL) == expected
    assert add_term(receipt, term, unit, CAL, start_is_day_1=first_day_is_receipt) == expected


@pytest.fixture
def counting_receipt_day(app, monkeypatch):
    """A profile whose statements count the day of receipt as day 1."""
    policy = DeadlinePolicy(
        profile="test-day-1",
        kind="statement",
        term=15,
        unit="working",
        extensions_allowed=1,
        total_cap_months=2,
        first_day_is_receipt=True,
        effective_from=date(2021, 7, 1),
        source="a test profile: day 1 is the day of receipt",
    )
    db.session.add(policy)
    db.session.commit()
    monkeypatch.setitem(app.config, "DEADLINE_PROFILE", "test-day-1")
    yield policy
    # The test's appeals are emptied after this teardown: let go of the row first.
    db.session.execute(update(Appeal).where(Appeal.policy_id == policy.id).values(policy_id=None))
    db.session.execute(delete(DeadlinePolicy).where(DeadlinePolicy.id == policy.id))
    db.session.commit()


def test_an_appeal_under_such_a_policy_and_its_explanation(make_user, counting_receipt_day):
    # Thu 05.11.2026, 10:00 in Almaty: registered that day; day 1 is the 5th -> due 25.11.
    appeal, _ = submit(make_user(), now=datetime(2026, 11, 5, 5, 0, tzinfo=UTC))
    assert appeal.policy_id == counting_receipt_day.id
    assert appeal.due_on == date(2026, 11, 25)
    assert explain_due(appeal) == (
        "registered 05.11.2026, 15 working days, day 1: the day of receipt: due 25.11.2026"
    )


def test_the_policy_page_shows_the_first_counting_day(admin_client):
    page = admin_client.get("/admin/policies").get_data(as_text=True)
    assert "Day 1" in page and "the day after" in page


def test_the_appk_complaint_term_cannot_be_extended():
    (complaint,) = [p for p in POLICIES if p.profile == "appk" and p.kind == "complaint"]
    assert (complaint.term, complaint.unit, complaint.extensions_allowed) == (20, "working", 0)
    assert "art. 99" in complaint.source and "art. 100(5)" in complaint.source
    seeded = policy_in_force("complaint", date(2026, 12, 1))
    assert seeded.extensions_allowed == 0 and seeded.extension_max == 0
    # Received Mon 14.12.2026, due Fri 15.01.2027 (above): no date is a lawful extension.
    refusal = extension_error(
        received_on=date(2026, 12, 14),
        current_due=date(2027, 1, 15),
        new_due=date(2027, 1, 20),
        decided_on=date(2027, 1, 5),
        extensions_so_far=0,
        terms=terms_of(seeded),
        calendar=CAL,
    )
    assert refusal == "This kind of appeal cannot be extended."


def test_a_complaint_not_decided_in_time_is_deemed_rejected(make_user, client, login):
    citizen = make_user()
    complaint, _ = submit(citizen, kind=AppealKind.COMPLAINT, now=now_utc() - timedelta(days=60))
    statement, _ = submit(citizen, now=now_utc() - timedelta(days=60))
    today = local_today()
    assert complaint.is_deemed_rejected_on(today) and complaint.is_overdue_on(today)
    assert statement.is_overdue_on(today) and not statement.is_deemed_rejected_on(today)
    login(citizen)
    assert "data-deemed-rejected" in client.get(f"/appeals/{complaint.id}").get_data(as_text=True)
    page = client.get(f"/appeals/{statement.id}").get_data(as_text=True)
    assert "data-overdue" in page and "data-deemed-rejected" not in page
    # Within its term it is neither.
    fresh, _ = submit(citizen, kind=AppealKind.COMPLAINT)
    assert not fresh.is_deemed_rejected_on(today)
    assert db.session.execute(select(DeadlinePolicy.id)).first() is not None
