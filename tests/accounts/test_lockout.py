"""Per-account lockout: wrong passwords in a row make the account wait, longer each time, and
the page says until when; the rule's arithmetic."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from appeals.accounts.models import User
from appeals.accounts.rules import lock_wait
from appeals.extensions import db
from appeals.timeutil import now_utc
from tests.conftest import PASSWORD
from tests.pages import field_error


def attempt(client, user, password):
    return client.post("/login", data={"email": user.email, "password": password})


def lock_of(user) -> tuple[int, timedelta | None]:
    db.session.expire_all()
    failures, until = db.session.execute(
        select(User.failed_logins, User.locked_until).where(User.id == user.id)
    ).one()
    return failures, (until - now_utc()) if until else None


def error_of(response) -> str:
    return field_error(response.get_data(as_text=True), "password")


def test_five_wrong_passwords_lock_the_account_and_the_page_says_until_when(client, make_user):
    user = make_user()
    for _ in range(4):
        assert error_of(attempt(client, user, "wrong-password-1")) == "Wrong e-mail or password."

    fifth = attempt(client, user, "wrong-password-1")

    message = error_of(fifth)
    assert message.startswith("Too many wrong passwords for this account. Try again after ")
    assert re.search(r"after \d\d:\d\d\.$", message)
    failures, wait = lock_of(user)
    assert failures == 5
    assert timedelta(seconds=55) < wait <= timedelta(seconds=60)


def test_while_locked_even_the_right_password_is_refused(client, make_user):
    user = make_user()
    for _ in range(5):
        attempt(client, user, "wrong-password-1")

    response = attempt(client, user, PASSWORD)

    assert response.status_code == 200
    assert "Try again after" in error_of(response)
    assert lock_of(user)[0] == 5  # attempts while locked are not counted
    assert client.get("/appeals/").status_code == 302  # not signed in


def expire_lock(user) -> None:
    db.session.expire_all()
    db.session.get(User, user.id).locked_until = now_utc() - timedelta(seconds=1)
    db.session.commit()


def test_after_the_wait_each_wrong_password_doubles_it(client, make_user):
    user = make_user()
    for _ in range(5):
        attempt(client, user, "wrong-password-1")
    expire_lock(user)

    response = attempt(client, user, "wrong-password-1")

    assert "Try again after" in error_of(response)
    failures, wait = lock_of(user)
    assert failures == 6
    assert timedelta(seconds=115) < wait <= timedelta(seconds=120)


def test_the_right_password_after_the_wait_signs_in_and_clears_the_count(client, make_user):
    user = make_user()
    for _ in range(5):
        attempt(client, user, "wrong-password-1")
    expire_lock(user)

    response = attempt(client, user, PASSWORD)

    assert response.status_code == 302
    assert lock_of(user) == (0, None)


def test_a_right_password_before_the_limit_clears_the_count(client, make_user, login):
    user = make_user()
    for _ in range(4):
        attempt(client, user, "wrong-password-1")

    login(user)
    client.post("/logout")
    for _ in range(4):
        attempt(client, user, "wrong-password-1")

    assert lock_of(user) == (4, None)


def test_another_account_is_not_locked(client, make_user):
    user, other = make_user(), make_user()
    for _ in range(5):
        attempt(client, user, "wrong-password-1")

    assert attempt(client, other, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (4, 0), (5, 60), (6, 120), (7, 240), (10, 1920), (11, 3600), (12, 3600), (99, 3600)],
)
def test_the_wait_grows_from_the_fifth_failure_up_to_the_maximum(failures, seconds):
    wait = lock_wait(failures, after=5, first_seconds=60, max_seconds=3600)

    assert wait == timedelta(seconds=seconds)
