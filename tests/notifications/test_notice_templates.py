"""Every applicant's notice renders in every interface language (language.LANGUAGES: a new
language is covered as soon as it is added), translated, as text and HTML with values escaped;
and the list of required notices is the one the law asks for."""

from __future__ import annotations

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
