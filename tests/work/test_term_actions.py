"""Extension (asked by the executor, decided by the head), suspension, forwarding and leaving
without consideration, through the work page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete

from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.rules import add_months
from appeals.extensions import db
from appeals.intake.event_text import event_text
from appeals.intake.models import Appeal
from appeals.intake.workflow import TransitionRefused
from appeals.timeutil import now_utc
from appeals.work.defects import leave_ground_refusal
from appeals.work.service import leave_without_consideration
from tests.factories import body_id, submit
from tests.pages import by_testid, field_error, field_options, selected_options
from tests.work.conftest import events_of, flashed, notices_of, post_step, state


def later(appeal, days: int = 14) -> str:
    return (appeal.effective_due_on + timedelta(days=days)).isoformat()


def cap_of(appeal) -> date:
    """The APPK's cap: two months from receipt."""
    return add_months(appeal.received_on, 2)


# --- Asking for an extension ------------------------------------------------------------------


def test_the_executor_asks_and_nothing_changes_until_the_head_decides(
    client, login, people, assigned
):
    login(people.official)
    due = assigned.due_on

    response = post_step(
        client, assigned.id, "extension", "extension", until=later(assigned), reason="Expert"
    )

    assert "The extension request is sent to the head." in flashed(client, response)
    db.session.refresh(assigned)
    assert assigned.status == "in_progress" and assigned.effective_due_on == due
    requested = events_of(assigned.id)[-1]
    assert requested.kind == "extension_requested" and requested.note == "Expert"
    assert requested.data["until"] == later(assigned)
    # Both heads of the body hear of it.
    notices = notices_of(assigned.id)
    assert ("extension_requested", people.head.email) in notices
    assert ("extension_requested", people.deputy.email) in notices
    # The head's page shows the request and the decision forms.
    login(people.head)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    assert "Expert" in by_testid(page, "pending-extension").text()
    assert by_testid(page, "decide-extension") is not None


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (lambda a: cap_of(a) + timedelta(days=1), "at the latest"),
        (lambda a: a.effective_due_on, "must be later than the current one"),
    ],
)
def test_a_request_the_rules_could_never_grant_is_refused(
    client, login, people, assigned, until, message
):
    login(people.official)
    before = state(assigned.id)

    response = post_step(
        client,
        assigned.id,
        "extension",
        "extension",
        until=until(assigned).isoformat(),
        reason="Expert",
    )

    assert message in flashed(client, response)
    assert state(assigned.id) == before


def test_a_second_request_while_one_waits_is_refused(client, login, people, assigned):
    login(people.official)
    post_step(client, assigned.id, "extension", "extension", until=later(assigned), reason="One")
    before = state(assigned.id)

    response = post_step(
        client, assigned.id, "extension", "extension", until=later(assigned, 7), reason="Two"
    )

    assert "already waiting for the head's decision" in flashed(client, response)
    assert state(assigned.id) == before


def test_a_request_without_a_reason_is_a_form_error(client, login, people, assigned):
    login(people.official)
    before = state(assigned.id)

    response = post_step(
        client, assigned.id, "extension", "extension", until=later(assigned), reason=""
    )

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "extension-reason")
    assert state(assigned.id) == before


def test_an_official_not_in_charge_cannot_ask(client, login, people, appeal):
    login(people.official)  # the appeal is unassigned: visible, but not theirs to work
    before = state(appeal.id)

    response = post_step(
        client, appeal.id, "extension", "extension", until=later(appeal), reason="Expert"
    )

    assert "Only the executor of this appeal or the head" in flashed(client, response)
    assert state(appeal.id) == before


# --- Deciding on it ---------------------------------------------------------------------------


@pytest.fixture
def requested(client, login, people, assigned):
    from appeals.work.service import request_extension

    until = assigned.due_on + timedelta(days=14)
    request_extension(assigned, until, "Expert opinion awaited", people.official, today=_today())
    db.session.commit()
    return assigned


def _today() -> date:
    from appeals.timeutil import local_today

    return local_today()


def test_the_head_approves_and_the_term_is_extended(client, login, people, requested):
    login(people.head)
    until = requested.due_on + timedelta(days=14)

    response = post_step(client, requested.id, "extension/approve", "approve")

    assert f"extended until {until:%d.%m.%Y}" in flashed(client, response)
    db.session.refresh(requested)
    assert requested.extended_until == until and requested.effective_due_on == until
    extended = events_of(requested.id)[-1]
    assert extended.kind == "extended" and extended.note == "Expert opinion awaited"
    assert extended.data["to"] == until.isoformat() and extended.data["request_id"]
    assert ("term_extended", people.citizen.email) in notices_of(requested.id)
    # Decided: no request waits any more, and the APPK allows no second extension.
    page = client.get(f"/work/appeals/{requested.id}").get_data(as_text=True)
    assert by_testid(page, "pending-extension") is None
    assert by_testid(page, "extension-form") is None


def test_the_head_refuses_with_a_reason_and_the_executor_is_told(client, login, people, requested):
    login(people.head)
    due = requested.effective_due_on

    response = post_step(
        client, requested.id, "extension/refuse", "refuse", reason="The expert has answered."
    )

    assert "The extension is refused; the executor is told." in flashed(client, response)
    db.session.refresh(requested)
    assert requested.effective_due_on == due
    refused = events_of(requested.id)[-1]
    assert refused.kind == "extension_refused" and refused.note == "The expert has answered."
    assert ("extension_refused", people.official.email) in notices_of(requested.id)


def test_refusing_without_a_reason_is_a_form_error(client, login, people, requested):
    login(people.head)
    before = state(requested.id)

    response = post_step(client, requested.id, "extension/refuse", "refuse", reason="")

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "refuse-reason")
    assert state(requested.id) == before


def test_the_executor_cannot_approve_their_own_request(client, login, people, requested):
    login(people.official)
    before = state(requested.id)

    response = post_step(client, requested.id, "extension/approve", "approve")

    assert "this step is its head's" in flashed(client, response)
    assert state(requested.id) == before


def test_nothing_to_approve_without_a_request(client, login, people, assigned):
    login(people.head)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "extension/approve", "approve")

    assert "There is no extension request waiting for a decision." in flashed(client, response)
    assert state(assigned.id) == before


def test_a_request_cannot_be_approved_once_the_appeal_is_answered(client, login, people, requested):
    from appeals.work.service import answer_appeal

    answer_appeal(requested, "x" * 120, "explained", people.official)
    db.session.commit()
    login(people.head)
    before = state(requested.id)

    response = post_step(client, requested.id, "extension/approve", "approve")

    assert "There is no extension request waiting" in flashed(client, response)
    assert state(requested.id) == before


# --- Suspension ---------------------------------------------------------------------------------


def test_the_appk_allows_no_suspension(client, login, people, assigned):
    login(people.head)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    assert 'id="suspend-form"' not in page
    before = state(assigned.id)

    response = post_step(client, assigned.id, "suspend", "suspend", reason="Papers missing")

    assert "do not allow a suspension" in flashed(client, response)
    assert state(assigned.id) == before


@pytest.fixture
def suspending(assigned):
    """A profile that allows suspension (the APPK has none), restored afterwards."""
    policy = DeadlinePolicy(
        profile="test-work",
        kind="statement",
        term=15,
        unit="working",
        extensions_allowed=1,
        total_cap_months=2,
        suspension_allowed=True,
        effective_from=date(2020, 1, 1),
        source="test",
    )
    db.session.add(policy)
    db.session.flush()
    assigned.policy_id = policy.id
    db.session.commit()
    yield assigned
    db.session.rollback()
    assigned.policy_id = None
    db.session.commit()
    db.session.execute(delete(DeadlinePolicy).where(DeadlinePolicy.id == policy.id))
    db.session.commit()


def test_the_head_suspends_and_resumes(client, login, people, suspending):
    login(people.head)

    response = post_step(client, suspending.id, "suspend", "suspend", reason="Papers missing")

    assert "The appeal is suspended." in flashed(client, response)
    db.session.refresh(suspending)
    assert suspending.status == "suspended" and suspending.suspended_remaining > 0
    assert ("appeal_suspended", people.citizen.email) in notices_of(suspending.id)
    db.session.commit()

    response = post_step(client, suspending.id, "resume", "resume")

    assert "The appeal is resumed" in flashed(client, response)
    db.session.refresh(suspending)
    assert suspending.status == "in_progress" and suspending.suspended_remaining is None
    assert [e.kind for e in events_of(suspending.id)][-2:] == ["suspended", "resumed"]
    assert ("appeal_resumed", people.citizen.email) in notices_of(suspending.id)


def test_an_official_cannot_suspend(client, login, people, suspending):
    login(people.official)
    before = state(suspending.id)

    response = post_step(client, suspending.id, "suspend", "suspend", reason="Papers missing")

    assert "this step is its head's" in flashed(client, response)
    assert state(suspending.id) == before


def test_a_running_appeal_cannot_be_resumed(client, login, people, assigned):
    login(people.head)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "resume", "resume")

    assert "Only a suspended appeal can be resumed." in flashed(client, response)
    assert state(assigned.id) == before


# --- Forwarding -------------------------------------------------------------------------------


def test_the_head_forwards_within_the_window(client, login, people, assigned):
    login(people.head)
    akimat = body_id("akimat-71")
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    assert by_testid(page, "forward-late") is None
    choices = field_options(page, "forward-body_id")
    assert str(akimat) in choices and str(assigned.current_body_id) not in choices

    response = post_step(
        client, assigned.id, "forward", "forward", body_id=akimat, reason="Land is the akimat's"
    )

    # The appeal has left the head's body: back to the inbox, with the outcome.
    assert response.headers["Location"].endswith("/work/")
    assert "The appeal is forwarded to Akimat of Astana." in flashed(client, response)
    db.session.refresh(assigned)
    assert assigned.current_body_id == akimat and assigned.status == "registered"
    assert assigned.executor_id is None
    forwarded = events_of(assigned.id)[-1]
    assert forwarded.kind == "forwarded" and forwarded.data["late"] is False
    assert ("appeal_forwarded", people.citizen.email) in notices_of(assigned.id)


def test_a_late_forward_is_allowed_and_recorded(client, login, people):
    appeal, _ = submit(people.citizen, now=now_utc() - timedelta(days=12))
    login(people.head)
    page = client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True)
    assert "recorded as late" in by_testid(page, "forward-late").text()

    response = post_step(
        client, appeal.id, "forward", "forward", body_id=body_id("akimat-71"), reason="Misrouted"
    )

    assert "after the legal window: recorded as late" in flashed(client, response)
    assert events_of(appeal.id)[-1].data["late"] is True


def test_an_official_cannot_forward(client, login, people, assigned):
    login(people.official)
    before = state(assigned.id)

    response = post_step(
        client, assigned.id, "forward", "forward", body_id=body_id("akimat-71"), reason="Land"
    )

    assert "this step is its head's" in flashed(client, response)
    assert state(assigned.id) == before


def test_forwarding_needs_a_reason(client, login, people, assigned):
    login(people.head)
    before = state(assigned.id)

    response = post_step(
        client, assigned.id, "forward", "forward", body_id=body_id("akimat-71"), reason=" "
    )

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "forward-reason")
    assert state(assigned.id) == before


# --- Leaving without consideration ------------------------------------------------------------


def test_the_head_leaves_it_on_a_legal_ground(client, login, people, assigned):
    login(people.head)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    grounds = field_options(page, "leave-ground")
    assert "Repeated appeal with no new arguments on a matter already decided" in grounds.values()

    response = post_step(
        client, assigned.id, "leave", "leave", ground="repeated", note="See З-2026-00000007."
    )

    assert "left without consideration" in flashed(client, response)
    db.session.refresh(assigned)
    assert assigned.status == "left_without_consideration" and assigned.closed_at is not None
    left = events_of(assigned.id)[-1]
    assert left.kind == "left_without_consideration"
    assert left.data == {"code": "left_on_ground", "ground": "repeated"}
    assert left.note == "See З-2026-00000007."  # as the head typed it
    assert event_text(left).startswith("Repeated appeal with no new arguments")
    assert ("appeal_left_without_consideration", people.citizen.email) in notices_of(assigned.id)


def test_no_ground_and_no_body_is_preselected(client, login, people, assigned):
    login(people.head)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)

    for name in ("leave-ground", "forward-body_id"):
        options = list(field_options(page, name))
        assert options[0] == "", name  # "Choose…" comes first, and is what the page shows
        assert set(selected_options(page, name)) <= {""}, name


def test_leaving_without_a_ground_or_forwarding_without_a_body_is_a_form_error(
    client, login, people, assigned
):
    login(people.head)
    before = state(assigned.id)

    left = post_step(client, assigned.id, "leave", "leave", ground="", note="Kept")
    sent = post_step(client, assigned.id, "forward", "forward", body_id="", reason="Kept too")

    assert left.status_code == sent.status_code == 400
    assert field_error(left.get_data(as_text=True), "leave-ground") == "Choose the legal ground."
    assert "Kept" in left.get_data(as_text=True)
    assert field_error(sent.get_data(as_text=True), "forward-body_id") == (
        "Choose the body the appeal goes to."
    )
    assert state(assigned.id) == before


def test_a_signed_in_citizens_appeal_cannot_be_left_as_anonymous(client, login, people, assigned):
    login(people.head)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "leave", "leave", ground="anonymous")

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "leave-ground")
    assert error and "applicant of this appeal is known" in error
    assert state(assigned.id) == before
    # The service refuses it too (the API and any other caller go through it).
    with pytest.raises(TransitionRefused, match="applicant of this appeal is known"):
        leave_without_consideration(assigned, "anonymous", people.head)
    db.session.rollback()
    assert state(assigned.id) == before


def test_the_anonymous_ground_fits_an_anonymous_report_only(assigned):
    report = Appeal(applicant_id=None, kind="report", category_id=assigned.category_id)
    assert leave_ground_refusal(report, "anonymous") is None
    statement = Appeal(applicant_id=None, kind="statement", category_id=assigned.category_id)
    assert "not terminated as anonymous" in leave_ground_refusal(statement, "anonymous")
    assert leave_ground_refusal(Appeal(applicant_id=assigned.applicant_id), "no_matter") is None


def test_a_ground_off_the_list_is_a_form_error(client, login, people, assigned):
    login(people.head)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "leave", "leave", ground="dislike")

    assert response.status_code == 400
    assert "Not a valid choice" in field_error(response.get_data(as_text=True), "leave-ground")
    assert state(assigned.id) == before


def test_an_official_cannot_leave_it(client, login, people, assigned):
    login(people.official)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "leave", "leave", ground="no_matter")

    assert "this step is its head's" in flashed(client, response)
    assert state(assigned.id) == before


def test_a_withdrawn_appeal_cannot_be_left(client, login, people, assigned):
    from appeals.intake.applicant import withdraw_appeal

    withdraw_appeal(assigned, people.citizen)
    db.session.commit()
    login(people.head)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "leave", "leave", ground="no_matter")

    assert "withdrawn cannot become left without consideration" in flashed(client, response)
    assert state(assigned.id) == before
