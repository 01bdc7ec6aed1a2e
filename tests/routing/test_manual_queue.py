"""The manual routing queue: an appeal no rule covers waits at the regional prosecutor's
reception, which routes it by hand to the competent body with a reason; the term starts there,
the deadline jobs are scheduled and the applicant is told. Every refusal changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from redis import Redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from appeals.accounts.models import Role
from appeals.deadlines.schedule import deadline_job_ids
from appeals.deadlines.service import due_date, policy_in_force, working_calendar
from appeals.extensions import db
from appeals.intake.applicant import withdraw_appeal
from appeals.intake.models import Appeal, AppealStatus, Event, EventKind
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import render_notice
from appeals.reference.models import Body
from appeals.routing.service import ManualRoutingRefused, manual_queue, route_manually
from appeals.timeutil import local_today
from tests.conftest import PASSWORD
from tests.factories import submit
from tests.pages import (
    by_testid,
    csrf_token,
    field_error,
    field_options,
    field_value,
    page_text,
    parse,
)

YESIL = "711210000"  # Astana: its reception is prosecutor-71
MEDEU = "751710000"  # Almaty city: its reception is prosecutor-75
REASON = "Medical care in a city polyclinic: the city's health department is competent."


def body(code: str) -> Body:
    found = db.session.execute(select(Body).where(Body.code == code)).scalar_one()
    db.session.commit()
    return found


def scheduled_ids(redis_url: str) -> set[str]:
    connection = Redis.from_url(redis_url)
    return set(ScheduledJobRegistry(queue=Queue("default", connection=connection)).get_job_ids())


def snapshot(appeal_id: int) -> tuple:
    """What a refused attempt must leave as it was."""
    db.session.expire_all()
    appeal = db.session.get(Appeal, appeal_id)
    state = (
        appeal.status,
        appeal.current_body_id,
        appeal.first_body_id,
        appeal.policy_id,
        appeal.received_on,
        appeal.due_on,
        appeal.version,
        db.session.execute(
            select(func.count(Event.id)).where(Event.appeal_id == appeal_id)
        ).scalar_one(),
        db.session.execute(
            select(func.count(Notification.id)).where(
                Notification.appeal_id == appeal_id, Notification.template == "appeal_routed"
            )
        ).scalar_one(),
    )
    db.session.commit()
    return state


@pytest.fixture
def waiting(make_user, no_rules_for):
    """An appeal about healthcare in Astana, which no rule covers: it waits at prosecutor-71."""
    no_rules_for("healthcare", YESIL)
    citizen = make_user()
    appeal, _ = submit(citizen, category="healthcare", region=YESIL)
    assert appeal.status == AppealStatus.MANUAL_ROUTING
    assert appeal.current_body_id == body("prosecutor-71").id
    return appeal, citizen


@pytest.fixture
def reception(make_user):
    return make_user(Role.PROSECUTOR, body_code="prosecutor-71")


def route_page(client, appeal_id: int):
    return client.get(f"/routing/manual/{appeal_id}")


def post_route(client, appeal_id: int, body_id, reason: str = REASON):
    return client.post(f"/routing/manual/{appeal_id}", data={"body_id": body_id, "reason": reason})


# --- The whole journey ---------------------------------------------------------------------


def test_prosecutor_routes_an_appeal_by_hand_and_the_citizen_sees_it(
    app, client, login, waiting, reception, run_jobs
):
    appeal, citizen = waiting
    health = body("health-71")
    login(reception)

    home = client.get("/").get_data(as_text=True)
    assert 'href="/routing/manual"' in home
    queue = client.get("/routing/manual").get_data(as_text=True)
    assert appeal.number in by_testid(queue, "manual-queue").text()
    assert f'data-appeal="{appeal.id}"' in queue

    form = route_page(client, appeal.id).get_data(as_text=True)
    # Bodies of the appeal's own city come first, in their own group.
    groups = [e for e in parse(form).iter() if e.tag == "optgroup"]
    labels = [g.attrs["label"] for g in groups]
    assert labels == ["", "In Yesil District, Astana", "National bodies", "Other regions"]
    assert str(health.id) in {o.attrs["value"] for o in groups[1].iter() if o.tag == "option"}
    assert field_value(form, "body_id") == ""  # nothing chosen until the prosecutor chooses

    response = post_route(client, appeal.id, health.id)
    assert response.status_code == 302
    assert response.headers["Location"] == "/routing/manual"

    db.session.expire_all()
    saved = db.session.get(Appeal, appeal.id)
    calendar = working_calendar()
    received = calendar.next_working_day(local_today())
    policy = policy_in_force(saved.kind, saved.registered_on)
    assert saved.status == AppealStatus.REGISTERED
    assert saved.current_body_id == saved.first_body_id == health.id
    assert saved.routing_rule_id is None  # no rule decided: a person did
    assert saved.policy_id == policy.id
    assert saved.received_on == received
    assert saved.due_on == due_date(received, policy, calendar)
    routed = saved.events[-1]
    assert (routed.kind, routed.status_after, routed.actor_id, routed.note) == (
        EventKind.ROUTED,
        AppealStatus.REGISTERED,
        reception.id,
        REASON,
    )
    assert (routed.from_body_id, routed.to_body_id) == (body("prosecutor-71").id, health.id)
    assert routed.data == {"manual": True, "due_on": saved.due_on.isoformat()}
    due = saved.due_on
    assert set(deadline_job_ids(appeal.id, due)) <= scheduled_ids(app.config["REDIS_URL"])
    notice = db.session.execute(
        select(Notification).where(
            Notification.appeal_id == appeal.id, Notification.template == "appeal_routed"
        )
    ).scalar_one()
    assert (notice.user_id, notice.address) == (citizen.id, citizen.email)
    subject, text = render_notice(notice)
    assert subject == f"Appeal {appeal.number} was sent to Health Department of Astana"
    assert f"due by {due:%d.%m.%Y}" in text
    db.session.commit()

    after = client.get("/routing/manual").get_data(as_text=True)
    assert by_testid(after, "queue-empty") is not None
    assert f"routed to Health Department of Astana; the answer is due by {due:%d.%m.%Y}" in (
        page_text(after)
    )

    client.post("/logout")
    client.post("/login", data={"email": citizen.email, "password": PASSWORD})
    page = client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    events = [e for e in parse(page).iter() if e.attrs.get("data-event") == "routed"]
    assert len(events) == 2  # into the queue, then to the competent body
    last = events[-1].text()
    assert "to Health Department of Astana" in last
    assert REASON in last
    assert f"due date set: {due:%d.%m.%Y}" in last

    run_jobs(["notifications"])
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).status == NotificationStatus.SENT
    db.session.commit()


def test_the_term_counts_from_the_next_working_day_when_routed_on_a_day_off(waiting, reception):
    appeal, _ = waiting
    nowruz_saturday = date(2026, 3, 21)  # Nowruz: days off until Wednesday 25 March
    route_manually(appeal, body("health-71"), REASON, reception, today=nowruz_saturday)
    db.session.commit()
    assert appeal.received_on == date(2026, 3, 26)
    policy = policy_in_force(appeal.kind, appeal.registered_on)
    assert policy.term == 15 and policy.unit == "working"
    # 15 working days after Thursday 26 March: 16 April.
    assert appeal.due_on == date(2026, 4, 16)


def test_admin_works_every_offices_queue(client, login, make_user, no_rules_for):
    no_rules_for("healthcare", YESIL)
    no_rules_for("healthcare", MEDEU)
    citizen = make_user()
    astana, _ = submit(citizen, category="healthcare", region=YESIL)
    almaty, _ = submit(citizen, category="healthcare", region=MEDEU)
    assert almaty.current_body_id == body("prosecutor-75").id
    login(make_user(Role.ADMIN))

    queue = client.get("/routing/manual").get_data(as_text=True)
    assert f'data-appeal="{astana.id}"' in queue and f'data-appeal="{almaty.id}"' in queue
    assert post_route(client, almaty.id, body("health-75").id).status_code == 302
    assert snapshot(almaty.id)[0] == AppealStatus.REGISTERED


def test_each_prosecutor_sees_only_the_queue_of_their_office(make_user, no_rules_for):
    no_rules_for("healthcare", YESIL)
    no_rules_for("healthcare", MEDEU)
    citizen = make_user()
    astana, _ = submit(citizen, category="healthcare", region=YESIL)
    almaty, _ = submit(citizen, category="healthcare", region=MEDEU)
    astana_reception = make_user(Role.PROSECUTOR, body_code="prosecutor-71")
    almaty_reception = make_user(Role.PROSECUTOR, body_code="prosecutor-75")
    assert db.session.execute(manual_queue(astana_reception)).scalars().all() == [astana]
    assert db.session.execute(manual_queue(almaty_reception)).scalars().all() == [almaty]
    db.session.commit()


# --- Refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.OFFICIAL, Role.HEAD])
def test_other_roles_cannot_open_the_queue_or_route(client, login, make_user, waiting, role):
    appeal, _ = waiting
    before = snapshot(appeal.id)
    login(make_user(role, body_code=None if role == Role.CITIZEN else "prosecutor-71"))
    for response in (
        client.get("/routing/manual"),
        route_page(client, appeal.id),
        post_route(client, appeal.id, body("health-71").id),
    ):
        assert response.status_code == 403
        assert "worked by the prosecutor's reception" in page_text(response.get_data(as_text=True))
    assert 'href="/routing/manual"' not in client.get("/").get_data(as_text=True)
    assert snapshot(appeal.id) == before


def test_anonymous_visitor_is_sent_to_sign_in(client, waiting):
    appeal, _ = waiting
    for response in (client.get("/routing/manual"), route_page(client, appeal.id)):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_prosecutor_of_another_region_gets_404_and_changes_nothing(
    client, login, make_user, waiting
):
    appeal, _ = waiting
    before = snapshot(appeal.id)
    login(make_user(Role.PROSECUTOR, body_code="prosecutor-75"))
    assert f'data-appeal="{appeal.id}"' not in client.get("/routing/manual").get_data(as_text=True)
    assert route_page(client, appeal.id).status_code == 404
    assert post_route(client, appeal.id, body("health-71").id).status_code == 404
    assert snapshot(appeal.id) == before


def test_general_prosecutor_reads_it_but_only_the_regional_reception_routes_it(
    client, login, make_user, waiting
):
    appeal, _ = waiting
    before = snapshot(appeal.id)
    login(make_user(Role.PROSECUTOR, body_code="prosecutor-00"))
    message = (
        "This appeal waits in the queue of Prosecutor's Office of Astana: only its reception "
        "routes it."
    )
    page = route_page(client, appeal.id)
    assert page.status_code == 200
    assert by_testid(page.get_data(as_text=True), "refusal").text() == message
    response = post_route(client, appeal.id, body("health-71").id)
    assert response.status_code == 403
    assert by_testid(response.get_data(as_text=True), "refusal").text() == message
    assert snapshot(appeal.id) == before


def test_an_appeal_no_longer_in_the_queue_is_refused(client, login, waiting, reception):
    appeal, citizen = waiting
    withdraw_appeal(appeal, citizen, "Solved meanwhile")
    db.session.commit()
    before = snapshot(appeal.id)
    login(reception)
    response = post_route(client, appeal.id, body("health-71").id)
    assert response.status_code == 409
    assert by_testid(response.get_data(as_text=True), "refusal").text() == (
        "This appeal is withdrawn, not waiting for manual routing."
    )
    assert snapshot(appeal.id) == before


def test_an_appeal_already_routed_cannot_be_routed_again(client, login, waiting, make_user):
    appeal, _ = waiting
    login(make_user(Role.ADMIN))
    assert post_route(client, appeal.id, body("health-71").id).status_code == 302
    before = snapshot(appeal.id)
    response = post_route(client, appeal.id, body("education-71").id)
    assert response.status_code == 409
    assert "This appeal is registered, not waiting for manual routing." in page_text(
        response.get_data(as_text=True)
    )
    assert snapshot(appeal.id) == before


def test_a_deactivated_body_is_refused(client, login, waiting, reception):
    appeal, _ = waiting
    closed = body("health-71")
    closed.is_active = False
    db.session.commit()
    try:
        before = snapshot(appeal.id)
        login(reception)
        assert str(closed.id) not in field_options(
            route_page(client, appeal.id).get_data(as_text=True), "body_id"
        )
        response = post_route(client, appeal.id, closed.id)
        assert response.status_code == 422
        assert field_error(response.get_data(as_text=True), "body_id") == (
            "That body is deactivated: choose an active one."
        )
        assert snapshot(appeal.id) == before
    finally:
        db.session.rollback()
        body("health-71").is_active = True
        db.session.commit()


@pytest.mark.parametrize(
    ("body_id", "reason", "field", "message"),
    [
        ("health", "   ", "reason", "Say why this body is competent."),
        ("health", "", "reason", "Say why this body is competent."),
        ("", REASON, "body_id", "Choose the competent body."),
        ("999999", REASON, "body_id", "Choose the competent body."),
    ],
    ids=["blank reason", "no reason", "no body", "unknown body"],
)
def test_form_mistakes_are_shown_and_nothing_changes(
    client, login, waiting, reception, body_id, reason, field, message
):
    appeal, _ = waiting
    before = snapshot(appeal.id)
    login(reception)
    chosen = body("health-71").id if body_id == "health" else body_id
    response = post_route(client, appeal.id, chosen, reason)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field) == message
    assert snapshot(appeal.id) == before


def test_the_route_form_needs_its_csrf_token(app, client, login, waiting, reception, monkeypatch):
    appeal, _ = waiting
    before = snapshot(appeal.id)
    login(reception)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert post_route(client, appeal.id, body("health-71").id).status_code == 400
    assert snapshot(appeal.id) == before
    token = csrf_token(route_page(client, appeal.id).get_data(as_text=True))
    response = client.post(
        f"/routing/manual/{appeal.id}",
        data={"body_id": body("health-71").id, "reason": REASON, "csrf_token": token},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("role", "office", "message"),
    [
        (Role.CITIZEN, None, "Only the prosecutor's reception routes appeals by hand."),
        (Role.HEAD, "health-71", "Only the prosecutor's reception routes appeals by hand."),
        (Role.PROSECUTOR, "prosecutor-75", "waits in the queue of Prosecutor's Office of Astana"),
        (Role.PROSECUTOR, None, "waits in the queue of Prosecutor's Office of Astana"),
    ],
)
def test_the_service_refuses_who_may_not_route(make_user, waiting, role, office, message):
    appeal, _ = waiting
    before = snapshot(appeal.id)
    actor = make_user(role, body_code=office)
    with pytest.raises(ManualRoutingRefused, match=message):
        route_manually(appeal, body("health-71"), REASON, actor)
    db.session.rollback()
    assert snapshot(appeal.id) == before


def test_the_queue_itself_refuses_other_roles(make_user):
    with pytest.raises(ManualRoutingRefused):
        manual_queue(make_user(Role.OFFICIAL, body_code="health-71"))


def test_an_anonymous_appeal_is_notified_at_its_contact_address(waiting, reception):
    appeal, _ = waiting
    appeal.applicant_id = None
    appeal.is_anonymous = True
    appeal.contact_email = "contact@example.kz"
    db.session.commit()
    route_manually(appeal, body("health-71"), REASON, reception, today=date(2026, 11, 25))
    db.session.commit()
    notice = db.session.execute(
        select(Notification).where(Notification.template == "appeal_routed")
    ).scalar_one()
    assert (notice.address, notice.user_id) == ("contact@example.kz", None)
    db.session.commit()


def test_submission_time_does_not_matter_only_receipt_at_the_body(make_user, no_rules_for):
    """An appeal that waited in the queue over a weekend still gets its full term at the body."""
    no_rules_for("healthcare", YESIL)
    friday = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    appeal, _ = submit(make_user(), category="healthcare", region=YESIL, now=friday)
    reception = make_user(Role.PROSECUTOR, body_code="prosecutor-71")
    route_manually(appeal, body("health-71"), REASON, reception, today=date(2026, 11, 24))
    db.session.commit()
    assert appeal.registered_on == date(2026, 11, 20)
    assert appeal.received_on == date(2026, 11, 24)
    # 15 working days from Tuesday 24 November: Tuesday 15 December (the day before the
    # Independence Day holiday).
    assert appeal.due_on == date(2026, 12, 15)
