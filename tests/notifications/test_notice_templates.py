"""Every applicant's notice renders in every interface language (language.LANGUAGES: a new
language is covered as soon as it is added), translated, as text and HTML with values escaped;
and the list of required notices is the one the law asks for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import Decision
from appeals.language import LANGUAGES
from appeals.notifications.models import Notification
from appeals.notifications.service import (
    APPLICANT_NOTICES,
    OPTIONAL_APPLICANT_NOTICES,
    REQUIRED_APPLICANT_NOTICES,
    render_message,
)
from appeals.work.service import answer_appeal, assign_executor
from tests.factories import submit

TEMPLATES = Path(__file__).parents[2] / "templates" / "notifications"

# A payload with every field any applicant's notice reads; a typed value carries markup.
PAYLOAD = {
    "number": None,  # set to the appeal's
    "subject": "Queue <b>& wait</b>",
    "access_code": "ABCDEFGHJK",
    "body_id": None,  # set to the appeal's body
    "due_on": "2026-11-26",
    "until": "2026-12-24",
    "manual": False,
    "parent_number": "З-2026-00000001",
    "reason": "Because <script>alert(1)</script>",
    "late": False,
    "executor": "Daniyar Omarov",
    "decision": "satisfied",
    "answer_id": None,  # set to the answer's
    "ground": "court",
    "note": "A note & more",
    "earlier_number": "З-2026-00000001",
    "earlier_answered_on": "2026-10-01",
}


@pytest.fixture(scope="module")
def names():
    return sorted(APPLICANT_NOTICES)


@pytest.fixture
def answered(make_user):
    citizen = make_user()
    head = make_user(Role.HEAD, body_code="health-71")
    appeal, _ = submit(citizen, subject="Queue <b>& wait</b>")
    assign_executor(appeal, head, head)
    answer = answer_appeal(appeal, "The answer <i>itself</i>.", Decision.REFUSED, head)
    db.session.commit()
    return appeal, answer


def test_every_applicant_notice_has_a_template_and_no_template_is_left_over():
    html_names = {p.stem for p in TEMPLATES.glob("*.html") if not p.stem.startswith("_")}
    assert html_names == APPLICANT_NOTICES
    assert not {p.stem for p in TEMPLATES.glob("*.txt")} & APPLICANT_NOTICES


def test_the_required_notices_are_the_laws_and_the_rest_optional():
    assert {
        "appeal_registered",
        "appeal_forwarded",
        "term_extended",
        "appeal_answered",
        "appeal_left_without_consideration",
        "term_expired_unanswered",
        "complaint_received",
        "complaint_decided",
    } <= REQUIRED_APPLICANT_NOTICES
    assert not REQUIRED_APPLICANT_NOTICES & set(OPTIONAL_APPLICANT_NOTICES)
    assert "appeal_assigned" in OPTIONAL_APPLICANT_NOTICES


def rendered(appeal, answer, name: str, language: str):
    payload = PAYLOAD | {
        "number": appeal.number,
        "body_id": appeal.current_body_id,
        "answer_id": answer.id,
    }
    notice = Notification(
        template=name,
        address="a@example.kz",
        payload=payload,
        appeal_id=appeal.id,
        language=language,
    )
    return render_message(notice)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_applicant_notice_renders_in_every_language(answered, names, language):
    appeal, answer = answered
    for name in names:
        message = rendered(appeal, answer, name, language)
        assert message.subject and "\n" not in message.subject, name
        assert appeal.number in message.subject + message.text, name
        assert message.html is not None and f'<html lang="{language}">' in message.html, name
        # Values typed by people are escaped in the HTML, and kept as typed in the text.
        assert "<script>" not in message.html and "<b>&" not in message.html, name
        if "reason" in message.text.lower() or "Because" in message.text:
            assert "Because <script>alert(1)</script>" in message.text, name
        assert "&lt;" not in message.text and "&amp;" not in message.text, name
        if language != "en":  # translated: no English subject or body left
            english = rendered(appeal, answer, name, "en")
            assert message.subject != english.subject, (name, message.subject)
            assert message.text.split("\n")[0] != english.text.split("\n")[0], name


def test_the_answer_notice_holds_the_answer_escaped(answered):
    appeal, answer = answered
    message = rendered(appeal, answer, "appeal_answered", "en")
    assert "The answer <i>itself</i>." in message.text
    assert "The answer &lt;i&gt;itself&lt;/i&gt;." in message.html


# The staff's notices and the account mails (NAME.txt): a payload with every field one reads.
# Typed values hold no English word, so that a word of English left in a Kazakh or Russian
# message is the template's.
def staff_payload(appeal, code: str) -> dict:
    return {
        "number": appeal.number,
        "reminder": "1_day",
        "by": "Данияр Омаров",
        "until": "2026-12-24",
        "reason": "№ 5",
        "files": 2,
        "clarification": "№ 7",
        "satisfaction": "partly",
        "comment": "№ 8",
        "source": "complaint",
        "source_number": "Ж-2026-00000002",
        "due_on": "2026-12-24",
        "lawful": False,
        "violations": ["missed_deadline", "red_tape"],
        "note": "№ 9",
        "has_act": True,
        "act": "representation",
        "act_due_on": "24.12.2026",
        "body_id": appeal.current_body_id,
        "body": "Health Department",
        "to": "prosecutor",
        "name": "Айгерім",
        "link": "http://127.0.0.1:5000/password/reset/token",
        "hours": 2,
        "days": 7,
        "role": "official",
        "text": code,
        "total": 3,
        "day": "05.12.2026",
        "regions": [
            {
                "region_id": appeal.region_id,
                "region": "Astana",
                "count": 3,
                "bodies": [
                    {
                        "body_id": appeal.current_body_id,
                        "body": "Health Department",
                        "count": 3,
                        "appeals": [
                            {"number": appeal.number, "url": "http://127.0.0.1:5000/p/appeals/1"}
                        ],
                    }
                ],
            }
        ],
    }


# The variants a template branches on, besides the payload above.
VARIANTS = {
    "act_overdue": [{"to": "prosecutor"}, {"to": "head"}],
    "appeal_audited": [{}, {"lawful": True, "has_act": False}],
    "appeal_reopened_staff": [{}, {"source": "act"}],
    "appeal_supplemented": [{}, {"files": 1, "clarification": None}, {"files": 0}],
    "deadline_reminder": [{"reminder": r} for r in ("3_days", "1_day", "due_today")],
}
# English words no Kazakh or Russian staff notice or account mail may keep (links aside).
ENGLISH = re.compile(
    r"\b(appeal|the|answer|due|hello|link|term|body|prosecutor|overdue|today|account|"
    r"password|reason|comment|verdict|act|applicant|extension|ignore)\b",
    re.IGNORECASE,
)


def rendered_txt(appeal, name: str, language: str, payload: dict):
    notice = Notification(
        template=name,
        address="s@example.kz",
        payload=payload,
        appeal_id=appeal.id,
        language=language,
    )
    return render_message(notice)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_staff_notice_and_account_mail_renders_in_every_language(answered, language):
    appeal, _answer = answered
    body = appeal.current_body
    body_name = {"kk": body.name_kk, "ru": body.name_ru, "en": body.name_en}[language]
    names = sorted(p.stem for p in TEMPLATES.glob("*.txt"))
    assert len(names) >= 19
    for name in names:
        for variant in VARIANTS.get(name, [{}]):
            payload = staff_payload(appeal, "E-appealing: 123456") | variant
            message = rendered_txt(appeal, name, language, payload)
            assert message.html is None
            assert message.subject and "\n" not in message.subject, name
            if name == "phone_code":  # the SMS's text is translated when it is queued
                continue
            assert message.text, name
            text = re.sub(r"https?://\S+", "", message.subject + "\n" + message.text)
            if language != "en":
                assert not ENGLISH.findall(text), (name, variant, ENGLISH.findall(text))
                english = rendered_txt(appeal, name, "en", payload)
                assert message.subject != english.subject, (name, message.subject)
            if "body_id" in str(TEMPLATES.joinpath(f"{name}.txt").read_text()) or name in (
                "appeal_overdue",
                "appeal_audited",
            ):
                assert body_name in message.text, (name, language)


def test_the_staff_notices_speak_the_law_and_the_labels_in_the_readers_language(answered):
    appeal, _answer = answered
    payload = staff_payload(appeal, "")
    overdue = {
        language: rendered_txt(appeal, "appeal_overdue", language, payload).text
        for language in LANGUAGES
    }
    assert "ӘРПК 91-бабының 2-бөлігі" in overdue["kk"]
    assert "части 2 статьи 91 АППК" in overdue["ru"]
    assert "APPK (art. 91(2))" in overdue["en"]
    audited = rendered_txt(appeal, "appeal_audited", "ru", payload).text
    assert "Нарушение срока, Волокита" in audited
    assert "Представление (об устранении нарушений)" in audited
    invitation = rendered_txt(appeal, "staff_invitation", "ru", payload)
    assert "роль: исполнитель" in invitation.subject
    assert "в течение 7 дней" in invitation.text
    reset = rendered_txt(appeal, "password_reset", "kk", payload)
    assert "2 сағат ішінде" in reset.text and reset.subject.startswith("E-appealing үшін")
    digest = rendered_txt(appeal, "overdue_digest", "kk", payload).text
    assert appeal.region.name_kk in digest and appeal.current_body.name_kk in digest


def test_a_staff_notice_is_in_its_recipients_language_else_the_sites_default(
    answered, make_user, app, monkeypatch
):
    appeal, _answer = answered
    payload = staff_payload(appeal, "")
    speakers = {language: make_user(Role.HEAD, body_code="health-71") for language in ("kk", "ru")}
    for language, user in speakers.items():
        user.language = language
    db.session.commit()
    nobody = make_user(Role.HEAD, body_code="health-71")

    def subject(user):
        notice = Notification(
            template="appeal_withdrawn",
            address=user.email,
            payload=payload,
            user_id=user.id,
            appeal_id=appeal.id,
        )
        return render_message(notice).subject

    assert subject(speakers["kk"]) == f"{appeal.number} өтініш кері қайтарып алынды"
    assert subject(speakers["ru"]) == f"Обращение {appeal.number} отозвано"
    assert subject(nobody) == f"Appeal {appeal.number} is withdrawn"  # the tests' default: en
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "kk")
    assert subject(nobody) == f"{appeal.number} өтініш кері қайтарып алынды"
