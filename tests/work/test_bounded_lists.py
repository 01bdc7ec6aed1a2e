"""Long lists count a bounded number of rows and page no further than them: an inbox of a
hundred thousand appeals costs what one of ten thousand does, and says "more than"."""

from __future__ import annotations

import re

from sqlalchemy import event, update

from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.work import terms
from tests.factories import body_id, submit
from tests.pages import by_testid, field_options
from tests.work.conftest import post_step


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


def test_an_appeal_answered_while_the_inbox_reads_its_page_is_no_error(app, client, login, people):
    """The inbox reads its page's keys, then their rows. An appeal answered by someone else in
    between is left out on PostgreSQL, where each statement sees what was committed before it
    (on SQLite the request reads one snapshot and still lists it): never a 500."""
    first, _code = submit(people.citizen, subject="Answered meanwhile")
    submit(people.citizen, subject="Still open")
    db.session.commit()
    login(people.head)
    keys = re.compile(r"^SELECT appeals\.id\s+FROM appeals\b.*\bORDER BY", re.DOTALL)

    answered: list[int] = []

    def answer_meanwhile(conn, cursor, statement, *args):
        if keys.match(statement) and not answered:
            answered.append(first.id)
            with db.engine.connect() as other:
                other.execute(update(Appeal).where(Appeal.id == first.id).values(status="answered"))
                other.commit()

    event.listen(db.engine, "after_cursor_execute", answer_meanwhile)
    try:
        response = client.get("/work/")
    finally:
        event.remove(db.engine, "after_cursor_execute", answer_meanwhile)
    assert answered  # the keys were read, then the appeal answered
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Still open" in page
    if db.engine.dialect.name == "postgresql":
        assert "Answered meanwhile" not in page


def test_the_admin_log_and_staff_lists_are_bounded_too(app, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 50)

    assert admin_client.get("/admin/users").status_code == 200
    assert admin_client.get("/admin/users?page=3").status_code == 404  # 50 rows, 2 pages


def test_the_forward_list_offers_the_likely_bodies_and_finds_any_other(
    client, login, people, assigned
):
    """A country has tens of thousands of bodies: the forward form lists those competent for
    the appeal's matter and those of its place; any other is found by name or code, and the
    body found can be chosen although the forwarding's post does not repeat the search."""
    login(people.head)
    page = lambda query="": client.get(  # noqa: E731
        f"/work/appeals/{assigned.id}{query}"
    ).get_data(as_text=True)
    listed = field_options(page(), "forward-body_id")
    assert str(body_id("health-75")) in listed  # competent for healthcare, in another place
    assert str(body_id("akimat-71")) in listed  # of the appeal's place
    assert str(body_id("akimat-75")) not in listed  # neither
    assert str(assigned.current_body_id) not in listed  # never the appeal's own

    found = field_options(page("?forward_search=Akimat of Almaty"), "forward-body_id")
    assert str(body_id("akimat-75")) in found
    assert all("Akimat of Almaty" in name for value, name in found.items() if value)
    assert str(body_id("akimat-75")) in field_options(
        page("?forward_search=akimat-75"), "forward-body_id"
    )  # by its code
    none = page("?forward_search=No such body 100%")
    assert list(field_options(none, "forward-body_id")) == [""]
    assert "No active body matches" in by_testid(none, "forward-none-found").text()

    response = post_step(
        client, assigned.id, "forward", "forward", body_id=body_id("akimat-75"), reason="Almaty's"
    )
    assert response.status_code == 302
    db.session.refresh(assigned)
    assert assigned.current_body_id == body_id("akimat-75")


def test_the_forward_list_is_bounded(client, login, people, assigned, monkeypatch):
    monkeypatch.setattr(terms, "FORWARD_CHOICES", 3)
    login(people.head)
    page = client.get(f"/work/appeals/{assigned.id}?forward_search=a").get_data(as_text=True)
    assert len(field_options(page, "forward-body_id")) == 1 + 3  # "Choose…" and three bodies
