"""The applicant is told of every step, in the appeal's language: each notice goes through the
outbox, is delivered by a real RQ worker and read back from a real SMTP server (aiosmtpd), as
plain text with an HTML alternative. Each test takes the step on a Russian appeal and on an
English one and reads both messages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import delete, select, update

from appeals.accounts.models import Role
from appeals.deadlines.jobs import mark_overdue
from appeals.deadlines.models import DeadlinePolicy
from appeals.extensions import db
from appeals.intake.applicant import file_complaint
from appeals.intake.models import Appeal, Decision
from appeals.intake.service import NewAppeal, submit_anonymous_appeal
from appeals.notifications.models import Notification
from appeals.reference.models import Body
from appeals.work.service import answer_appeal, assign_executor, leave_without_consideration
from appeals.work.terms import extend_term, forward_appeal, resume_appeal, suspend_appeal
from tests.factories import category_id, region_id, submit
from tests.notifications.conftest import html_body, plain_body

# Thu 05.11.2026, 10:00 in Almaty: registered that day, due 26.11.2026 (15 working days).
SUBMITTED = datetime(2026, 11, 5, 5, 0, tzinfo=UTC)
ASTANA = "710000000"


@pytest.fixture
def case(make_user):
    """A Russian and an English appeal of two citizens at health-71, with its staff."""
    staff = {
        "head": make_user(Role.HEAD, body_code="health-71"),
        "official": make_user(Role.OFFICIAL, body_code="health-71"),
        "superior": make_user(Role.HEAD, body_code="akimat-71"),
    }
    appeals = {}
    for language in ("ru", "en"):
        citizen = make_user(email=f"{language}@example.kz")
        appeal, code = submit(citizen, now=SUBMITTED, language=language)
        appeals[language] = (appeal, code)
    return appeals, staff


def mail(inbox, address: str, subject_part: str) -> EmailMessage:
    """The one message to an address whose subject holds the words."""
    found = [m for m in inbox.messages if m["To"] == address and subject_part in str(m["Subject"])]
    subjects = [str(m["Subject"]) for m in inbox.messages if m["To"] == address]
    assert len(found) == 1, subjects
    return found[0]


def read(inbox, appeal: Appeal, subjects: dict[str, str]) -> tuple[str, str, str]:
    """Subject, text and HTML of the notice to the appeal's applicant, picked by the subject
    in the appeal's language; both bodies are checked to be there."""
    message = mail(inbox, appeal.applicant.email, subjects[appeal.language])
    text, html = plain_body(message), html_body(message)
    assert message.get_content_type() == "multipart/alternative"
    assert html is not None and html.lstrip().startswith("<!DOCTYPE html>")
    assert appeal.number in str(message["Subject"]) and appeal.number in text
    return str(message["Subject"]), text, html


def both(case):
    appeals, staff = case
    return [appeals["ru"][0], appeals["en"][0]], staff


def test_registered_with_the_number_the_access_code_and_the_due_date(case, run_jobs, smtp_server):
    appeals, _staff = case
    run_jobs()

    for language, (appeal, code) in appeals.items():
        _subject, text, html = read(
            smtp_server, appeal, {"ru": "зарегистрировано", "en": "is registered"}
        )
        assert code in text and code in html
        assert "26.11.2026" in text
        words = {"ru": "Срок ответа", "en": "The answer is due by"}[language]
        assert words in text and words in html
        body = {"ru": "Управление здравоохранения", "en": "Health Department"}[language]
        assert body in text


def test_links_are_on_the_sites_public_address_under_its_path(
    app, case, run_jobs, smtp_server, monkeypatch
):
    """The notice is made in the worker, with no request: its links come from SITE_URL, a
    path under the host included."""
    monkeypatch.setitem(app.config, "SITE_URL", "https://appeals.gov.kz/portal")
    appeals, _staff = case
    run_jobs()

    for appeal, _code in appeals.values():
        _subject, text, html = read(
            smtp_server, appeal, {"ru": "зарегистрировано", "en": "is registered"}
        )
        link = f"https://appeals.gov.kz/portal/appeals/{appeal.id}"
        assert link in text and f'href="{link}"' in html


def test_forwarded_names_the_body_and_why(case, run_jobs, smtp_server):
    appeals, staff = both(case)
    police = db.session.execute(select(Body).where(Body.code == "police-71")).scalar_one()
    for appeal in appeals:
        forward_appeal(
            appeal, police, "Theft <is> a police matter", staff["head"], today=date(2026, 11, 6)
        )
    run_jobs()

    for appeal in appeals:
        subject, text, html = read(
            smtp_server, appeal, {"ru": "перенаправлено", "en": "was forwarded"}
        )
        assert police.name_ru in subject if appeal.language == "ru" else police.name_en in subject
        assert "Theft <is> a police matter" in text
        assert "Theft &lt;is&gt; a police matter" in html  # a typed value is escaped
        assert {"ru": "Причина", "en": "Why"}[appeal.language] in text


def test_extended_with_the_reason_and_the_new_date(case, run_jobs, smtp_server):
    appeals, staff = both(case)
    for appeal in appeals:
        extend_term(
            appeal, date(2026, 12, 24), "Expert opinion", staff["head"], today=date(2026, 11, 20)
        )
    run_jobs()

    for appeal in appeals:
        _subject, text, _html = read(smtp_server, appeal, {"ru": "продлён", "en": "is extended"})
        assert "24.12.2026" in text and "Expert opinion" in text
        assert {"ru": "Орган продлил срок", "en": "has extended the term"}[appeal.language] in text


@pytest.fixture
def suspension_allowed(case):
    """A profile that allows suspension (the APPK has none), removed afterwards."""
    policy = DeadlinePolicy(
        profile="test-notices",
        kind="statement",
        term=15,
        unit="working",
        extensions_allowed=1,
        total_cap_months=2,
        suspension_allowed=True,
        effective_from=date(2020, 1, 1),
        source="test",
    )
    db.session.add(policy)
    db.session.flush()
    db.session.execute(update(Appeal).values(policy_id=policy.id))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(update(Appeal).values(policy_id=None))
    db.session.execute(delete(DeadlinePolicy).where(DeadlinePolicy.id == policy.id))
    db.session.commit()


def test_suspended_and_resumed_where_the_policy_allows(
    case, suspension_allowed, run_jobs, smtp_server
):
    appeals, staff = both(case)
    for appeal in appeals:
        db.session.refresh(appeal)
        assign_executor(appeal, staff["official"], staff["head"])
        suspend_appeal(appeal, "Waiting for the court", staff["head"], today=date(2026, 11, 10))
        resume_appeal(appeal, staff["head"], today=date(2026, 11, 16))
    run_jobs()

    for appeal in appeals:
        _s, text, _h = read(smtp_server, appeal, {"ru": "приостановлено", "en": "is suspended"})
        assert "Waiting for the court" in text
        _s, text, _h = read(smtp_server, appeal, {"ru": "возобновлено", "en": "considered again"})
        assert appeal.effective_due_on.strftime("%d.%m.%Y") in text


def answered(appeals, staff):
    for appeal in appeals:
        assign_executor(appeal, staff["official"], staff["head"])
        answer_appeal(
            appeal,
            "An appointment is booked for you on 1 December.\nBring your ID.",
            Decision.SATISFIED,
            staff["official"],
        )
    db.session.commit()


def test_answered_with_the_answer_and_how_where_and_when_to_complain(case, run_jobs, smtp_server):
    appeals, staff = both(case)
    answered(appeals, staff)
    run_jobs()

    for appeal in appeals:
        _subject, text, html = read(
            smtp_server, appeal, {"ru": "дан ответ", "en": "has been answered"}
        )
        assert "An appointment is booked for you on 1 December.\nBring your ID." in text
        assert "Bring your ID." in html
        ru = appeal.language == "ru"
        assert ("Удовлетворено" if ru else "Satisfied") in text
        superior = db.session.execute(select(Body).where(Body.code == "akimat-71")).scalar_one()
        assert (superior.name_ru if ru else superior.name_en) in text  # where
        assert ("3 месяцев" if ru else "within 3 months") in text  # when: APPK art. 92
        assert ("20 рабочих дней" if ru else "20 working days") in text  # the policy's term
        link = f"/appeals/{appeal.id}#complaint-form"
        assert (
            link in text
            and f'href="http://127.0.0.1:5000{link}"' in html.replace("&amp;", "&")
            or link in html
        )


def test_term_run_out_is_a_deemed_refusal_told_once_with_the_complaint_link(
    case, run_jobs, smtp_server
):
    appeals, _staff = both(case)
    assert mark_overdue(date(2026, 11, 27)) == 2
    db.session.commit()
    # The flag cleared and set again (an extension that ran out too): no second notice.
    db.session.execute(update(Appeal).values(is_overdue=False))
    assert mark_overdue(date(2026, 11, 30)) == 2
    run_jobs()

    for appeal in appeals:
        _subject, text, html = read(
            smtp_server, appeal, {"ru": "истёк", "en": "has run out with no answer"}
        )
        ru = appeal.language == "ru"
        assert ("статьи 91 АППК" if ru else "APPK art. 91(2)") in text
        assert f"/appeals/{appeal.id}#complaint-form" in text
        assert f"/appeals/{appeal.id}#complaint-form" in html
    templates = db.session.execute(
        select(Notification.template).where(Notification.template == "term_expired_unanswered")
    ).scalars()
    assert len(list(templates)) == 2


def test_left_without_consideration_with_the_ground(case, run_jobs, smtp_server):
    appeals, staff = both(case)
    for appeal in appeals:
        leave_without_consideration(appeal, "court", staff["head"], "Decision of 01.10.2026")
    run_jobs()

    for appeal in appeals:
        _s, text, _h = read(
            smtp_server, appeal, {"ru": "без рассмотрения", "en": "left without consideration"}
        )
        ground = {
            "ru": "вступившее в законную силу решение суда",
            "en": "The matter has been decided by a court decision in force",
        }[appeal.language]
        assert ground in text and "Decision of 01.10.2026" in text


def test_anonymous_appeal_left_is_told_in_its_language(run_jobs, smtp_server):
    for language in ("ru", "en"):
        new = NewAppeal(
            kind="report",
            category_id=category_id("healthcare"),
            region_id=region_id(ASTANA),
            subject="Dirty hospital",
            text="The hospital is dirty and nobody cleans it at all.",
            language=language,
        )
        submit_anonymous_appeal(new, f"anon-{language}@example.kz")
    db.session.commit()
    run_jobs()

    ru = mail(smtp_server, "anon-ru@example.kz", "без рассмотрения")
    en = mail(smtp_server, "anon-en@example.kz", "left without consideration")
    assert "Анонимное обращение" in plain_body(ru)
    assert "An anonymous appeal" in plain_body(en)


def test_complaint_received_and_decided(case, run_jobs, smtp_server):
    appeals, staff = both(case)
    answered(appeals, staff)
    complaints = []
    for appeal in appeals:
        complaint, _code = file_complaint(
            appeal,
            "disagrees",
            "The appointment is too late for me.",
            appeal.applicant,
            now=datetime(2026, 11, 10, 5, 0, tzinfo=UTC),
        )
        complaints.append(complaint)
    db.session.commit()
    for complaint in complaints:
        assert complaint.current_body.code == "akimat-71"
        assert complaint.language == complaint.parent.language
        assign_executor(complaint, staff["superior"], staff["superior"])
        answer_appeal(complaint, "The complaint is upheld.", Decision.SATISFIED, staff["superior"])
    run_jobs()

    for complaint in complaints:
        _s, text, _h = read(smtp_server, complaint, {"ru": "принята", "en": "is received"})
        assert complaint.parent.number in text
        _s, text, _h = read(smtp_server, complaint, {"ru": "принято решение", "en": "is decided"})
        assert "The complaint is upheld." in text
        assert {"ru": "обратиться в суд", "en": "go to court"}[complaint.language] in text
