"""The sign-up form: what a visitor sees when a field is wrong, and that nothing is saved then."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from appeals.accounts.models import Role, User
from appeals.extensions import db
from tests.pages import csrf_token, field_error, field_value, page_text


def alert_text(html: str) -> str:
    """The flashed message of a page."""
    start = html.index('role="alert"')
    return page_text(html[start : html.index("</div>", start)])


GOOD = {
    "full_name": "Aigerim Nurlanovna Sadykova",
    "email": "aigerim@example.kz",
    "iin": "900101300017",
    "password": "correct-horse-battery",
    "confirm": "correct-horse-battery",
}


def user_count() -> int:
    return db.session.execute(select(func.count(User.id))).scalar_one()


def test_registration_creates_a_citizen_who_confirms_and_signs_in(client):
    response = client.post("/register", data=GOOD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    user = db.session.execute(select(User)).scalar_one()
    assert (user.email, user.full_name, user.iin, user.role) == (
        "aigerim@example.kz",
        "Aigerim Nurlanovna Sadykova",
        "900101300017",
        Role.CITIZEN,
    )
    assert user.password_hash != GOOD["password"]
    assert user.email_verified_at is None  # until the link in the e-mail is followed
    signed_in = client.post("/login", data={"email": GOOD["email"], "password": GOOD["password"]})
    assert signed_in.status_code == 302
    assert client.get("/appeals/new").status_code == 200


def test_iin_is_optional(client):
    response = client.post("/register", data={**GOOD, "iin": ""})

    assert response.status_code == 302
    assert db.session.execute(select(User.iin)).scalar_one() is None


REFUSED = [
    # (why, changed fields, field that shows the error, part of the message)
    ("empty name", {"full_name": ""}, "full_name", "required"),
    ("name of spaces", {"full_name": "   "}, "full_name", "required"),
    ("name too long", {"full_name": "A" * 201}, "full_name", "200"),
    ("empty e-mail", {"email": ""}, "email", "required"),
    ("e-mail without @", {"email": "aigerim.example.kz"}, "email", "Invalid email"),
    ("e-mail without domain", {"email": "aigerim@"}, "email", "Invalid email"),
    ("IIN check digit", {"iin": "900101300018"}, "iin", "check digit"),
    ("IIN of 11 digits", {"iin": "90010130001"}, "iin", "12 digits"),
    ("IIN with a letter", {"iin": "90010130001A"}, "iin", "12 digits"),
    ("IIN birth date", {"iin": "901301300017"}, "iin", "birth date"),
    ("empty password", {"password": "", "confirm": ""}, "password", "required"),
    ("short password", {"password": "short", "confirm": "short"}, "password", "at least 10"),
    ("9 characters", {"password": "kx9-vq2-z", "confirm": "kx9-vq2-z"}, "password", "at least 10"),
    ("12345678", {"password": "12345678", "confirm": "12345678"}, "password", "at least 10"),
    ("common", {"password": "1234567890", "confirm": "1234567890"}, "password", "too common"),
    ("common+digits", {"password": "password123", "confirm": "password123"}, "password", "common"),
    ("leet", {"password": "P@ssw0rd2024", "confirm": "P@ssw0rd2024"}, "password", "common"),
    ("keyboard", {"password": "qwerty123456", "confirm": "qwerty123456"}, "password", "common"),
    (
        "has the name",
        {"password": "sadykova-2026!", "confirm": "sadykova-2026!"},
        "password",
        "name",
    ),
    (
        "has the e-mail",
        {"password": "Aigerim#Bolat7", "confirm": "Aigerim#Bolat7"},
        "password",
        "e-mail",
    ),
    ("passwords differ", {"confirm": "correct-horse-batterY"}, "confirm", "passwords differ"),
]


@pytest.mark.parametrize(
    ("why", "changes", "field", "message"), REFUSED, ids=[case[0] for case in REFUSED]
)
def test_wrong_field_is_marked_and_no_account_is_made(client, why, changes, field, message):
    response = client.post("/register", data={**GOOD, **changes})

    assert response.status_code == 200, why
    page = response.get_data(as_text=True)
    error = field_error(page, field)
    assert error is not None and message in error, f"{why}: {error!r}"
    assert user_count() == 0


def test_all_empty_marks_every_required_field(client):
    page = client.post("/register", data={}).get_data(as_text=True)

    for field in ("full_name", "email", "password", "confirm"):
        assert "required" in (field_error(page, field) or ""), field
    assert field_error(page, "iin") is None
    assert user_count() == 0


def test_typed_values_are_kept_after_an_error(client):
    data = {**GOOD, "iin": "900101300018"}
    page = client.post("/register", data=data).get_data(as_text=True)

    assert field_error(page, "iin") is not None
    assert field_value(page, "full_name") == GOOD["full_name"]
    assert field_value(page, "email") == GOOD["email"]
    assert field_value(page, "iin") == "900101300018"
    assert field_value(page, "password") == ""  # a password is never sent back


@pytest.mark.parametrize(
    "typed", ["aigerim@example.kz", "AIGERIM@EXAMPLE.KZ", "Aigerim@Example.Kz"]
)
def test_an_e_mail_in_use_gets_the_same_page_and_no_second_account(client, make_user, typed):
    # The page must not tell whether an address has an account: the words and the redirect
    # are those of a new account (its owner is told by e-mail, tests/accounts/test_recovery).
    make_user(email="Aigerim@example.kz")
    fresh = client.post("/register", data={**GOOD, "email": "new.person@example.kz"})
    fresh_words = client.get("/login").get_data(as_text=True)

    response = client.post("/register", data={**GOOD, "email": typed})
    taken_words = client.get("/login").get_data(as_text=True)

    assert (response.status_code, response.headers["Location"]) == (
        fresh.status_code,
        fresh.headers["Location"],
    )
    assert alert_text(taken_words).replace(typed, "X") == alert_text(fresh_words).replace(
        "new.person@example.kz", "X"
    )
    assert user_count() == 2


def test_registration_without_a_csrf_token_is_refused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/register", data=GOOD)

    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert user_count() == 0


def test_registration_with_the_forms_csrf_token_is_accepted(app, client, monkeypatch):
    # The other half of the CSRF check: the token the form carries is accepted.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token = csrf_token(client.get("/register").get_data(as_text=True))

    response = client.post("/register", data={**GOOD, "csrf_token": token})

    assert response.status_code == 302
    assert user_count() == 1
