"""The status check by number and access code: open to anyone, telling nothing private."""

from __future__ import annotations

import pytest

from tests.factories import submit
from tests.pages import by_testid, field_error, page_text

SUBJECT = "Pothole on Kenesary street"
TEXT = "A deep pothole near house 40 has damaged three cars this week. Please repair it."


@pytest.fixture
def appeal_and_code(make_user):
    citizen = make_user(full_name="Dana Yerlanovna Abenova")
    appeal, code = submit(citizen, category="roads_transport", subject=SUBJECT, text=TEXT)
    return appeal, code


def check(client, number: str, code: str):
    return client.post("/status", data={"number": number, "access_code": code})


@pytest.mark.parametrize(
    "typed",
    [
        lambda number, code: (number, code),
        lambda number, code: (f"  {number.lower()} ", f" {code.lower()} "),
        # The Cyrillic prefix "З" typed as the digit 3, as people read it off a receipt.
        lambda number, code: ("3" + number[1:], code),
    ],
    ids=["as printed", "lower case with spaces", "prefix typed as a look-alike digit"],
)
def test_right_number_and_code_show_the_status_and_timeline(client, appeal_and_code, typed):
    appeal, code = appeal_and_code

    response = check(client, *typed(appeal.number, code))

    assert response.status_code == 200
    result = by_testid(response.get_data(as_text=True), "status-result")
    assert result is not None
    assert appeal.number in result.text()
    assert "registered" in result.text()
    assert "Akimat of Astana" in result.text()  # the body that has it
    events = [e.attrs["data-event"] for e in result.iter() if "data-event" in e.attrs]
    assert events == ["submitted", "routed"]


def test_status_page_shows_no_name_nor_text_of_the_appeal(client, appeal_and_code):
    appeal, code = appeal_and_code

    page = page_text(check(client, appeal.number, code).get_data(as_text=True))

    assert appeal.number in page
    assert "Dana" not in page and "Abenova" not in page
    assert TEXT not in page and "pothole near house 40" not in page
    assert appeal.applicant.email not in page


@pytest.mark.parametrize(
    "wrong",
    [
        lambda number, code: (number, code[:-1] + ("A" if code[-1] != "A" else "B")),
        lambda number, code: (number[:-1] + ("9" if number[-1] != "9" else "8"), code),
        lambda number, code: ("Ж-1999-00000001", code),
        lambda number, code: (number, "WRONGCODE"),
    ],
    ids=["wrong code", "another number", "unknown number", "made-up code"],
)
def test_wrong_number_or_code_shows_one_message_and_no_data(client, appeal_and_code, wrong):
    appeal, code = appeal_and_code

    response = check(client, *wrong(appeal.number, code))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "access_code") == "No appeal matches this number and access code."
    assert by_testid(page, "status-result") is None
    assert 'data-event="' not in page


def test_wrong_code_and_unknown_number_answer_alike(client, appeal_and_code):
    # Otherwise the answer would tell which numbers exist.
    appeal, code = appeal_and_code

    wrong_code = page_text(check(client, appeal.number, "ABCDEFGHJK").get_data(as_text=True))
    unknown = page_text(check(client, "З-2026-09999999", code).get_data(as_text=True))

    assert wrong_code.replace(appeal.number, "N") == unknown.replace("З-2026-09999999", "N")


def test_empty_form_asks_for_both_fields(client):
    page = check(client, "", "").get_data(as_text=True)

    assert "required" in field_error(page, "number")
    assert "required" in field_error(page, "access_code")
    assert by_testid(page, "status-result") is None


def test_status_check_needs_no_sign_in(client):
    response = client.get("/status")

    assert response.status_code == 200
    assert "access code" in page_text(response.get_data(as_text=True)).lower()
