"""The navbar's links and the account menu, each for the reader's role and in their language,
though each process renders them once per role and language and keeps them
(appeals/kept_html.py): one reader's navbar is never another's."""

from __future__ import annotations

from appeals.accounts.models import Role
from tests.pages import by_testid, parse


def navbar(client, headers=None) -> tuple[list[str], str, str]:
    """The navbar's link texts, the account menu's role and the signed-in name ("" for none)."""
    html = client.get("/", headers=headers or {}).get_data(as_text=True)
    nav = next(e for e in parse(html).iter() if e.tag == "nav")
    links = [e.text() for e in nav.iter() if e.tag == "a" and "nav-link" in e.classes]
    role = by_testid(html, "account-role")
    name = by_testid(html, "account-menu")
    return links, role.text() if role else "", name.text() if name else ""


def test_each_reader_sees_the_links_of_their_role_in_their_language(client, make_user, login):
    russian = {"Accept-Language": "ru"}
    assert navbar(client) == (
        ["Ratings", "Open data", "Check a status", "Anonymous appeal", "Sign in", "Register"],
        "",
        "",
    )
    assert navbar(client, russian)[0][:4] == [
        "Рейтинги",
        "Открытые данные",
        "Проверить статус",
        "Анонимное обращение",
    ]

    login(make_user(full_name="Aliya Citizen"))
    assert navbar(client) == (
        ["New appeal", "My appeals", "Ratings", "Open data", "Check a status"],
        "Citizen",
        "Aliya Citizen",
    )

    login(make_user(Role.OFFICIAL, body_code="health-71", full_name="Berik Official"))
    assert navbar(client) == (["Inbox", "Ratings", "Open data"], "Official", "Berik Official")

    login(make_user(Role.CITIZEN, full_name="Dana Citizen"))
    assert navbar(client)[1:] == ("Citizen", "Dana Citizen")
