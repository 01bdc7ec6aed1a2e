"""Sessions end when they should: a copy of the session cookie or of the remember-me cookie
no longer signs in after sign-out, a new password or deactivation; the cookies' attributes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from appeals.extensions import db
from config import secure_cookies
from tests.conftest import PASSWORD, FreshClient
from tests.pages import field_error

NEW_PASSWORD = "violet-kettle-47-orbit"


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


def is_signed_in(client) -> bool:
    return client.get("/appeals/").status_code == 200


def sign_in(client, user, remember=True):
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "remember": "y" if remember else ""},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def client_with(app, name: str, value: str):
    """A new browser holding one copied cookie only."""
    app.test_client_class = FreshClient
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def cookies_of(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")}


def test_copied_cookies_sign_in_while_the_session_lives(app, client, make_user):
    # The control for the tests below: the copies do sign in before anything ends them.
    sign_in(client, make_user())
    copied = cookies_of(client)

    assert is_signed_in(client_with(app, "session", copied["session"]))
    assert is_signed_in(client_with(app, "remember_token", copied["remember_token"]))


def test_after_sign_out_copied_cookies_do_not_sign_in(app, client, make_user):
    sign_in(client, make_user())
    copied = cookies_of(client)

    assert client.post("/logout").status_code == 302

    assert not is_signed_in(client)
    assert not is_signed_in(client_with(app, "session", copied["session"]))
    assert not is_signed_in(client_with(app, "remember_token", copied["remember_token"]))


def test_sign_out_ends_the_sessions_on_other_devices(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    laptop = client_with(app, "remember_token", cookies_of(client)["remember_token"])
    assert is_signed_in(laptop)

    client.post("/logout")

    assert not is_signed_in(laptop)


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account/password",
        data={"current": current, "password": new, "confirm": confirm or new},
    )


def test_after_a_password_change_copied_cookies_do_not_sign_in(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    copied = cookies_of(client)

    response = change_password(client)

    assert response.status_code == 302
    assert is_signed_in(client)  # the session that changed it goes on
    assert not is_signed_in(client_with(app, "session", copied["session"]))
    assert not is_signed_in(client_with(app, "remember_token", copied["remember_token"]))
    # The new remember-me cookie of this session works on its own.
    assert is_signed_in(client_with(app, "remember_token", cookies_of(client)["remember_token"]))


def test_the_new_password_signs_in_and_the_old_one_does_not(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    change_password(client)
    client.post("/logout")

    old = client.post("/login", data={"email": user.email, "password": PASSWORD})
    new = client.post("/login", data={"email": user.email, "password": NEW_PASSWORD})

    assert old.status_code == 200
    assert new.status_code == 302


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"current": PASSWORD + "x"}, "current", "not your current password"),
        ({"new": "short"}, "password", "at least 10"),
        ({"new": "password1234"}, "password", "too common"),
        ({"confirm": NEW_PASSWORD + "x"}, "confirm", "differ"),
    ],
    ids=["wrong current", "short", "common", "differ"],
)
def test_a_refused_password_change_changes_nothing(app, client, make_user, fields, field, message):
    user = make_user()
    sign_in(client, user)
    copied = cookies_of(client)

    response = change_password(client, **fields)

    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), field)
    assert is_signed_in(client_with(app, "remember_token", copied["remember_token"]))
    client.post("/logout")
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )


def test_the_password_page_needs_a_signed_in_user(client):
    response = client.get("/account/password")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_deactivation_ends_every_session(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    copied = cookies_of(client)

    user.is_active = False
    db.session.commit()

    assert not is_signed_in(client)
    assert not is_signed_in(client_with(app, "remember_token", copied["remember_token"]))


def test_a_cookie_of_the_old_kind_without_a_version_signs_nobody_in(app, client, make_user):
    # Sessions written before the version existed held the bare user id.
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True

    assert not is_signed_in(client)


def set_cookie_headers(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_cookies_are_http_only_same_site_lax_and_remembered_at_most_30_days(client, make_user):
    response = sign_in(client, make_user())

    headers = set_cookie_headers(response)
    for name in ("session", "remember_token"):
        assert "HttpOnly" in headers[name]
        assert "SameSite=Lax" in headers[name]
    expires = next(
        part.split("=", 1)[1]
        for part in headers["remember_token"].split("; ")
        if part.startswith("Expires=")
    )
    lives = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert timedelta(days=29) < lives <= timedelta(days=30)


def test_cookies_are_secure_when_the_site_is_served_over_https(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", True)

    response = sign_in(client, make_user())

    headers = set_cookie_headers(response)
    assert "Secure" in headers["session"] and "Secure" in headers["remember_token"]


@pytest.mark.parametrize(
    ("environ", "secure"),
    [
        ({}, False),
        ({"SITE_URL": "http://127.0.0.1:5000"}, False),
        ({"SITE_URL": "https://appeals.gov.kz"}, True),
        ({"SITE_URL": "https://appeals.gov.kz", "SECURE_COOKIES": "0"}, False),
        ({"SITE_URL": "http://10.0.0.5", "SECURE_COOKIES": "1"}, True),
    ],
)
def test_secure_cookies_follow_the_site_address_or_the_setting(environ, secure):
    assert secure_cookies(environ) is secure
