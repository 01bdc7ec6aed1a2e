"""The staff are told in their own language (users.language), else in the site's default: the
notices go through the outbox, are delivered by a real RQ worker and read back from a real
SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from appeals.accounts.models import Role
from appeals.deadlines.jobs import mark_overdue
from appeals.extensions import db
from appeals.work.service import assign_executor
from tests.factories import submit
from tests.notifications.conftest import plain_body

# Thu 05.11.2026, 10:00 in Almaty: registered that day, due 26.11.2026 (15 working days).
SUBMITTED = datetime(2026, 11, 5, 5, 0, tzinfo=UTC)


def speaking(user, language: str | None):
    user.language = language
    db.session.commit()
    return user


def only_mail(inbox, address: str, subject_part: str):
    """The one message to an address whose subject holds the words."""
    found = [m for m in inbox.messages if m["To"] == address and subject_part in m["Subject"]]
    assert len(found) == 1, [str(m["Subject"]) for m in inbox.messages if m["To"] == address]
    [message] = found
    return str(message["Subject"]), plain_body(message)


def test_an_overdue_appeal_is_told_to_each_of_its_staff_in_their_language(
    make_user, run_jobs, smtp_server
):
    executor = speaking(make_user(Role.OFFICIAL, body_code="health-71"), "kk")
    head = speaking(make_user(Role.HEAD, body_code="health-71"), "ru")
    other_head = make_user(Role.HEAD, body_code="health-71")  # no language: the site's (en)
    appeal, _code = submit(make_user(), now=SUBMITTED, language="en")
    assign_executor(appeal, executor, head)
    db.session.commit()

    assert mark_overdue(date(2026, 11, 27)) == 1
    db.session.commit()
    run_jobs()

    subject, text = only_mail(smtp_server, executor.email, "МЕРЗІМІ")
    assert subject == f"МЕРЗІМІ ӨТТІ: {appeal.number} өтініш"
    assert "Астана қаласының денсаулық сақтау басқармасы" in text
    assert "26.11.2026" in text and "ӘРПК 91-бабының 2-бөлігі" in text
    subject, text = only_mail(smtp_server, head.email, "СРОК ИСТЁК")
    assert subject == f"СРОК ИСТЁК: обращение {appeal.number}"
    assert "Управление здравоохранения города Астаны" in text
    assert "части 2 статьи 91 АППК" in text and "ответ не дан" in text
    subject, text = only_mail(smtp_server, other_head.email, "OVERDUE")
    assert subject == f"OVERDUE: appeal {appeal.number}"
    assert "has not been answered" in text


def test_the_executor_is_told_of_the_assignment_in_their_language(make_user, run_jobs, smtp_server):
    executor = speaking(make_user(Role.OFFICIAL, body_code="health-71"), "ru")
    head = speaking(make_user(Role.HEAD, body_code="health-71"), "kk")
    appeal, _code = submit(make_user(), now=SUBMITTED, language="kk")
    assign_executor(appeal, executor, head)
    db.session.commit()
    run_jobs()

    subject, text = only_mail(smtp_server, executor.email, "исполнителем")
    assert subject == f"Вы назначены исполнителем по обращению {appeal.number}"
    assert "Ответ нужно дать до 26.11.2026" in text and "продлении срока" in text
