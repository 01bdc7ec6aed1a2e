"""Kazakh, the state language, as the third interface language: chosen by the browser, by the
switch, by the deployment's default (DEFAULT_LANGUAGE), or kept on a signed-in user's profile
for their next sign-in; and the reference data's Kazakh names on a Kazakh page."""

from __future__ import annotations

import flask_babel
import pytest
from sqlalchemy import select

from appeals.accounts.models import Role, User
from appeals.extensions import db
from tests.conftest import PASSWORD, FreshClient
from tests.factories import submit
from tests.pages import by_testid, field_error, field_options, page_text, parse
from tests.public.test_language import choose, html_lang

KK = {"Accept-Language": "kk-KZ,kk;q=0.9,ru;q=0.8,en;q=0.5"}


class Browser(FreshClient):
    """A browser of its own, each request deciding its user and its language afresh (the
    tests' app context, where Flask-Login and Flask-Babel keep them, outlives the requests)."""

    def open(self, *args, **kwargs):
        flask_babel.refresh()
        return super().open(*args, **kwargs)


def browser(app) -> Browser:
    return Browser(app, app.response_class, use_cookies=True)


def with_language(user: User, language: str) -> User:
    user.language = language
    db.session.commit()
    return user


def sign_in(client, user: User):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def stored_language(user: User) -> str | None:
    db.session.expire_all()
    return db.session.execute(select(User.language).where(User.id == user.id)).scalar_one()


# --- Choosing Kazakh -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept_language", [KK["Accept-Language"], "kk", "kk-KZ,ru;q=0.9", "KK-kz, en;q=0.9"]
)
def test_a_browser_asking_for_kazakh_gets_kazakh(client, accept_language):
    html = client.get("/", headers={"Accept-Language": accept_language}).get_data(as_text=True)

    text = page_text(html)
    assert html_lang(html) == "kk"
    assert "Мемлекеттік органға өтініш беріңіз және қараудың әр кезеңін қадағалаңыз" in text
    assert "Күйін тексеру" in text and "Жасырын өтініш" in text  # the navbar
    assert "Check a status" not in text and "Проверить статус" not in text


def test_a_regional_russian_before_english_is_russian(client):
    html = client.get("/", headers={"Accept-Language": "ru-RU,en;q=0.8"}).get_data(as_text=True)

    assert html_lang(html) == "ru"


def test_a_bad_appeal_is_refused_in_kazakh_and_nothing_saved(client, make_user, login):
    from appeals.intake.models import Appeal

    login(make_user())

    response = client.post(
        "/appeals/new", headers=KK, data={"kind": "statement", "subject": "", "text": "Қысқа"}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(html, "subject") == "Бұл өріс міндетті түрде керек."  # WTForms' own kk
    assert "This field is required." not in html
    assert db.session.execute(select(Appeal.id)).first() is None
    db.session.commit()


def test_the_switch_offers_kazakh_first_and_keeps_it(client):
    html = client.get("/").get_data(as_text=True)
    offered = [
        e.attrs["value"] for e in by_testid(html, "language-switch").iter() if e.tag == "button"
    ]
    assert offered == ["kk", "ru", "en"]

    choose(client, "kk", "/")

    html = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert html_lang(html) == "kk"  # the switch wins over the browser


def test_the_deployments_default_language_serves_a_browser_without_a_wish(second_app):
    kazakh_site = second_app(DEFAULT_LANGUAGE="kk")
    with kazakh_site.test_client() as client:
        assert html_lang(client.get("/").get_data(as_text=True)) == "kk"
        # A language we lack falls back to the default too; one we offer is honoured.
        wish = {"Accept-Language": "de-DE"}
        assert html_lang(client.get("/", headers=wish).get_data(as_text=True)) == "kk"
        wish = {"Accept-Language": "ru-RU"}
        assert html_lang(client.get("/", headers=wish).get_data(as_text=True)) == "ru"


def test_the_production_settings_default_to_kazakh():
    from config import Config, TestConfig

    assert Config.DEFAULT_LANGUAGE == "kk"
    assert TestConfig.DEFAULT_LANGUAGE == "en"  # the tests read the source texts


def test_a_default_language_not_offered_is_refused_at_start(second_app):
    with pytest.raises(ValueError, match="DEFAULT_LANGUAGE='de'"):
        second_app(DEFAULT_LANGUAGE="de")


# --- The language on the profile -----------------------------------------------------------


def test_the_switch_keeps_a_signed_in_users_choice_for_the_next_sign_in(app, make_user):
    citizen = make_user()
    first = browser(app)
    sign_in(first, citizen)

    choose(first, "kk", "/")

    assert stored_language(citizen) == "kk"
    # Another browser, no session yet, a Russian browser: the profile's language wins at sign-in.
    second = browser(app)
    assert (
        html_lang(second.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)) == "ru"
    )
    sign_in(second, citizen)
    html = second.get("/appeals/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert html_lang(html) == "kk"


def test_an_anonymous_switch_stores_nothing(client, make_user):
    citizen = make_user()

    choose(client, "kk", "/")

    assert stored_language(citizen) is None


def test_the_profile_page_chooses_the_language(client, make_user, login):
    citizen = make_user()
    login(citizen)
    page = client.get("/account/data").get_data(as_text=True)
    assert field_options(page, "language-language") == {
        "": "My browser's language",
        "kk": "Қазақша",
        "ru": "Русский",
        "en": "English",
    }

    response = client.post(
        "/account/language", data={"language-language": "ru"}, follow_redirects=True
    )

    assert response.request.path == "/account/data"
    assert stored_language(citizen) == "ru"
    html = response.get_data(as_text=True)
    assert html_lang(html) == "ru"
    chosen = [e for e in by_testid(html, "language-choice").iter() if "selected" in e.attrs]
    assert [e.attrs["value"] for e in chosen] == ["ru"]  # the form shows what is kept

    # Back to the browser's language: nothing kept, the browser decides again.
    client.post("/account/language", data={"language-language": ""})
    assert stored_language(citizen) is None
    html = client.get("/account/data", headers=KK).get_data(as_text=True)
    assert html_lang(html) == "kk"


def test_a_language_not_offered_on_the_profile_is_refused_and_nothing_saved(
    client, make_user, login
):
    citizen = with_language(make_user(), "ru")
    login(citizen)

    response = client.post("/account/language", data={"language-language": "de"})

    assert response.status_code == 400
    assert stored_language(citizen) == "ru"


def test_the_profile_language_needs_a_signed_in_user_and_the_csrf_token(
    app, client, make_user, login, monkeypatch
):
    response = client.post("/account/language", data={"language-language": "kk"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]

    citizen = make_user()
    login(citizen)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/account/language", data={"language-language": "kk"})
    assert response.status_code == 400
    assert stored_language(citizen) is None


def test_a_remembered_session_comes_back_in_the_profiles_language(app, make_user):
    citizen = with_language(make_user(), "kk")
    first = browser(app)
    first.post("/login", data={"email": citizen.email, "password": PASSWORD, "remember": "y"})
    remember = first.get_cookie("remember_token")
    assert remember is not None

    later = browser(app)  # the browser restarted: only the remember-me cookie is left
    later.set_cookie("remember_token", remember.value)
    html = later.get("/appeals/", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert html_lang(html) == "kk"


# --- The reference data in Kazakh ----------------------------------------------------------


def test_a_kazakh_page_shows_the_kazakh_names_of_regions_categories_and_bodies(
    client, make_user, login
):
    citizen = make_user()
    login(citizen)
    appeal, code = submit(citizen, category="roads_transport")  # to the Akimat of Astana

    form = client.get("/appeals/new", headers=KK).get_data(as_text=True)
    categories = set(field_options(form, "category_id").values())
    regions = set(field_options(form, "region_id").values())
    assert {"Денсаулық сақтау", "Жолдар және көлік", "Мектептер"} <= categories
    assert {"Алматы облысы", "Ақмола облысы", "Астана қаласы"} <= {r.strip() for r in regions}

    status = client.post(
        "/status", headers=KK, data={"number": appeal.number, "access_code": code}
    ).get_data(as_text=True)
    result = by_testid(status, "status-result").text()
    assert "Астана қаласының әкімдігі" in result
    assert "Akimat of Astana" not in result and "Акимат города Астаны" not in result


def test_a_row_without_a_kazakh_name_shows_its_russian_one(client, make_user):
    from appeals.reference.models import Category
    from tests.conftest import tables_restored

    with tables_restored(("categories",)):
        db.session.add(Category(code="museums", name_ru="Музеи", name_en="Museums", name_kk=None))
        db.session.commit()
        login_page = client.get("/appeals/anonymous", headers=KK).get_data(as_text=True)
        assert "Музеи" in field_options(login_page, "category_id").values()
        assert "Museums" not in page_text(login_page)


# --- The script's words --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        (KK, ("Ұсынылады: {category}", "таңдалды", "таңдау")),
        ({"Accept-Language": "ru"}, ("Предлагается: {category}", "выбрано", "выбрать")),
        ({}, ("Suggested: {category}", "selected", "use it")),
    ],
    ids=["Kazakh", "Russian", "English"],
)
def test_the_suggestion_scripts_words_come_from_the_page_in_its_language(
    client, make_user, login, headers, words
):
    login(make_user())

    html = client.get("/appeals/new", headers=headers).get_data(as_text=True)

    box = next(e for e in parse(html).iter() if e.attrs.get("id") == "category-suggestion")
    given = (box.attrs[f"data-text-{name}"] for name in ("suggested", "selected", "use"))
    assert tuple(given) == words


def test_the_scripts_carry_no_words_of_their_own():
    """Every word a reader sees comes from the page: the scripts hold only code."""
    import re
    from pathlib import Path

    static = Path(__file__).resolve().parents[2] / "static"
    for script in static.glob("*.js"):
        source = re.sub(r"//[^\n]*", "", script.read_text())  # comments aside
        strings = re.findall(r'"([^"\\\n]*)"', source)
        worded = [s for s in strings if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", s)]
        # Class lists and selectors have spaces too: only those may stay.
        assert [s for s in worded if not re.fullmatch(r"[a-z0-9 .\-_\[\]=]+", s)] == [], script
        assert '"Suggested' not in source and '"use it' not in source


# --- Machines and formats ------------------------------------------------------------------


def test_open311_names_the_services_and_regions_in_the_clients_language(client):
    services = client.get("/open311/v2/services.json", headers=KK).get_json()
    names = {s["service_code"]: s["service_name"] for s in services}
    assert names["healthcare"] == "Денсаулық сақтау"

    definition = client.get("/open311/v2/services/healthcare.json", headers=KK).get_json()
    regions = {v["key"]: v["name"] for v in definition["attributes"][0]["values"]}
    assert regions["110000000"] == "Ақмола облысы"

    english = client.get("/open311/v2/services.json", headers={"Accept-Language": "en"})
    assert {s["service_code"]: s["service_name"] for s in english.get_json()}["healthcare"] == (
        "Healthcare"
    )


def test_babels_kazakh_locale_formats_dates_and_numbers(app):
    from datetime import date

    with app.test_request_context(headers=KK):
        flask_babel.refresh()
        assert str(flask_babel.get_locale()) == "kk"
        spaced = str.maketrans({"\xa0": " ", "\u202f": " "})  # CLDR's non-breaking spaces
        long_date = flask_babel.format_date(date(2026, 12, 5), "long")
        assert long_date.translate(spaced) == "2026 ж. 5 желтоқсан"
        assert flask_babel.format_decimal(1234567.5).translate(spaced) == "1 234 567,5"


# --- Every role's main pages ---------------------------------------------------------------

# Words of the English navbar and footer: none may stay on a Kazakh page.
ENGLISH_LEFT = ("Check a status", "Ratings", "Open data", "Sign out", "Sign in", "My data")
MAIN_PAGES = {
    None: [
        "public.home",
        "public.status_check",
        "ratings.ratings",
        "opendata.dictionary",
        "accounts.login",
        "accounts.register",
        "intake.new_anonymous_appeal",
    ],
    Role.CITIZEN: ["intake.new_appeal", "intake.my_appeals", "accounts.my_data"],
    Role.OFFICIAL: ["work.inbox"],
    Role.HEAD: ["work.inbox"],
    Role.PROSECUTOR: ["desk.dashboard", "routing.manual_queue"],
    Role.ADMIN: ["admin.index"],
}


@pytest.mark.parametrize("role", list(MAIN_PAGES), ids=lambda r: r or "anonymous")
def test_the_main_pages_of_each_role_are_kazakh(app, client, make_user, login, role):
    from flask import url_for

    if role is not None:
        login(
            make_user(role, body_code="health-71" if role in (Role.OFFICIAL, Role.HEAD) else None)
        )
    with app.test_request_context():
        paths = [url_for(endpoint) for endpoint in MAIN_PAGES[role]]

    for path in paths:
        response = client.get(path, headers=KK)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert html_lang(html) == "kk", path
        text = page_text(html)
        assert [word for word in ENGLISH_LEFT if word in text] == [], path
