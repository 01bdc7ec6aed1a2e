"""The public ratings page: anyone can see each body's score, grade, on-time share and volume
for a month, by region and kind; it is built from the monthly snapshots when there is one,
and it never shows an appeal or a person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from appeals.accounts.models import Role
from appeals.audit.service import record_audit
from appeals.extensions import db
from appeals.intake.applicant import rate_answer
from appeals.intake.models import Decision, Satisfaction
from appeals.ratings.ranking import month_axis
from appeals.scores.models import ScoreSnapshot
from appeals.scores.snapshots import snapshot_month
from appeals.timeutil import local_today
from appeals.work.service import answer_appeal
from tests.audit.conftest import body_id, local_moment
from tests.factories import region_id, submit
from tests.pages import by_testid, field_error, page_text

ALMATY = "750000000"
APPLICANT = "Gulnara Zhumabekovna Unikalnaya"
SUBJECT = "Leaking roof over flat 417 on Zhibek Zholy"
TEXT = "Water pours through the ceiling of flat 417 every time it rains, since April."
ANSWER = "The housing inspector Serikbayev will visit flat 417."
NOTE = "Auditor's private remark about flat 417."


def _month_rows(html: str, testid: str = "ratings") -> list[int]:
    table = by_testid(html, testid)
    if table is None:
        return []
    return [
        int(e.attrs["data-body"]) for e in table.iter() if e.tag == "tr" and "data-body" in e.attrs
    ]


@pytest.fixture
def last_month():
    """The first day of the month that has just closed."""
    return month_axis(local_today(), 2)[0]


@pytest.fixture
def answered_in(make_user, app, monkeypatch):
    """answered_in(month, code, category, region, n): n appeals answered on time in a month."""
    monkeypatch.setitem(app.config, "SCORE_MIN_APPEALS", 2)
    heads = {}
    applicant = make_user(full_name=APPLICANT, email="gulnara.unique@example.kz")

    def make(month, code="health-71", category="healthcare", region="710000000", n=2):
        if code not in heads:
            heads[code] = make_user(Role.HEAD, body_code=code)
        appeals = []
        for i in range(n):
            when = (
                local_moment(month + timedelta(days=i))
                if month < local_today().replace(day=1)
                else None  # this month: now
            )
            appeal, _ = submit(
                applicant, category=category, region=region, subject=SUBJECT, text=TEXT, now=when
            )
            answered_at = (
                None if when is None else local_moment(appeal.registered_on + timedelta(days=2))
            )
            answer_appeal(appeal, ANSWER, Decision.EXPLAINED, heads[code], at=answered_at)
            db.session.commit()
            appeals.append(appeal)
        return appeals

    make.applicant = applicant
    return make


def test_anyone_sees_the_ranking_of_a_closed_month_from_its_snapshot(
    client, answered_in, last_month
):
    answered_in(last_month, n=3)
    answered_in(last_month, code="police-71", category="police", n=2)
    snapshot_month(last_month.year, last_month.month)
    # A mark only the snapshot carries: the page must be reading it, not recomputing.
    db.session.execute(
        update(ScoreSnapshot)
        .where(ScoreSnapshot.body_id == body_id("police-71"))
        .values(score=42.0, grade="E")
    )
    db.session.commit()

    response = client.get("/ratings/", query_string={"month": f"{last_month:%Y-%m}"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _month_rows(html) == [body_id("health-71"), body_id("police-71")]
    assert "From the monthly snapshot." in page_text(html)
    assert f"Period: {last_month:%m.%Y}" in by_testid(html, "period").text()
    police_row = next(
        e
        for e in by_testid(html, "ratings").iter()
        if e.tag == "tr" and e.attrs.get("data-body") == str(body_id("police-71"))
    )
    assert "42.0" in police_row.text() and "E" in police_row.text()
    assert "Police Department" in police_row.text() and "2" in police_row.text()


def test_the_default_is_the_month_just_closed(client, answered_in, last_month):
    answered_in(last_month, n=2)
    html = client.get("/ratings/").get_data(as_text=True)
    assert f"Period: {last_month:%m.%Y}" in by_testid(html, "period").text()
    # No snapshot taken yet: computed live, same bodies.
    assert "Computed now from the appeals of the period." in page_text(html)
    assert _month_rows(html) == [body_id("health-71")]


def test_the_current_month_is_computed_live(client, answered_in):
    this_month = local_today().replace(day=1)
    answered_in(this_month, n=2)
    html = client.get("/ratings/", query_string={"month": f"{this_month:%Y-%m}"}).get_data(
        as_text=True
    )
    assert "Computed now" in page_text(html) and "the month so far" in page_text(html)
    assert _month_rows(html) == [body_id("health-71")]


def test_by_region_and_by_kind(client, answered_in, last_month):
    answered_in(last_month, n=2)
    answered_in(last_month, code="police-71", category="police", n=2)
    answered_in(last_month, code="health-75", region=ALMATY, n=2)
    month = f"{last_month:%Y-%m}"

    html = client.get(
        "/ratings/", query_string={"month": month, "region": region_id(ALMATY)}
    ).get_data(as_text=True)
    assert _month_rows(html) == [body_id("health-75")]

    html = client.get("/ratings/", query_string={"month": month, "kind": "department"}).get_data(
        as_text=True
    )
    assert set(_month_rows(html)) == {body_id("health-71"), body_id("health-75")}

    html = client.get("/ratings/", query_string={"month": month}).get_data(as_text=True)
    assert set(_month_rows(html)) == {
        body_id("health-71"),
        body_id("health-75"),
        body_id("police-71"),
    }


def test_small_bodies_are_listed_apart(client, answered_in, last_month, app, monkeypatch):
    answered_in(last_month, n=2)
    answered_in(last_month, code="police-71", category="police", n=1)
    html = client.get("/ratings/", query_string={"month": f"{last_month:%Y-%m}"}).get_data(
        as_text=True
    )
    assert _month_rows(html) == [body_id("health-71")]
    assert _month_rows(html, "ratings-too-few") == [body_id("police-71")]


def test_the_ranking_is_shown_a_page_at_a_time(client, answered_in, last_month, app, monkeypatch):
    """A country's thousands of bodies: one page of the ranking in its order, the filters
    kept by the pager, and as many bodies too few to rank with a count of the rest and the
    open data that lists every body."""
    monkeypatch.setitem(app.config, "RATINGS_PER_PAGE", 1)
    answered_in(last_month, n=3)
    answered_in(last_month, code="police-71", category="police", n=2)
    answered_in(last_month, code="health-75", region=ALMATY, n=1)
    answered_in(last_month, code="education-71", category="education", n=1)
    month = {"month": f"{last_month:%Y-%m}"}

    first = client.get("/ratings/", query_string=month).get_data(as_text=True)
    second = client.get("/ratings/", query_string=month | {"page": 2}).get_data(as_text=True)
    assert _month_rows(first) == [body_id("health-71")]
    assert _month_rows(second) == [body_id("police-71")]
    assert "2" in by_testid(second, "ratings").text()  # its place in the whole ranking
    links = [e.attrs["href"] for e in by_testid(first, "ratings-pages").iter() if e.tag == "a"]
    assert any("page=2" in link and f"month={month['month']}" in link for link in links)

    assert len(_month_rows(first, "ratings-too-few")) == 1
    more = by_testid(first, "ratings-too-few-more")
    assert "And 1 more" in more.text()
    csv_link = next(e.attrs["href"] for e in more.iter() if e.tag == "a")
    listed = client.get(csv_link).get_data(as_text=True)
    assert all(name in listed for name in ("Health Department", "Police Department", "Education"))
    assert client.get("/ratings/", query_string=month | {"page": 3}).status_code == 404
    assert client.get("/ratings/", query_string=month | {"page": 0}).status_code == 404


def test_no_personal_data_on_the_page(client, answered_in, last_month, general_prosecutor):
    appeals = answered_in(last_month, n=3)
    rate_answer(
        appeals[0], Satisfaction.NOT_SATISFIED, "Comment about flat 417", answered_in.applicant
    )
    record_audit(appeals[1], False, ["formal_reply"], NOTE, "warning", general_prosecutor)
    db.session.commit()
    numbers = [a.number for a in appeals]
    for month_args in ({"month": f"{last_month:%Y-%m}"}, {}):
        html = client.get("/ratings/", query_string=month_args).get_data(as_text=True)
        assert _month_rows(html) == [body_id("health-71")]  # the appeals are counted...
        for private in (
            APPLICANT,
            "Unikalnaya",
            "gulnara.unique",
            SUBJECT,
            "flat 417",
            TEXT,
            ANSWER,
            NOTE,
            "Serikbayev",
            *numbers,
        ):
            assert private not in html, private  # ...but none of them is shown
    snapshot_month(last_month.year, last_month.month)
    db.session.commit()
    html = client.get("/ratings/", query_string={"month": f"{last_month:%Y-%m}"}).get_data(
        as_text=True
    )
    assert "flat 417" not in html and APPLICANT not in html


def test_public_page_is_cacheable_for_anonymous_visitors_only(client, login, make_user):
    response = client.get("/ratings/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Cookie" in response.headers["Vary"]
    login(make_user())
    response = client.get("/ratings/")
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"month": "2019-01"}, "month"),
        ({"month": "soon"}, "month"),
        ({"region": "999999"}, "region"),
        ({"kind": "church"}, "kind"),
    ],
)
def test_filter_mistakes_are_form_errors(client, args, field):
    response = client.get("/ratings/", query_string=args)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), field) == "Not a valid choice."


def test_a_district_is_not_a_region_choice(client):
    district = (
        db.session.execute(
            select(db.metadata.tables["regions"].c.id).where(
                db.metadata.tables["regions"].c.level == "district"
            )
        )
        .scalars()
        .first()
    )
    db.session.commit()
    response = client.get("/ratings/", query_string={"region": district})
    assert response.status_code == 400
