"""Every admin page is for admins only: anonymous visitors sign in, others get 403."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from appeals.accounts.models import Role
from appeals.deadlines.models import Holiday
from appeals.extensions import db

PAGES = [
    "/admin/",
    "/admin/policies",
    "/admin/policies/1/new-version",
    "/admin/policies/1/edit",
    "/admin/calendar",
    "/admin/calendar/2026",
]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.OFFICIAL, Role.HEAD, Role.PROSECUTOR])
def test_signed_in_non_admin_is_refused(client, make_user, login, role):
    login(make_user(role))
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "for the administrators of the site" in response.get_data(as_text=True)
    rows = db.session.execute(select(func.count(Holiday.id))).scalar_one()
    response = client.post(
        "/admin/calendar/2026",
        data={"day": "2026-02-11", "kind": "day_off", "name": "Sneaky day off"},
    )
    assert response.status_code == 403
    assert client.post("/admin/calendar/days/2026-01-01/remove").status_code == 403
    assert client.post("/admin/calendar/2029/load").status_code == 403
    assert db.session.execute(select(func.count(Holiday.id))).scalar_one() == rows


def test_admin_sees_the_admin_pages_and_the_nav_link(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'href="/admin/"' in page  # the nav link
    assert 'href="/admin/policies"' in page
    assert admin_client.get("/admin/policies").status_code == 200
    assert admin_client.get("/admin/calendar").status_code == 200


def test_citizen_has_no_admin_nav_link(client, make_user, login):
    login(make_user())
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)
