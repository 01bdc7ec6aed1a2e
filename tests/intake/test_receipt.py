"""The registration receipt: the number, and the access code shown once."""

from __future__ import annotations

from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.intake.service import access_code_matches
from tests.pages import by_testid
from tests.samples import appeal_fields


def submit_through_the_form(client, make_user, login) -> tuple[Appeal, str]:
    login(make_user())
    response = client.post("/appeals/new", data=appeal_fields())
    assert response.status_code == 302
    return db.session.execute(select(Appeal)).scalar_one(), response.headers["Location"]


def test_receipt_shows_the_number_and_a_working_access_code(client, make_user, login):
    appeal, receipt_url = submit_through_the_form(client, make_user, login)

    page = client.get(receipt_url).get_data(as_text=True)

    assert by_testid(page, "registration-number").text() == appeal.number
    code = by_testid(page, "access-code").text()
    assert len(code) == 10
    assert access_code_matches(appeal, code)
    assert code not in appeal.access_code_hash  # only a hash is kept


def test_access_code_is_shown_only_once(client, make_user, login):
    appeal, receipt_url = submit_through_the_form(client, make_user, login)
    first = client.get(receipt_url).get_data(as_text=True)
    code = by_testid(first, "access-code").text()

    second = client.get(receipt_url).get_data(as_text=True)

    assert by_testid(second, "registration-number").text() == appeal.number
    assert by_testid(second, "access-code") is None
    assert code not in second


def test_receipt_of_an_earlier_appeal_shows_no_code(client, make_user, login):
    # The code kept for the newest appeal is not shown on another appeal's receipt.
    appeal, _ = submit_through_the_form(client, make_user, login)
    client.post("/appeals/new", data=appeal_fields(subject="A second appeal"))

    page = client.get(f"/appeals/{appeal.id}/receipt").get_data(as_text=True)

    assert by_testid(page, "registration-number").text() == appeal.number
    assert by_testid(page, "access-code") is None
