"""The prosecutor's dashboard: the ranking of the bodies in scope (sorted, filtered, for a
validated period), trends, worst movers, overdue appeals by body, and the exports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import AppealKind, Decision
from appeals.ratings.ranking import month_axis
from appeals.scores.models import ScoreSnapshot
from appeals.timeutil import local_date, local_today, now_utc
from appeals.work.service import answer_appeal
from tests.desk.conftest import body_id, local_moment
from tests.factories import region_id, submit
from tests.pages import by_testid, field_error, field_options, field_value, page_text, parse

ALMATY = "750000000"
ASTANA = "710000000"


@pytest.fixture
def spread(citizen, make_user, app, monkeypatch):
    """Answered appeals at three Astana bodies and one Almaty body; two appeals rank a body.

    health-71 answers on time, police-71 late, education-71 has a single appeal (too few),
    health-75 (Almaty) on time. Returns the period's query arguments."""
    monkeypatch.setitem(app.config, "SCORE_MIN_APPEALS", 2)
    today = local_today()
    base = today - timedelta(days=80)
    heads = {
        code: make_user(Role.HEAD, body_code=code)
        for code in ("health-71", "police-71", "education-71", "health-75")
    }
    plan = [
        ("health-71", "healthcare", ASTANA, 2, False),
        ("police-71", "police", ASTANA, 3, True),
        ("education-71", "education", ASTANA, 1, False),
        ("health-75", "healthcare", ALMATY, 2, False),
    ]
    for code, category, region, count, late in plan:
        for i in range(count):
            appeal, _ = submit(
                citizen,
                category=category,
                region=region,
                now=local_moment(base + timedelta(days=i)),
            )
            day = (
                appeal.effective_due_on + timedelta(days=7)
                if late
                else appeal.registered_on + timedelta(days=2)
            )
            answer_appeal(
                appeal, "Answered.", Decision.EXPLAINED, heads[code], at=local_moment(day)
            )
            db.session.commit()
    start = base - timedelta(days=5)
    return {"period": "custom", "start": start.isoformat(), "end": today.isoformat()}


def _rows(html: str, testid: str = "ranking") -> list[int]:
    table = by_testid(html, testid)
    if table is None:
        return []
    return [
        int(e.attrs["data-body"]) for e in table.iter() if e.tag == "tr" and "data-body" in e.attrs
    ]


def _scores(html: str) -> list[float]:
    table = by_testid(html, "ranking")
    return [float(e.text()) for e in table.iter() if "data-score" in e.attrs]


def test_the_ranking_is_shown_a_page_at_a_time(
    client, login, general_prosecutor, spread, app, monkeypatch
):
    """A country's thousands of bodies: the page shows one page of the ranking (in its order,
    the sort kept by the pager) and says how many bodies too few to rank it leaves out; the
    CSV still lists every body."""
    monkeypatch.setitem(app.config, "DESK_RANKING_PER_PAGE", 2)
    login(general_prosecutor)
    everyone = client.get("/prosecutor/ranking.csv", query_string=spread).get_data(as_text=True)
    listed = list(csv.DictReader(io.StringIO(everyone)))
    assert len([r for r in listed if r["ranked"] == "yes"]) == 3

    by_name = spread | {"sort": "name", "order": "asc"}
    first = client.get("/prosecutor/", query_string=by_name).get_data(as_text=True)
    second = client.get("/prosecutor/", query_string=by_name | {"page": 2})
    assert len(_rows(first)) == 2 and len(_rows(second.get_data(as_text=True))) == 1
    pager = by_testid(first, "ranking-pages")
    assert any("page=2" in e.attrs.get("href", "") and "sort=name" in e.attrs.get("href", "")
               for e in pager.iter() if e.tag == "a")  # fmt: skip
    assert set(_rows(first) + _rows(second.get_data(as_text=True))) == {
        body_id("health-71"),
        body_id("police-71"),
        body_id("health-75"),
    }
    assert client.get("/prosecutor/", query_string=by_name | {"page": 3}).status_code == 404


def test_the_ranking_holds_only_the_bodies_in_scope(
    client, login, astana_prosecutor, general_prosecutor, spread
):
    login(astana_prosecutor)
    html = client.get("/prosecutor/", query_string=spread).get_data(as_text=True)
    ranked, too_few = _rows(html), _rows(html, "too-few")
    assert set(ranked) == {body_id("health-71"), body_id("police-71")}
    assert too_few == [body_id("education-71")]
    assert body_id("health-75") not in ranked + too_few

    client.post("/logout")
    login(general_prosecutor)
    html = client.get("/prosecutor/", query_string=spread).get_data(as_text=True)
    assert {body_id("health-71"), body_id("police-71"), body_id("health-75")} <= set(_rows(html))


def test_on_time_bodies_rank_above_late_ones(client, login, astana_prosecutor, spread):
    login(astana_prosecutor)
    html = client.get("/prosecutor/", query_string=spread).get_data(as_text=True)
    assert _rows(html) == [body_id("health-71"), body_id("police-71")]
    scores = _scores(html)
    assert scores[0] > scores[1]


@pytest.mark.parametrize(
    ("sort", "order", "expected"),
    [
        ("score", "asc", ["police-71", "health-71"]),
        ("score", "desc", ["health-71", "police-71"]),
        ("appeals", "desc", ["police-71", "health-71"]),
        ("name", "asc", ["health-71", "police-71"]),  # Health Department..., Police Department...
        ("rank", "desc", ["police-71", "health-71"]),
    ],
)
def test_sorting_by_column(client, login, astana_prosecutor, spread, sort, order, expected):
    login(astana_prosecutor)
    html = client.get(
        "/prosecutor/", query_string={**spread, "sort": sort, "order": order}
    ).get_data(as_text=True)
    assert _rows(html) == [body_id(code) for code in expected]


def test_column_headers_link_to_the_other_order(client, login, astana_prosecutor, spread):
    login(astana_prosecutor)
    html = client.get(
        "/prosecutor/", query_string={**spread, "sort": "score", "order": "asc"}
    ).get_data(as_text=True)
    links = {
        e.attrs["data-sort"]: e.attrs["href"] for e in parse(html).iter() if "data-sort" in e.attrs
    }
    assert "sort=score" in links["score"] and "order=desc" in links["score"]
    assert "order=asc" in links["appeals"]
    assert f"start={spread['start']}" in links["appeals"]  # the filters are kept


def test_filter_by_kind(client, login, astana_prosecutor, spread):
    login(astana_prosecutor)
    html = client.get("/prosecutor/", query_string={**spread, "kind": "police"}).get_data(
        as_text=True
    )
    assert _rows(html) == [body_id("police-71")] and _rows(html, "too-few") == []


def test_region_choices_are_the_scope_and_another_region_is_refused(
    client, login, astana_prosecutor, spread
):
    login(astana_prosecutor)
    html = client.get("/prosecutor/", query_string=spread).get_data(as_text=True)
    options = field_options(html, "region")
    assert str(region_id(ASTANA)) in options and str(region_id(ALMATY)) not in options

    response = client.get("/prosecutor/", query_string={**spread, "region": region_id(ALMATY)})
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "region") == "Not a valid choice."
    assert by_testid(response.get_data(as_text=True), "ranking") is None


def test_filter_by_a_district_leaves_the_city_bodies_out(client, login, astana_prosecutor, spread):
    login(astana_prosecutor)
    options = field_options(client.get("/prosecutor/").get_data(as_text=True), "region")
    district = next(value for value in options if value not in ("", str(region_id(ASTANA))))
    html = client.get("/prosecutor/", query_string={**spread, "region": district}).get_data(
        as_text=True
    )
    assert _rows(html) == [] and _rows(html, "too-few") == []


def test_with_the_default_minimum_every_small_body_is_too_few_to_rank(
    client, login, astana_prosecutor, spread, app, monkeypatch
):
    monkeypatch.setitem(app.config, "SCORE_MIN_APPEALS", 20)
    login(astana_prosecutor)
    html = client.get("/prosecutor/", query_string=spread).get_data(as_text=True)
    assert _rows(html) == []
    assert by_testid(html, "no-ranking") is not None
    assert set(_rows(html, "too-few")) == {
        body_id("health-71"),
        body_id("police-71"),
        body_id("education-71"),
    }


def test_the_default_period_is_the_current_month(client, login, astana_prosecutor):
    login(astana_prosecutor)
    response = client.get("/prosecutor/")
    assert response.status_code == 200
    today = local_today()
    html = response.get_data(as_text=True)
    assert f"period {today:%Y-%m}" in page_text(html)
    db.session.commit()


NEXT_YEAR = local_date(now_utc(), "Asia/Almaty").year + 1


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"period": "month", "month": f"{NEXT_YEAR}-01"}, "month", "That month has not begun yet."),
        (
            {"period": "month", "month": "March"},
            "month",
            "Write the month as YYYY-MM, e.g. 2026-03.",
        ),
        ({"period": "month", "month": ""}, "month", "Choose a month."),
        ({"period": "quarter", "year": "", "quarter": "1"}, "year", "Choose a year."),
        (
            {"period": "quarter", "year": str(NEXT_YEAR), "quarter": "2"},
            "year",
            f"Choose a year from 2000 to {NEXT_YEAR - 1}.",
        ),
        ({"period": "quarter", "year": "2025", "quarter": "5"}, "quarter", "Not a valid choice."),
        (
            {"period": "year", "year": "1999"},
            "year",
            f"Choose a year from 2000 to {NEXT_YEAR - 1}.",
        ),
        ({"period": "year", "year": "twenty"}, "year", "Not a valid integer value."),
        ({"period": "custom", "end": "2025-02-01"}, "start", "Give the first day (a date)."),
        ({"period": "custom", "start": "2025-02-01"}, "end", "Give the last day (a date)."),
        (
            {"period": "custom", "start": "2025-02-10", "end": "2025-02-01"},
            "end",
            "The last day comes before the first.",
        ),
        (
            {"period": "custom", "start": "2020-01-01", "end": "2025-02-01"},
            "end",
            "A custom range can be at most three years long.",
        ),
        (
            {"period": "custom", "start": f"{NEXT_YEAR}-01-01", "end": f"{NEXT_YEAR}-02-01"},
            "start",
            "The range cannot begin in the future.",
        ),
        (
            {"period": "custom", "start": "1.2.2025", "end": "2025-02-01"},
            "start",
            "Not a valid date value.",
        ),
        ({"period": "decade"}, "period", "Not a valid choice."),
        ({"sort": "bribes"}, "sort", "Not a valid choice."),
    ],
)
def test_period_and_sort_mistakes_are_form_errors(
    client, login, astana_prosecutor, args, field, message
):
    login(astana_prosecutor)
    response = client.get("/prosecutor/", query_string=args)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    if field in ("sort", "order"):
        assert f"Sort by: {message}" in page_text(html)
    else:
        assert field_error(html, field) == message
    assert by_testid(html, "ranking") is None


def test_the_chosen_values_stay_in_the_form(client, login, astana_prosecutor):
    login(astana_prosecutor)
    html = client.get(
        "/prosecutor/", query_string={"period": "quarter", "year": "2025", "quarter": "3"}
    ).get_data(as_text=True)
    assert field_value(html, "period") == "quarter"
    assert field_value(html, "year") == "2025" and field_value(html, "quarter") == "3"
    assert "period 2025 Q3 (01.07.2025–30.09.2025)" in page_text(html)


# --- Trends and movers, from the monthly snapshots -----------------------------------------


def _snapshot(code: str, month: date, score: float, ranked: bool = True) -> None:
    db.session.add(
        ScoreSnapshot(
            body_id=body_id(code),
            month=month,
            appeals=30,
            ranked=ranked,
            timeliness=score / 100,
            quality=score / 100,
            score=score,
            grade="B",
            components={},
        )
    )


def test_worst_movers_are_the_biggest_drops_in_scope(client, login, astana_prosecutor):
    before, after = month_axis(local_today(), 3)[:2]
    for code, old, new in [
        ("health-71", 80.0, 60.0),  # -20
        ("police-71", 50.0, 70.0),  # rose: not a mover
        ("akimat-71", 75.0, 70.0),  # -5
        ("health-75", 90.0, 40.0),  # Almaty: out of scope
    ]:
        _snapshot(code, before, old)
        _snapshot(code, after, new)
    _snapshot("education-71", before, 90.0, ranked=False)  # too few: luck, not a signal
    _snapshot("education-71", after, 10.0, ranked=False)
    db.session.commit()
    login(astana_prosecutor)

    html = client.get("/prosecutor/").get_data(as_text=True)

    movers = by_testid(html, "movers")
    items = [e for e in movers.iter() if e.tag == "li"]
    assert [int(e.attrs["data-body"]) for e in items] == [
        body_id("health-71"),
        body_id("akimat-71"),
    ]
    changes = [e.attrs["data-change"] for e in movers.iter() if "data-change" in e.attrs]
    assert changes == ["-20.0", "-5.0"]
    assert f"Score change in {after:%m.%Y}" in page_text(html)


def test_no_snapshots_no_movers(client, login, astana_prosecutor):
    login(astana_prosecutor)
    html = client.get("/prosecutor/").get_data(as_text=True)
    assert "no monthly snapshots yet" in by_testid(html, "no-movers").text()


def test_each_body_row_carries_its_trend_picture(client, login, astana_prosecutor, spread):
    months = month_axis(local_today(), 4)[:3]  # three closed months
    for month, score in zip(months, (55.0, 65.0, 75.0), strict=True):
        _snapshot("health-71", month, score)
    db.session.commit()
    login(astana_prosecutor)
    html = client.get("/prosecutor/", query_string=spread).get_data(as_text=True)
    row = next(
        e
        for e in by_testid(html, "ranking").iter()
        if e.tag == "tr" and e.attrs.get("data-body") == str(body_id("health-71"))
    )
    dots = [e.attrs["data-score"] for e in row.iter() if e.tag == "circle"]
    assert dots == ["55", "65", "75"]
    assert any(e.tag == "polyline" for e in row.iter())

    page = client.get(f"/prosecutor/bodies/{body_id('health-71')}").get_data(as_text=True)
    chart = by_testid(page, "trend-chart")
    assert [e.attrs["data-month"] for e in chart.iter() if e.tag == "circle"] == [
        f"{m:%m.%Y}" for m in months
    ]


# --- Open overdue appeals by body ----------------------------------------------------------


def test_open_overdue_by_body_counts_match_their_lists(client, login, astana_prosecutor, citizen):
    long_ago = local_today() - timedelta(days=60)
    for category, count in (("healthcare", 3), ("police", 1)):
        for _ in range(count):
            submit(citizen, category=category, now=local_moment(long_ago))
    submit(citizen, category="healthcare", region=ALMATY, now=local_moment(long_ago))
    submit(citizen, category="healthcare")  # not yet due
    login(astana_prosecutor)

    html = client.get("/prosecutor/").get_data(as_text=True)

    table = by_testid(html, "overdue-by-body")
    rows = [e for e in table.iter() if e.tag == "tr" and "data-body" in e.attrs]
    assert [int(r.attrs["data-body"]) for r in rows] == [body_id("health-71"), body_id("police-71")]
    for row in rows:
        link = next(e for e in row.iter() if e.tag == "a")
        listed = client.get(link.attrs["href"]).get_data(as_text=True)
        assert by_testid(listed, "total").attrs["data-count"] == link.attrs["data-count"]
    assert [r.iter().__next__() for r in rows]  # rows have cells
    counts = [next(e for e in r.iter() if e.tag == "a").attrs["data-count"] for r in rows]
    assert counts == ["3", "1"]


# --- Exports --------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_ranking_csv_has_the_dashboards_rows(client, login, astana_prosecutor, spread):
    login(astana_prosecutor)
    response = client.get("/prosecutor/ranking.csv", query_string=spread)
    assert response.headers["Content-Disposition"].startswith('attachment; filename="ranking-')
    header, *rows = _csv(response)
    assert header == [
        "period",
        "position",
        "position within kind",
        "body",
        "kind",
        "region",
        "appeals",
        "ranked",
        "on time %",
        "timeliness %",
        "quality %",
        "score",
        "grade",
        "open overdue",
    ]
    by_body = {row[3]: row for row in rows}
    assert len(rows) == 3
    health = next(r for name, r in by_body.items() if name.startswith("Health Department"))
    police = next(r for name, r in by_body.items() if name.startswith("Police Department"))
    education = next(r for name, r in by_body.items() if name.startswith("Education"))
    assert health[1:3] == ["1", "1"] and health[6] == "2" and health[8] == "100.0"
    assert police[1] == "2" and police[6] == "3" and police[8] == "0.0"
    assert education[1] == "" and education[7] == "too few to rank"


def test_ranking_csv_keeps_the_filters(client, login, astana_prosecutor, spread):
    login(astana_prosecutor)
    _header, *rows = _csv(
        client.get("/prosecutor/ranking.csv", query_string={**spread, "kind": "police"})
    )
    assert [row[4] for row in rows] == ["police"]


def test_ranking_csv_with_a_bad_period_is_a_json_400(client, login, astana_prosecutor):
    login(astana_prosecutor)
    response = client.get(
        "/prosecutor/ranking.csv", query_string={"period": "month", "month": "13"}
    )
    assert response.status_code == 400
    assert response.json["fields"]["month"] == ["Write the month as YYYY-MM, e.g. 2026-03."]


def test_body_appeals_csv_has_the_facts_and_no_personal_data(
    client, login, astana_prosecutor, make_user, spread
):
    login(astana_prosecutor)
    response = client.get(
        f"/prosecutor/bodies/{body_id('police-71')}/appeals.csv", query_string=spread
    )
    header, *rows = _csv(response)
    assert header == [
        "number",
        "kind",
        "category",
        "status",
        "received",
        "due",
        "answered",
        "on time",
        "decision",
        "satisfaction",
    ]
    assert len(rows) == 3
    for row in rows:
        assert row[1] == "statement" and row[2] == "Police" and row[3] == "answered"
        assert row[7] == "no" and row[8] == "explained"
        assert date.fromisoformat(row[6]) > date.fromisoformat(row[5])  # answered after due
    text = response.get_data(as_text=True)
    assert "Aliya Citizen" not in text and "@example.kz" not in text
    assert "No appointment with a doctor" not in text and "two months" not in text


def test_printable_report_is_a4_without_navigation(client, login, astana_prosecutor, spread):
    login(astana_prosecutor)
    response = client.get("/prosecutor/report", query_string=spread)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/static/report.css"' in html  # the print style sheet (no inline style)
    css = client.get("/static/report.css").get_data(as_text=True)
    assert "@page { size: A4" in css and "tr { break-inside: avoid" in css
    tree = parse(html)
    assert not [e for e in tree.iter() if e.tag == "nav"]
    table = by_testid(html, "report-ranking")
    assert any(e.tag == "thead" for e in table.iter())
    assert "Police Department" in table.text() and "Health Department" in table.text()
    assert "Education" in by_testid(html, "report-too-few").text()


# --- Finding an appeal, and who may use the desk ------------------------------------------


def test_find_an_appeal_by_number_in_scope_only(
    client, login, astana_prosecutor, almaty_prosecutor, citizen
):
    appeal, _ = submit(citizen)
    login(astana_prosecutor)
    response = client.get(
        "/prosecutor/appeals/find", query_string={"number": appeal.number.lower()}
    )
    assert response.headers["Location"].endswith(f"/prosecutor/appeals/{appeal.id}")

    client.post("/logout")
    login(almaty_prosecutor)
    response = client.get(
        "/prosecutor/appeals/find", query_string={"number": appeal.number}, follow_redirects=True
    )
    assert f"No appeal numbered {appeal.number} in your region." in page_text(
        response.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    ("kind", "typed_prefix"),
    [
        (AppealKind.STATEMENT, "3"),  # the digit three for the Cyrillic Ze
        (AppealKind.STATEMENT, " з"),  # lower case, a space before it
        (AppealKind.REPORT, "C"),  # the Latin C for the Cyrillic Es
        (AppealKind.FEEDBACK, "0"),  # zero for the Cyrillic O
    ],
)
def test_a_number_typed_with_look_alikes_is_found_as_in_the_status_check(
    client, login, astana_prosecutor, citizen, kind, typed_prefix
):
    appeal, _ = submit(citizen, kind=kind)
    prefix, rest = appeal.number.split("-", 1)
    login(astana_prosecutor)

    response = client.get(
        "/prosecutor/appeals/find", query_string={"number": f"{typed_prefix}-{rest}"}
    )

    assert response.headers["Location"].endswith(f"/prosecutor/appeals/{appeal.id}")


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.OFFICIAL, Role.HEAD, Role.ADMIN])
def test_the_desk_is_for_prosecutors(client, login, make_user, role):
    login(make_user(role, body_code="health-71" if role in (Role.OFFICIAL, Role.HEAD) else None))
    for url in (
        "/prosecutor/",
        "/prosecutor/ranking.csv",
        "/prosecutor/report",
        f"/prosecutor/bodies/{body_id('health-71')}",
    ):
        assert client.get(url).status_code == 403, url


def test_signed_out_visitors_sign_in_first(client):
    response = client.get("/prosecutor/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_nav_shows_the_desk_to_prosecutors_only(client, login, astana_prosecutor, citizen):
    login(astana_prosecutor)
    nav = [e for e in parse(client.get("/").get_data(as_text=True)).iter() if e.tag == "nav"][0]
    assert "Prosecutor's desk" in nav.text() and "Ratings" in nav.text()
    client.post("/logout")
    login(citizen)
    nav = [e for e in parse(client.get("/").get_data(as_text=True)).iter() if e.tag == "nav"][0]
    assert "Prosecutor's desk" not in nav.text() and "Ratings" in nav.text()
