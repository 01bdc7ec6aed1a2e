"""Verified and recoverable accounts, through real e-mail: the message is read from a local
SMTP server (aiosmtpd) and its link followed. Confirmation, password reset (the same words
for any address), change of e-mail; expired, reused and tampered links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import flask_babel
import pytest
from flask import g
from sqlalchemy import select

from appeals.accounts import recovery
from appeals.accounts.models import User
from appeals.extensions import db
from tests.conftest import PASSWORD, CommittingClient
from tests.pages import field_error, page_text

NEW_PASSWORD = "copper-willow-82-dune"
REGISTRATION = {
    "full_name": "Aigerim Nurlanovna Sadykova",
    "email": "aigerim@example.kz",
    "iin": "",
    "password": "correct-horse-battery",
    "confirm": "correct-horse-battery",
}


class FreshClient(CommittingClient):
    def open(self, *args, **kwargs):
        # Each request reads its user and its language afresh, as in production (the tests'
        # app context, with its `g`, outlives the requests).
        g.pop("_login_user", None)
        flask_babel.refresh()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


def mail(run_jobs, smtp_server, to: str):
    """The messages delivered to `to` (the delivery jobs run first)."""
    run_jobs()
    return [m for m in smtp_server.messages if m["To"] == to]


def link_of(message) -> str:
    url = re.search(r"https?://\S+", message.get_content()).group(0)
    return urlsplit(url).path


def user_by(email: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def alert(response) -> str:
    html = response.get_data(as_text=True)
    start = html.index('role="alert"')
    return page_text(html[start : html.index("</div>", start)])


def test_the_confirmation_link_from_the_e_mail_confirms_once(client, run_jobs, smtp_server):
    client.post("/register", data=REGISTRATION)

    [message] = mail(run_jobs, smtp_server, "aigerim@example.kz")
    assert message["Subject"] == "Confirm your e-mail for E-appealing"
    path = link_of(message)
    confirmed = client.get(path, follow_redirects=True)

    assert "Your e-mail is confirmed." in page_text(confirmed.get_data(as_text=True))
    assert user_by("aigerim@example.kz").email_verified_at is not None
    again = client.get(path)
    assert again.status_code == 400
    assert "used already" in page_text(again.get_data(as_text=True))


def test_registering_a_taken_address_tells_its_owner_by_e_mail(
    client, make_user, run_jobs, smtp_server
):
    owner = make_user(email="aigerim@example.kz")

    client.post("/register", data=REGISTRATION)

    [message] = mail(run_jobs, smtp_server, "aigerim@example.kz")
    assert "tried to register" in message["Subject"]
    assert link_of(message) == "/password/forgot"
    assert user_by("aigerim@example.kz").full_name == owner.full_name


def test_a_password_reset_by_the_link_from_the_e_mail(
    app, client, make_user, run_jobs, smtp_server
):
    user = make_user()
    app.test_client_class = FreshClient
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": PASSWORD})

    asked = client.post("/password/forgot", data={"email": user.email.upper()})
    [message] = mail(run_jobs, smtp_server, user.email)
    path = link_of(message)
    assert client.get(path).status_code == 200
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert asked.status_code == 302 and done.status_code == 302
    assert other_device.get("/appeals/").status_code == 302  # signed out everywhere
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    )
    assert (
        client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )
    client.post("/logout")
    reused = client.post(
        path, data={"password": "another-" + NEW_PASSWORD, "confirm": "another-" + NEW_PASSWORD}
    )
    assert reused.status_code == 400
    assert "used already" in page_text(reused.get_data(as_text=True))


def test_a_reset_says_the_same_for_an_unknown_address_and_sends_nothing(
    client, make_user, run_jobs, smtp_server
):
    user = make_user(email="known@example.kz")

    known = client.post(
        "/password/forgot", data={"email": "known@example.kz"}, follow_redirects=True
    )
    unknown = client.post(
        "/password/forgot", data={"email": "unknown@example.kz"}, follow_redirects=True
    )

    assert alert(known).replace("known@", "X@") == alert(unknown).replace("unknown@", "X@")
    run_jobs()
    assert [m["To"] for m in smtp_server.messages] == [user.email]


def test_a_reset_link_unlocks_a_locked_account(client, make_user, run_jobs, smtp_server):
    user = make_user()
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong-password-1"})

    client.post("/password/forgot", data={"email": user.email})
    path = link_of(mail(run_jobs, smtp_server, user.email)[0])
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert (
        client.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_expired_and_tampered_reset_links_are_refused(
    client, make_user, run_jobs, smtp_server, monkeypatch
):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    path = link_of(mail(run_jobs, smtp_server, user.email)[0])

    tampered = client.get(path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB"))
    monkeypatch.setattr(recovery, "RESET_HOURS", -1)
    expired = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert tampered.status_code == 400 and "not valid" in page_text(tampered.get_data(as_text=True))
    assert expired.status_code == 400 and "expired" in page_text(expired.get_data(as_text=True))
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )


def test_a_reset_keeps_the_password_policy(client, make_user, run_jobs, smtp_server):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    path = link_of(mail(run_jobs, smtp_server, user.email)[0])

    response = client.post(path, data={"password": "qwerty123456", "confirm": "qwerty123456"})

    assert response.status_code == 200
    assert "too common" in field_error(response.get_data(as_text=True), "password")


def test_a_change_of_e_mail_needs_the_password_and_the_new_address_s_link(
    client, make_user, login, run_jobs, smtp_server
):
    user = make_user(email="old@example.kz")
    login(user)

    wrong = client.post(
        "/account/email", data={"email": "new@example.kz", "current": "nope-nope-nope"}
    )
    assert "not your current password" in field_error(wrong.get_data(as_text=True), "current")
    asked = client.post("/account/email", data={"email": "new@example.kz", "current": PASSWORD})
    assert asked.status_code == 302
    assert user_by("old@example.kz") is not None  # nothing changes before the link

    [message] = mail(run_jobs, smtp_server, "new@example.kz")
    followed = client.get(link_of(message))

    assert followed.status_code == 302
    assert user_by("old@example.kz") is None
    assert user_by("new@example.kz").email_verified_at is not None
    assert client.get("/appeals/").status_code == 302  # signed out: sign in with the new one
    assert (
        client.post("/login", data={"email": "new@example.kz", "password": PASSWORD}).status_code
        == 302
    )
    assert client.get(link_of(message)).status_code == 400  # used


def test_a_change_to_an_address_in_use_sends_no_link(
    client, make_user, login, run_jobs, smtp_server
):
    make_user(email="taken@example.kz")
    user = make_user(email="mine@example.kz")
    login(user)

    response = client.post(
        "/account/email", data={"email": "taken@example.kz", "current": PASSWORD}
    )

    assert response.status_code == 302
    run_jobs()
    assert smtp_server.messages == []


def test_deactivated_accounts_get_no_reset_link(client, make_user, run_jobs, smtp_server):
    user = make_user()
    user.is_active = False
    db.session.commit()

    client.post("/password/forgot", data={"email": user.email})

    run_jobs()
    assert smtp_server.messages == []


def test_a_password_reset_asked_on_a_russian_page_arrives_in_russian(
    client, make_user, run_jobs, smtp_server
):
    user = make_user()  # no language of their own
    client.post("/language", data={"language": "ru", "next": "/password/forgot"})

    client.post("/password/forgot", data={"email": user.email})

    [message] = mail(run_jobs, smtp_server, user.email)
    assert message["Subject"] == "Задайте новый пароль для E-appealing"
    text = message.get_content()
    assert f"Здравствуйте, {user.full_name}." in text
    assert "в течение 2 часов" in text and "ваш пароль останется прежним" in text
    assert client.get(link_of(message)).status_code == 200


def test_an_account_mail_is_in_the_users_own_language_whatever_the_page(
    client, make_user, run_jobs, smtp_server
):
    user = make_user()
    user.language = "kk"
    db.session.commit()
    client.post("/language", data={"language": "ru", "next": "/password/forgot"})

    client.post("/password/forgot", data={"email": user.email})

    [message] = mail(run_jobs, smtp_server, user.email)
    assert message["Subject"] == "E-appealing үшін жаңа құпиясөз орнатыңыз"
    assert "2 сағат ішінде" in message.get_content()


def test_a_registration_on_a_kazakh_page_is_confirmed_in_kazakh(client, run_jobs, smtp_server):
    client.post("/language", data={"language": "kk", "next": "/register"})

    client.post("/register", data=REGISTRATION)

    [message] = mail(run_jobs, smtp_server, "aigerim@example.kz")
    assert message["Subject"] == "E-appealing үшін электрондық поштаңызды растаңыз"
    assert "72 сағат ішінде" in message.get_content()
