"""The rest of the interface in Russian: the public ratings and how scores are computed, the
official's workspace and the prosecutor's desk. Each page in Russian with a translated refusal,
and the same page still English without the browser asking for Russian."""

from __future__ import annotations

import pytest

from appeals.accounts.models import Role
from appeals.extensions import db
from tests.factories import submit
from tests.pages import by_testid, field_error, field_options, page_text
from tests.public.test_language import RU, button_texts, html_lang, label_of

ANSWER = (
    "Your appointment with the cardiologist is on 2 December at 10:00 (Order 12 of the Ministry "
    "of Health). You may complain about this answer to the Akimat of Astana or to the court."
)


# --- The public ratings and how scores are computed -------------------------------------------


@pytest.fixture
def ranked_this_month(app, make_user, monkeypatch):
    """health-71 answered an appeal this month, enough to be ranked."""
    from appeals.work.service import answer_appeal

    monkeypatch.setitem(app.config, "SCORE_MIN_APPEALS", 1)
    appeal, _code = submit(make_user())
    answer_appeal(appeal, ANSWER, "explained", make_user(Role.HEAD, body_code="health-71"))
    db.session.commit()
    return appeal


def test_the_ratings_page_is_russian(client, ranked_this_month):
    from appeals.timeutil import local_today

    this_month = f"{local_today():%Y-%m}"

    html = client.get("/ratings/", query_string={"month": this_month}, headers=RU).get_data(
        as_text=True
    )

    text = page_text(html)
    assert html_lang(html) == "ru"
    assert "Как государственные органы отвечают на обращения граждан" in text
    assert label_of(html, "month") == "Месяц" and label_of(html, "kind") == "Вид органа"
    assert field_options(html, "month")[this_month].endswith("(на текущую дату)")
    assert field_options(html, "region")[""] == "Вся страна"
    assert field_options(html, "kind")["department"] == "Управление"
    assert "Показать" in button_texts(html)
    assert "Рассчитано сейчас по обращениям периода." in text
    table = by_testid(html, "ratings").text()
    assert "Балл" in table and "Оценка" in table and "В срок" in table
    assert "управление" in table  # the body's kind, as the table writes it
    assert "Score" not in table and "Whole country" not in text


def test_a_bad_ratings_filter_is_refused_in_russian(client):
    response = client.get("/ratings/", query_string={"kind": "church"}, headers=RU)

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "kind")
    assert error and error != "Not a valid choice."  # WTForms' own catalogue
    assert label_of(response.get_data(as_text=True), "kind") == "Вид органа"


def test_the_ratings_page_stays_english_and_is_cached_per_language(client, ranked_this_month):
    response = client.get("/ratings/")

    html = response.get_data(as_text=True)
    assert html_lang(html) == "en"
    assert "How state bodies answer citizens' appeals" in page_text(html)
    assert field_options(html, "kind")["department"] == "Department"
    # A shared cache keeps one copy per language, never a Russian page for an English reader.
    assert "Accept-Language" in response.headers["Vary"]
    refused = client.get("/ratings/", query_string={"kind": "church"})
    assert field_error(refused.get_data(as_text=True), "kind") == "Not a valid choice."


def test_how_scores_are_computed_in_russian(client):
    html = client.get("/scores/how", headers=RU).get_data(as_text=True)

    text = page_text(html)
    assert "Как рассчитываются баллы" in text
    assert "Своевременность (T)" in text and "Качество (Q)" in text
    assert "балл = 100 × (0.5 × T + 0.5 × Q)" in text
    assert "менее <strong>20</strong> обращений" in html
    assert "Районный акимат: обращений — 12" in text
    assert "<strong>83.7</strong>, оценка <strong>B</strong>" in html
    assert "удовлетворённость граждан 60.0%" in text
    assert "How scores are computed" not in text


def test_how_scores_are_computed_stays_english(client):
    html = client.get("/scores/how").get_data(as_text=True)

    text = page_text(html)
    assert "Timeliness (T)" in text and "95% range" in text
    assert "A district akimat: 12 appeals" in text
    assert "Each share is also shown with its 95% range (the Wilson interval" in text
    assert "Своевременность" not in text


# --- The official's workspace -----------------------------------------------------------------


@pytest.fixture
def health(make_user):
    """health-71's official and head, and a citizen's appeal registered there, unassigned."""
    from types import SimpleNamespace

    appeal, _code = submit(make_user(), subject="Appointment with a cardiologist")
    return SimpleNamespace(
        appeal=appeal,
        official=make_user(Role.OFFICIAL, body_code="health-71", full_name="Daniyar Omarov"),
        head=make_user(Role.HEAD, body_code="health-71", full_name="Saule Bekova"),
    )


def version_of(appeal) -> int:
    from sqlalchemy import select

    from appeals.intake.models import Appeal

    value = db.session.execute(select(Appeal.version).where(Appeal.id == appeal.id)).scalar_one()
    db.session.commit()  # hold no transaction while a request writes
    return value


def appeal_state(appeal) -> tuple:
    from sqlalchemy import func, select

    from appeals.intake.models import Appeal, Event

    row = db.session.execute(
        select(Appeal.status, Appeal.executor_id, Appeal.version).where(Appeal.id == appeal.id)
    ).one()
    events = db.session.execute(
        select(func.count(Event.id)).where(Event.appeal_id == appeal.id)
    ).scalar_one()
    db.session.commit()
    return (*row, events)


def test_the_inbox_is_russian(client, login, health):
    login(health.head)

    html = client.get("/work/", headers=RU).get_data(as_text=True)

    text = page_text(html)
    assert "Входящие" in text and "Управление здравоохранения города Астаны" in text
    assert label_of(html, "q") == "Номер или слова"
    assert field_options(html, "status")["open"] == "Незавершённые"
    assert field_options(html, "status")["in_progress"] == "На рассмотрении"
    assert field_options(html, "executor")["none"] == "Не назначен"
    assert "Отобрать" in button_texts(html)
    assert "1 обращение, сначала с ближайшим сроком." in text
    inbox = by_testid(html, "inbox").text()
    assert "Исполнитель" in inbox and "не назначен" in inbox and "зарегистрировано" in inbox
    assert "Inbox" not in text and "not assigned" not in inbox


def test_the_inbox_stays_english(client, login, health):
    login(health.head)

    html = client.get("/work/").get_data(as_text=True)

    text = page_text(html)
    assert "Inbox" in text and "1 appeal, earliest due first." in text
    assert field_options(html, "status")["in_progress"] == "In progress"
    assert "not assigned" in by_testid(html, "inbox").text()


def test_the_appeal_page_of_the_workspace_is_russian(client, login, health):
    login(health.head)

    html = client.get(f"/work/appeals/{health.appeal.id}", headers=RU).get_data(as_text=True)

    text = page_text(html)
    assert "Доступные действия" in text and "Назначить исполнителя" in text
    assert label_of(html, "assign-executor_id") == "Исполнитель"
    assert "Назначить" in button_texts(html)
    assert "Перенаправить в компетентный орган" in text
    assert label_of(html, "forward-body_id") == "Компетентный орган"
    assert field_options(html, "leave-ground")["no_matter"] == "В обращении не изложена его суть"
    assert "Оставить без рассмотрения" in button_texts(html)
    assert "Срок ответа" in text and "Ход рассмотрения" in text
    assert by_testid(html, "due-explanation").text().startswith("зарегистрировано")
    assert "Steps you can take" not in text and "Competent body" not in text


def test_a_step_refused_to_an_official_is_explained_in_russian(client, login, health):
    login(health.official)
    before = appeal_state(health.appeal)

    response = client.post(
        f"/work/appeals/{health.appeal.id}/assign",
        headers=RU,
        data={
            "assign-version": version_of(health.appeal),
            "assign-executor_id": health.official.id,
        },
        follow_redirects=True,
    )

    assert "Это действие доступно только сотрудникам органа, в котором находится обращение, и " in (
        page_text(response.get_data(as_text=True))
    )
    assert appeal_state(health.appeal) == before


def test_a_stale_step_and_a_short_answer_are_refused_in_russian(client, login, health):
    from appeals.work.service import assign_executor

    assign_executor(health.appeal, health.official, health.head)
    db.session.commit()
    login(health.official)
    before = appeal_state(health.appeal)

    stale = client.post(
        f"/work/appeals/{health.appeal.id}/suspend",
        headers=RU,
        data={"suspend-version": 1, "suspend-reason": "Запрос в другой орган"},
        follow_redirects=True,
    )
    short = client.post(
        f"/work/appeals/{health.appeal.id}/answer",
        headers=RU,
        data={
            "answer-version": version_of(health.appeal),
            "answer-decision": "explained",
            "answer-text": "Слишком коротко.",
        },
    )

    assert "Обращение тем временем изменено другим пользователем" in page_text(
        stale.get_data(as_text=True)
    )
    assert short.status_code == 400
    assert field_error(short.get_data(as_text=True), "answer-text") == (
        "Мотивированный ответ должен содержать не менее 100 символов (и не более 20000)."
    )
    assert "Пожалуйста, исправьте отмеченные поля." in page_text(short.get_data(as_text=True))
    assert appeal_state(health.appeal) == before


def test_the_same_refusals_in_english(client, login, health):
    login(health.official)

    refused = client.post(
        f"/work/appeals/{health.appeal.id}/assign",
        data={
            "assign-version": version_of(health.appeal),
            "assign-executor_id": health.official.id,
        },
        follow_redirects=True,
    )
    page = client.get(f"/work/appeals/{health.appeal.id}").get_data(as_text=True)

    assert (
        "Only staff of the body that holds this appeal can do this, and this step is its head's."
        in page_text(refused.get_data(as_text=True))
    )
    assert "There is nothing for you to do on this appeal now." not in page_text(page)
    assert "No executor is assigned yet: the head of the body assigns one." in page_text(page)


def test_a_refusal_names_the_status_in_russian(client, login, health):
    """The head assigns an executor to an appeal already answered: the refusal names its status."""
    from appeals.work.service import answer_appeal, assign_executor

    assign_executor(health.appeal, health.official, health.head)
    answer_appeal(health.appeal, ANSWER, "explained", health.official)
    db.session.commit()
    login(health.head)
    before = appeal_state(health.appeal)

    response = client.post(
        f"/work/appeals/{health.appeal.id}/assign",
        headers=RU,
        data={"assign-version": version_of(health.appeal), "assign-executor_id": health.head.id},
        follow_redirects=True,
    )

    assert "Обращению в статусе «дан ответ» нельзя назначить исполнителя." in (
        page_text(response.get_data(as_text=True))
    )
    assert appeal_state(health.appeal) == before


# --- The prosecutor's desk --------------------------------------------------------------------


@pytest.fixture
def desk(make_user):
    """Astana's prosecutor and an appeal health-71 answered (refused)."""
    from types import SimpleNamespace

    from appeals.work.service import answer_appeal

    appeal, _code = submit(make_user(), subject="Appointment with a cardiologist")
    answer_appeal(appeal, ANSWER, "refused", make_user(Role.HEAD, body_code="health-71"))
    db.session.commit()
    return SimpleNamespace(
        appeal=appeal,
        prosecutor=make_user(Role.PROSECUTOR, body_code="prosecutor-71"),
    )


def audits_of(appeal) -> int:
    from sqlalchemy import func, select

    from appeals.audit.models import Audit

    count = db.session.execute(
        select(func.count(Audit.id)).where(Audit.appeal_id == appeal.id)
    ).scalar_one()
    db.session.commit()
    return count


def test_the_prosecutors_dashboard_is_russian(client, login, desk):
    login(desk.prosecutor)

    html = client.get("/prosecutor/", headers=RU).get_data(as_text=True)

    text = page_text(html)
    assert "Рабочее место прокурора" in text
    assert "Органы вашего региона и входящих в него районов" in text
    assert label_of(html, "period") == "Период" and label_of(html, "kind") == "Вид органа"
    assert field_options(html, "period") == {
        "month": "Месяц",
        "quarter": "Квартал",
        "year": "Год",
        "custom": "Произвольный период",
    }
    assert field_options(html, "region")[""] == "Весь мой регион"
    assert "Скачать CSV" in text and "Отчёт для печати" in text and "Рейтинг" in text
    assert "Просроченные обращения на рассмотрении по органам" in text
    assert "Open appeal" not in text and "Ranking" not in text


def test_a_bad_period_on_the_dashboard_is_refused_in_russian(client, login, desk):
    login(desk.prosecutor)

    response = client.get(
        "/prosecutor/", query_string={"period": "month", "month": "March"}, headers=RU
    )

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "month") == (
        "Укажите месяц в формате ГГГГ-ММ, например 2026-03."
    )


def test_the_dashboard_and_its_refusals_stay_english(client, login, desk):
    login(desk.prosecutor)

    html = client.get("/prosecutor/").get_data(as_text=True)
    refused = client.get("/prosecutor/", query_string={"period": "month", "month": "March"})

    assert "Bodies of your region and the districts below it" in page_text(html)
    assert field_options(html, "period")["custom"] == "Custom range"
    assert field_error(refused.get_data(as_text=True), "month") == (
        "Write the month as YYYY-MM, e.g. 2026-03."
    )


def test_the_audit_page_is_russian(client, login, desk):
    login(desk.prosecutor)

    html = client.get(f"/prosecutor/appeals/{desk.appeal.id}", headers=RU).get_data(as_text=True)

    text = page_text(html)
    assert "Внести заключение" in text and "Проверка ещё не проводилась." in text
    assert "Ответ: отказано" in by_testid(html, "answer").text()
    assert label_of(html, "verdict-0") == "Ответ законен"
    assert label_of(html, "violations-3") == "Волокита"
    assert label_of(html, "act-1") == "Предостережение"
    assert label_of(html, "act-2") == "Представление (об устранении нарушений)"
    assert "Акт прокурорского реагирования" in text
    assert "На ответ по акту органу даётся 30 календарных дней" in text
    assert "Record the verdict" not in text and "Red tape" not in text


def test_an_inconsistent_verdict_is_refused_in_russian_and_nothing_saved(client, login, desk):
    login(desk.prosecutor)

    response = client.post(
        f"/prosecutor/appeals/{desk.appeal.id}/audit",
        headers=RU,
        data={"verdict": "lawful", "violations": ["red_tape"], "act": "none"},
    )

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "violations") == (
        "В законном ответе нет нарушений: снимите отметки или внесите заключение о нарушениях."
    )
    assert audits_of(desk.appeal) == 0


def test_a_verdict_recorded_in_russian_is_stored_as_a_code(client, login, desk):
    """The timeline keeps the verdict's code, whatever the desk's language, and each reader
    reads it in their own."""
    from flask_babel import force_locale
    from sqlalchemy import select

    from appeals.intake.event_text import event_text
    from appeals.intake.models import Event

    login(desk.prosecutor)

    response = client.post(
        f"/prosecutor/appeals/{desk.appeal.id}/audit",
        headers=RU,
        data={
            "verdict": "violations",
            "violations": ["red_tape"],
            "note": "Ответ не мотивирован.",
            "act": "warning",
        },
        follow_redirects=True,
    )

    assert "Заключение внесено, руководитель органа уведомлён." in page_text(
        response.get_data(as_text=True)
    )
    event = db.session.execute(
        select(Event).where(Event.appeal_id == desk.appeal.id, Event.kind == "audited")
    ).scalar_one()
    db.session.commit()
    assert event.note is None and event.data["code"] == "audit_verdict"
    with force_locale("en"):
        text = event_text(event)
    assert text.startswith("Audit: violations found: red tape. Warning, to be answered by ")
    with force_locale("ru"):
        assert event_text(event).startswith("Проверка: выявлены нарушения: ")


def test_the_audit_page_and_its_refusal_stay_english(client, login, desk):
    login(desk.prosecutor)

    response = client.post(
        f"/prosecutor/appeals/{desk.appeal.id}/audit",
        data={"verdict": "lawful", "violations": ["red_tape"], "act": "none"},
    )

    html = response.get_data(as_text=True)
    assert field_error(html, "violations") == (
        "A lawful answer has no violations: untick them, or record the violations."
    )
    assert label_of(html, "act-2") == "Representation (demand to remedy)"
    assert "Answer: refused" in by_testid(html, "answer").text()


def test_a_bodys_figures_and_the_printable_report_are_russian(client, login, desk):
    from appeals.reference.models import Body

    health = db.session.execute(db.select(Body.id).where(Body.code == "health-71")).scalar_one()
    db.session.commit()
    login(desk.prosecutor)

    body = client.get(f"/prosecutor/bodies/{health}", headers=RU).get_data(as_text=True)
    unknown = client.get(
        f"/prosecutor/bodies/{health}/appeals", query_string={"measure": "luck"}, headers=RU
    )
    report = client.get("/prosecutor/report", headers=RU).get_data(as_text=True)

    figures = by_testid(body, "figures").text()
    assert "Ответы в срок" in figures and "Медиана рабочих дней до ответа" in figures
    assert "обращения органа со сроком или ответом в периоде" in figures  # the hint
    assert "Балл по месяцам" in page_text(body) and "Управление" in page_text(body)
    assert unknown.status_code == 400
    assert (
        "Показателя «luck» нет."
        in by_testid(unknown.get_data(as_text=True), "unknown-measure").text()
    )
    assert html_lang(report) == "ru"
    assert "Рейтинг государственных органов по работе с обращениями" in page_text(report)
    assert "Answered on time" not in figures


def test_a_bodys_figures_stay_english(client, login, desk):
    from appeals.reference.models import Body

    health = db.session.execute(db.select(Body.id).where(Body.code == "health-71")).scalar_one()
    db.session.commit()
    login(desk.prosecutor)

    body = client.get(f"/prosecutor/bodies/{health}").get_data(as_text=True)
    report = client.get("/prosecutor/report").get_data(as_text=True)

    figures = by_testid(body, "figures").text()
    assert "Answered on time" in figures
    assert "the body's appeals due or answered in the period" in figures
    assert html_lang(report) == "en"
    assert "Ranking of state bodies by their work with appeals" in page_text(report)


# --- The admin's pages ------------------------------------------------------------------------


def holidays_count() -> int:
    from sqlalchemy import func, select

    from appeals.deadlines.models import Holiday

    count = db.session.execute(select(func.count(Holiday.id))).scalar_one()
    db.session.commit()
    return count


def test_the_admins_calendar_is_russian_and_refuses_in_russian(client, make_user, login):
    login(make_user(Role.ADMIN))
    before = holidays_count()

    page = client.get("/admin/calendar/2026", headers=RU).get_data(as_text=True)
    refused = client.post(
        "/admin/calendar/2026",
        headers=RU,
        data={"day": "2026-12-09", "kind": "working_day", "name": "Рабочий день"},
    ).get_data(as_text=True)

    text = page_text(page)
    assert "Производственный календарь 2026" in text and "Добавить день" in text
    assert label_of(page, "day") == "Дата"
    assert (
        field_options(page, "kind")["day_off"] == "дополнительный выходной день (по постановлению)"
    )
    assert "Январь" in text and "Пн" in by_testid(page, "month-grid").text()
    assert "праздничный день" in by_testid(page, "calendar-rows").text()
    assert field_error(refused, "day") == (
        "09.12.2026 (Среда) — уже рабочий день: дополнительным рабочим днём по "
        "постановлению может быть только суббота или воскресенье."
    )
    assert holidays_count() == before


def test_the_admins_pages_stay_english(client, make_user, login):
    login(make_user(Role.ADMIN))

    page = client.get("/admin/calendar/2026").get_data(as_text=True)
    refused = client.post(
        "/admin/calendar/2026",
        data={"day": "2026-12-09", "kind": "working_day", "name": "Working day"},
    ).get_data(as_text=True)
    policies = client.get("/admin/policies").get_data(as_text=True)

    assert "Working-day calendar 2026" in page_text(page) and "January" in page_text(page)
    assert field_error(refused, "day") == (
        "09.12.2026 is a Wednesday, a working day already: an extra working day by decree "
        "is a Saturday or a Sunday."
    )
    assert "Deadline policies" in page_text(policies) and "working days" in page_text(policies)


def test_the_deadline_policies_are_russian(client, make_user, login):
    login(make_user(Role.ADMIN))

    text = page_text(client.get("/admin/policies", headers=RU).get_data(as_text=True))

    assert "Правила сроков" in text and "Действует с" in text and "Новая редакция" in text
    assert "раб. дн." in text
    assert "Deadline policies" not in text


def test_an_unlawful_extension_is_refused_in_russian(client, login, health):
    from appeals.work.service import assign_executor

    assign_executor(health.appeal, health.official, health.head)
    db.session.commit()
    login(health.official)
    before = appeal_state(health.appeal)

    response = client.post(
        f"/work/appeals/{health.appeal.id}/extension",
        headers=RU,
        data={
            "extension-version": version_of(health.appeal),
            "extension-until": "2099-01-01",
            "extension-reason": "Нужен ответ другого органа.",
        },
        follow_redirects=True,
    )

    assert "Срок может быть продлён не позднее чем до " in page_text(
        response.get_data(as_text=True)
    )
    assert appeal_state(health.appeal) == before
