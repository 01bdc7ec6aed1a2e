"""The mobile number on the profile: entered, a code sent by SMS through the outbox and a real
RQ worker to a local gateway, typed back; wrong, expired and too many codes; a new number is
unverified again; limits, CSRF and form errors."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.notifications.models import Notification
from appeals.timeutil import now_utc
from tests.conftest import PASSWORD
from tests.pages import page_text

NUMBER = "+77011234567"


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def ask_for_code(client, phone: str = "8 701 123 45 67"):
    return client.post("/account/phone", data={"phone": phone})


def code_sent(gateway, number: str = NUMBER) -> str:
    """The six digits of the last SMS the gateway received for the number."""
    return re.search(r"\b(\d{6})\b", gateway.texts_to(number)[-1]).group(1)


@pytest.fixture
def citizen(make_user, login):
    user = make_user(email="aigerim@example.kz")
    login(user)
    return user


def test_the_number_is_verified_with_the_code_sent_by_sms(client, citizen, run_jobs, sms_gateway):
    response = ask_for_code(client)
    assert response.status_code == 302

    user = fresh(citizen)
    assert user.phone == NUMBER and user.phone_verified_at is None  # kept in E.164
    notice = db.session.execute(select(Notification)).scalar_one()
    assert (notice.channel, notice.address, notice.template) == ("sms", NUMBER, "phone_code")
    run_jobs()
    [request] = sms_gateway.received
    assert request["headers"]["Authorization"] == "Bearer gateway-token-1"
    assert request["json"]["to"] == NUMBER
    code = code_sent(sms_gateway)
    assert user.phone_code_hash and code not in user.phone_code_hash  # only a keyed hash kept

    response = client.post("/account/phone/code", data={"code": code})
    assert response.status_code == 302
    user = fresh(citizen)
    assert user.phone_verified_at is not None and user.phone_code_hash is None
    page = client.get("/account/notices").get_data(as_text=True)
    assert 'data-testid="phone-verified"' in page


def test_a_wrong_code_is_refused_and_counted(client, citizen, run_jobs, sms_gateway):
    ask_for_code(client)
    run_jobs()
    code = code_sent(sms_gateway)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    response = client.post("/account/phone/code", data={"code": wrong})

    assert response.status_code == 400
    assert "The code does not match. Tries left: 4." in page_text(response.get_data(as_text=True))
    user = fresh(citizen)
    assert user.phone_verified_at is None and user.phone_code_attempts == 1
    assert client.post("/account/phone/code", data={"code": code}).status_code == 302
    assert fresh(citizen).phone_verified_at is not None


def test_too_many_wrong_codes_void_the_code(client, citizen, run_jobs, sms_gateway):
    ask_for_code(client)
    run_jobs()
    code = code_sent(sms_gateway)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        client.post("/account/phone/code", data={"code": wrong})
    last = client.post("/account/phone/code", data={"code": wrong})
    assert "Too many wrong codes: ask for a new one." in page_text(last.get_data(as_text=True))

    # Even the right code is refused now: a new one must be asked for.
    response = client.post("/account/phone/code", data={"code": code})
    assert response.status_code == 400
    assert "Ask for a code first." in page_text(response.get_data(as_text=True))
    assert fresh(citizen).phone_verified_at is None

    ask_for_code(client)
    run_jobs()
    assert (
        client.post("/account/phone/code", data={"code": code_sent(sms_gateway)}).status_code == 302
    )
    assert fresh(citizen).phone_verified_at is not None


def test_an_expired_code_is_refused(client, citizen, run_jobs, sms_gateway):
    ask_for_code(client)
    run_jobs()
    code = code_sent(sms_gateway)
    user = fresh(citizen)
    sent = db.session.execute(select(Notification.created_at)).scalar_one()
    assert abs(user.phone_code_expires_at - sent - timedelta(minutes=10)) < timedelta(seconds=5)
    user.phone_code_expires_at = now_utc() - timedelta(seconds=1)
    db.session.commit()

    response = client.post("/account/phone/code", data={"code": code})

    assert response.status_code == 400
    assert "The code has expired: ask for a new one." in page_text(response.get_data(as_text=True))
    assert fresh(citizen).phone_verified_at is None


def test_a_new_number_is_unverified_until_its_own_code(client, citizen, run_jobs, sms_gateway):
    ask_for_code(client)
    run_jobs()
    client.post("/account/phone/code", data={"code": code_sent(sms_gateway)})
    old_code = code_sent(sms_gateway)

    # The same verified number again: nothing is sent.
    ask_for_code(client, "+7 (701) 123-45-67")
    run_jobs()
    assert len(sms_gateway.received) == 1 and fresh(citizen).phone_verified_at is not None

    ask_for_code(client, "87771234567")
    user = fresh(citizen)
    assert user.phone == "+77771234567" and user.phone_verified_at is None
    run_jobs()
    assert len(sms_gateway.texts_to("+77771234567")) == 1
    # The old number's code does not verify the new one.
    client.post("/account/phone/code", data={"code": old_code})
    assert fresh(citizen).phone_verified_at is None
    client.post("/account/phone/code", data={"code": code_sent(sms_gateway, "+77771234567")})
    assert fresh(citizen).phone_verified_at is not None


def test_removing_the_number_takes_sms_off(client, citizen, run_jobs, sms_gateway):
    ask_for_code(client)
    run_jobs()
    client.post("/account/phone/code", data={"code": code_sent(sms_gateway)})
    client.post("/account/notices", data={"email": "y", "sms": "y"})
    assert fresh(citizen).notice_channels == ["email", "sms"]

    assert client.post("/account/phone/remove").status_code == 302

    user = fresh(citizen)
    assert (user.phone, user.phone_verified_at, user.notice_channels) == (None, None, ["email"])


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("12345", "This is not a phone number."),
        ("8 7172 55 55 55", "This is a landline number: SMS need a mobile one."),
        ("+7 916 123 45 67", "SMS are sent to Kazakhstan numbers (+7 7XX) only."),
        ("", "This field is required."),
    ],
)
def test_a_bad_number_is_refused_and_what_was_typed_stays(client, citizen, typed, error):
    response = ask_for_code(client, typed)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert error in page_text(html)
    assert f'value="{typed}"' in html
    assert fresh(citizen).phone is None
    assert db.session.execute(select(Notification)).first() is None


def test_asking_for_codes_is_rate_limited_per_account(second_app, make_user):
    limited = second_app(RATELIMIT_ENABLED=True, PHONE_CODE_LIMIT="2 per 10 minutes")
    user = make_user(email="limited@example.kz")
    client = limited.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    assert ask_for_code(client).status_code == 302
    assert ask_for_code(client).status_code == 302
    assert ask_for_code(client).status_code == 429
    assert len(db.session.execute(select(Notification)).scalars().all()) == 2


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/account/phone", {"phone": "87011234567"}),
        ("/account/phone/code", {"code": "123456"}),
        ("/account/phone/remove", {}),
        ("/account/notices", {"email": "y"}),
    ],
)
def test_the_forms_need_the_csrf_token(app, client, citizen, monkeypatch, path, data):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(path, data=data).status_code == 400
    user = fresh(citizen)
    assert user.phone is None and user.notice_channels is None


def test_the_page_needs_a_signed_in_user(client):
    assert client.get("/account/notices").status_code == 302
    assert client.post("/account/phone", data={"phone": "87011234567"}).status_code == 302


def test_the_page_and_the_code_are_russian(client, citizen, run_jobs, sms_gateway):
    ru = {"Accept-Language": "ru"}
    page = page_text(client.get("/account/notices", headers=ru).get_data(as_text=True))
    assert "Телефон для SMS" in page and "Обязательные уведомления" in page
    refused = client.post("/account/phone", data={"phone": "12345"}, headers=ru)
    assert "Это не номер телефона." in page_text(refused.get_data(as_text=True))

    client.post("/account/phone", data={"phone": "87011234567"}, headers=ru)
    run_jobs()
    [text] = sms_gateway.texts_to(NUMBER)
    assert text.startswith("Код E-appealing") and len(text) <= 70  # one Cyrillic SMS
