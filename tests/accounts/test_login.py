"""Signing in and out."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.pages import field_error


def is_signed_in(client) -> bool:
    return client.get("/appeals/").status_code == 200


def test_right_password_signs_in_and_goes_home(client, make_user):
    user = make_user()

    response = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert is_signed_in(client)


def test_e_mail_is_matched_in_any_letter_case(client, make_user):
    make_user(email="bolat@example.kz")

    response = client.post("/login", data={"email": "Bolat@Example.KZ", "password": PASSWORD})

    assert response.status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "bolat@example.kz", "password": PASSWORD + "x"},
        {"email": "bolat@example.kz", "password": PASSWORD.upper()},
        {"email": "nobody@example.kz", "password": PASSWORD},
    ],
    ids=["wrong password", "wrong letter case", "unknown e-mail"],
)
def test_wrong_credentials_show_one_message_and_do_not_sign_in(client, make_user, credentials):
    make_user(email="bolat@example.kz")

    response = client.post("/login", data=credentials)

    assert response.status_code == 200  # the form again, no redirect
    assert field_error(response.get_data(as_text=True), "password") == "Wrong e-mail or password."
    assert not is_signed_in(client)


def test_deactivated_account_cannot_sign_in(client, make_user):
    user = make_user()
    user.is_active = False

    response = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_login_returns_to_the_page_that_asked_for_it(client, make_user):
    user = make_user()
    asked = client.get("/appeals/new")
    assert asked.status_code == 302
    assert asked.headers["Location"].startswith("/login?next=")

    response = client.post(
        "/login?next=/appeals/new", data={"email": user.email, "password": PASSWORD}
    )

    assert response.headers["Location"] == "/appeals/new"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/login",
        "//evil.example/login",
        "///evil.example/login",
        "////evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_to_another_site_is_not_followed(client, make_user, target):
    user = make_user()

    response = client.post(
        "/login", query_string={"next": target}, data={"email": user.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # home instead


def test_logout_signs_out(client, make_user, login):
    login(make_user())

    response = client.post("/logout")

    assert response.status_code == 302
    assert not is_signed_in(client)


def test_logout_by_get_is_refused(client, make_user, login):
    # A link or an <img> on another site must not sign anyone out.
    login(make_user())

    response = client.get("/logout")

    assert response.status_code == 405
    assert is_signed_in(client)


def test_logout_without_a_csrf_token_is_refused(app, client, make_user, login, monkeypatch):
    login(make_user())
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/logout")

    assert response.status_code == 400
    assert is_signed_in(client)
