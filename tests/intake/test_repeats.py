"""Repeated appeals: a citizen links a new appeal to one of their own earlier ones with a reason,
both pages show the link, and the head may close a repeat with a reference to the earlier
answer once that answer is given."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.event_text import event_text
from appeals.intake.models import Appeal, Decision, Event
from appeals.intake.service import IntakeRefused, NewAppeal, submit_appeal
from appeals.notifications.models import Notification
from appeals.notifications.service import render_notice
from appeals.timeutil import local_date
from appeals.work.service import answer_appeal, assign_executor
from tests.factories import category_id, region_id, submit
from tests.pages import by_testid, field_error, field_options, page_text
from tests.samples import appeal_fields, saved_counts

EARLIER_SUBJECT = "Insulin not given at polyclinic No. 4"


@pytest.fixture
def citizen(make_user):
    return make_user(full_name="Aigerim Sadykova")


@pytest.fixture
def earlier(citizen) -> Appeal:
    """The citizen's earlier healthcare appeal, registered at health-71."""
    appeal, _ = submit(citizen, subject=EARLIER_SUBJECT)
    return appeal


@pytest.fixture
def staff(make_user):
    return {
        "official": make_user(Role.OFFICIAL, body_code="health-71", full_name="Daniyar Omarov"),
        "head": make_user(Role.HEAD, body_code="health-71", full_name="Saule Bekova"),
    }


def answered(appeal: Appeal, staff) -> Appeal:
    assign_executor(appeal, staff["official"], staff["head"])
    answer_appeal(
        appeal,
        "Insulin is given under the order of the Minister.",
        Decision.REFUSED,
        staff["official"],
    )
    db.session.commit()
    return appeal


def repeat_fields(earlier_id, reason="disagrees", **changes) -> dict:
    return appeal_fields(
        subject="Insulin again not given",
        text="I was refused insulin again at polyclinic No. 4 and I disagree with the answer.",
        repeats_id=str(earlier_id),
        repeat_reason=reason,
        **changes,
    )


def the_new_appeal(earlier: Appeal) -> Appeal:
    appeal = db.session.execute(select(Appeal).where(Appeal.id != earlier.id)).scalar_one()
    db.session.commit()
    return appeal


def post_repeat(client, login, citizen, earlier_id, **kwargs):
    login(citizen)
    return client.post("/appeals/new", data=repeat_fields(earlier_id, **kwargs))


def repeat_of(earlier: Appeal, citizen, reason: str = "no_new_arguments") -> Appeal:
    appeal, _ = submit_appeal(
        citizen,
        NewAppeal(
            kind=earlier.kind,
            category_id=category_id("healthcare"),
            region_id=region_id("710000000"),
            subject="Insulin again",
            text="The same matter as before: insulin is still not given to me.",
            repeats_id=earlier.id,
            repeat_reason=reason,
        ),
    )
    db.session.commit()
    return appeal


def flashed(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return page_text(client.get(response.headers["Location"]).get_data(as_text=True))


def state(appeal_id: int) -> tuple:
    """What a user would notice: status, version, events and notices of the appeal."""
    row = db.session.execute(
        select(Appeal.status, Appeal.closed_at, Appeal.version).where(Appeal.id == appeal_id)
    ).one()
    counts = tuple(
        db.session.execute(select(func.count()).where(column == appeal_id)).scalar_one()
        for column in (Event.appeal_id, Notification.appeal_id)
    )
    db.session.commit()
    return (*row, *counts)


def leave_as_repeat(client, appeal: Appeal, note: str = ""):
    version = db.session.execute(select(Appeal.version).where(Appeal.id == appeal.id)).scalar_one()
    db.session.commit()
    return client.post(
        f"/work/appeals/{appeal.id}/leave",
        data={"leave-ground": "repeated", "leave-note": note, "leave-version": version},
    )


# --- Linking at intake -----------------------------------------------------------------------


def test_the_form_offers_the_citizens_own_appeals_only(client, login, citizen, earlier, make_user):
    others, _ = submit(make_user(), subject="Another citizen's appeal")
    login(citizen)

    options = field_options(client.get("/appeals/new").get_data(as_text=True), "repeats_id")

    assert options[str(earlier.id)] == f"{earlier.number}: {EARLIER_SUBJECT}"
    assert str(others.id) not in options
    assert all(others.number not in label for label in options.values())


def test_a_repeat_is_linked_with_its_reason_and_routed_as_any(client, login, citizen, earlier):
    response = post_repeat(client, login, citizen, earlier.id, reason="disagrees")

    assert response.status_code == 302
    repeat = the_new_appeal(earlier)
    assert response.headers["Location"] == f"/appeals/{repeat.id}/receipt"
    assert (repeat.parent_id, repeat.parent_reason) == (earlier.id, "disagrees")
    assert repeat.applicant_id == citizen.id
    assert repeat.status == "registered" and repeat.current_body.code == "health-71"
    submitted = repeat.events[0]
    assert submitted.kind == "submitted"
    assert submitted.note is None and submitted.data["code"] == "repeat_of"
    assert event_text(submitted) == f"Repeat of {earlier.number}: I disagree with the decision"
    assert submitted.data["parent_number"] == earlier.number


def test_both_pages_show_the_link(client, login, citizen, earlier):
    post_repeat(client, login, citizen, earlier.id, reason="late")
    repeat = the_new_appeal(earlier)

    repeat_page = client.get(f"/appeals/{repeat.id}").get_data(as_text=True)
    earlier_page = client.get(f"/appeals/{earlier.id}").get_data(as_text=True)

    link = by_testid(repeat_page, "parent-link").text()
    assert f"Repeat of appeal {earlier.number}" in link
    assert "The answer was late, or there was no answer in time" in link
    listed = by_testid(earlier_page, "repeats")
    assert listed is not None and repeat.number in listed.text()
    assert "repeat" in listed.text() and "The answer was late" in listed.text()


def test_the_officials_page_shows_repeat_of_number_and_reason(
    client, login, citizen, earlier, staff
):
    post_repeat(client, login, citizen, earlier.id, reason="no_new_arguments")
    repeat = the_new_appeal(earlier)
    login(staff["head"])

    page = client.get(f"/work/appeals/{repeat.id}").get_data(as_text=True)

    link = by_testid(page, "parent-link").text()
    assert f"Repeat of {earlier.number} — No new arguments" in link
    assert "It has not been answered yet." in link


def test_an_appeal_without_a_link_is_no_repeat(client, login, citizen, earlier):
    login(citizen)

    response = client.post("/appeals/new", data=appeal_fields())

    assert response.status_code == 302
    repeat = the_new_appeal(earlier)
    assert (repeat.parent_id, repeat.parent_reason) == (None, None)
    assert by_testid(client.get(f"/appeals/{earlier.id}").get_data(as_text=True), "repeats") is None


# --- Refusals at intake: a form error, nothing saved -------------------------------------------


def test_another_citizens_appeal_cannot_be_linked(client, login, citizen, make_user):
    others, _ = submit(make_user(), subject="Another citizen's appeal")
    before = saved_counts()

    response = post_repeat(client, login, citizen, others.id)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in field_error(page, "repeats_id")
    assert "Please correct the marked fields" in page_text(page)
    assert saved_counts() == before
    # The other citizen's appeal is not revealed either.
    assert others.number not in page_text(page)


def test_an_unknown_appeal_cannot_be_linked(client, login, citizen, earlier):
    before = saved_counts()

    response = post_repeat(client, login, citizen, earlier.id + 1000)

    assert response.status_code == 200
    assert "Not a valid choice" in field_error(response.get_data(as_text=True), "repeats_id")
    assert saved_counts() == before


@pytest.mark.parametrize(
    ("reason", "repeats", "message"),
    [
        ("because", True, "Not a valid choice"),
        ("", True, "Say why you come back with the same matter."),
        ("disagrees", False, "A reason goes with the earlier appeal this one repeats."),
    ],
    ids=["reason off the list", "no reason", "reason without an earlier appeal"],
)
def test_a_wrong_reason_is_refused(client, login, citizen, earlier, reason, repeats, message):
    before = saved_counts()

    response = post_repeat(client, login, citizen, earlier.id if repeats else 0, reason=reason)

    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), "repeat_reason")
    assert saved_counts() == before


def test_the_service_refuses_another_citizens_appeal_too(citizen, make_user):
    others, _ = submit(make_user())
    before = saved_counts()

    with pytest.raises(IntakeRefused, match="one of your own earlier appeals"):
        repeat_of(others, citizen)
    db.session.rollback()

    assert saved_counts() == before


# --- The head closes a repeat with a reference to the earlier answer --------------------------


def test_the_head_closes_a_repeat_of_an_answered_appeal_with_a_reference(
    app, client, login, citizen, earlier, staff, run_jobs
):
    answered(earlier, staff)
    repeat = repeat_of(earlier, citizen)
    answer_day = local_date(earlier.answered_at, app.config["TIMEZONE"]).strftime("%d.%m.%Y")
    login(staff["head"])

    response = leave_as_repeat(client, repeat)

    assert "left without consideration" in flashed(client, response)
    db.session.refresh(repeat)
    assert repeat.status == "left_without_consideration" and repeat.closed_at is not None
    left = repeat.events[-1]
    assert left.kind == "left_without_consideration"
    assert left.data["ground"] == "repeated" and left.data["earlier_number"] == earlier.number
    assert f"See the answer to {earlier.number} of {answer_day}" in event_text(left)
    notice = db.session.execute(
        select(Notification).where(
            Notification.appeal_id == repeat.id, Notification.template == "appeal_closed_as_repeat"
        )
    ).scalar_one()
    assert notice.address == citizen.email
    subject, body = render_notice(notice)
    assert earlier.number in subject
    assert f"It repeats your appeal {earlier.number}, answered on {answer_day}" in body
    assert "Repeated appeal with no new arguments" in body
    run_jobs()
    db.session.refresh(notice)
    assert notice.status == "sent"


def test_closing_a_repeat_is_refused_while_the_earlier_appeal_is_unanswered(
    client, login, citizen, earlier, staff
):
    repeat = repeat_of(earlier, citizen)
    login(staff["head"])
    before = state(repeat.id)

    response = leave_as_repeat(client, repeat)

    message = flashed(client, response)
    assert f"The earlier appeal {earlier.number} has not been answered yet" in message
    assert "only with a reference to an answer already given" in message
    assert state(repeat.id) == before


def test_a_reopened_earlier_appeal_is_no_decided_matter(client, login, citizen, earlier, staff):
    from appeals.intake.models import AppealStatus, EventKind
    from appeals.intake.workflow import change_status

    answered(earlier, staff)
    change_status(earlier, AppealStatus.REOPENED, EventKind.REOPENED, None)
    db.session.commit()
    repeat = repeat_of(earlier, citizen)
    login(staff["head"])
    before = state(repeat.id)

    response = leave_as_repeat(client, repeat)

    assert "has not been answered yet" in flashed(client, response)
    assert state(repeat.id) == before


def test_an_official_cannot_close_a_repeat(client, login, citizen, earlier, staff):
    answered(earlier, staff)
    repeat = repeat_of(earlier, citizen)
    assign_executor(repeat, staff["official"], staff["head"])
    db.session.commit()
    login(staff["official"])
    before = state(repeat.id)

    response = leave_as_repeat(client, repeat)

    assert "this step is its head's" in flashed(client, response)
    assert state(repeat.id) == before


def test_another_bodys_head_cannot_see_nor_close_it(
    client, login, citizen, earlier, staff, make_user
):
    answered(earlier, staff)
    repeat = repeat_of(earlier, citizen)
    login(make_user(Role.HEAD, body_code="health-75"))
    before = state(repeat.id)

    assert client.get(f"/work/appeals/{repeat.id}").status_code == 404
    assert leave_as_repeat(client, repeat).status_code == 404
    assert state(repeat.id) == before
