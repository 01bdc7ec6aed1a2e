"""Anonymous appeals: anyone may submit one without an account; it is registered and numbered
like any appeal (acceptance is mandatory). By kind (APPK art. 88(1)(2)): a report, proposal,
feedback or request is then left without consideration, unless it reports a crime or a threat
to state or public security, which goes at once to the competent body; a statement or a
complaint is registered at the body, which asks for the missing requisites (art. 64(6))."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.intake.service import access_code_matches
from appeals.notifications.models import Notification
from appeals.notifications.service import render_notice
from tests.factories import category_id
from tests.pages import by_testid, csrf_token, field_error, field_value, page_text
from tests.samples import (
    EXE_BYTES,
    NOTHING_SAVED,
    appeal_fields,
    minimal_pdf,
    saved_counts,
    upload,
)

URL = "/appeals/anonymous"
EMAIL = "someone@mail.kz"


def anonymous_fields(**changes) -> dict:
    """A valid anonymous report (healthcare in Astana: not a crime report), with changes."""
    return appeal_fields(**({"kind": "report"} | changes))


def crime_report(**changes) -> dict:
    return anonymous_fields(
        category_id=str(category_id("police.crime_report")),
        subject="Drugs sold near school No. 12",
        text="Every evening a man sells drugs to teenagers behind school No. 12 on Abai street.",
        **changes,
    )


def the_appeal() -> Appeal:
    appeal = db.session.execute(select(Appeal)).scalar_one()
    db.session.commit()
    return appeal


def notices() -> list[Notification]:
    rows = db.session.execute(select(Notification).order_by(Notification.id)).scalars().all()
    db.session.commit()
    return list(rows)


def receipt(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"{URL}/receipt"
    return client.get(response.headers["Location"]).get_data(as_text=True)


def check_status(client, number: str, code: str) -> str:
    return client.post("/status", data={"number": number, "access_code": code}).get_data(
        as_text=True
    )


# --- The page -------------------------------------------------------------------------------


def test_the_page_needs_no_account_and_says_the_rule(client):
    response = client.get(URL)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "left without consideration" in by_testid(page, "anonymous-rule").text()
    assert field_value(page, "contact_email") == ""
    home = client.get("/").get_data(as_text=True)
    assert URL in home  # the nav link for anyone not signed in


def test_a_signed_in_citizen_is_sent_to_the_form_under_their_name(client, make_user, login):
    login(make_user())

    response = client.get(URL)

    assert response.status_code == 302
    assert response.headers["Location"] == "/appeals/new"
    assert "anonymous" not in client.get("/appeals/new").get_data(as_text=True).lower()


# --- Acceptance: numbered, receipt, then left without consideration --------------------------


def test_it_is_numbered_and_the_receipt_shows_number_and_access_code(client):
    page = receipt(client, client.post(URL, data=anonymous_fields()))

    appeal = the_appeal()
    assert appeal.applicant_id is None and appeal.is_anonymous
    assert appeal.number.startswith("С-") and appeal.registered_on is not None
    assert by_testid(page, "registration-number").text() == appeal.number
    code = by_testid(page, "access-code").text()
    assert access_code_matches(appeal, code)
    assert "left without consideration" in by_testid(page, "outcome").text()
    # The code is shown once: a reload shows the number only.
    again = client.get(f"{URL}/receipt").get_data(as_text=True)
    assert by_testid(again, "registration-number").text() == appeal.number
    assert by_testid(again, "access-code") is None


def test_another_browser_gets_no_receipt(app, client):
    client.post(URL, data=anonymous_fields())

    assert app.test_client().get(f"{URL}/receipt").status_code == 404


def test_it_is_left_without_consideration_with_a_notice_to_the_email_given(client, run_jobs):
    page = receipt(client, client.post(URL, data=anonymous_fields(contact_email=EMAIL)))

    appeal = the_appeal()
    assert appeal.status == "left_without_consideration" and appeal.closed_at is not None
    assert appeal.contact_email == EMAIL and appeal.current_body_id is None
    assert [e.kind for e in appeal.events] == ["submitted", "left_without_consideration"]
    left = appeal.events[-1]
    assert left.data == {"code": "left_on_ground", "ground": "anonymous"} and left.note is None
    [notice] = notices()
    assert (notice.template, notice.address, notice.appeal_id) == (
        "anonymous_appeal_left",
        EMAIL,
        appeal.id,
    )
    subject, body = render_notice(notice)
    assert appeal.number in subject and "left without consideration" in subject
    assert "Legal ground: Anonymous appeal" in body
    assert "considered only when it reports a crime" in body
    assert by_testid(page, "access-code").text() in body  # to check the status later
    run_jobs()
    db.session.refresh(notice)
    assert notice.status == "sent"


@pytest.mark.parametrize(("kind", "prefix"), [("statement", "З-"), ("complaint", "Ж-")])
def test_an_anonymous_statement_or_complaint_is_registered_for_the_defects_path(
    client, kind, prefix
):
    page = receipt(client, client.post(URL, data=anonymous_fields(kind=kind)))

    appeal = the_appeal()
    assert appeal.number.startswith(prefix)
    assert appeal.status == "registered" and appeal.current_body.code == "health-71"
    assert appeal.due_on is not None and appeal.closed_at is None
    assert [e.kind for e in appeal.events] == ["submitted", "routed"]
    outcome = by_testid(page, "outcome").text()
    assert "name, IIN, address and signature" in outcome and "art. 64(6)-(7)" in outcome


@pytest.mark.parametrize("kind", ["proposal", "feedback", "request"])
def test_the_other_simplified_kinds_are_left_without_consideration(client, kind):
    receipt(client, client.post(URL, data=anonymous_fields(kind=kind)))

    appeal = the_appeal()
    assert appeal.status == "left_without_consideration"
    assert appeal.events[-1].data == {"code": "left_on_ground", "ground": "anonymous"}


def test_without_an_email_no_notice_is_sent(client):
    receipt(client, client.post(URL, data=anonymous_fields(contact_email="")))

    appeal = the_appeal()
    assert appeal.status == "left_without_consideration" and appeal.contact_email is None
    assert notices() == []


def test_a_crime_report_is_routed_to_the_competent_body_and_registered(client):
    page = receipt(client, client.post(URL, data=crime_report(contact_email=EMAIL)))

    appeal = the_appeal()
    assert appeal.status == "registered"
    assert appeal.current_body.code == "police-71" and appeal.due_on is not None
    assert [e.kind for e in appeal.events] == ["submitted", "routed"]
    assert "Police Department of Astana" in by_testid(page, "outcome").text()
    [notice] = notices()
    assert (notice.template, notice.address) == ("appeal_registered", EMAIL)


@pytest.mark.parametrize("code", ["corruption", "police.security_threat"])
def test_corruption_and_security_threats_are_considered_too(client, code):
    receipt(client, client.post(URL, data=anonymous_fields(category_id=str(category_id(code)))))

    appeal = the_appeal()
    assert appeal.status == "registered" and appeal.current_body is not None


def test_a_report_about_the_police_itself_is_not_a_crime_report(client):
    # The parent category of the crime reports is not one itself.
    receipt(client, client.post(URL, data=anonymous_fields(category_id=str(category_id("police")))))

    assert the_appeal().status == "left_without_consideration"


def test_an_anonymous_crime_report_appears_in_the_bodys_inbox(client, make_user, login):
    from appeals.accounts.models import Role

    client.post(URL, data=crime_report())
    appeal = the_appeal()
    login(make_user(Role.HEAD, body_code="police-71"))

    page = client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True)

    assert appeal.number in page_text(page)
    assert "anonymous" in page_text(page)


# --- The status check with the access code --------------------------------------------------


def test_the_status_check_works_with_the_receipts_code(client):
    page = receipt(client, client.post(URL, data=anonymous_fields()))
    appeal = the_appeal()
    code = by_testid(page, "access-code").text()

    result = by_testid(check_status(client, appeal.number, code), "status-result")

    assert result is not None and appeal.number in result.text()
    assert "left without consideration" in result.text()
    events = [e.attrs["data-event"] for e in result.iter() if "data-event" in e.attrs]
    assert events == ["submitted", "left_without_consideration"]
    wrong = check_status(client, appeal.number, "ABCDEFGHJK")
    assert field_error(wrong, "access_code") == "No appeal matches this number and access code."


# --- Refusals: form errors, nothing saved ----------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"contact_email": "not-an-address"}, "contact_email", "Invalid email"),
        ({"subject": ""}, "subject", "required"),
        ({"text": "Too short."}, "text", "between 20"),
        ({"category_id": "999999"}, "category_id", "Not a valid choice"),
    ],
    ids=["bad e-mail", "no subject", "short text", "unknown category"],
)
def test_a_wrong_field_is_a_form_error_and_nothing_is_saved(client, changes, field, message):
    response = client.post(URL, data=anonymous_fields(**changes))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in (field_error(page, field) or "")
    assert "Please correct the marked fields" in page_text(page)
    assert saved_counts() == NOTHING_SAVED


def test_a_bad_upload_is_a_form_error_and_nothing_is_saved(client):
    response = client.post(
        URL,
        data={**crime_report(), "attachments": [upload(EXE_BYTES, "evidence.pdf")]},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    error = field_error(response.get_data(as_text=True), "attachments")
    assert error is not None and "evidence.pdf" in error
    assert saved_counts() == NOTHING_SAVED


def test_a_good_upload_is_kept(client):
    content = minimal_pdf()
    response = client.post(
        URL,
        data={**crime_report(), "attachments": [upload(content, "photo.pdf")]},
        content_type="multipart/form-data",
    )

    receipt(client, response)
    [attachment] = the_appeal().attachments
    assert (attachment.filename, attachment.size) == ("photo.pdf", len(content))


def test_too_many_files_are_refused(app, client):
    files = [upload(minimal_pdf(), f"f{i}.pdf") for i in range(app.config["MAX_ATTACHMENTS"] + 1)]

    response = client.post(
        URL, data={**crime_report(), "attachments": files}, content_type="multipart/form-data"
    )

    assert response.status_code == 200
    assert "At most" in field_error(response.get_data(as_text=True), "attachments")
    assert saved_counts() == NOTHING_SAVED


def test_without_a_csrf_token_it_is_refused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post(URL, data=anonymous_fields())

    assert response.status_code == 400
    assert saved_counts() == NOTHING_SAVED


def test_with_the_forms_csrf_token_it_is_accepted(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token(client.get(URL).get_data(as_text=True))

    response = client.post(URL, data=anonymous_fields(csrf_token=token))

    assert response.status_code == 302
    assert saved_counts()["appeals"] == 1


# --- Rate limit ------------------------------------------------------------------------------


@pytest.fixture
def limited_app(second_app):
    """An app with rate limiting on, as in production (TestConfig turns it off)."""
    return second_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_PUBLIC_FORMS="3 per minute",
    )


def test_too_many_submissions_from_one_address_are_refused(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        assert client.post(URL, data=anonymous_fields()).status_code == 302
    assert client.get(URL).status_code == 200  # only posts count

    refused = client.post(URL, data=anonymous_fields())

    assert refused.status_code == 429
    assert "Too many requests" in page_text(refused.get_data(as_text=True))
    assert saved_counts()["appeals"] == 3
