"""The second factor (TOTP with recovery codes): set up with a code from the app, asked for
after the password, each code taken once, a recovery code spent once; required for the roles in
TOTP_REQUIRED_ROLES before they can open anything else."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from appeals.accounts.models import Role, User
from appeals.extensions import db
from tests.conftest import PASSWORD, FreshClient
from tests.pages import field_error, page_text


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


def password_step(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def the_secret(client) -> str:
    page = client.get("/account/two-factor").get_data(as_text=True)
    match = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page)
    assert match, page
    return match.group(1)


def turn_on(client, user) -> tuple[str, list[str]]:
    """Sign in, set the second factor up through the page; returns the secret and the codes."""
    assert password_step(client, user).status_code == 302
    secret = the_secret(client)
    page = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    html = page.get_data(as_text=True)
    codes = re.findall(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>", html)
    assert len(codes) == 10, html
    client.post("/logout")
    return secret, codes


def next_code(secret: str) -> str:
    """A code of the next 30-second step (inside the window): later than the one that turned
    the factor on, so accepted once, then never again."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_set_up_then_the_password_alone_no_longer_signs_in(client, make_user):
    user = make_user()
    secret, _codes = turn_on(client, user)
    stored = db.session.execute(select(User).where(User.id == user.id)).scalar_one()
    assert stored.totp_secret == secret and stored.totp_enabled_at is not None
    assert all(code not in str(stored.recovery_code_hashes) for code in _codes)
    db.session.commit()

    response = password_step(client, user)
    assert response.headers["Location"].endswith("/login/second-factor")
    assert not signed_in(client)  # the password alone gives no session
    wrong = client.post("/login/second-factor", data={"code": "000000"})
    assert "The code is wrong or has expired." in field_error(wrong.get_data(as_text=True), "code")
    assert not signed_in(client)
    right = client.post("/login/second-factor", data={"code": next_code(secret)})
    assert right.status_code == 302 and signed_in(client)


def test_a_code_is_taken_once_and_a_recovery_code_once(client, make_user):
    user = make_user()
    secret, codes = turn_on(client, user)
    code = next_code(secret)
    password_step(client, user)
    assert client.post("/login/second-factor", data={"code": code}).status_code == 302
    client.post("/logout")
    password_step(client, user)
    replay = client.post("/login/second-factor", data={"code": code})
    assert replay.status_code == 200 and not signed_in(client)  # the same code again: refused
    assert client.post("/login/second-factor", data={"code": codes[0]}).status_code == 302
    client.post("/logout")
    password_step(client, user)
    assert client.post("/login/second-factor", data={"code": codes[0]}).status_code == 200
    assert client.post("/login/second-factor", data={"code": codes[1].upper()}).status_code == 302


def test_a_wrong_code_at_set_up_keeps_it_off(client, make_user):
    user = make_user()
    password_step(client, user)
    the_secret(client)
    response = client.post("/account/two-factor", data={"code": "123456"})
    assert "The code does not match" in field_error(response.get_data(as_text=True), "code")
    db.session.commit()
    assert db.session.get(User, user.id).totp_enabled_at is None


def test_five_wrong_codes_send_back_to_the_password(client, make_user):
    user = make_user()
    secret, _codes = turn_on(client, user)
    password_step(client, user)
    for _ in range(4):
        assert client.post("/login/second-factor", data={"code": "000000"}).status_code == 200
    fifth = client.post("/login/second-factor", data={"code": "000000"})
    assert fifth.headers["Location"].endswith("/login")
    # The right code is no use now: the password step comes first again.
    late = client.post("/login/second-factor", data={"code": pyotp.TOTP(secret).now()})
    assert late.headers["Location"].endswith("/login") and not signed_in(client)


def test_the_roles_that_require_it_set_it_up_before_anything_else(app, client, make_user):
    app.config["TOTP_REQUIRED_ROLES"] = ("prosecutor", "admin")
    try:
        admin = make_user(Role.ADMIN)
        password_step(client, admin)
        blocked = client.get("/admin/")
        assert blocked.status_code == 302
        assert blocked.headers["Location"].endswith("/account/two-factor")
        page = page_text(client.get("/account/two-factor").get_data(as_text=True))
        assert "Your role signs in with a second factor." in page
        secret = the_secret(client)
        client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
        assert client.get("/admin/").status_code == 200
        # A citizen is offered it, not made to.
        client.post("/logout")
        password_step(client, make_user())
        assert client.get("/appeals/").status_code == 200
    finally:
        app.config["TOTP_REQUIRED_ROLES"] = ()
