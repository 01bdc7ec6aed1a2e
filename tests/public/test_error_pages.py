"""Errors are the site's own pages: in the layout, in the reader's language, with the right
status; and a page number out of range is a 404 or an empty page on every list, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, RequestEntityTooLarge

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.reference.models import Body
from tests.pages import page_text

RU = {"Accept-Language": "ru-RU,ru;q=0.9"}
HUGE = "99999999999999999999"


class Broken(RuntimeError):
    """A programming error in a view (it reaches the 500 page, not the user as a traceback)."""


def _raise(error: Exception):
    def view(*_args, **_kwargs):
        raise error

    return view


@pytest.fixture
def failing_home(app, monkeypatch):
    """Make the front page fail with a given error (the real handlers answer it)."""
    # As in production: an unhandled error becomes the 500 page instead of reaching the test.
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def fail_with(error: Exception) -> None:
        monkeypatch.setitem(app.view_functions, "public.home", _raise(error))

    return fail_with


@pytest.mark.parametrize(
    ("error", "status", "english", "russian"),
    [
        (BadRequest(), 400, "Bad request", "Неверный запрос"),
        (Forbidden(), 403, "Forbidden", "Доступ запрещён"),
        (NotFound(), 404, "Not found", "Страница не найдена"),
        (RequestEntityTooLarge(), 413, "Upload too large", "Слишком большой объём файлов"),
        (Broken("a bug"), 500, "Something went wrong", "Что-то пошло не так"),
    ],
)
def test_errors_are_pages_of_the_site_in_the_readers_language(
    client, failing_home, error, status, english, russian
):
    failing_home(error)
    response = client.get("/")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert english in page_text(html) and "navbar" in html and '<html lang="en">' in html
    assert "Traceback" not in html and "a bug" not in html

    response = client.get("/", headers=RU)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert russian in page_text(html) and '<html lang="ru">' in html
    assert "Вернуться на главную страницу" in page_text(html)


def test_after_a_server_error_the_next_request_is_served(client, failing_home, make_user, login):
    """The failed request's transaction is dropped: the site goes on working."""
    citizen = make_user()
    login(citizen)
    failing_home(Broken("a bug"))
    assert client.get("/").status_code == 500
    assert client.get("/appeals/").status_code == 200


@pytest.fixture
def lists(make_user):
    """Each paginated list, with a user who may open it."""
    astana_body = db.session.execute(select(Body.id).where(Body.code == "health-71")).scalar_one()
    prosecutor = make_user(Role.PROSECUTOR, body_code="prosecutor-71")
    return [
        ("/work/", make_user(Role.HEAD, body_code="health-71")),
        ("/appeals/", make_user()),
        (f"/prosecutor/bodies/{astana_body}/appeals", prosecutor),
        ("/routing/manual", prosecutor),
        ("/admin/routing/rules", make_user(Role.ADMIN)),
    ]


def test_a_page_number_out_of_range_is_not_found_on_every_list(client, login, lists):
    for url, user in lists:
        login(user)
        assert client.get(url).status_code == 200, url
        for page in (HUGE, "0", "-1"):
            response = client.get(f"{url}?page={page}")
            assert response.status_code == 404, (url, page)
            assert "Not found" in page_text(response.get_data(as_text=True))
        # A page after the last one, that the list could still have, is simply empty (a
        # bounded list, pages.page_of(bounded=True), has LIST_COUNT_CAP rows' worth at most).
        assert client.get(f"{url}?page=300").status_code == 200, url
