"""Long lists count a bounded number of rows and page no further than them: an inbox of a
hundred thousand appeals costs what one of ten thousand does, and says "more than"."""

from __future__ import annotations

from appeals.extensions import db
from tests.factories import submit
from tests.pages import by_testid


def test_an_inbox_past_the_cap_says_more_than_and_pages_no_further(
    app, client, login, people, monkeypatch
):
    for n in range(5):
        submit(people.citizen, subject=f"Appeal {n}")
    db.session.commit()
    login(people.head)

    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 3)
    capped = client.get("/work/").get_data(as_text=True)
    assert "More than 3 appeals" in by_testid(capped, "inbox-count").text()
    assert client.get("/work/?page=2").status_code == 404  # 3 rows fit on the first page

    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 10)
    exact = client.get("/work/").get_data(as_text=True)
    assert "5 appeals" in by_testid(exact, "inbox-count").text()


def test_the_admin_log_and_staff_lists_are_bounded_too(app, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 50)

    assert admin_client.get("/admin/users").status_code == 200
    assert admin_client.get("/admin/users?page=3").status_code == 404  # 50 rows, 2 pages
