"""The manual routing queue and the route-by-hand page in Kazakh and Russian: headings,
buttons, the form's labels and groups, its refusals (with what was typed kept) and the flash
of a routed appeal. The accuracy page is covered with the reference pages
(tests/reference/test_reference_languages.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.applicant import withdraw_appeal
from appeals.intake.models import AppealStatus
from appeals.reference.models import Body
from tests.factories import submit
from tests.pages import by_testid, field_error, field_value, page_text, parse
from tests.public.conftest import client  # noqa: F401  (each request decides its language)

KK = {"Accept-Language": "kk-KZ,kk;q=0.9"}
RU = {"Accept-Language": "ru-RU,ru;q=0.9"}
YESIL = "711210000"  # Astana: its reception is prosecutor-71
REASON = "Медициналық көмек: қалалық денсаулық сақтау басқармасының құзыретіне жатады."


def body(code: str) -> Body:
    found = db.session.execute(select(Body).where(Body.code == code)).scalar_one()
    db.session.commit()
    return found


@pytest.fixture
def waiting(make_user, no_rules_for):
    """An appeal about healthcare in Astana, which no rule covers: it waits at prosecutor-71."""
    no_rules_for("healthcare", YESIL)
    appeal, _ = submit(make_user(), category="healthcare", region=YESIL)
    assert appeal.status == AppealStatus.MANUAL_ROUTING
    return appeal


@pytest.fixture
def reception(client, login, make_user):  # noqa: F811
    """The test client, signed in as the Astana prosecutor's reception."""
    login(make_user(Role.PROSECUTOR, body_code="prosecutor-71"))
    client.get("/routing/manual")  # takes the sign-in's flashes off the pages under test
    return client


def main_text(html: str) -> str:
    main = next(e for e in parse(html).iter() if e.tag == "main")
    buttons = [e.attrs.get("value", "") for e in main.iter() if e.attrs.get("type") == "submit"]
    return " ".join([main.text(), *buttons])


def optgroups(html: str) -> list[str]:
    return [e.attrs["label"] for e in parse(html).iter() if e.tag == "optgroup"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (KK, ["Қолмен бағыттау", "Мұнда бағыттау ережесі жоқ өтініштер күтеді", "Нөмірі",
              "Тақырыбы", "Санат", "Өңір", "Бағыттау"]),
        (RU, ["Ручная маршрутизация", "Здесь ждут обращения, для которых нет правила",
              "Номер", "Тема", "Категория", "Регион", "Направить"]),
    ],
    ids=["kk", "ru"],
)  # fmt: skip
def test_the_manual_queue_reads_in_kazakh_and_russian(reception, waiting, headers, expected):
    text = main_text(reception.get("/routing/manual", headers=headers).get_data(as_text=True))

    for words in expected:
        assert words in text
    for english in ["Manual routing", "Appeals that no routing rule covers", "Route", "Number"]:
        assert english not in text


@pytest.mark.parametrize(
    ("headers", "expected", "groups", "english"),
    [
        (KK, ["Қолмен бағыттау кезегі", "Құзыретті орган", "Себеп", "Осы органға бағыттау",
              "Бұл өңірде бұл санат үшін бағыттау ережесі жоқ", "тіркелді"],
         ["Өңір: Есіл ауданы, Астана қаласы", "Республикалық органдар", "Басқа өңірлер"],
         ["Competent body", "Route to this body", "No routing rule covers",
          "Manual routing queue"]),
        (RU, ["Очередь ручной маршрутизации", "Компетентный орган", "Причина",
              "Направить в этот орган", "Для этой категории в этом регионе нет правила",
              "зарегистрировано"],
         ["Республиканские органы", "Другие регионы"],
         ["Competent body", "Reason", "National bodies", "Other regions"]),
    ],
    ids=["kk", "ru"],
)  # fmt: skip
def test_the_route_page_reads_in_kazakh_and_russian(
    reception, waiting, headers, expected, groups, english
):
    html = reception.get(f"/routing/manual/{waiting.id}", headers=headers).get_data(as_text=True)
    text = main_text(html)

    for words in expected:
        assert words in text
    assert field_value(html, "body_id") == ""
    assert optgroups(html)[1].startswith(("Өңір: ", "Регион: "))  # after the empty choice
    for group in groups:
        assert group in optgroups(html)
    for words in english:
        assert words not in text and words not in optgroups(html)


def test_a_form_mistake_is_refused_in_kazakh_and_russian_and_the_reason_stays(reception, waiting):
    path = f"/routing/manual/{waiting.id}"

    no_body = reception.post(path, data={"body_id": "", "reason": REASON}, headers=RU)
    html = no_body.get_data(as_text=True)
    assert no_body.status_code == 422
    assert field_error(html, "body_id") == "Выберите компетентный орган."
    assert field_value(html, "reason") == REASON

    health = body("health-71").id
    no_reason = reception.post(path, data={"body_id": health, "reason": "  "}, headers=KK)
    html = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 422
    assert field_error(html, "reason") == "Бұл органның неге құзыретті екенін көрсетіңіз."
    assert field_value(html, "body_id") == str(health)


def test_the_routed_appeal_is_reported_in_russian_and_a_second_try_refused_in_kazakh(
    reception, waiting
):
    path = f"/routing/manual/{waiting.id}"
    health = body("health-71")

    routed = reception.post(
        path, data={"body_id": health.id, "reason": REASON}, headers=RU, follow_redirects=True
    )
    text = page_text(routed.get_data(as_text=True))
    assert f"Обращение {waiting.number} направлено: {health.name_ru}; срок ответа — " in text
    assert "Нет обращений, ожидающих ручной маршрутизации." in text

    again = reception.post(path, data={"body_id": health.id, "reason": REASON}, headers=KK)
    assert again.status_code == 403  # it waits at the health department now, not here
    refusal = by_testid(again.get_data(as_text=True), "refusal").text()
    assert refusal == (
        f"Бұл өтініш кезекте тұр: {health.name_kk or health.name_ru}; оны тек соның қабылдау "
        "бөлмесі бағыттай алады."
    )
    assert "Өтінішті ашу" in page_text(again.get_data(as_text=True))


def test_a_withdrawn_appeal_is_refused_with_its_status_in_kazakh(reception, waiting):
    withdraw_appeal(waiting, waiting.applicant, "Шешілді")
    db.session.commit()

    response = reception.post(
        f"/routing/manual/{waiting.id}",
        data={"body_id": body("health-71").id, "reason": REASON},
        headers=KK,
    )

    assert response.status_code == 409
    assert by_testid(response.get_data(as_text=True), "refusal").text() == (
        "Бұл өтініш қолмен бағыттауды күтіп тұрған жоқ (мәртебесі: кері қайтарып алынды)."
    )
