"""The citizen's pages in Russian: chosen by the browser's Accept-Language or by the switch in
the navbar (kept in the session, before the browser's wish); English is the tests' default. And the
catalogue itself: every message translated, the compiled .mo in step with the .po and the code."""

from __future__ import annotations

import io
from pathlib import Path

import flask_babel
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from appeals.accounts.models import Role
from tests.factories import submit
from tests.pages import by_testid, field_error, field_options, page_text, parse

RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "appeals" / "translations"


def html_lang(html: str) -> str:
    return next(e for e in parse(html).iter() if e.tag == "html").attrs["lang"]


def label_of(html: str, field_id: str) -> str:
    """The text of a field's <label>, as a reader sees it."""
    for element in parse(html).iter():
        if element.tag == "label" and element.attrs.get("for") == field_id:
            return element.text()
    raise AssertionError(f"no label for {field_id!r}")


def button_texts(html: str) -> set[str]:
    root = parse(html)
    return {e.attrs.get("value", "") for e in root.iter() if e.tag == "input"} | {
        e.text() for e in root.iter() if e.tag == "button"
    }


# --- The pages, by the browser's language ----------------------------------------------------


@pytest.mark.parametrize(
    "accept_language",
    [RU["Accept-Language"], "ru-KZ", "de-DE,ru;q=0.8,en;q=0.5"],
    ids=["Russian", "Russian of Kazakhstan", "a language we lack first, then Russian"],
)
def test_home_page_is_russian_when_the_browser_asks_for_russian(client, accept_language):
    html = client.get("/", headers={"Accept-Language": accept_language}).get_data(as_text=True)

    text = page_text(html)
    assert html_lang(html) == "ru"
    assert "Обратитесь в государственный орган и следите за каждым этапом рассмотрения" in text
    assert "Зарегистрироваться и подать обращение" in text
    assert "Проверить статус" in text and "Анонимное обращение" in text  # the navbar
    assert "Административным процедурно-процессуальным кодексом" in text  # the footer
    assert "Appeal to a state body" not in text and "Check a status" not in text


def test_home_page_stays_english_without_accept_language(client):
    html = client.get("/").get_data(as_text=True)

    text = page_text(html)
    assert html_lang(html) == "en"
    assert "Appeal to a state body, and follow every step" in text
    assert "Check a status" in text
    assert "Обратитесь" not in text and "Проверить статус" not in text


def test_a_browser_asking_for_a_language_we_lack_gets_english(client):
    html = client.get("/", headers={"Accept-Language": "de-DE,fr;q=0.8"}).get_data(as_text=True)

    assert html_lang(html) == "en"
    assert "Appeal to a state body, and follow every step" in page_text(html)


def test_appeal_form_labels_and_choices_are_russian(client, make_user, login):
    login(make_user())

    html = client.get("/appeals/new", headers=RU).get_data(as_text=True)

    assert html_lang(html) == "ru"
    assert label_of(html, "kind") == "Вид обращения"
    assert label_of(html, "subject") == "Тема"
    assert label_of(html, "text") == "Текст обращения"
    assert label_of(html, "repeat_reason") == "Причина повторного обращения"
    complaint = field_options(html, "kind")["complaint"]
    assert complaint == "Жалоба на акт, действие (бездействие) органа"
    assert field_options(html, "repeats_id")["0"] == "Нет, новый вопрос"
    assert "Подать обращение" in button_texts(html)
    assert "Не более 5 файлов в формате PDF" in page_text(html)  # the attachments' hint


def test_a_bad_appeal_is_refused_with_russian_messages_and_nothing_saved(client, make_user, login):
    from sqlalchemy import func, select

    from appeals.extensions import db
    from appeals.intake.models import Appeal

    login(make_user())

    response = client.post(
        "/appeals/new",
        headers=RU,
        data={"kind": "statement", "subject": "", "text": "Too short", "repeat_reason": "late"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(html, "subject") == "Обязательное поле."  # WTForms' own catalogue
    assert "20" in field_error(html, "text") and "символ" in field_error(html, "text")
    assert field_error(html, "repeat_reason") == (
        "Причина указывается только вместе с прежним обращением, которое повторяется."
    )
    assert "Пожалуйста, исправьте отмеченные поля." in page_text(html)  # the flash
    assert db.session.execute(select(func.count(Appeal.id))).scalar_one() == 0
    db.session.commit()


def test_the_same_bad_appeal_in_english_without_accept_language(client, make_user, login):
    login(make_user())

    response = client.post(
        "/appeals/new",
        data={"kind": "statement", "subject": "", "text": "Too short", "repeat_reason": "late"},
    )

    html = response.get_data(as_text=True)
    assert field_error(html, "subject") == "This field is required."
    assert field_error(html, "repeat_reason") == (
        "A reason goes with the earlier appeal this one repeats."
    )
    assert "Please correct the marked fields." in page_text(html)


def test_anonymous_form_explains_the_rule_in_russian(client):
    html = client.get("/appeals/anonymous", headers=RU).get_data(as_text=True)

    rule = by_testid(html, "anonymous-rule").text()
    assert "оставляется без рассмотрения" in rule
    assert label_of(html, "contact_email") == "Электронная почта для ответа (необязательно)"
    assert "Подать анонимно" in button_texts(html)


def test_status_check_page_is_russian(client, make_user):
    appeal, code = submit(make_user(), category="roads_transport")

    page = client.get("/status", headers=RU).get_data(as_text=True)
    assert label_of(page, "number") == "Регистрационный номер"
    assert label_of(page, "access_code") == "Код доступа"
    assert "Проверка статуса обращения" in page_text(page)

    wrong = client.post(
        "/status", headers=RU, data={"number": appeal.number, "access_code": "WRONG-CODE"}
    ).get_data(as_text=True)
    assert field_error(wrong, "access_code") == (
        "Обращение с таким регистрационным номером и кодом доступа не найдено."
    )

    right = client.post(
        "/status", headers=RU, data={"number": appeal.number, "access_code": code}
    ).get_data(as_text=True)
    result = by_testid(right, "status-result").text()
    assert f"Обращение {appeal.number}" in result
    assert "зарегистрировано" in result  # the status badge
    assert "Подано" in result and "Направлено в орган" in result  # the timeline
    assert "Akimat of Astana" not in result  # the body's name follows the language too


def test_receipt_and_appeal_page_are_russian(client, make_user, login):
    citizen = make_user()
    login(citizen)
    appeal, _code = submit(citizen, category="roads_transport")

    detail = client.get(f"/appeals/{appeal.id}", headers=RU).get_data(as_text=True)
    assert f"Обращение {appeal.number}" in page_text(detail)
    assert "Ход рассмотрения" in page_text(detail) and "Срок ответа" in page_text(detail)
    receipt = client.get(f"/appeals/{appeal.id}/receipt", headers=RU).get_data(as_text=True)
    assert "Ваше обращение зарегистрировано" in page_text(receipt)
    listing = client.get("/appeals/", headers=RU).get_data(as_text=True)
    assert "Мои обращения" in page_text(listing) and "зарегистрировано" in page_text(listing)


def test_sign_in_and_register_pages_and_their_messages_are_russian(client, make_user):
    login_page = client.get("/login", headers=RU).get_data(as_text=True)
    assert label_of(login_page, "password") == "Пароль"
    assert "Создайте учётную запись" in page_text(login_page)

    refused = client.post(
        "/login", headers=RU, data={"email": "nobody@example.kz", "password": "wrong-pass"}
    ).get_data(as_text=True)
    assert field_error(refused, "password") == "Неверный адрес электронной почты или пароль."

    mismatch = client.post(
        "/register",
        headers=RU,
        data={
            "full_name": "Айгерим Садыкова",
            "email": "aigerim@example.kz",
            "password": "long-enough-1",
            "confirm": "long-enough-2",
        },
    ).get_data(as_text=True)
    assert field_error(mismatch, "confirm") == "Пароли не совпадают."


def test_flash_messages_follow_the_language(client, make_user, login):
    login(make_user())

    response = client.post("/logout", headers=RU, follow_redirects=True)

    assert "Вы вышли из системы." in page_text(response.get_data(as_text=True))


def test_the_applicants_step_is_confirmed_in_russian(client, make_user, login):
    citizen = make_user()
    login(citizen)
    appeal, _code = submit(citizen, category="roads_transport")

    response = client.post(
        f"/appeals/{appeal.id}/withdraw",
        headers=RU,
        data={"withdraw-version": appeal.version, "withdraw-reason": ""},
        follow_redirects=True,
    )

    text = page_text(response.get_data(as_text=True))
    assert "Ваше обращение отозвано." in text
    assert "отозвано" in by_testid(response.get_data(as_text=True), "timeline").text().lower()


def test_error_page_link_is_russian(client):
    response = client.get("/no-such-page", headers=RU)

    assert response.status_code == 404
    assert "Вернуться на главную страницу" in page_text(response.get_data(as_text=True))


# --- The switch in the navbar ------------------------------------------------------------------


def choose(client, language: str, back_to: str, **headers):
    return client.post("/language", data={"language": language, "next": back_to}, headers=headers)


def test_the_switch_sets_russian_and_back_to_english(client):
    response = choose(client, "ru", "/status")
    assert response.status_code == 302
    assert response.headers["Location"] == "/status"

    html = client.get("/").get_data(as_text=True)  # no Accept-Language: the session decides
    assert html_lang(html) == "ru"
    assert "Проверить статус" in page_text(html)

    choose(client, "en", "/")
    html = client.get("/").get_data(as_text=True)
    assert html_lang(html) == "en"
    assert "Check a status" in page_text(html)


def test_the_switch_wins_over_the_browsers_language(client):
    choose(client, "en", "/", **RU)

    html = client.get("/", headers=RU).get_data(as_text=True)

    assert html_lang(html) == "en"
    assert "Appeal to a state body, and follow every step" in page_text(html)


def test_the_switch_goes_back_to_the_page_with_its_query(client):
    html = client.get("/status?number=X-1", headers=RU).get_data(as_text=True)
    switch = by_testid(html, "language-switch")
    back_to = next(e for e in switch.iter() if e.attrs.get("name") == "next").attrs["value"]
    buttons = [e for e in switch.iter() if e.tag == "button"]
    pressed = {button.attrs["value"]: button.attrs["aria-pressed"] for button in buttons}

    assert back_to == "/status?number=X-1"
    assert pressed == {"kk": "false", "ru": "true", "en": "false"}
    assert choose(client, "en", back_to).headers["Location"] == "/status?number=X-1"


@pytest.mark.parametrize(
    "target",
    [
        "https://phishing.example/login",
        "//phishing.example/login",
        "///phishing.example",
        "/\\phishing.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_switch_never_sends_the_browser_off_site(client, target):
    response = choose(client, "ru", target)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert html_lang(client.get("/").get_data(as_text=True)) == "ru"  # the choice still counts


def test_a_language_not_offered_is_refused_and_changes_nothing(client):
    choose(client, "ru", "/")

    response = choose(client, "de", "/status")

    assert response.headers["Location"] == "/status"
    html = client.get("/status").get_data(as_text=True)
    assert html_lang(html) == "ru"  # still Russian
    assert "Этот язык недоступен." in page_text(html)


def test_the_switch_needs_the_csrf_token(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = choose(client, "ru", "/")

    assert response.status_code == 400
    assert html_lang(client.get("/").get_data(as_text=True)) == "en"


def test_staff_pages_keep_working_in_russian(client, make_user, login):
    """The workspace renders in Russian (its words are checked in test_language_staff)."""
    login(make_user(Role.OFFICIAL, body_code="health-71"))

    response = client.get("/work/", headers=RU)

    assert response.status_code == 200
    assert html_lang(response.get_data(as_text=True)) == "ru"


# --- Error pages, sign-in prompt, refusals, the applicant's steps after the answer -------------

ANSWER = (
    "Your appointment with the cardiologist is on 2 December at 10:00 (Order 12 of the Ministry "
    "of Health). You may complain about this answer to the Akimat of Astana or to the court."
)


@pytest.fixture
def answered(make_user):
    """A citizen's appeal answered by health-71 (partly satisfied)."""
    from appeals.extensions import db
    from appeals.work.service import answer_appeal, assign_executor

    citizen = make_user()
    official = make_user(Role.OFFICIAL, body_code="health-71")
    appeal, _code = submit(citizen)
    assign_executor(appeal, official, make_user(Role.HEAD, body_code="health-71"))
    answer_appeal(appeal, ANSWER, "partly_satisfied", official)
    db.session.commit()
    return appeal


def test_the_error_page_title_and_message_are_russian(client):
    text = page_text(client.get("/no-such-page", headers=RU).get_data(as_text=True))

    assert "Страница не найдена" in text
    assert "Такой страницы нет, или у вас нет доступа к ней." in text
    assert "Not found" not in text


def test_the_error_page_stays_english_without_accept_language(client):
    text = page_text(client.get("/no-such-page").get_data(as_text=True))

    assert "Not found" in text
    assert "There is no such page, or it is not yours to see." in text


def test_an_expired_form_is_explained_in_russian(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client.post("/status", headers=RU, data={"number": "X", "access_code": "Y"})

    assert response.status_code == 400
    text = page_text(response.get_data(as_text=True))
    assert "Срок действия формы истёк" in text and "обновите страницу" in text


@pytest.mark.parametrize(
    ("headers", "prompt"),
    [
        (RU, "Войдите в систему, чтобы открыть эту страницу."),
        ({}, "Please log in to access this page."),
    ],
    ids=["Russian", "English"],
)
def test_the_sign_in_prompt_follows_the_language(client, headers, prompt):
    response = client.get("/appeals/", headers=headers, follow_redirects=True)

    assert response.request.path == "/login"
    assert prompt in page_text(response.get_data(as_text=True))


def test_the_rating_and_complaint_forms_are_russian(client, login, answered):
    login(answered.applicant)

    html = client.get(f"/appeals/{answered.id}", headers=RU).get_data(as_text=True)

    assert "Насколько вас удовлетворяет ответ?" in by_testid(html, "rate-form").text()
    assert label_of(html, "rate-satisfaction-1") == "Удовлетворяет частично"
    assert label_of(html, "rate-satisfaction-2") == "Не удовлетворяет"
    assert "Оценить ответ" in button_texts(html)
    assert field_options(html, "complaint-reason") == {
        "disagrees": "Несогласие с принятым решением",
        "late": "Ответ дан с нарушением срока или не дан в срок",
        "other_defect": (
            "Иной недостаток: ответ не мотивирован или дан не по существу моего вопроса"
        ),
    }
    assert label_of(html, "complaint-text") == "Текст жалобы"
    assert "Подать жалобу" in button_texts(html)
    assert "Ответ: Удовлетворено частично" in by_testid(html, "answer").text()
    assert "Satisfied" not in page_text(html) and "Why you complain" not in page_text(html)


def test_a_rating_left_unchosen_is_refused_in_russian_and_nothing_changes(client, login, answered):
    login(answered.applicant)

    response = client.post(
        f"/appeals/{answered.id}/rate", headers=RU, data={"rate-version": answered.version}
    )

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "rate-satisfaction") == (
        "Выберите один из вариантов."
    )
    from appeals.extensions import db

    db.session.refresh(answered)
    assert answered.status == "answered" and answered.satisfaction is None
    db.session.commit()


def test_the_same_refusal_in_english_without_accept_language(client, login, answered):
    login(answered.applicant)

    response = client.post(f"/appeals/{answered.id}/rate", data={"rate-version": answered.version})

    html = response.get_data(as_text=True)
    assert field_error(html, "rate-satisfaction") == "Choose one."
    assert "How satisfied are you with the answer?" in by_testid(html, "rate-form").text()
    assert label_of(html, "rate-satisfaction-1") == "Partly satisfied"
    assert field_options(html, "complaint-reason")["other_defect"] == (
        "Another defect: the answer is not reasoned or not on my matter"
    )


def test_a_complaint_filed_in_russian_is_stored_as_a_code_and_read_in_each_language(
    client, login, answered
):
    """The timeline keeps the reason's code, not a sentence in the writer's language; each
    reader sees it in their own."""
    from flask_babel import force_locale
    from sqlalchemy import select

    from appeals.extensions import db
    from appeals.intake.event_text import event_text
    from appeals.intake.models import Event

    login(answered.applicant)

    client.post(
        f"/appeals/{answered.id}/complain",
        headers=RU,
        data={
            "complaint-version": answered.version,
            "complaint-reason": "disagrees",
            "complaint-text": "Ответ не отвечает на мой вопрос о записи к кардиологу.",
        },
    )

    event = db.session.execute(
        select(Event).where(Event.kind == "complained", Event.appeal_id == answered.id)
    ).scalar_one()
    assert event.note is None
    assert (event.data["code"], event.data["reason"]) == ("complaint_reason", "disagrees")
    with force_locale("en"):
        assert event_text(event) == "I disagree with the decision"
    with force_locale("ru"):
        assert event_text(event) == "Несогласие с принятым решением"
    db.session.commit()


def test_a_rejected_attachment_is_explained_in_russian(client, make_user, login):
    login(make_user())

    response = client.post(
        "/appeals/new",
        headers=RU,
        data={
            "kind": "statement",
            "subject": "Запись к врачу",
            "text": "Прошу записать меня к кардиологу в поликлинике.",
            "attachments": [(io.BytesIO(b"MZ not a program"), "virus.exe")],
        },
        content_type="multipart/form-data",
    )

    error = field_error(response.get_data(as_text=True), "attachments")
    assert error == (
        "virus.exe: файлы такого типа не принимаются (допускаются: DOCX, JPG, ODT, PDF, PNG, TXT)."
    )


def test_the_attachment_limits_use_russian_units(client, make_user, login):
    login(make_user())

    html = client.get("/appeals/new", headers=RU).get_data(as_text=True)

    assert "каждый не более 5 МБ" in page_text(html)


def test_intake_refusals_are_in_the_requests_language(app, make_user):
    from appeals.intake.models import AppealKind
    from appeals.intake.service import IntakeRefused, NewAppeal, submit_appeal
    from tests.factories import category_id, region_id

    new = NewAppeal(
        kind=AppealKind.STATEMENT,
        category_id=category_id("healthcare"),
        region_id=region_id("710000000"),
        subject="Запись к врачу",
        text="Прошу записать меня к кардиологу.",
        repeats_id=999_999,
        repeat_reason="late",
    )
    with app.test_request_context(headers=RU):
        flask_babel.refresh()  # the language is decided afresh for each request
        with pytest.raises(IntakeRefused, match="^Выберите одно из своих прежних обращений.$"):
            submit_appeal(make_user(), new)
    with app.test_request_context():
        flask_babel.refresh()
        with pytest.raises(IntakeRefused, match="^Choose one of your own earlier appeals.$"):
            submit_appeal(make_user(), new)


def test_the_due_date_is_explained_in_russian(client, make_user, login):
    citizen = make_user()
    login(citizen)
    appeal, _code = submit(citizen)

    ru = by_testid(
        client.get(f"/appeals/{appeal.id}", headers=RU).get_data(as_text=True), "due-explanation"
    )
    en = by_testid(client.get(f"/appeals/{appeal.id}").get_data(as_text=True), "due-explanation")

    registered, due = f"{appeal.registered_on:%d.%m.%Y}", f"{appeal.due_on:%d.%m.%Y}"
    assert ru.text().startswith(f"зарегистрировано {registered}, 15 рабочих дней")
    assert ru.text().endswith(f": срок — {due}")
    assert en.text().startswith(f"registered {registered}, 15 working days")
    assert en.text().endswith(f": due {due}")


# --- The catalogue -----------------------------------------------------------------------------


# The catalogues kept in the tree (English is the source language: it has none).
CATALOGUE_LANGUAGES = ["ru", "kk"]


def _catalogue(language: str):
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalogue = _catalogue(language)

    untranslated = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert len(catalogue) > 100
    assert untranslated == [] and fuzzy == []
    # Babel's checks: the same %(name)s placeholders in the translation as in the original.
    assert [(m.id, errors) for m, errors in catalogue.check()] == []


def _messages(catalogue) -> dict:
    """(context, id) -> translation; a plural's forms as tuples (the .mo reader gives lists)."""

    def frozen(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {(m.context, frozen(m.id)): frozen(m.string) for m in catalogue if m.id}


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_the_compiled_catalogue_matches_the_po(language):
    """A .po edited without `pybabel compile` fails here: the app reads only the .mo."""
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(language))
    compiled.seek(0)
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.mo").open("rb") as committed:
        shipped = _messages(read_mo(committed))
    fresh = _messages(read_mo(compiled))

    assert shipped == fresh


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(language):
    """A string marked in the code or a template without `pybabel extract`/`update` fails here."""
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "_lp": ((1, "c"), 2)}
    method_map = [("appeals/**.py", "python"), ("templates/**.html", "jinja2")]
    marked = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=keywords
        )
        if isinstance(message, str)
    }
    known = {m.id for m in _catalogue(language) if m.id}

    assert len(marked) > 100
    assert sorted(marked - known) == []


def test_every_interface_language_but_the_source_has_its_catalogue():
    from appeals.language import LANGUAGES

    assert sorted(CATALOGUE_LANGUAGES) == sorted(set(LANGUAGES) - {"en"})


def test_jobs_and_commands_stay_english(app):
    """Outside a request (a job, the CLI) nothing picks Russian, whatever the default locale."""
    from appeals.intake.labels import KIND_LABELS
    from appeals.intake.models import AppealKind

    assert str(KIND_LABELS[AppealKind.COMPLAINT]) == "Complaint about an act or an action of a body"


def test_a_templates_messages_follow_the_language_in_force_each_time(app):
    """The templates find the catalogue once a request (language.py: OneLookupDomain and the
    templates' gettext); they still follow a language forced inside the request (a notice
    in its reader's language) and the request's own language after it, escape what an HTML
    template puts into a message but not what a plain-text one does, and keep plurals and a
    literal % as the catalogue writes them."""
    messages = (
        "{{ _('Check the status') }}|{{ _('%(name)s: the file is empty.', name=name) }}|"
        "{{ ngettext('%(num)d rule.', '%(num)d rules.', 5) }}|"
        "{{ _('%(routed)s (%(share)s%% forwarded)', routed=3, share=40) }}"
    )
    html = app.jinja_env.from_string(messages)
    text = app.jinja_env.from_string("{% autoescape false %}" + messages + "{% endautoescape %}")
    # Each request in its own app context (the fixture's would keep `g` from one to the next).
    with app.app_context(), app.test_request_context("/", headers=RU):
        assert html.render(name="<b>") == (
            "Проверить статус|&lt;b&gt;: файл пуст.|5 правил.|3 (перенаправлено 40%)"
        )
        with flask_babel.force_locale("kk"):
            assert html.render(name="<b>") == (
                "Күйін тексеру|&lt;b&gt;: файл бос.|5 ереже.|3 (40% қайта жіберілді)"
            )
        assert text.render(name="<b>") == (
            "Проверить статус|<b>: файл пуст.|5 правил.|3 (перенаправлено 40%)"
        )
        # A message's variables may be named like the function's own parameters.
        named = "{{ _('%(string)s, %(num)s', string='a', num=2) }}"
        assert app.jinja_env.from_string(named).render() == "a, 2"
    with app.app_context(), app.test_request_context("/"):
        assert html.render(name="x") == (
            "Check the status|x: the file is empty.|5 rules.|3 (40% forwarded)"
        )
