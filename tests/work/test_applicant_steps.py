"""The applicant's steps after submitting: rate the answer, withdraw, and complain to the
superior body (also when the term ran out with no answer)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.reference.models import Body
from appeals.timeutil import now_utc
from appeals.work.service import answer_appeal
from tests.factories import submit
from tests.pages import by_testid, field_error, page_text
from tests.samples import minimal_pdf
from tests.work.conftest import events_of, notices_of, state

ANSWER = (
    "Your appointment with the cardiologist is on 2 December at 10:00 (Order 12 of the Ministry "
    "of Health). You may complain about this answer to the Akimat of Astana or to the court."
)


def applicant_post(client, appeal_id: int, step: str, prefix: str, version=None, **fields):
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    if version is None:
        version = db.session.execute(
            select(Appeal.version).where(Appeal.id == appeal_id)
        ).scalar_one()
        db.session.commit()
    data[f"{prefix}-version"] = version
    return client.post(f"/appeals/{appeal_id}/{step}", data=data)


def followed(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return page_text(client.get(response.headers["Location"]).get_data(as_text=True))


@pytest.fixture
def answered(assigned, people):
    answer_appeal(assigned, ANSWER, "partly_satisfied", people.official)
    db.session.commit()
    return assigned


# --- Rating -----------------------------------------------------------------------------------


def test_rating_closes_the_appeal(client, login, people, answered):
    login(people.citizen)
    page = client.get(f"/appeals/{answered.id}").get_data(as_text=True)
    form = by_testid(page, "rate-form").text()
    assert all(label in form for label in ("Satisfied", "Partly satisfied", "Not satisfied"))

    response = applicant_post(
        client, answered.id, "rate", "rate", satisfaction="partly", comment="Too slow."
    )

    assert "your rating is recorded and the appeal is closed" in followed(client, response)
    db.session.refresh(answered)
    assert answered.status == "closed" and answered.closed_at is not None
    assert answered.satisfaction == "partly" and answered.satisfaction_comment == "Too slow."
    rated = events_of(answered.id)[-1]
    assert rated.kind == "rated" and rated.data == {"satisfaction": "partly"}
    assert ("answer_rated", people.official.email) in notices_of(answered.id)
    page = client.get(f"/appeals/{answered.id}").get_data(as_text=True)
    assert "Your rating: partly" in by_testid(page, "rating").text()
    assert by_testid(page, "rate-form") is None


def test_rating_twice_is_refused(client, login, people, answered):
    login(people.citizen)
    applicant_post(client, answered.id, "rate", "rate", satisfaction="satisfied")
    before = state(answered.id)

    response = applicant_post(client, answered.id, "rate", "rate", satisfaction="not_satisfied")

    assert "The answer has been rated already." in followed(client, response)
    assert state(answered.id) == before


def test_an_unanswered_appeal_cannot_be_rated(client, login, people, assigned):
    login(people.citizen)
    assert (
        by_testid(client.get(f"/appeals/{assigned.id}").get_data(as_text=True), "rate-form") is None
    )
    before = state(assigned.id)

    response = applicant_post(client, assigned.id, "rate", "rate", satisfaction="satisfied")

    assert "in progress cannot become closed" in followed(client, response)
    assert state(assigned.id) == before


def test_a_rating_must_be_chosen(client, login, people, answered):
    login(people.citizen)
    before = state(answered.id)

    response = applicant_post(client, answered.id, "rate", "rate", satisfaction="delighted")

    assert response.status_code == 400
    assert "Not a valid choice" in page_text(response.get_data(as_text=True))
    assert state(answered.id) == before


def test_another_citizen_cannot_rate_or_even_see_it(client, login, people, answered):
    login(people.other_citizen)
    before = state(answered.id)

    response = applicant_post(client, answered.id, "rate", "rate", satisfaction="not_satisfied")

    assert response.status_code == 404
    assert state(answered.id) == before


def test_staff_cannot_rate_for_the_applicant(client, login, people, answered):
    login(people.head)  # may read the appeal, but the rating is the applicant's
    before = state(answered.id)

    response = applicant_post(client, answered.id, "rate", "rate", satisfaction="satisfied")

    assert "Only the applicant can rate the answer." in followed(client, response)
    assert state(answered.id) == before


# --- Withdrawing ------------------------------------------------------------------------------


def test_the_applicant_withdraws_and_the_executor_is_told(client, login, people, assigned):
    login(people.citizen)

    response = applicant_post(
        client, assigned.id, "withdraw", "withdraw", reason="Solved by the clinic."
    )

    assert "Your appeal is withdrawn." in followed(client, response)
    db.session.refresh(assigned)
    assert assigned.status == "withdrawn"
    assert events_of(assigned.id)[-1].note == "Solved by the clinic."
    assert ("appeal_withdrawn", people.official.email) in notices_of(assigned.id)


def test_a_closed_appeal_cannot_be_withdrawn(client, login, people, answered):
    login(people.citizen)
    applicant_post(client, answered.id, "rate", "rate", satisfaction="satisfied")
    page = client.get(f"/appeals/{answered.id}").get_data(as_text=True)
    assert by_testid(page, "withdraw-form") is None
    before = state(answered.id)

    response = applicant_post(client, answered.id, "withdraw", "withdraw")

    assert "closed cannot become withdrawn" in followed(client, response)
    assert state(answered.id) == before


def test_withdrawing_a_page_seen_before_the_answer_is_refused(client, login, people, assigned):
    login(people.citizen)
    seen = assigned.version
    answer_appeal(assigned, ANSWER, "satisfied", people.official)
    db.session.commit()
    before = state(assigned.id)

    response = applicant_post(client, assigned.id, "withdraw", "withdraw", version=seen)

    assert "changed meanwhile by someone else" in followed(client, response)
    assert state(assigned.id) == before


# --- Complaining ------------------------------------------------------------------------------


def _body(code: str) -> Body:
    return db.session.execute(select(Body).where(Body.code == code)).scalar_one()


def test_a_complaint_goes_to_the_superior_body_with_the_complaint_term(
    client, login, people, answered
):
    login(people.citizen)
    page = client.get(f"/appeals/{answered.id}").get_data(as_text=True)
    assert by_testid(page, "complaint-form") is not None
    text = "The appointment is too late: my condition needs a cardiologist this week."

    response = applicant_post(
        client, answered.id, "complain", "complaint", reason="disagrees", text=text
    )

    # The receipt of the new appeal, with its number and access code shown once.
    assert response.status_code == 302 and "/receipt" in response.headers["Location"]
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert by_testid(receipt, "access-code") is not None
    complaint = db.session.execute(
        select(Appeal).where(Appeal.parent_id == answered.id)
    ).scalar_one()
    assert complaint.kind == "complaint" and complaint.number.startswith("Ж-")
    assert complaint.parent_reason == "disagrees" and complaint.text == text
    assert complaint.applicant_id == people.citizen.id
    assert complaint.current_body.code == "akimat-71"  # health-71's superior body
    assert complaint.status == "registered"
    calendar = working_calendar()
    assert complaint.due_on == calendar.add_working_days(complaint.registered_on, 20)
    assert [e.kind for e in complaint.events] == ["submitted", "routed"]
    assert complaint.events[-1].from_body_id == answered.current_body_id
    complained = events_of(answered.id)[-1]
    assert complained.kind == "complained"
    assert complained.data["complaint_number"] == complaint.number
    assert complained.data["late"] is False
    assert ("complaint_received", people.citizen.email) in notices_of(complaint.id)
    # The citizen's page of the complaint links back to the answered appeal.
    page = client.get(f"/appeals/{complaint.id}").get_data(as_text=True)
    assert answered.number in by_testid(page, "parent-link").text()
    db.session.commit()

    # The superior body's head has it in the inbox; the answering body's head does not.
    login(people.superior_head)
    assert complaint.number in client.get("/work/").get_data(as_text=True)
    login(people.head)
    assert complaint.number not in client.get("/work/").get_data(as_text=True)


def test_a_complaint_after_rating_is_still_accepted(client, login, people, answered):
    login(people.citizen)
    applicant_post(client, answered.id, "rate", "rate", satisfaction="not_satisfied")

    response = applicant_post(
        client, answered.id, "complain", "complaint", reason="other_defect", text="x" * 40
    )

    assert "/receipt" in response.headers["Location"]


def test_a_second_complaint_while_the_first_is_open_is_refused(client, login, people, answered):
    login(people.citizen)
    applicant_post(client, answered.id, "complain", "complaint", reason="late", text="x" * 40)
    before = state(answered.id)

    response = applicant_post(
        client, answered.id, "complain", "complaint", reason="late", text="y" * 40
    )

    assert "is being considered already" in followed(client, response)
    assert state(answered.id) == before


def test_no_complaint_while_the_term_still_runs(client, login, people, assigned):
    login(people.citizen)
    page = client.get(f"/appeals/{assigned.id}").get_data(as_text=True)
    assert by_testid(page, "complaint-form") is None
    before = state(assigned.id)

    response = applicant_post(
        client, assigned.id, "complain", "complaint", reason="late", text="x" * 40
    )

    assert "once the term has run out with no answer" in followed(client, response)
    assert state(assigned.id) == before


def test_an_overdue_appeal_counts_as_refused_and_may_be_complained_about(client, login, people):
    """APPK art. 91(2): no decision by the due date is a refusal; the applicant need not wait."""
    overdue, _ = submit(people.citizen, now=now_utc() - timedelta(days=40))
    login(people.citizen)
    page = client.get(f"/appeals/{overdue.id}").get_data(as_text=True)
    assert "counts this as a refusal" in by_testid(page, "complaint-form").text()

    response = applicant_post(
        client, overdue.id, "complain", "complaint", reason="late", text="No answer in 40 days."
    )

    assert "/receipt" in response.headers["Location"]
    complaint = db.session.execute(
        select(Appeal).where(Appeal.parent_id == overdue.id)
    ).scalar_one()
    assert complaint.current_body.code == "akimat-71"
    assert complaint.subject == f"Complaint about no answer in time to appeal {overdue.number}"
    db.session.refresh(overdue)
    assert overdue.status == "registered"  # still open at its body: the complaint is apart


def test_without_a_superior_body_the_routing_rules_decide(client, login, people, make_user):
    """The akimat has no superior body in the seed: the complaint is routed as usual, and still
    gets the complaint term."""
    appeal, _ = submit(people.citizen, category="land", subject="Land plot refused")
    assert appeal.current_body.parent_id is None
    akimat_head = make_user(body_code=appeal.current_body.code, role="head")
    answer_appeal(appeal, ANSWER, "refused", akimat_head)
    db.session.commit()
    login(people.citizen)

    applicant_post(client, appeal.id, "complain", "complaint", reason="disagrees", text="x" * 40)

    complaint = db.session.execute(select(Appeal).where(Appeal.parent_id == appeal.id)).scalar_one()
    assert complaint.status == "registered" and complaint.routing_rule_id is not None
    calendar = working_calendar()
    assert complaint.due_on == calendar.add_working_days(complaint.registered_on, 20)


def test_a_complaint_needs_its_text(client, login, people, answered):
    login(people.citizen)
    before = state(answered.id)

    response = applicant_post(client, answered.id, "complain", "complaint", reason="late", text="")

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "complaint-text")
    assert state(answered.id) == before


def test_only_the_applicant_may_complain(client, login, people, answered):
    login(people.head)
    before = state(answered.id)

    response = applicant_post(
        client, answered.id, "complain", "complaint", reason="late", text="x" * 40
    )

    assert "Only the applicant can complain about this appeal." in followed(client, response)
    assert state(answered.id) == before


# --- Adding documents and clarifications (#13) -------------------------------------------


def supplement(client, appeal_id: int, text: str = "", files=(), version=None):
    data = {"supplement-text": text, "supplement-attachments": list(files)}
    data["supplement-version"] = version if version is not None else _version(appeal_id)
    return client.post(
        f"/appeals/{appeal_id}/supplement", data=data, content_type="multipart/form-data"
    )


def _version(appeal_id: int) -> int:
    version = db.session.execute(select(Appeal.version).where(Appeal.id == appeal_id)).scalar_one()
    db.session.commit()
    return version


def test_the_applicant_adds_a_document_and_a_clarification_the_term_stays(
    client, login, people, assigned
):
    due = assigned.effective_due_on
    login(people.citizen)
    page = client.get(f"/appeals/{assigned.id}").get_data(as_text=True)
    assert by_testid(page, "supplement-form") is not None
    response = supplement(
        client,
        assigned.id,
        "The clinic's refusal letter is attached.",
        [(io.BytesIO(minimal_pdf()), "refusal.pdf")],
    )
    text = followed(client, response)
    assert "Added to your appeal" in text and "refusal.pdf" in text
    event = events_of(assigned.id)[-1]
    assert event.kind == "supplemented" and event.note == "The clinic's refusal letter is attached."
    assert event.data == {"files": ["refusal.pdf"]}
    db.session.refresh(assigned)
    assert assigned.effective_due_on == due and assigned.status == "in_progress"
    assert ("appeal_supplemented", people.official.email) in notices_of(assigned.id)


def test_adding_nothing_or_to_a_closed_appeal_is_refused_and_nothing_changes(
    client, login, people, answered
):
    login(people.citizen)
    before = state(answered.id)
    response = supplement(client, answered.id, "Too late, it is answered already.")
    assert "only while the appeal is open" in followed(client, response)
    assert state(answered.id) == before


def test_an_empty_addition_and_a_bad_file_keep_what_was_typed(client, login, people, assigned):
    login(people.citizen)
    before = state(assigned.id)
    assert "Write a clarification or attach a document" in followed(
        client, supplement(client, assigned.id, "   ")
    )
    response = supplement(
        client,
        assigned.id,
        "Here is the letter.",
        [(io.BytesIO(b"MZ\x90\x00 not a pdf"), "letter.pdf")],
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not a PDF" in field_error(html, "supplement-attachments")
    assert "Here is the letter." in html
    assert state(assigned.id) == before


def test_only_the_applicant_adds_to_an_appeal(client, login, people, assigned):
    login(people.other_citizen)
    assert supplement(client, assigned.id, "Not mine.", version=1).status_code == 404
    login(people.official)
    page = client.get(f"/appeals/{assigned.id}").get_data(as_text=True)
    assert by_testid(page, "supplement-form") is None
