"""Findings reopen the case: an upheld complaint sends the answered appeal back to its body
with a new term, its executor and the applicant told; anything else leaves it as it is."""

from __future__ import annotations

from datetime import timedelta

import pytest

from appeals.deadlines.service import due_date, policy_in_force, working_calendar
from appeals.extensions import db
from appeals.intake.applicant import file_complaint, rate_answer
from appeals.intake.models import Appeal, Satisfaction
from appeals.intake.workflow import TransitionRefused
from appeals.scores.formula import Rate
from appeals.scores.measures import body_measures
from appeals.scores.period import Period
from appeals.timeutil import local_today, now_utc
from appeals.work.reopen import reopen_appeal
from appeals.work.service import answer_appeal, assign_executor
from tests.factories import submit
from tests.work.conftest import events_of, notices_of, state


@pytest.fixture
def answered(assigned, people):
    answer_appeal(assigned, "An appointment on 2 December.", "refused", people.official)
    db.session.commit()
    return assigned


def complain(appeal: Appeal, citizen) -> Appeal:
    complaint, _code = file_complaint(appeal, "disagrees", "Two months is too long.", citizen)
    db.session.commit()
    return complaint


def decide(complaint: Appeal, decision: str, head) -> None:
    assign_executor(complaint, head, head)
    answer_appeal(complaint, "Decided on the complaint.", decision, head)
    db.session.commit()


def new_term_from_today(appeal: Appeal):
    today = local_today()
    return due_date(today, policy_in_force(appeal.kind, appeal.registered_on), working_calendar())


@pytest.mark.parametrize("decision", ["satisfied", "partly_satisfied"])
def test_an_upheld_complaint_reopens_the_appeal_for_its_executor(
    client, login, people, answered, decision
):
    complaint = complain(answered, people.citizen)

    decide(complaint, decision, people.superior_head)

    db.session.refresh(answered)
    assert answered.status == "in_progress"
    assert answered.executor_id == people.official.id
    assert answered.due_on == new_term_from_today(answered)
    assert answered.received_on == local_today() and answered.is_overdue is False
    reopened, back_in_work = events_of(answered.id)[-2:]
    assert reopened.kind == "reopened" and reopened.status_after == "reopened"
    assert reopened.data == {"source": "complaint", "source_number": complaint.number}
    assert back_in_work.kind == "assigned" and back_in_work.status_after == "in_progress"
    notices = notices_of(answered.id)
    assert ("appeal_reopened", people.citizen.email) in notices
    assert ("appeal_reopened_staff", people.official.email) in notices
    # Back in the official's inbox, with its new term.
    login(people.official)
    inbox = client.get("/work/").get_data(as_text=True)
    assert answered.number in inbox
    assert f"{answered.due_on:%d.%m.%Y}" in inbox


def test_a_rejected_complaint_leaves_the_appeal_decided(people, answered):
    complaint = complain(answered, people.citizen)
    before = state(answered.id)

    decide(complaint, "refused", people.superior_head)

    assert state(answered.id) == before


def test_a_closed_appeal_is_reopened_too_and_its_rating_set_aside(people, answered):
    rate_answer(answered, Satisfaction.NOT_SATISFIED, "Too late.", people.citizen)
    db.session.commit()
    complaint = complain(answered, people.citizen)

    decide(complaint, "satisfied", people.superior_head)

    db.session.refresh(answered)
    assert answered.status == "in_progress"
    assert answered.closed_at is None and answered.satisfaction is None


def test_without_its_executor_the_reopened_appeal_waits_for_the_head(people, answered):
    people.official.is_active = False
    db.session.commit()
    complaint = complain(answered, people.citizen)

    decide(complaint, "satisfied", people.superior_head)

    db.session.refresh(answered)
    assert answered.status == "reopened" and answered.executor_id is None
    heads = {
        address
        for template, address in notices_of(answered.id)
        if template == "appeal_reopened_staff"
    }
    assert heads == {people.head.email, people.deputy.email}
    assign_executor(answered, people.colleague, people.head)
    db.session.commit()
    assert answered.status == "in_progress"


def test_reopening_an_appeal_that_is_still_open_is_refused(people, assigned):
    before = state(assigned.id)

    with pytest.raises(TransitionRefused, match="Only an answered or closed appeal"):
        reopen_appeal(assigned, people.head, source="complaint", source_number="Ж-1")
    db.session.rollback()

    assert state(assigned.id) == before


def test_an_upheld_complaint_about_no_answer_leaves_the_open_appeal_running(people):
    """A complaint about a term run out finds the appeal still open: it keeps its own term."""
    overdue, _code = submit(people.citizen, now=now_utc() - timedelta(days=40))
    complaint, _code = file_complaint(overdue, "late", "No answer at all.", people.citizen)
    db.session.commit()
    before = state(overdue.id)

    decide(complaint, "satisfied", people.superior_head)

    assert state(overdue.id) == before
    assert db.session.get(Appeal, overdue.id).status == "registered"


def test_reopening_in_the_scores(people, answered):
    """The upheld complaint counts against the body that answered; the reopened appeal is
    no longer counted as answered until its new answer."""
    period = Period(local_today().replace(day=1), local_today())
    complaint = complain(answered, people.citizen)

    decide(complaint, "satisfied", people.superior_head)

    (health,) = body_measures(period, body_ids=[answered.current_body_id], today=local_today())
    assert health.complaints_rejected == Rate(0, 1)  # the one complaint about it was upheld
    assert health.timely == Rate(0, 0)  # reopened, not due yet: not counted until answered
