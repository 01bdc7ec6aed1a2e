"""The "repeat of" choice is bounded: the form lists only the citizen's latest appeals, and an
older one is linked by choosing it (posted id) or by typing its number; another's number is
refused and nothing is saved."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.intake.service import RECENT_APPEALS_OFFERED
from tests.factories import submit
from tests.ops.test_request_costs import statements_sent
from tests.pages import field_error, field_options
from tests.samples import appeal_fields, saved_counts

START = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


@pytest.fixture
def citizen(make_user):
    return make_user(full_name="Aigerim Sadykova")


@pytest.fixture
def history(citizen) -> list[Appeal]:
    """More appeals than the form lists, oldest first."""
    appeals = [
        submit(citizen, subject=f"Matter {n}", now=START + timedelta(days=n))[0]
        for n in range(RECENT_APPEALS_OFFERED + 5)
    ]
    return appeals


def repeat(**changes) -> dict:
    return appeal_fields(
        subject="The same matter again",
        text="I come back with the same matter: nothing was done after the answer.",
        repeat_reason="disagrees",
        **changes,
    )


def linked(subject: str = "The same matter again") -> Appeal:
    appeal = db.session.execute(select(Appeal).where(Appeal.subject == subject)).scalar_one()
    db.session.commit()
    return appeal


def test_the_form_lists_only_the_latest_appeals(client, login, citizen, history):
    login(citizen)
    options = field_options(client.get("/appeals/new").get_data(as_text=True), "repeats_id")
    assert len(options) == 1 + RECENT_APPEALS_OFFERED  # "No, a new matter" and the latest
    latest = {str(appeal.id) for appeal in history[-RECENT_APPEALS_OFFERED:]}
    assert set(options) - {"0"} == latest
    assert str(history[0].id) not in options


def test_an_older_appeal_chosen_by_id_is_linked(client, login, citizen, history):
    oldest = history[0]
    login(citizen)
    response = client.post("/appeals/new", data=repeat(repeats_id=str(oldest.id)))
    assert response.status_code == 302, field_error(response.get_data(as_text=True), "repeats_id")
    assert linked().parent_id == oldest.id


@pytest.mark.parametrize("typed", ["{number}", "  {number} ", "{lookalike}"])
def test_an_older_appeal_is_linked_by_its_number(client, login, citizen, history, typed):
    oldest = history[0]
    number = oldest.number
    lookalike = "3" + number[1:]  # a Latin/digit look-alike of the Cyrillic З
    login(citizen)
    response = client.post(
        "/appeals/new",
        data=repeat(
            repeats_id="0", repeats_number=typed.format(number=number, lookalike=lookalike)
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert linked().parent_id == oldest.id


def test_another_citizens_number_is_refused_and_nothing_saved(client, login, citizen, make_user):
    others, _ = submit(make_user(), subject="Another citizen's appeal")
    number = others.number
    db.session.commit()
    before = saved_counts()
    login(citizen)
    response = client.post("/appeals/new", data=repeat(repeats_id="0", repeats_number=number))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "You have no appeal with this number" in field_error(page, "repeats_number")
    assert 'value="The same matter again"' in page  # what was typed is kept
    assert saved_counts() == before


def test_a_chosen_appeal_and_a_different_number_are_refused(client, login, citizen, history):
    before = saved_counts()
    login(citizen)
    response = client.post(
        "/appeals/new",
        data=repeat(repeats_id=str(history[-1].id), repeats_number=history[0].number),
    )
    assert response.status_code == 200
    assert "Choose the earlier appeal in the list or type its number" in field_error(
        response.get_data(as_text=True), "repeats_number"
    )
    assert saved_counts() == before


def test_a_new_matter_is_posted_without_reading_the_choices_and_a_refused_one_shows_them(
    client, login, citizen, history
):
    reads_the_choices = re.compile(r"SELECT appeals\.id, appeals\.number, appeals\.subject\s")
    login(citizen)
    with statements_sent(reads_the_choices.search) as sent:
        response = client.post("/appeals/new", data=appeal_fields(subject="A new matter"))
    assert response.status_code == 302
    assert sent == []  # no repeat posted: the earlier appeals were not read

    response = client.post("/appeals/new", data=appeal_fields(subject="A new matter", text="?"))
    assert response.status_code == 200  # too short a text: the form again, with its choices
    options = field_options(response.get_data(as_text=True), "repeats_id")
    assert len(options) == 1 + RECENT_APPEALS_OFFERED
