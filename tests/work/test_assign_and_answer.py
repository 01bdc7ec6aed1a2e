"""Assigning the executor and answering, through the work page: who may, and every refusal
with a clear message and nothing changed."""

from __future__ import annotations

import io

from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Attachment
from tests.e2e.test_citizen_journey import minimal_pdf
from tests.pages import by_testid, field_error, field_value, page_text
from tests.work.conftest import events_of, flashed, notices_of, post_step, state

REASONED = (
    "We checked your complaint with the polyclinic: the cardiologist's schedule was full. "
    "You are booked for 2 December at 10:00. Under the APPK you may complain about this "
    "answer to the Akimat of Astana or to the court."
)


# --- Assign -----------------------------------------------------------------------------------


def test_head_assigns_an_official_and_the_applicant_is_told(client, login, people, appeal):
    login(people.head)

    response = post_step(client, appeal.id, "assign", "assign", executor_id=people.official.id)

    assert "Daniyar Omarov is now the executor." in flashed(client, response)
    db.session.refresh(appeal)
    assert appeal.status == "in_progress" and appeal.executor_id == people.official.id
    assigned = events_of(appeal.id)[-1]
    assert assigned.kind == "assigned" and assigned.actor_id == people.head.id
    notices = notices_of(appeal.id)
    assert ("appeal_assigned", people.citizen.email) in notices
    assert ("executor_assigned", people.official.email) in notices


def test_head_reassigns_and_the_timeline_keeps_both(client, login, people, assigned):
    login(people.head)

    response = post_step(client, assigned.id, "assign", "assign", executor_id=people.colleague.id)

    assert "Gulnara Abenova is now the executor." in flashed(client, response)
    db.session.refresh(assigned)
    assert assigned.status == "in_progress" and assigned.executor_id == people.colleague.id
    kinds = [e.kind for e in events_of(assigned.id)]
    assert kinds.count("assigned") == 2
    assert events_of(assigned.id)[-1].data["previous_executor_id"] == people.official.id


def test_head_of_the_superior_body_may_assign(client, login, people, appeal):
    login(people.superior_head)

    response = post_step(client, appeal.id, "assign", "assign", executor_id=people.official.id)

    assert "is now the executor" in flashed(client, response)
    db.session.refresh(appeal)
    assert appeal.executor_id == people.official.id


def test_an_official_cannot_assign(client, login, people, assigned):
    login(people.official)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "assign", "assign", executor_id=people.colleague.id)

    assert "this step is its head's" in flashed(client, response)
    assert state(assigned.id) == before


def test_an_executor_of_another_body_is_refused(client, login, people, appeal):
    login(people.head)
    before = state(appeal.id)

    # Not among the choices: a form error, nothing saved.
    response = post_step(client, appeal.id, "assign", "assign", executor_id=people.stranger.id)

    assert response.status_code == 400
    assert "Not a valid choice" in field_error(
        response.get_data(as_text=True), "assign-executor_id"
    )
    assert state(appeal.id) == before


def test_assigning_the_same_executor_again_is_refused(client, login, people, assigned):
    login(people.head)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "assign", "assign", executor_id=people.official.id)

    assert "Daniyar Omarov is the executor already." in flashed(client, response)
    assert state(assigned.id) == before


def test_a_closed_appeal_cannot_be_assigned(client, login, people, assigned):
    from appeals.intake.applicant import rate_answer
    from appeals.work.service import answer_appeal

    answer_appeal(assigned, REASONED, "satisfied", people.official)
    rate_answer(assigned, "satisfied", None, people.citizen)
    db.session.commit()
    login(people.head)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    assert by_testid(page, "assign-form") is None
    before = state(assigned.id)

    response = post_step(client, assigned.id, "assign", "assign", executor_id=people.colleague.id)

    assert "An appeal that is closed cannot be assigned." in flashed(client, response)
    assert state(assigned.id) == before


# --- Answer -----------------------------------------------------------------------------------


def test_the_executor_answers_with_an_attachment(client, login, people, assigned):
    login(people.official)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    form = by_testid(page, "answer-form")
    assert form is not None
    # The page shows the paragraph on how to complain, and to whom, that the system adds to the
    # answer, in the appeal's language.
    paragraph = by_testid(page, "complaint-paragraph").text()
    assert "The system adds to every answer" in paragraph
    assert "Akimat of Astana" in paragraph and "APPK art. 92" in paragraph

    response = client.post(
        f"/work/appeals/{assigned.id}/answer",
        data={
            "answer-version": str(assigned.version),
            "answer-decision": "partly_satisfied",
            "answer-text": REASONED,
            "answer-attachments": [(io.BytesIO(minimal_pdf()), "decision.pdf")],
        },
        content_type="multipart/form-data",
    )

    assert "The answer is sent; the applicant is notified." in flashed(client, response)
    db.session.refresh(assigned)
    assert assigned.status == "answered" and assigned.decision == "partly_satisfied"
    answer = assigned.answers[-1]
    assert answer.text == REASONED and answer.author_id == people.official.id
    files = db.session.execute(select(Attachment).where(Attachment.answer_id == answer.id))
    assert [f.filename for f in files.scalars()] == ["decision.pdf"]
    assert ("appeal_answered", people.citizen.email) in notices_of(assigned.id)
    db.session.commit()

    # The applicant sees the answer and its file; the file is not among the applicant's own.
    login(people.citizen)
    page = client.get(f"/appeals/{assigned.id}").get_data(as_text=True)
    assert "Partly satisfied" in by_testid(page, "answer").text()
    assert "decision.pdf" in by_testid(page, "answer-attachments").text()
    assert by_testid(page, "attachments") is None


def test_with_csrf_checked_the_answer_forms_own_token_is_accepted(
    app, client, login, people, assigned, monkeypatch
):
    """As in production, with the CSRF check on: the answer form's token (its prefix names it
    answer-csrf_token) is accepted and the answer saved. Each step's view was once a
    functools.partial, which Flask-WTF's check cannot name: every step's post was a 500."""
    login(people.official)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)

    response = client.post(
        f"/work/appeals/{assigned.id}/answer",
        data={
            "answer-csrf_token": field_value(page, "answer-csrf_token"),
            "answer-version": field_value(page, "answer-version"),
            "answer-decision": "explained",
            "answer-text": REASONED,
        },
    )

    assert "The answer is sent; the applicant is notified." in flashed(client, response)
    db.session.refresh(assigned)
    assert assigned.status == "answered" and assigned.answers[-1].text == REASONED


def test_the_head_may_answer_an_unassigned_appeal(client, login, people, appeal):
    login(people.head)

    response = post_step(client, appeal.id, "answer", "answer", decision="explained", text=REASONED)

    assert "The answer is sent" in flashed(client, response)
    db.session.refresh(appeal)
    assert appeal.status == "answered"


def test_a_short_answer_is_a_form_error_and_nothing_is_saved(client, login, people, assigned):
    login(people.official)
    before = state(assigned.id)

    response = post_step(
        client, assigned.id, "answer", "answer", decision="refused", text="No. Goodbye."
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "at least 100 characters" in field_error(page, "answer-text")
    assert "Please correct the marked fields" in page_text(page)
    assert state(assigned.id) == before


def test_a_disguised_answer_attachment_is_refused(client, login, people, assigned):
    login(people.official)
    before = state(assigned.id)

    response = client.post(
        f"/work/appeals/{assigned.id}/answer",
        data={
            "answer-version": str(assigned.version),
            "answer-decision": "satisfied",
            "answer-text": REASONED,
            "answer-attachments": [(io.BytesIO(b"plain text"), "decision.pdf")],
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "answer-attachments")
    assert "not a PDF file" in error
    assert state(assigned.id) == before


def test_an_official_who_is_not_the_executor_cannot_answer(client, login, people, assigned):
    login(people.colleague)
    # An appeal assigned to a colleague is not in this official's scope at all.
    assert client.get(f"/work/appeals/{assigned.id}").status_code == 404
    before = state(assigned.id)

    response = post_step(client, assigned.id, "answer", "answer", decision="refused", text=REASONED)

    assert response.status_code == 404
    assert state(assigned.id) == before


def test_an_official_cannot_answer_before_being_assigned(client, login, people, appeal):
    login(people.official)
    page = client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True)
    assert by_testid(page, "answer-form") is None
    assert "the head of the body assigns one" in by_testid(page, "no-actions").text()
    before = state(appeal.id)

    response = post_step(client, appeal.id, "answer", "answer", decision="refused", text=REASONED)

    assert "Only the executor of this appeal or the head" in flashed(client, response)
    assert state(appeal.id) == before


def test_an_official_of_another_body_gets_not_found(client, login, people, assigned):
    login(people.stranger)
    before = state(assigned.id)

    assert client.get(f"/work/appeals/{assigned.id}").status_code == 404
    response = post_step(client, assigned.id, "answer", "answer", decision="refused", text=REASONED)

    assert response.status_code == 404
    assert "not yours to see" in page_text(response.get_data(as_text=True))
    assert state(assigned.id) == before


def test_the_head_of_another_body_gets_not_found(client, login, people, assigned):
    login(people.stranger_head)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "assign", "assign", executor_id=people.stranger.id)

    assert response.status_code == 404
    assert state(assigned.id) == before


def test_a_citizen_is_forbidden_the_workspace(client, login, people, assigned):
    login(people.citizen)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "answer", "answer", decision="refused", text=REASONED)

    assert response.status_code == 403
    assert "for the officials and heads of state bodies" in page_text(
        response.get_data(as_text=True)
    )
    assert state(assigned.id) == before


def test_an_answered_appeal_cannot_be_answered_again(client, login, people, assigned):
    from appeals.work.service import answer_appeal

    answer_appeal(assigned, REASONED, "satisfied", people.official)
    db.session.commit()
    login(people.official)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "answer", "answer", decision="refused", text=REASONED)

    assert "An appeal that is answered cannot become answered." in flashed(client, response)
    assert state(assigned.id) == before
