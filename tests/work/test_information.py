"""The access-to-information kind through the services: numbering, routing, its term, the one
extension and the refusal window (Law No. 401-V, art. 11). The dates are worked by hand in
tests/deadlines/test_information.py: a request registered Thu 05.11.2026 is due Fri 20.11.2026
(05.11 + 15 calendar days) and may be extended to Mon 07.12.2026 at the latest (20.11 + 15 =
Sat 05.12, moved on)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.service import explain_due
from appeals.extensions import db
from appeals.intake.models import Appeal, AppealKind
from appeals.intake.workflow import TransitionRefused
from appeals.work.service import answer_appeal
from appeals.work.terms import extend_term
from tests.factories import submit
from tests.pages import by_testid
from tests.work.conftest import events_of, notices_of

# --- The kind through the services ------------------------------------------------------------

# Thu 05.11.2026 10:00 in Almaty (UTC+5): registered that day, due Fri 20.11.2026 (above).
THURSDAY = datetime(2026, 11, 5, 5, 0, tzinfo=UTC)


@pytest.fixture
def request_for_information(people):
    appeal, _ = submit(people.citizen, kind=AppealKind.INFORMATION, now=THURSDAY)
    return appeal


def test_a_request_is_numbered_routed_and_given_its_term(request_for_information, people):
    appeal = request_for_information
    assert appeal.number.startswith("ДИ-2026-")
    assert appeal.current_body.code == "health-71"  # routed by category and region, as any
    assert appeal.registered_on == date(2026, 11, 5) and appeal.due_on == date(2026, 11, 20)
    assert explain_due(appeal) == (
        "registered 05.11.2026, 15 calendar days, day 1: the working day after receipt: "
        "due 20.11.2026"
    )


def test_it_is_extended_once_by_at_most_15_days(request_for_information, people):

    appeal = request_for_information
    with pytest.raises(TransitionRefused, match="07.12.2026 at the latest"):
        extend_term(appeal, date(2026, 12, 8), "More time", people.head, today=date(2026, 11, 18))
    db.session.rollback()
    extend_term(appeal, date(2026, 12, 7), "Archive search", people.head, today=date(2026, 11, 18))
    db.session.commit()
    assert appeal.extended_until == date(2026, 12, 7)
    # Decided Wed 18.11.2026: the notice is due by Mon 23.11.2026 (Thu 19, Fri 20, Mon 23).
    assert appeal.extension_notice_due_on == date(2026, 11, 23)
    assert ("term_extended", people.citizen.email) in notices_of(appeal.id)
    with pytest.raises(TransitionRefused, match="1 time"):
        extend_term(appeal, date(2026, 12, 7), "Again", people.head, today=date(2026, 11, 19))
    db.session.rollback()
    db.session.refresh(appeal)
    assert appeal.extended_until == date(2026, 12, 7)
    assert [e.kind for e in events_of(appeal.id)].count("extended") == 1


ANSWER = (
    "The information you ask for is a state secret under the Law on state secrets, art. 14: "
    "it cannot be given. You may complain to the superior body or to the court."
)


@pytest.mark.parametrize(
    ("refused_on", "late"),
    [
        # Registered Thu 05.11.2026: Fri 06 (1), Mon 09 (2) .. Thu 12.11.2026 (5).
        (datetime(2026, 11, 12, 10, 0, tzinfo=UTC), False),
        (datetime(2026, 11, 13, 10, 0, tzinfo=UTC), True),
    ],
)
def test_a_late_refusal_is_recorded_as_late(request_for_information, people, refused_on, late):
    appeal = request_for_information
    answer_appeal(appeal, ANSWER, "refused", people.head, at=refused_on)
    db.session.commit()
    answered = events_of(appeal.id)[-1]
    assert answered.kind == "answered" and answered.data.get("refused_late", False) is late
    assert appeal.status == "answered"


def test_a_late_answer_that_is_not_a_refusal_is_not_flagged(request_for_information, people):
    appeal = request_for_information
    answer_appeal(
        appeal,
        ANSWER.replace("cannot", "can"),
        "satisfied",
        people.head,
        at=datetime(2026, 11, 19, 10, 0, tzinfo=UTC),
    )
    db.session.commit()
    assert "refused_late" not in events_of(appeal.id)[-1].data


def test_a_statement_refused_late_is_never_flagged(people):
    statement, _ = submit(people.citizen, now=THURSDAY)
    answer_appeal(statement, ANSWER, "refused", people.head, at=datetime(2026, 11, 25, tzinfo=UTC))
    db.session.commit()
    assert "refused_late" not in events_of(statement.id)[-1].data


# --- The pages and the API offer the kind ------------------------------------------------------


def test_the_citizen_form_offers_the_kind_and_registers_it(client, login, people):
    from tests.pages import field_options
    from tests.samples import appeal_fields

    login(people.citizen)
    options = field_options(client.get("/appeals/new").get_data(as_text=True), "kind")
    assert options["information"].startswith("Access to information")
    response = client.post("/appeals/new", data=appeal_fields(kind="information"))
    assert response.status_code == 302, response.get_data(as_text=True)
    appeal = db.session.execute(select(Appeal).order_by(Appeal.id.desc())).scalars().first()
    db.session.commit()
    assert appeal.kind == "information" and appeal.number.startswith("ДИ-")
    assert db.session.get(DeadlinePolicy, appeal.policy_id).kind == "information"


def test_the_officials_page_shows_the_refusal_window_and_a_late_refusal_is_told(
    client, login, people, request_for_information
):
    from tests.work.conftest import flashed, post_step

    appeal = request_for_information
    login(people.head)
    page = client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True)
    # Registered Thu 05.11.2026: the window's last day is Thu 12.11.2026 (above); long past.
    window = by_testid(page, "refusal-window").text()
    assert "A reasoned refusal is due by 12.11.2026" in window

    response = post_step(client, appeal.id, "answer", "answer", decision="refused", text=ANSWER)

    assert "recorded as late" in flashed(client, response)
    assert events_of(appeal.id)[-1].data["refused_late"] is True


def test_a_statements_page_shows_no_refusal_window(client, login, people):
    statement, _ = submit(people.citizen)
    login(people.head)
    page = client.get(f"/work/appeals/{statement.id}").get_data(as_text=True)
    assert by_testid(page, "refusal-window") is None
