"""Open data: the statistics and the ratings as CSV and JSON (and through the API), a data
dictionary for every column, no personal data, and small counts suppressed."""

from __future__ import annotations

import csv
import io

import pytest

from appeals.extensions import db
from appeals.intake.applicant import rate_answer
from appeals.intake.models import Decision, Satisfaction
from appeals.opendata.jobs import count_open_statistics
from appeals.opendata.statistics import RATINGS_COLUMNS, STATISTICS_COLUMNS
from appeals.periodic import register_periodic_jobs
from appeals.timeutil import local_today
from appeals.work.service import answer_appeal, assign_executor
from tests.factories import submit
from tests.ops.test_request_costs import statements_sent

ANSWER = "We have checked your appeal and arranged an appointment for you next week. " * 3
SECRET_TEXT = "My neighbour Serik Secret-Neighbour floods my flat every night."


@pytest.fixture
def figures(people, make_user):
    """Six healthcare appeals from Astana (four answered, two of them rated) and two about
    education: one group above the threshold of 5, one below it."""
    applicant = make_user(full_name="Zhanna Secret-Surname", email="zhanna.secret@example.kz")
    health = [submit(applicant, text=SECRET_TEXT)[0] for _ in range(6)]
    for appeal in health[:4]:
        assign_executor(appeal, people.official, people.head)
        answer_appeal(appeal, ANSWER, Decision.SATISFIED, people.official)
    db.session.flush()
    rate_answer(health[0], Satisfaction.SATISFIED, None, applicant)
    rate_answer(health[1], Satisfaction.PARTLY, None, applicant)
    education = [submit(applicant, category="education")[0] for _ in range(2)]
    db.session.commit()
    return {"health": health, "education": education, "applicant": applicant}


def _by_category(rows, code):
    return [row for row in rows if row["category_code"] == code]


def test_statistics_suppress_small_counts(client, figures):
    rows = client.get("/open-data/statistics.json").get_json()
    (health,) = _by_category(rows, "healthcare")
    assert health["received"] == 6
    assert health["month"] == f"{local_today():%Y-%m}"
    assert health["open_overdue"] == 0  # zero singles nobody out
    # 4 answered, 2 rated: below the threshold of 5, so empty, and their figures with them.
    assert health["answered"] is None and health["answered_on_time"] is None
    assert health["median_working_days_to_answer"] is None
    assert health["rated"] is None and health["satisfaction"] is None
    (education,) = _by_category(rows, "education")
    assert education["received"] is None


def test_figures_above_the_threshold(app, client, figures, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN_DATA_MIN_COUNT", 2)
    (health,) = _by_category(client.get("/open-data/statistics.json").get_json(), "healthcare")
    assert (health["received"], health["answered"], health["answered_on_time"]) == (6, 4, 4)
    assert health["median_working_days_to_answer"] == 0  # answered on the day of receipt
    assert (health["rated"], health["satisfaction"]) == (2, 0.75)
    assert health["body_code"] == "health-71" and health["region_code"] == "710000000"
    (education,) = _by_category(client.get("/open-data/statistics.json").get_json(), "education")
    assert education["received"] == 2 and education["answered"] == 0


def test_csv_has_the_dictionarys_columns_and_no_personal_data(client, figures):
    statistics = client.get("/open-data/statistics.csv")
    assert statistics.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(statistics.get_data(as_text=True))))
    assert tuple(table[0]) == STATISTICS_COLUMNS
    ratings = client.get("/open-data/ratings.csv")
    assert tuple(next(csv.reader(io.StringIO(ratings.get_data(as_text=True))))) == RATINGS_COLUMNS
    page = client.get("/open-data/").get_data(as_text=True)
    for column in STATISTICS_COLUMNS + RATINGS_COLUMNS:
        assert f"<code>{column}</code>" in page


def test_no_personal_data_anywhere(client, figures):
    applicant, appeal = figures["applicant"], figures["health"][0]
    secrets = [
        "Secret-Surname",
        "zhanna.secret",
        "Secret-Neighbour",
        appeal.subject,
        appeal.number,
        figures["education"][0].number,
    ]
    urls = [
        "/open-data/statistics.json",
        "/open-data/statistics.csv",
        "/open-data/ratings.json",
        "/open-data/ratings.csv",
        "/api/v1/open-data/statistics",
        "/api/v1/open-data/ratings",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        for secret in secrets:
            assert secret not in body, (url, secret)
    assert applicant.email not in client.get("/open-data/").get_data(as_text=True)


def test_the_api_gives_the_same_statistics_without_a_token(client, figures):
    download = client.get("/open-data/statistics.json").get_json()
    assert len(download) == 2
    page = client.get("/api/v1/open-data/statistics").get_json()
    assert page["items"] == download and (page["total"], page["pages"]) == (2, 1)
    bad = client.get("/api/v1/open-data/statistics?from=2026-13")
    assert bad.status_code == 422 and bad.get_json()["fields"]
    assert client.get("/api/v1/open-data/statistics?per_page=1001").status_code == 422
    assert client.get("/open-data/statistics.json?from=nonsense").status_code == 400


def test_the_api_gives_the_statistics_a_page_at_a_time(client, figures, make_user):
    """A year of a country's statistics is some 10^5 rows: the API gives them a page at a
    time, in the download's order, with links to the other pages."""
    applicant = figures["applicant"]
    for category in ("ecology", "labour", "land"):
        submit(applicant, category=category)
    db.session.commit()
    download = client.get("/open-data/statistics.json?from=2020-01").get_json()
    assert len(download) >= 4
    first = client.get("/api/v1/open-data/statistics?from=2020-01&per_page=3")
    body = first.get_json()
    assert body["items"] == download[:3]
    assert (body["total"], body["pages"]) == (len(download), -(-len(download) // 3))
    assert 'rel="next"' in first.headers["Link"]
    second = client.get(body["links"]["next"]).get_json()
    assert second["items"] == download[3:6] and second["page"] == 2
    past = client.get("/api/v1/open-data/statistics?from=2020-01&per_page=3&page=99")
    assert past.status_code == 200 and past.get_json()["items"] == []


def test_ratings_suppress_a_small_bodys_count_and_figures(client, figures):
    rows = {row["body_name"]: row for row in client.get("/open-data/ratings.json").get_json()}
    assert all(set(row) == set(RATINGS_COLUMNS) for row in rows.values())
    health, education = rows["Health Department of Astana"], rows["Education Department of Astana"]
    assert health["appeals"] == 6 and health["score"] is not None
    assert education["appeals"] is None
    assert (education["score"], education["grade"], education["timeliness"]) == (None,) * 3


def test_statistics_are_counted_once_then_read_until_the_job_counts_them_again(
    app, client, figures
):
    """Counting a year of a country's appeals takes seconds and anyone may ask: a request
    reads each month's figures as kept; the job counts the last twelve months again."""
    (health,) = _by_category(client.get("/open-data/statistics.json").get_json(), "healthcare")
    assert health["received"] == 6
    for _ in range(2):
        submit(figures["applicant"])
    db.session.commit()
    with statements_sent(lambda statement: "FROM appeals" in statement) as sent:
        again = client.get("/api/v1/open-data/statistics").get_json()
    assert _by_category(again["items"], "healthcare")[0]["received"] == 6  # as kept
    assert not sent
    assert count_open_statistics() == 12  # the periodic job
    (health,) = _by_category(client.get("/open-data/statistics.json").get_json(), "healthcare")
    assert health["received"] == 8
    # A month the job does not count is counted when first asked for, then kept.
    old = "?from=2020-01&to=2020-02"
    assert client.get(f"/open-data/statistics.json{old}").get_json() == []
    with statements_sent(lambda statement: "FROM appeals" in statement) as sent:
        assert client.get(f"/api/v1/open-data/statistics{old}").get_json()["items"] == []
    assert not sent


def test_a_month_counted_when_first_asked_reads_the_reference_names_once(client, figures):
    """The count sorts its rows by the codes and the page names them: one reading serves both."""
    months = "?from=2019-01&to=2019-02"  # not kept: counted by this request
    with statements_sent(lambda statement: "FROM bodies" in statement) as sent:
        assert client.get(f"/open-data/statistics.json{months}").get_json() == []
    assert len(sent) == 1


def test_the_job_runs_on_the_slow_queue_more_often_than_its_figures_expire(app):
    registered = {}

    class Recorder:
        def register(self, func, **options):
            registered[func] = options

    register_periodic_jobs(Recorder(), app.config)
    options = registered[count_open_statistics]
    assert options["queue_name"] == app.config["RQ_SLOW_QUEUE"]
    assert options["interval"] == app.config["OPEN_DATA_REFRESH_SECONDS"]


def test_statistics_are_counted_without_redis(app, client, figures, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    (health,) = _by_category(client.get("/open-data/statistics.json").get_json(), "healthcare")
    assert health["received"] == 6


def test_the_page_says_how_old_the_statistics_may_be(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN_DATA_REFRESH_SECONDS", 1800)
    page = client.get("/open-data/").get_data(as_text=True)
    assert "The statistics are counted every 30 minutes" in page
