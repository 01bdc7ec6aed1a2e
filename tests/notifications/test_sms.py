"""Notices by SMS: the applicant's channels and optional notices, delivered by a real RQ
worker to a local HTTP server standing in for the gateway (and by real SMTP for e-mail); the
gateway down is a failure that is retried and listed for the admin; the SMS's length."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from redis import Redis
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select, update

from appeals.accounts.models import Role, User
from appeals.accounts.phone_numbers import PhoneNumberRefused, kazakh_mobile
from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.notifications.jobs import deliver_notification
from appeals.notifications.models import Notification, NotificationStatus
from appeals.notifications.service import flag_unsent_extension_notices, notify_applicant
from appeals.notifications.sms import fit_sms, sms_parts
from appeals.timeutil import local_today, now_utc
from appeals.work.service import assign_executor
from appeals.work.terms import extend_term
from tests.factories import submit
from tests.pages import by_testid, page_text

NUMBER = "+77011234567"
RU = {"Accept-Language": "ru"}


@pytest.fixture
def head(make_user):
    return make_user(Role.HEAD, body_code="health-71", full_name="Saule Bekova")


def applicant(make_user, *, verified=True, channels=("email", "sms"), off=()) -> User:
    user = make_user(email="dana@example.kz")
    user.phone = NUMBER
    user.phone_verified_at = now_utc() if verified else None
    user.notice_channels, user.notices_off = list(channels), list(off)
    db.session.commit()
    return user


def extend(appeal, head):
    extend_term(
        appeal,
        appeal.due_on + timedelta(days=14),
        "Expert opinion awaited",
        head,
        today=local_today(),
    )
    db.session.commit()


def notices(template: str) -> list[Notification]:
    db.session.expire_all()
    rows = (
        db.session.execute(
            select(Notification).where(Notification.template == template).order_by(Notification.id)
        )
        .scalars()
        .all()
    )
    db.session.commit()
    return list(rows)


def test_a_notice_goes_by_sms_and_e_mail(make_user, head, run_jobs, sms_gateway, smtp_server):
    appeal, _ = submit(applicant(make_user))
    extend(appeal, head)

    run_jobs()

    # The receipt went by SMS too; the extension's is the one looked at here.
    assert len(sms_gateway.received) == 2
    [request] = [r for r in sms_gateway.received if "extended" in r["json"]["text"]]
    assert request["path"] == "/sms"
    assert request["headers"]["Authorization"] == "Bearer gateway-token-1"
    assert request["json"]["to"] == NUMBER
    assert appeal.number in request["json"]["text"] and "\n" not in request["json"]["text"]
    assert sms_parts(request["json"]["text"]) <= 2
    extension_mails = [m for m in smtp_server.messages if "extended" in m["Subject"].lower()]
    assert len(extension_mails) == 1 and extension_mails[0]["To"] == "dana@example.kz"
    by_channel = {n.channel: n for n in notices("term_extended")}
    assert set(by_channel) == {"email", "sms"}
    assert by_channel["sms"].dedup_key == by_channel["email"].dedup_key + "-sms"
    assert all(n.status == NotificationStatus.SENT for n in by_channel.values())


def test_the_gateway_failing_is_retried_and_listed(
    app, make_user, head, run_jobs, sms_gateway, redis_server, client, login
):
    appeal, _ = submit(applicant(make_user, channels=("sms",)))
    sms_gateway.status = 500
    extend(appeal, head)

    run_jobs()

    [notice] = notices("term_extended")
    assert notice.channel == "sms" and notice.status == NotificationStatus.FAILED
    assert notice.last_error.startswith("SmsGatewayError: HTTP 500")
    registry = ScheduledJobRegistry("notifications", connection=Redis.from_url(redis_server.url))
    assert f"notice-{notice.id}" in registry.get_job_ids()  # RQ retries with backoff
    login(make_user(Role.ADMIN))
    row = by_testid(client.get("/admin/notifications").get_data(as_text=True), "undelivered")
    assert NUMBER in row.text() and "(SMS)" in row.text()

    sms_gateway.status = 200
    notice_id = notice.id
    db.session.commit()  # hold no transaction while the job writes
    assert deliver_notification(notice_id) == "sent"  # what RQ's retry runs
    [notice] = notices("term_extended")
    assert notice.status == NotificationStatus.SENT and notice.attempts == 2
    extended = [r for r in sms_gateway.received if "extended" in r["json"]["text"]]
    assert len(extended) == 2  # the failed attempt and the retry (the receipt went by SMS too)


def test_a_gateway_that_does_not_answer_in_time_is_a_failure(
    app, make_user, head, run_jobs, sms_gateway, monkeypatch
):
    monkeypatch.setitem(app.config, "SMS_GATEWAY_READ_TIMEOUT", 1)
    sms_gateway.delay = 2
    appeal, _ = submit(applicant(make_user, channels=("sms",)))
    extend(appeal, head)

    run_jobs()

    [notice] = notices("term_extended")
    assert notice.status == NotificationStatus.FAILED and "ReadTimeout" in notice.last_error


def test_without_a_gateway_url_the_sms_is_logged(app, make_user, head, run_jobs, caplog):
    appeal, _ = submit(applicant(make_user, channels=("sms",)))
    extend(appeal, head)
    caplog.set_level("INFO", logger="appeals.notifications.channels")

    run_jobs()

    [notice] = notices("term_extended")
    assert notice.status == NotificationStatus.SENT
    assert any(f"sms to {NUMBER}" in record.getMessage() for record in caplog.records)


def test_a_failed_sms_beside_a_sent_e_mail_is_no_late_extension_notice(make_user, head):
    appeal, _ = submit(applicant(make_user))
    extend(appeal, head)
    by_channel = {n.channel: n for n in notices("term_extended")}
    by_channel["email"].status = NotificationStatus.SENT
    by_channel["sms"].status = NotificationStatus.FAILED
    db.session.commit()
    after_window = appeal.extension_notice_due_on + timedelta(days=1)

    assert flag_unsent_extension_notices(after_window, now_utc()) == 0
    by_channel["email"].status = NotificationStatus.FAILED
    db.session.commit()
    assert flag_unsent_extension_notices(after_window, now_utc()) == 1


def test_an_sms_sent_late_after_the_e_mail_in_time_flags_nothing(
    make_user, head, run_jobs, sms_gateway, smtp_server
):
    appeal, _ = submit(applicant(make_user))
    sms_gateway.status = 500
    extend(appeal, head)
    run_jobs()  # the e-mail goes out in time, the SMS fails
    sms = next(n for n in notices("term_extended") if n.channel == "sms")
    sms_id = sms.id
    # The SMS goes out once the window is over.
    db.session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id)
        .values(extension_notice_due_on=local_today() - timedelta(days=1))
    )
    sms_gateway.status = 200
    db.session.commit()

    assert deliver_notification(sms_id) == "sent"

    db.session.expire_all()
    assert db.session.get(Appeal, appeal.id).extension_notified_late_at is None


def test_a_required_notice_goes_out_with_every_optional_one_off(
    make_user, head, run_jobs, sms_gateway, smtp_server, client, login
):
    user = applicant(make_user)
    login(user)
    response = client.post("/account/notices", data={"email": "y", "sms": "y"})  # none optional
    assert response.status_code == 302
    db.session.expire_all()
    assert set(db.session.get(User, user.id).notices_off) == {"appeal_assigned"}
    appeal, _ = submit(db.session.get(User, user.id))
    assign_executor(appeal, head, head)  # optional: "an executor takes up my appeal"
    extend(appeal, head)  # required

    run_jobs()

    assert notices("appeal_assigned") == []
    assert {n.channel for n in notices("term_extended")} == {"email", "sms"}
    assert len(sms_gateway.received) == 2  # the receipt and the extension, both required


def test_an_optional_notice_goes_out_when_on(make_user, head, run_jobs, sms_gateway):
    appeal, _ = submit(applicant(make_user))
    assign_executor(appeal, head, head)
    db.session.commit()
    run_jobs()
    assert {n.channel for n in notices("appeal_assigned")} == {"email", "sms"}
    assert len([t for t in sms_gateway.texts_to(NUMBER) if "worked on" in t]) == 1


def test_an_unverified_number_receives_nothing(make_user, head, run_jobs, sms_gateway):
    appeal, _ = submit(applicant(make_user, verified=False))
    extend(appeal, head)
    run_jobs()
    assert [n.channel for n in notices("term_extended")] == ["email"]
    assert sms_gateway.received == []


def test_sms_alone_with_the_number_unverified_falls_back_to_e_mail(make_user, head):
    appeal, _ = submit(applicant(make_user, verified=False, channels=("sms",)))
    extend(appeal, head)
    assert [(n.channel, n.address) for n in notices("term_extended")] == [
        ("email", "dana@example.kz")
    ]


def test_no_applicant_no_notice(make_user, head):
    appeal, _ = submit(applicant(make_user))
    appeal.applicant_id = None
    db.session.flush()
    db.session.refresh(appeal)
    notify_applicant(appeal, "term_extended", {})
    assert notices("term_extended") == []


# --- The preferences form -----------------------------------------------------------------


def test_no_channel_is_refused_and_the_ticks_stay(make_user, client, login):
    user = applicant(make_user)
    login(user)
    response = client.post("/account/notices", data={"optional": ["appeal_assigned"]})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose at least one way to receive notices." in page_text(html)
    inputs = re.finditer(r'<input[^>]*value="(\w+)"[^>]*>', html)
    ticks = {found.group(1): "checked" in found.group(0) for found in inputs}
    assert ticks["appeal_assigned"]  # what was ticked stays ticked
    db.session.expire_all()
    assert db.session.get(User, user.id).notices_off == []  # nothing half-saved


def test_sms_cannot_be_chosen_before_the_number_is_verified(make_user, client, login):
    user = applicant(make_user, verified=False, channels=("email",))
    login(user)
    page = client.get("/account/notices").get_data(as_text=True)
    assert "Verify a phone number above to receive SMS." in page_text(page)
    response = client.post("/account/notices", data={"email": "y", "sms": "y"})
    assert response.status_code == 400
    assert "Verify your phone number before choosing SMS." in page_text(
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(User, user.id).notice_channels == ["email"]


def test_required_notices_are_shown_always_on(make_user, client, login):
    login(applicant(make_user))
    html = client.get("/account/notices").get_data(as_text=True)
    assert 'id="required-term_extended" checked disabled' in html
    assert "The law requires these: they are always sent and cannot be turned off." in page_text(
        html
    )


def test_the_admin_list_names_the_channel_in_russian(make_user, client, login):
    appeal, _ = submit(applicant(make_user, channels=("sms",)))
    notice = Notification(
        template="term_extended",
        address=NUMBER,
        channel="sms",
        payload={},
        status=NotificationStatus.FAILED,
        appeal_id=appeal.id,
    )
    db.session.add(notice)
    db.session.commit()
    login(make_user(Role.ADMIN))
    html = client.get("/admin/notifications", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    assert "(SMS)" in page_text(html)


def test_the_preferences_page_is_russian(make_user, client, login):
    login(applicant(make_user))
    text = page_text(
        client.get("/account/notices", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    )
    for russian in (
        "Уведомления",
        "Способы",
        "Обязательные уведомления",
        "Моё обращение зарегистрировано",
    ):
        assert russian in text


# --- The SMS's length and the number's form --------------------------------------------------


def test_one_sms_holds_160_latin_or_70_cyrillic_characters():
    assert sms_parts("a" * 160) == 1 and sms_parts("a" * 161) == 2
    assert sms_parts("а" * 70) == 1 and sms_parts("а" * 71) == 2  # Cyrillic а
    assert sms_parts("€" * 80) == 1 and sms_parts("€" * 81) == 2  # escaped: two septets each
    assert sms_parts("я" * 134) == 2 and sms_parts("я" * 135) == 3  # 67 per part


def test_a_long_text_is_cut_at_a_word_to_fit():
    russian = "Срок рассмотрения обращения З-2026-000123 продлён до 25.12.2026 " * 3
    cut = fit_sms(russian, 1)
    assert sms_parts(cut) == 1 and cut.endswith("…") and len(cut) <= 70
    assert russian.startswith(cut[:-1].rstrip())
    latin = fit_sms("Appeal A-1 term extended. " * 20, 1)
    assert latin.endswith("...") and len(latin) <= 160  # "…" would make it UCS-2
    assert fit_sms("Short\nsubject", 1) == "Short subject"


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("8 701 123 45 67", NUMBER),
        ("+7 (701) 123-45-67", NUMBER),
        ("87011234567", NUMBER),
        ("7011234567", NUMBER),
        ("+7 777 000 11 22", "+77770001122"),
    ],
)
def test_kazakh_mobile_numbers_are_kept_in_e164(typed, number):
    assert kazakh_mobile(typed) == number


@pytest.mark.parametrize(
    "typed", ["", "123", "+7 916 123 45 67", "8 7172 55 55 55", "+14155552671"]
)
def test_other_numbers_are_refused(typed):
    with pytest.raises(PhoneNumberRefused):
        kazakh_mobile(typed)
