"""Extension, suspension and forwarding as service calls: the lawful path, and every refusal
with a clear message and nothing changed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select

from appeals.accounts.models import Role
from appeals.deadlines.jobs import mark_overdue
from appeals.deadlines.models import DeadlinePolicy
from appeals.extensions import db
from appeals.intake.applicant import rate_answer
from appeals.intake.models import Decision, EventKind
from appeals.intake.workflow import TransitionRefused
from appeals.reference.models import Body
from appeals.work.service import answer_appeal, assign_executor
from appeals.work.terms import extend_term, forward_appeal, resume_appeal, suspend_appeal
from tests.factories import submit

# Thu 05.11.2026, 10:00 in Almaty: registered that day, due 26.11.2026 (15 working days).
SUBMITTED = datetime(2026, 11, 5, 5, 0, tzinfo=UTC)


@pytest.fixture
def case(make_user):
    citizen = make_user()
    head = make_user(Role.HEAD, body_code="health-71")
    official = make_user(Role.OFFICIAL, body_code="health-71")
    appeal, _ = submit(citizen, now=SUBMITTED)
    assert appeal.due_on == date(2026, 11, 26)
    return {"appeal": appeal, "head": head, "official": official, "citizen": citizen}


def snapshot(appeal):
    db.session.refresh(appeal)
    return (appeal.status, appeal.due_on, appeal.extended_until, len(appeal.events))


def refused(action, appeal, match: str):
    before = snapshot(appeal)
    with pytest.raises(TransitionRefused, match=match):
        action()
    db.session.rollback()
    assert snapshot(appeal) == before


def test_head_extends_within_two_months_and_the_applicant_is_told(case):
    appeal = case["appeal"]
    extend_term(
        appeal, date(2026, 12, 24), "Expert opinion awaited", case["head"], today=date(2026, 11, 20)
    )
    db.session.commit()
    assert appeal.effective_due_on == date(2026, 12, 24)
    event = appeal.events[-1]
    assert event.kind == EventKind.EXTENDED and event.note == "Expert opinion awaited"
    assert event.data == {"from": "2026-11-26", "to": "2026-12-24"}
    assert any(n.template == "term_extended" for n in _notices(appeal))


def test_extension_refusals(case):
    appeal, head, official = case["appeal"], case["head"], case["official"]
    day = date(2026, 11, 20)
    refused(
        lambda: extend_term(appeal, date(2027, 1, 6), "x", head, today=day),
        appeal,
        "05.01.2027 at the latest",
    )
    refused(
        lambda: extend_term(appeal, date(2026, 12, 1), "x", official, today=day),
        appeal,
        "Only staff",
    )
    refused(
        lambda: extend_term(appeal, date(2026, 12, 1), "  ", head, today=day),
        appeal,
        "needs a reason",
    )
    refused(
        lambda: extend_term(appeal, date(2026, 12, 1), "x", head, today=date(2026, 11, 27)),
        appeal,
        "already run out",
    )
    extend_term(appeal, date(2026, 12, 1), "first", head, today=day)
    db.session.commit()
    refused(
        lambda: extend_term(appeal, date(2026, 12, 10), "second", head, today=day), appeal, "1 time"
    )


def test_suspension_is_refused_under_the_appk(case):
    refused(
        lambda: suspend_appeal(
            case["appeal"], "missing papers", case["head"], today=date(2026, 11, 16)
        ),
        case["appeal"],
        "do not allow a suspension",
    )


@pytest.fixture
def suspending_policy(case):
    """A profile that allows suspension, to prove the mechanism (the APPK has none)."""
    appeal = case["appeal"]
    policy = DeadlinePolicy(
        profile="test-suspend",
        kind="statement",
        term=15,
        unit="working",
        extensions_allowed=1,
        suspension_allowed=True,
        effective_from=date(2020, 1, 1),
        source="test",
    )
    db.session.add(policy)
    db.session.flush()
    original = appeal.policy_id
    appeal.policy_id = policy.id
    db.session.commit()
    yield policy
    appeal.policy_id = original
    db.session.commit()
    db.session.execute(delete(DeadlinePolicy).where(DeadlinePolicy.id == policy.id))
    db.session.commit()


def test_suspend_and_resume_keep_the_days_left(case, suspending_policy):
    appeal, head = case["appeal"], case["head"]
    assign_executor(appeal, case["official"], head)
    suspend_appeal(appeal, "Waiting for the applicant's documents", head, today=date(2026, 11, 16))
    db.session.commit()
    assert appeal.status == "suspended" and appeal.suspended_remaining == 8
    refused(
        lambda: suspend_appeal(appeal, "again", head, today=date(2026, 11, 17)),
        appeal,
        "cannot become suspended",
    )
    # Resumed Mon 14.12: 8 working days left, 16.12 a holiday -> due Fri 25.12.
    resume_appeal(appeal, head, today=date(2026, 12, 14))
    db.session.commit()
    assert appeal.status == "in_progress" and appeal.due_on == date(2026, 12, 25)
    assert [e.kind for e in appeal.events][-2:] == ["suspended", "resumed"]


def test_closed_appeal_cannot_be_suspended_or_extended(case, suspending_policy):
    appeal, head = case["appeal"], case["head"]
    assign_executor(appeal, case["official"], head)
    answer_appeal(appeal, "Your appointment is on Monday.", Decision.SATISFIED, case["official"])
    rate_answer(appeal, "satisfied", None, case["citizen"])
    db.session.commit()
    refused(
        lambda: suspend_appeal(appeal, "late", head, today=date(2026, 11, 16)),
        appeal,
        "closed cannot become suspended",
    )
    refused(
        lambda: extend_term(appeal, date(2026, 12, 1), "x", head, today=date(2026, 11, 16)),
        appeal,
        "open, running",
    )


def test_forward_restarts_the_term_at_the_competent_body(case):
    appeal, head = case["appeal"], case["head"]
    akimat = db.session.execute(select(Body).where(Body.code == "akimat-71")).scalar_one()
    # Forwarded Tue 10.11 (3rd working day after receipt): in time. Received there 10.11,
    # due 15 working days later: 11-13(1-3) 16-20(4-8) 23-27(9-13) 30.11(14) 01.12(15).
    late = forward_appeal(
        appeal, akimat, "Land matters are the akimat's", head, today=date(2026, 11, 10)
    )
    db.session.commit()
    assert late is False
    assert appeal.current_body_id == akimat.id and appeal.status == "registered"
    assert appeal.due_on == date(2026, 12, 1)
    assert appeal.number.endswith("00000001")  # the number is kept through forwarding
    event = appeal.events[-1]
    assert event.kind == EventKind.FORWARDED and event.data["late"] is False
    assert any(n.template == "appeal_forwarded" for n in _notices(appeal))


def test_late_forward_is_allowed_and_recorded(case):
    akimat = db.session.execute(select(Body).where(Body.code == "akimat-71")).scalar_one()
    assert (
        forward_appeal(
            case["appeal"], akimat, "misdirected", case["head"], today=date(2026, 11, 12)
        )
        is True
    )
    db.session.commit()
    assert case["appeal"].events[-1].data["late"] is True


def test_forward_to_the_same_body_is_refused(case):
    appeal = case["appeal"]
    same = db.session.get(Body, appeal.current_body_id)
    refused(
        lambda: forward_appeal(appeal, same, "x", case["head"], today=date(2026, 11, 6)),
        appeal,
        "already at this body",
    )


def _notices(appeal):
    from appeals.notifications.models import Notification

    return (
        db.session.execute(select(Notification).where(Notification.appeal_id == appeal.id))
        .scalars()
        .all()
    )


def test_a_suspended_appeal_past_its_old_due_date_is_not_overdue_anywhere(
    case, suspending_policy, client, login
):
    """The clock is stopped: the page, the sweep and the scores agree (they read the same
    RUNNING_STATUSES). Before, the page showed "overdue" for an appeal the sweep never flagged."""
    appeal, head = case["appeal"], case["head"]
    assign_executor(appeal, case["official"], head)
    suspend_appeal(appeal, "Waiting for the applicant's documents", head, today=date(2026, 11, 16))
    db.session.commit()
    after_old_due = date(2026, 12, 10)  # the old due date was 26.11
    assert appeal.effective_due_on < after_old_due
    assert not appeal.is_overdue_on(after_old_due)
    assert mark_overdue(after_old_due, appeal.id) == 0
    db.session.commit()
    login(case["citizen"])
    page = client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    assert "suspended" in page and "data-overdue" not in page
    # Resumed, its clock runs again: overdue once the new due date is past, on the page too.
    resume_appeal(appeal, head, today=date(2026, 11, 16))
    db.session.commit()
    assert appeal.is_overdue_on(after_old_due)
    assert "data-overdue" in client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
