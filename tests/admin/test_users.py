"""User administration: invitations by e-mail (read from a real SMTP server, the link
followed), role and body changes, deactivation, the list's search and filters, and the admin
log of every change."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from appeals.accounts import staff
from appeals.accounts.models import Role, User
from appeals.adminlog.models import AppendOnly, LogEntry
from appeals.extensions import db
from appeals.notifications.service import queue_notice
from appeals.reference.models import Body
from appeals.work.service import assign_executor
from tests.conftest import PASSWORD, FreshClient
from tests.factories import submit
from tests.pages import field_error, page_text

FIRST_PASSWORD = "amber-lantern-93-quay"


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


def body_id(code: str) -> int:
    return db.session.execute(select(Body.id).where(Body.code == code)).scalar_one()


def log_rows(**where) -> list[LogEntry]:
    db.session.expire_all()
    query = select(LogEntry).order_by(LogEntry.id)
    for name, value in where.items():
        query = query.where(getattr(LogEntry, name) == value)
    return list(db.session.execute(query).scalars())


def users_count() -> int:
    return db.session.execute(select(func.count(User.id))).scalar_one()


def invite(client, **fields):
    data = {
        "full_name": "Arman Tulegenov",
        "email": "arman@gov.kz",
        "role": "official",
        "body_id": str(body_id("health-71")),
        **fields,
    }
    return client.post("/admin/users/invite", data=data)


def link_path(message) -> str:
    body = message.get_content()
    return urlsplit(re.search(r"https?://\S+/invitation/\S+", body).group(0)).path


def test_an_invited_official_sets_the_password_from_the_mailed_link(
    app,
    admin_client,
    admin,
    run_jobs,
    smtp_server,
):
    response = invite(admin_client)
    assert response.status_code == 302
    run_jobs()

    [message] = smtp_server.messages
    assert message["To"] == "arman@gov.kz"
    assert "invited to E-appealing as official" in message["Subject"]
    path = link_path(message)

    app.test_client_class = FreshClient
    official = app.test_client()
    assert official.get(path).status_code == 200
    done = official.post(path, data={"password": FIRST_PASSWORD, "confirm": FIRST_PASSWORD})
    assert done.status_code == 302
    assert official.get("/work/").status_code == 200  # signed in, sees the inbox

    user = db.session.execute(select(User).where(User.email == "arman@gov.kz")).scalar_one()
    assert (user.role, user.body.code, user.email_verified_at is not None) == (
        Role.OFFICIAL,
        "health-71",
        True,
    )
    [entry] = log_rows(action="user.invited")
    assert (entry.actor_label, entry.subject_id, entry.before) == (admin.email, user.id, None)
    assert entry.after["role"] == "official" and entry.after["body"] == "health-71"
    assert entry.body_id == body_id("health-71")

    # The link works once.
    again = app.test_client().get(path)
    assert again.status_code == 400
    assert "used already" in page_text(again.get_data(as_text=True))


def test_the_first_password_follows_the_policy(app, admin_client, run_jobs, smtp_server):
    invite(admin_client)
    run_jobs()
    path = link_path(smtp_server.messages[0])

    response = app.test_client().post(
        path, data={"password": "tulegenov-2026", "confirm": "tulegenov-2026"}
    )

    assert response.status_code == 200
    assert "name" in field_error(response.get_data(as_text=True), "password")


def test_a_tampered_or_expired_invitation_link_is_refused(
    app,
    admin_client,
    run_jobs,
    smtp_server,
    monkeypatch,
):
    invite(admin_client)
    run_jobs()
    path = link_path(smtp_server.messages[0])
    visitor = app.test_client()

    tampered = visitor.get(path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb"))
    assert tampered.status_code == 400
    assert "not valid" in page_text(tampered.get_data(as_text=True))

    monkeypatch.setattr(staff, "INVITATION_DAYS", -1)
    expired = visitor.post(path, data={"password": FIRST_PASSWORD, "confirm": FIRST_PASSWORD})
    assert expired.status_code == 400
    assert "expired" in page_text(expired.get_data(as_text=True))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "taken@gov.kz"}, "email", "exists already"),
        ({"body_id": ""}, "body_id", "state body"),
        ({"role": "prosecutor"}, "body_id", "prosecutor's office"),
        ({"role": "head", "body_id": "prosecutor-71"}, "body_id", "not a prosecutor's office"),
        ({"role": "citizen"}, "role", "Not a valid choice"),
        ({"role": "overlord"}, "role", "Not a valid choice"),
        ({"email": "not-an-email"}, "email", "Invalid email"),
    ],
    ids=[
        "taken",
        "no body",
        "prosecutor at a body",
        "head at prosecutor",
        "citizen",
        "bad role",
        "bad e-mail",
    ],
)
def test_a_refused_invitation_saves_nothing_and_keeps_what_was_typed(
    admin_client, make_user, fields, field, message
):
    make_user(email="taken@gov.kz")
    if fields.get("body_id") == "prosecutor-71":
        fields["body_id"] = str(body_id("prosecutor-71"))
    before = users_count()

    response = invite(admin_client, **fields)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert 'value="Arman Tulegenov"' in page
    assert users_count() == before
    assert log_rows() == []


def test_a_role_and_body_change_is_logged_with_before_and_after(admin_client, make_user):
    user = make_user(Role.OFFICIAL, body_code="health-71")

    response = admin_client.post(
        f"/admin/users/{user.id}/placement",
        data={"role": "head", "body_id": str(body_id("health-75"))},
    )

    assert response.status_code == 302
    [entry] = log_rows(action="user.changed")
    assert (entry.before["role"], entry.before["body"]) == ("official", "health-71")
    assert (entry.after["role"], entry.after["body"]) == ("head", "health-75")
    user_page = page_text(admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True))
    assert "user.changed" in user_page
    body_page = admin_client.get(f"/admin/bodies/{body_id('health-75')}").get_data(as_text=True)
    assert "user.changed" in page_text(body_page)


def test_deactivation_ends_the_session_lists_open_appeals_and_stops_notices(
    app, admin_client, make_user, login
):
    citizen = make_user()
    official = make_user(Role.OFFICIAL, body_code="health-71")
    head = make_user(Role.HEAD, body_code="health-71")
    appeal, _ = submit(citizen)
    assign_executor(appeal, official, head)
    db.session.commit()
    app.test_client_class = FreshClient
    their_browser = app.test_client()
    their_browser.post("/login", data={"email": official.email, "password": PASSWORD})
    assert their_browser.get("/work/").status_code == 200

    response = admin_client.post(f"/admin/users/{official.id}/deactivate", follow_redirects=True)

    page = page_text(response.get_data(as_text=True))
    assert "1 open appeals wait for the head" in page
    assert appeal.number in page
    assert their_browser.get("/work/").status_code == 302  # signed out
    refused = their_browser.post("/login", data={"email": official.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert queue_notice("appeal_assigned", official.email, {}, user_id=official.id) is None
    [entry] = log_rows(action="user.deactivated")
    assert (entry.before["active"], entry.after["active"]) == (True, False)


def test_the_last_admin_cannot_be_deactivated_or_demoted(admin_client, admin):
    deactivated = admin_client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    demoted = admin_client.post(
        f"/admin/users/{admin.id}/placement",
        data={"role": "official", "body_id": str(body_id("health-71"))},
    )

    assert "last active admin" in page_text(deactivated.get_data(as_text=True))
    assert demoted.status_code == 400
    assert "last active admin" in field_error(demoted.get_data(as_text=True), "body_id")
    db.session.expire_all()
    assert (admin.is_active, admin.role) == (True, Role.ADMIN)
    assert log_rows() == []


def test_another_admin_may_be_deactivated(admin_client, make_user):
    other = make_user(Role.ADMIN)

    admin_client.post(f"/admin/users/{other.id}/deactivate")

    db.session.expire_all()
    assert not other.is_active


def test_the_list_searches_filters_and_pages(admin_client, make_user):
    for n in range(30):
        make_user(Role.OFFICIAL, body_code="health-71", full_name=f"Official {n:02d}")
    make_user(full_name="Zhanar Citizen", email="zhanar@mail.kz")
    gone = make_user(Role.HEAD, body_code="health-75", full_name="Gone Head")
    gone.is_active = False
    db.session.commit()

    first = page_text(admin_client.get("/admin/users?role=official").get_data(as_text=True))
    second = page_text(admin_client.get("/admin/users?role=official&page=2").get_data(as_text=True))
    found = page_text(admin_client.get("/admin/users?q=ZHANAR").get_data(as_text=True))
    inactive = page_text(admin_client.get("/admin/users?state=inactive").get_data(as_text=True))
    at_body = admin_client.get(f"/admin/users?body={body_id('health-75')}").get_data(as_text=True)

    assert "Official 00" in first and "Official 24" in first and "Official 25" not in first
    assert "Official 25" in second and "Official 29" in second and "Zhanar" not in second
    assert "Zhanar Citizen" in found and "Official" not in found.split("Find", 1)[1]
    assert "Gone Head" in inactive and "Official 00" not in inactive
    assert "Gone Head" in page_text(at_body) and "Official 00" not in page_text(at_body)
    assert admin_client.get("/admin/users?page=0").status_code == 404


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.OFFICIAL, Role.HEAD, Role.PROSECUTOR])
def test_user_pages_are_for_admins_only(client, make_user, login, role):
    user = make_user(
        role,
        body_code={"official": "health-71", "head": "health-71", "prosecutor": "prosecutor-71"}.get(
            role
        ),
    )
    login(user)

    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/invite", data={}).status_code == 403
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 403
    assert client.get("/admin/log").status_code == 403


def test_the_log_page_filters_by_action_and_actor(admin_client, admin, make_user):
    user = make_user(Role.OFFICIAL, body_code="health-71")
    other = make_user(Role.ADMIN)
    admin_client.post(f"/admin/users/{user.id}/deactivate")
    admin_client.post(f"/admin/users/{user.id}/reactivate")
    admin_client.post(f"/admin/users/{other.id}/deactivate")

    everything = page_text(admin_client.get("/admin/log").get_data(as_text=True))
    reactivated = page_text(
        admin_client.get("/admin/log?action=user.reactivated").get_data(as_text=True)
    )
    nobody = page_text(admin_client.get("/admin/log?actor=someone-else").get_data(as_text=True))

    assert everything.count("user.deactivated") >= 2 and "user.reactivated" in everything
    assert "user.reactivated" in reactivated and other.email not in reactivated
    assert "No entries." in nobody


def test_log_entries_cannot_be_changed_or_removed(admin_client, make_user):
    user = make_user(Role.OFFICIAL, body_code="health-71")
    admin_client.post(f"/admin/users/{user.id}/deactivate")
    [entry] = log_rows()

    entry.action = "user.nothing"
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(LogEntry, entry.id))
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
