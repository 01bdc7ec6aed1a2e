"""The inbox: who sees which appeals, the order by effective due date, the filters, the
search, the pages, and the overdue and due-soon marks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal, AppealKind
from appeals.timeutil import local_today, now_utc
from appeals.work.service import answer_appeal, assign_executor
from appeals.work.terms import extend_term
from tests.factories import submit
from tests.pages import by_testid, field_value, page_text, parse

ALMATY = "750000000"


def inbox_rows(client, **query) -> list[str]:
    """The registration numbers listed, in the order shown."""
    response = client.get("/work/", query_string=query)
    assert response.status_code == 200
    return [
        element.attrs["data-appeal"]
        for element in parse(response.get_data(as_text=True)).iter()
        if element.tag == "tr" and "data-appeal" in element.attrs
    ]


def row(client, number: str, **query):
    for element in parse(client.get("/work/", query_string=query).get_data(as_text=True)).iter():
        if element.tag == "tr" and element.attrs.get("data-appeal") == number:
            return element
    raise AssertionError(f"{number} is not listed")


def set_due(appeal: Appeal, due) -> None:
    db.session.execute(update(Appeal).where(Appeal.id == appeal.id).values(due_on=due))
    db.session.commit()


@pytest.fixture
def spread(people):
    """Appeals of health-71 in every situation of scope, and one in Almaty."""
    unassigned, _ = submit(people.citizen, subject="Unassigned appeal")
    mine, _ = submit(people.citizen, subject="Assigned to the official")
    theirs, _ = submit(people.citizen, subject="Assigned to the colleague")
    almaty, _ = submit(people.citizen, region=ALMATY, subject="An Almaty appeal")
    assert almaty.current_body.code == "health-75"
    assign_executor(mine, people.official, people.head)
    assign_executor(theirs, people.colleague, people.head)
    db.session.commit()
    return {
        "unassigned": unassigned.number,
        "mine": mine.number,
        "theirs": theirs.number,
        "almaty": almaty.number,
    }


# --- Scope ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("official", {"unassigned", "mine"}),
        ("colleague", {"unassigned", "theirs"}),
        ("head", {"unassigned", "mine", "theirs"}),
        ("superior_head", {"unassigned", "mine", "theirs"}),  # health-71 is under akimat-71
        ("stranger", {"almaty"}),
        ("stranger_head", {"almaty"}),
    ],
)
def test_each_user_sees_their_scope_and_nothing_else(client, login, people, spread, who, sees):
    login(getattr(people, who))

    listed = set(inbox_rows(client))

    assert listed == {spread[name] for name in sees}


def test_a_head_of_a_superior_body_sees_which_body_holds_each(client, login, people, spread):
    login(people.superior_head)

    assert "Health Department of Astana" in row(client, spread["mine"]).text()


@pytest.mark.parametrize("role", ["citizen", "prosecutor", "admin"])
def test_users_who_are_not_staff_are_forbidden(client, login, people, role):
    login(getattr(people, role))

    response = client.get("/work/")

    assert response.status_code == 403
    assert "for the officials and heads of state bodies" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/work/")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_inbox_is_in_the_navigation_of_staff_only(client, login, people):
    login(people.official)
    assert 'href="/work/"' in client.get("/").get_data(as_text=True)
    login(people.citizen)
    assert 'href="/work/"' not in client.get("/").get_data(as_text=True)


# --- Order and marks ----------------------------------------------------------------------


def test_sorted_by_the_effective_due_date(client, login, people):
    now = now_utc()
    oldest, _ = submit(people.citizen, now=now - timedelta(days=6))
    middle, _ = submit(people.citizen, now=now - timedelta(days=3))
    newest, _ = submit(people.citizen, now=now)
    login(people.head)
    assert inbox_rows(client) == [oldest.number, middle.number, newest.number]

    # Extended past the others, the oldest goes last.
    extend_term(
        oldest,
        newest.due_on + timedelta(days=3),
        "Expert opinion",
        people.head,
        today=local_today(),
    )
    db.session.commit()

    assert inbox_rows(client) == [middle.number, newest.number, oldest.number]


def test_overdue_and_due_soon_rows_are_marked(client, login, people):
    today = local_today()
    calendar = working_calendar()
    overdue, _ = submit(people.citizen, subject="Overdue")
    soon, _ = submit(people.citizen, subject="Due soon")
    later, _ = submit(people.citizen, subject="Due later")
    set_due(overdue, today - timedelta(days=1))
    set_due(soon, calendar.add_working_days(today, 3))
    set_due(later, calendar.add_working_days(today, 4))
    login(people.head)

    assert "data-overdue" in row(client, overdue.number).attrs
    assert "table-danger" in row(client, overdue.number).classes
    assert "data-due-soon" in row(client, soon.number).attrs
    assert "due soon" in row(client, soon.number).text()
    assert not {"data-overdue", "data-due-soon"} & set(row(client, later.number).attrs)


# --- Filters ------------------------------------------------------------------------------


def test_open_by_default_and_filtered_by_status(client, login, people):
    open_one, _ = submit(people.citizen, subject="Still open")
    done, _ = submit(people.citizen, subject="Answered one")
    answer_appeal(done, "x" * 120, "explained", people.head)
    db.session.commit()
    login(people.head)

    assert inbox_rows(client) == [open_one.number]
    assert inbox_rows(client, status="answered") == [done.number]
    assert set(inbox_rows(client, status="all")) == {open_one.number, done.number}
    # A status that does not exist is ignored, not an error.
    assert inbox_rows(client, status="bogus") == [open_one.number]


def test_filtered_by_kind_and_category(client, login, people):
    statement, _ = submit(people.citizen)
    report, _ = submit(people.citizen, kind=AppealKind.REPORT)
    medicines, _ = submit(people.citizen, category="healthcare.medicines")
    login(people.head)
    from tests.factories import category_id

    assert inbox_rows(client, kind="report") == [report.number]
    assert inbox_rows(client, category_id=category_id("healthcare.medicines")) == [medicines.number]
    # A parent category takes in its children.
    assert set(inbox_rows(client, category_id=category_id("healthcare"))) == {
        statement.number,
        report.number,
        medicines.number,
    }


def test_filtered_by_executor(client, login, people, spread):
    login(people.head)

    assert inbox_rows(client, executor=str(people.official.id)) == [spread["mine"]]
    assert inbox_rows(client, executor="none") == [spread["unassigned"]]


def test_filtered_to_overdue_and_to_due_this_week(client, login, people):
    today = local_today()
    overdue, _ = submit(people.citizen, now=now_utc() - timedelta(days=40))
    this_week, _ = submit(people.citizen)
    next_month, _ = submit(people.citizen)
    set_due(this_week, today)  # today is always in this week
    set_due(next_month, today + timedelta(days=30))
    login(people.head)

    assert inbox_rows(client, overdue="y") == [overdue.number]
    assert inbox_rows(client, due_this_week="y") == [this_week.number]


def test_search_by_number_subject_or_text_ignoring_case(client, login, people):
    doctor, _ = submit(people.citizen, subject="No appointment with a Doctor")
    heating, _ = submit(
        people.citizen, subject="Cold ward", text="There is no heating in ward 5 since October."
    )
    login(people.head)

    assert inbox_rows(client, q="doctor") == [doctor.number]
    assert inbox_rows(client, q="HEATING IN WARD") == [heating.number]
    assert inbox_rows(client, q=heating.number) == [heating.number]
    assert inbox_rows(client, q=heating.number[-4:]) == [heating.number]
    # LIKE's wildcards are searched for literally.
    assert inbox_rows(client, q="%") == []
    assert inbox_rows(client, q="_") == []


def test_a_number_typed_with_look_alikes_is_found(client, login, people):
    statement, _ = submit(people.citizen)
    report, _ = submit(people.citizen, kind=AppealKind.REPORT)
    login(people.head)

    # The digit three for the Cyrillic Ze, the Latin c for the Cyrillic Es: as the status check.
    assert inbox_rows(client, q="3-" + statement.number.split("-", 1)[1]) == [statement.number]
    assert inbox_rows(client, q="c-" + report.number.split("-", 1)[1]) == [report.number]
    assert inbox_rows(client, q="з-" + statement.number.split("-", 1)[1]) == [statement.number]


def test_a_search_longer_than_the_bound_is_ignored(client, login, people):
    appeal, _ = submit(people.citizen)
    login(people.head)

    assert inbox_rows(client, q="x" * 500) == [appeal.number]


# --- Pages ----------------------------------------------------------------------------------


def test_paginated_with_the_filters_kept(client, login, people):
    numbers = [submit(people.citizen, kind=AppealKind.REPORT)[0].number for _ in range(27)]
    submit(people.citizen)  # a statement: filtered out
    login(people.head)

    first = inbox_rows(client, kind="report")
    second = inbox_rows(client, kind="report", page=2)

    assert len(first) == 25 and len(second) == 2
    assert sorted(first + second) == sorted(numbers)
    html = client.get("/work/", query_string={"kind": "report"}).get_data(as_text=True)
    links = [
        e.attrs.get("href", "")
        for e in parse(html).iter()
        if e.tag == "a" and "page-link" in e.classes
    ]
    assert any("page=2" in link and "kind=report" in link for link in links)
    assert inbox_rows(client, kind="report", page=9) == []
    assert by_testid(client.get("/work/?page=9").get_data(as_text=True), "inbox-empty")


def page_links(client, **query) -> list[str]:
    html = client.get("/work/", query_string=query).get_data(as_text=True)
    return [
        e.attrs["href"].strip()
        for e in parse(html).iter()
        if e.tag == "a" and "page-link" in e.classes
    ]


def test_each_inbox_shows_the_page_links_of_its_own_list(client, login, people):
    """The links of an unfiltered list are kept per address and page (kept_html.py): a head
    with two pages and one with a single page each see their own; a search's links are made
    for it."""
    for _ in range(26):
        submit(people.citizen)
    submit(people.citizen, region=ALMATY)  # at health-75: the other head's one appeal
    login(people.head)
    assert "/work/?page=2" in page_links(client)
    assert page_links(client, page=2)[1] == "/work/?page=1"  # "previous", from page 2

    login(people.stranger_head)
    assert inbox_rows(client) and page_links(client) == ["#", "#", "#"]  # one page: no link

    login(people.head)
    searched = page_links(client, q="appointment")
    assert "/work/?q=appointment&page=2" in searched


def test_the_filter_form_shows_no_errors_and_falls_back_to_defaults(client, login, people):
    login(people.head)

    plain = client.get("/work/").get_data(as_text=True)
    edited = client.get("/work/?status=bogus&kind=nonsense&executor=x").get_data(as_text=True)

    for html in (plain, edited):
        assert "Not a valid choice" not in page_text(html)
        assert field_value(html, "status") == "open"
        assert field_value(html, "kind") == ""
