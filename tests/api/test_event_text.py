"""A timeline entry's text is stored as a code and shown in the reader's language: on the
pages (the citizen's, the official's), in the API; what a person typed is shown as typed."""

from __future__ import annotations

from flask_babel import refresh

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.event_text import event_text
from appeals.intake.models import Event
from appeals.work.service import assign_executor, leave_without_consideration
from tests.factories import submit
from tests.pages import by_testid

RU = {"Accept-Language": "ru-RU,ru;q=0.9"}
EN = {"Accept-Language": "en"}


def left_appeal(make_user):
    citizen = make_user()
    head = make_user(Role.HEAD, body_code="health-71", full_name="Saule Bekova")
    appeal, _ = submit(citizen)
    assign_executor(appeal, head, head)
    leave_without_consideration(appeal, "court", head, "Decision <b>of</b> 01.10.2026")
    db.session.commit()
    return appeal, citizen, head


def get(client, url: str, headers: dict):
    """A page as a new request sees it: the test shares its app context with the requests, so
    the locale cached there by the services' own messages is dropped first."""
    refresh()
    return client.get(url, headers=headers)


def texts(html: str) -> list[str]:
    """The entries' texts as written in the page (line breaks kept)."""
    timeline = by_testid(html, "timeline")
    return [
        "".join(part for part in item.children if isinstance(part, str)).strip()
        for item in timeline.iter()
        if item.attrs.get("data-testid") == "event-text"
    ]


def test_the_citizens_page_shows_the_entries_in_the_readers_language(client, login, make_user):
    appeal, citizen, _head = left_appeal(make_user)
    login(citizen)

    english = texts(get(client, f"/appeals/{appeal.id}", EN).get_data(as_text=True))
    russian = texts(get(client, f"/appeals/{appeal.id}", RU).get_data(as_text=True))

    assert "Executor: Saule Bekova" in english
    assert "Исполнитель: Saule Bekova" in russian
    assert (
        "The matter has been decided by a court decision in force\nDecision <b>of</b> 01.10.2026"
        in english
    )
    assert any(t.startswith("По вопросу имеется вступившее") for t in russian)
    assert any(t.endswith("Decision <b>of</b> 01.10.2026") for t in russian)  # as typed


def test_the_officials_page_and_the_api_read_the_same_text(client, login, make_user, token_for):
    appeal, citizen, head = left_appeal(make_user)
    login(head)
    page = get(client, f"/work/appeals/{appeal.id}", RU).get_data(as_text=True)
    assert "Исполнитель: Saule Bekova" in texts(page)

    token = token_for(citizen, scopes=("read",))
    body = get(
        client, f"/api/v1/appeals/{appeal.id}", {"Authorization": f"Bearer {token}", **RU}
    ).get_json()
    by_kind = {event["kind"]: event for event in body["events"]}
    assert by_kind["assigned"]["text"] == "Исполнитель: Saule Bekova"
    assert by_kind["assigned"]["note"] is None
    assert by_kind["left_without_consideration"]["note"] == "Decision <b>of</b> 01.10.2026"


def test_an_unknown_code_or_label_is_shown_as_stored_never_an_error():
    odd = Event(
        kind="left_without_consideration",
        note=None,
        data={"code": "left_on_ground", "ground": "Old text"},
    )
    assert event_text(odd) == "Old text"
    assert event_text(Event(kind="routed", data={"code": "no_such_code"})) is None
    assert event_text(Event(kind="routed", note="typed", data=None)) == "typed"
