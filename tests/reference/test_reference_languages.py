"""The routing admin's pages in Kazakh and Russian: every reference page and the routing
accuracy page read in the admin's language (headings, buttons, form labels, refusals, the
flashes of a save), a refusal keeps what was typed, and a guard over the templates of
reference/ and routing/ that fails on a new string left in English."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from appeals.extensions import db
from appeals.reference.models import Body, RoutingRule
from tests.factories import category_id, region_id
from tests.pages import field_error, field_value, page_text, parse
from tests.public.conftest import client  # noqa: F401  (each request decides its language)

pytestmark = pytest.mark.usefixtures("restore_reference")

KK = {"Accept-Language": "kk-KZ,kk;q=0.9"}
RU = {"Accept-Language": "ru-RU,ru;q=0.9"}
ASTANA, YESIL = "710000000", "711210000"
ROOT = Path(__file__).resolve().parents[2]


def body_id(code: str) -> int:
    return db.session.execute(select(Body.id).where(Body.code == code)).scalar_one()


def main_text(html: str) -> str:
    """The page's own content (the <main>) as a reader sees it, the submit buttons' words
    included."""
    main = next(e for e in parse(html).iter() if e.tag == "main")
    buttons = [e.attrs.get("value", "") for e in main.iter() if e.attrs.get("type") == "submit"]
    return " ".join([main.text(), *buttons])


def capitalised_latin_words(text: str) -> list[str]:
    """English words left on a Kazakh or Russian page. The codes of regions, bodies and
    categories (healthcare.medicines, akimat-71) are lower-case; every English sentence,
    heading or button begins with a capital."""
    return re.findall(r"\b[A-Z][a-z]+\b", text)


# (path, Kazakh strings, Russian strings, the English the page used to show)
PAGES = [
    ("/admin/routing/", ["Бағыттау", "Бағыттауды тексеру", "Санат", "Өңір"],
     ["Маршрутизация", "Проверить маршрутизацию", "Категория", "Регион"],
     ["Test routing", "Pick a category"]),
    ("/admin/routing/regions", ["Өңірлер", "Деңгейі", "облыс", "аудан", "Өшіру", "Қосу"],
     ["Регионы", "Уровень", "область", "район", "Деактивировать", "Добавить"],
     ["Deactivate", "Nothing an appeal", "Level"]),
    ("/admin/routing/bodies", ["Мемлекеттік органдар", "Әкімдік", "бүкіл республика"],
     ["Государственные органы", "Акимат", "вся республика"],
     ["State bodies", "national", "Kind"]),
    ("/admin/routing/categories", ["Санаттар", "Ережелер", "Өзгерту"],
     ["Категории", "Правила", "Изменить"],
     ["Categories", "Rules", "Edit"]),
    ("/admin/routing/rules", ["Бағыттау ережелері", "Ереже қосу", "Басымдық", "белсенді"],
     ["Правила маршрутизации", "Добавить правило", "Приоритет", "действует"],
     ["Routing rules", "Add a rule", "Routing walks", "Filter"]),
    ("/admin/routing/accuracy", ["Бағыттау дәлдігі", "Органдар бойынша"],
     ["Точность маршрутизации", "По органам"],
     ["Routing accuracy", "Per body", "Rules that cause"]),
    ("/admin/routing/regions/new", ["Жаңа өңір", "ӘАОЖ (КАТО) коды", "Атауы (қазақша)", "Сақтау"],
     ["Новый регион", "Код КАТО", "Наименование (на казахском)", "Сохранить"],
     ["New region", "KATO code", "Belongs to", "Save"]),
    ("/admin/routing/bodies/new", ["Жаңа орган", "Жоғары тұрған орган"],
     ["Новый орган", "Вышестоящий орган"],
     ["New body", "Superior body", "None: a national body"]),
    ("/admin/routing/categories/new", ["Жаңа санат", "Жоғарғы санат"],
     ["Новая категория", "Родительская категория"],
     ["New category", "Parent category"]),
    ("/admin/routing/rules/new", ["Жаңа бағыттау ережесі", "Құзыретті орган", "Басымдық"],
     ["Новое правило маршрутизации", "Компетентный орган", "Приоритет"],
     ["New routing rule", "Competent body", "Lower wins"]),
    ("/admin/routing/regions/1/edit", ["Өңірді өзгерту", "Өңірлер ешқашан жойылмайды"],
     ["Изменение региона", "Регионы никогда не удаляются"],
     ["Edit the region", "never deleted", "Deactivate"]),
    ("/admin/routing/bodies/1/edit", ["Органды өзгерту"], ["Изменение органа"],
     ["Edit the body"]),
    ("/admin/routing/categories/1/edit", ["Санатты өзгерту"], ["Изменение категории"],
     ["Edit the category"]),
    ("/admin/routing/rules/1/edit", ["Бағыттау ережесін өзгерту", "тізімге оралу"],
     ["Изменение правила маршрутизации", "назад к списку"],
     ["Edit the routing rule", "back to the list"]),
]  # fmt: skip


@pytest.mark.parametrize(("path", "kazakh", "russian", "english"), PAGES,
                         ids=[p[0] for p in PAGES])  # fmt: skip
def test_each_routing_admin_page_reads_in_kazakh_and_in_russian(
    admin_client, path, kazakh, russian, english
):
    admin_client.get("/admin/")  # takes the sign-in's flashes off the page under test
    for headers, expected in [(KK, kazakh), (RU, russian)]:
        response = admin_client.get(path, headers=headers)
        assert response.status_code == 200
        text = main_text(response.get_data(as_text=True))
        for words in expected:
            assert words in text, (headers, words)
        for words in english:
            assert words not in text, (headers, words)
        assert capitalised_latin_words(text) == [], headers
    # English stays the source language.
    english_text = main_text(admin_client.get(path).get_data(as_text=True))
    assert english[0] in english_text


def test_the_test_routing_box_explains_its_answer_in_kazakh_and_russian(admin_client):
    admin_client.get("/admin/")  # takes the sign-in's flashes off the page under test
    query = f"?category_id={category_id('healthcare')}&region_id={region_id(YESIL)}"
    kk = main_text(admin_client.get(f"/admin/routing/{query}", headers=KK).get_data(as_text=True))
    ru = main_text(admin_client.get(f"/admin/routing/{query}", headers=RU).get_data(as_text=True))

    assert "Бағытталатын орган:" in kk and "ереже" in kk
    assert "Направляется в орган:" in ru and "Решает правило №" in ru
    assert capitalised_latin_words(kk) == [] and capitalised_latin_words(ru) == []


# --- Refusals and flashes in the admin's language -----------------------------------------------


def test_a_loop_in_the_bodies_tree_is_refused_in_kazakh_and_the_typed_values_stay(admin_client):
    akimat = db.session.get(Body, body_id("akimat-71"))
    typed = {"code": akimat.code, "name_kk": "Астана әкімдігі (жаңа атауы)",
             "name_ru": "Акимат (новое наименование)", "name_en": "Akimat (renamed)",
             "kind": akimat.kind, "region_id": akimat.region_id,
             "parent_id": body_id("health-71")}  # fmt: skip
    edit = f"/admin/routing/bodies/{akimat.id}/edit"
    db.session.commit()

    response = admin_client.post(edit, data=typed, headers=KK)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = field_error(html, "parent_id")
    assert error == "Ол орган осы органға бағынады: оны таңдау ағашта тұйық шеңбер жасайды."
    assert field_value(html, "name_kk") == typed["name_kk"]
    assert field_value(html, "name_ru") == typed["name_ru"]
    assert field_value(html, "parent_id") == str(body_id("health-71"))
    db.session.expire_all()
    assert db.session.get(Body, akimat.id).name_ru != typed["name_ru"]  # nothing saved
    db.session.commit()

    own = admin_client.post(edit, data={**typed, "parent_id": akimat.id}, headers=RU)
    assert field_error(own.get_data(as_text=True), "parent_id") == (
        "Орган не может быть вышестоящим для самого себя."
    )


def test_a_duplicate_routing_rule_is_refused_in_russian_and_the_typed_values_stay(admin_client):
    existing = (
        db.session.execute(
            select(RoutingRule).where(RoutingRule.is_active, RoutingRule.region_id.is_not(None))
        )
        .scalars()
        .first()
    )
    typed = {"category_id": existing.category_id, "region_id": existing.region_id,
             "body_id": existing.body_id, "priority": 7}  # fmt: skip
    db.session.commit()

    for headers, refusal in [
        (RU, f"Правило №{existing.id} уже направляет эту категорию из этого региона в этот орган"),
        (KK, f"№{existing.id} ереже осы санатты осы өңірден осы органға бағыттап тұр"),
    ]:
        response = admin_client.post("/admin/routing/rules/new", data=typed, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert refusal in field_error(html, "body_id")
        assert field_value(html, "priority") == "7"
        assert field_value(html, "body_id") == str(existing.body_id)


def test_a_bad_kato_code_is_refused_in_kazakh(admin_client):
    typed = {"code": "71-ABC", "name_ru": "Новый район", "name_en": "New district",
             "level": "district", "parent_id": region_id(ASTANA)}  # fmt: skip
    response = admin_client.post("/admin/routing/regions/new", data=typed, headers=KK)
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert field_error(html, "code") == "ӘАОЖ (КАТО) коды дәл 9 цифрдан тұрады."
    assert field_value(html, "code") == "71-ABC"
    assert field_value(html, "name_ru") == "Новый район"


def test_deactivating_a_body_is_reported_in_kazakh_and_russian(admin_client):
    district = body_id("akimat-711210000")
    db.session.commit()

    kk = admin_client.post(
        f"/admin/routing/bodies/{district}/deactivate", headers=KK, follow_redirects=True
    )
    text = page_text(kk.get_data(as_text=True))
    assert "органы өшірілді." in text
    assert "белсенді бағыттау ережесі сілтейді" in text

    ru = admin_client.post(
        f"/admin/routing/bodies/{district}/deactivate", headers=RU, follow_redirects=True
    )
    assert "Уже не действует." in page_text(ru.get_data(as_text=True))

    back = admin_client.post(
        f"/admin/routing/bodies/{district}/reactivate", headers=RU, follow_redirects=True
    )
    assert "снова включён." in page_text(back.get_data(as_text=True))


# --- The guard: no English left in the templates -----------------------------------------------

GUARDED = [ROOT / "templates" / "reference", ROOT / "templates" / "routing"]
# Attributes a reader sees (or hears, through a screen reader).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
JINJA = re.compile(
    r"\{#.*?#\}"  # comments
    r"|\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}"  # {% trans %} blocks: translated
    r"|\{\{.*?\}\}|\{%.*?%\}",  # expressions and statements
    re.DOTALL,
)


class _ReadText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.read: list[str] = []

    def handle_data(self, data: str) -> None:
        self.read.append(data)

    def handle_starttag(self, tag, attrs) -> None:
        self.read.extend(value or "" for name, value in attrs if name in READ_ATTRIBUTES)


def untranslated(template: str) -> list[str]:
    """The Latin words a template shows outside Jinja's tags: text nobody marked."""
    parser = _ReadText()
    parser.feed(JINJA.sub(" ", template))
    return re.findall(r"[A-Za-z]{2,}", " ".join(parser.read))


def test_the_guard_finds_an_unmarked_string():
    assert untranslated("<h1>{{ _('Routing') }}</h1><p>Add a rule</p>") == ["Add", "rule"]
    assert untranslated('<a title="Edit it">{% trans %}Edit{% endtrans %}</a>') == ["Edit", "it"]
    assert untranslated("{# a comment #}<td>{{ item.code }}</td><p>&larr; —</p>") == []


@pytest.mark.parametrize(
    "template",
    sorted(path for folder in GUARDED for path in folder.glob("*.html")),
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_no_english_text_is_left_outside_the_translation_tags(template):
    assert untranslated(template.read_text(encoding="utf-8")) == []
