"""The desk's pages read the figures through the scores' cache: they say how old the figures
are, keep them until recounted (by the periodic job or when the entry expires), an audit
moves the quality at once on the dashboard and the body page, and with Redis down the
pages still show the right figures, counted live."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import refresh
from redis import Redis
from sqlalchemy import delete, func, select

from appeals.audit.models import Audit
from appeals.audit.service import record_audit
from appeals.extensions import db
from appeals.queues import get_queue
from appeals.ratings.ranking import _rankings, _sorted
from appeals.reference.models import Body
from appeals.scores.cells import build_cells
from appeals.scores.models import ScoreCell
from appeals.scores.snapshots import _scored, refresh_score_cache
from appeals.timeutil import local_today
from tests.pages import by_testid

UNLAWFUL = {
    "verdict": "violations",
    "violations": ["unlawful_refusal"],
    "note": "Refused without a legal ground.",
    "act": "warning",
}


@pytest.fixture(autouse=True)
def small_bodies_are_ranked(app, monkeypatch):
    """Health's handful of appeals is enough to rank it (the real minimum is 20)."""
    monkeypatch.setitem(app.config, "SCORE_MIN_APPEALS", 2)


@pytest.fixture
def lawful_audit(health_record, astana_prosecutor):
    """A lawful verdict besides the scenario's unlawful one: the country's mean of audits
    without violation is above zero, so one more violation lowers health's shrunk rate."""
    record_audit(health_record.on_time[1], True, [], "", "none", astana_prosecutor)
    db.session.commit()


def _ranking_row(client, body_id: int, args: dict | None = None) -> dict[str, str]:
    """The body's row on the dashboard (appeals; timeliness and quality when ranked) and the
    figures' time."""
    html = client.get("/prosecutor/", query_string=args or {}).get_data(as_text=True)
    found = {"as_of": by_testid(html, "figures-as-of").text(), "appeals": "0"}
    for testid in ("ranking", "too-few"):
        table = by_testid(html, testid)
        for row in table.iter() if table is not None else ():
            if row.tag == "tr" and row.attrs.get("data-body") == str(body_id):
                cells = [c for c in row.children if not isinstance(c, str) and c.tag == "td"]
                if testid == "too-few":
                    return found | {"appeals": cells[3].text()}
                return found | {
                    "appeals": cells[5].text(),
                    "timeliness": cells[6].attrs["data-timeliness"],
                    "quality": cells[7].attrs["data-quality"],
                }
    return found


def _body_page(client, body_id: int, args: dict) -> dict[str, str]:
    html = client.get(f"/prosecutor/bodies/{body_id}", query_string=args).get_data(as_text=True)
    audited = next(
        a
        for a in by_testid(html, "figures").iter()
        if a.tag == "a" and a.attrs.get("data-measure") == "audit_clean"
    )
    return {
        "quality": by_testid(html, "quality").attrs["data-value"],
        "audited": audited.attrs["data-count"],
        "as_of": by_testid(html, "figures-as-of").text(),
    }


def test_the_dashboard_keeps_its_figures_until_they_are_recounted(
    client, login, astana_prosecutor, health_record, answered_appeal, redis_server
):
    login(astana_prosecutor)
    args = health_record.period_args
    before = _ranking_row(client, health_record.body_id, args)
    assert before["as_of"]  # "Figures as of 25.11.2026 11:02"

    answered_appeal()  # one more answer on time, today: in the period
    cached = _ranking_row(client, health_record.body_id, args)
    assert cached == before

    Redis.from_url(redis_server.url).flushdb()  # as when the entry expires
    recounted = _ranking_row(client, health_record.body_id, args)
    assert int(recounted["appeals"]) == int(before["appeals"]) + 1
    assert float(recounted["timeliness"]) > float(before["timeliness"])


def test_the_periodic_job_recounts_the_default_period(
    client, login, astana_prosecutor, health_record, answered_appeal, run_jobs
):
    login(astana_prosecutor)
    before = _ranking_row(client, health_record.body_id)  # this month: the default period
    answered_appeal()
    assert _ranking_row(client, health_record.body_id) == before

    get_queue().enqueue(refresh_score_cache)
    assert run_jobs()
    after = _ranking_row(client, health_record.body_id)
    assert int(after["appeals"]) == int(before["appeals"]) + 1


def test_an_audit_moves_the_quality_at_once_while_the_rest_stays_cached(
    client, login, astana_prosecutor, health_record, lawful_audit, answered_appeal
):
    login(astana_prosecutor)
    args = health_record.period_args
    dashboard_before = _ranking_row(client, health_record.body_id, args)
    body_before = _body_page(client, health_record.body_id, args)
    answered_appeal()  # counted only when the cache is recounted: proves it is still in use

    response = client.post(
        f"/prosecutor/appeals/{health_record.on_time[0].id}/audit", data=UNLAWFUL
    )
    assert response.status_code == 302
    audits = select(func.count()).where(Audit.appeal_id == health_record.on_time[0].id)
    assert db.session.execute(audits).scalar_one() == 1
    db.session.commit()

    dashboard_after = _ranking_row(client, health_record.body_id, args)
    body_after = _body_page(client, health_record.body_id, args)
    assert float(dashboard_after["quality"]) < float(dashboard_before["quality"])
    assert float(body_after["quality"]) < float(body_before["quality"])
    assert int(body_after["audited"]) == int(body_before["audited"]) + 1
    # The rest is the cached entry's: same time, the new answer not yet counted.
    assert dashboard_after["as_of"] == dashboard_before["as_of"]
    assert body_after["as_of"] == body_before["as_of"]
    assert dashboard_after["appeals"] == dashboard_before["appeals"]
    assert dashboard_after["timeliness"] == dashboard_before["timeliness"]


def test_with_redis_down_the_pages_count_live(
    app, client, login, astana_prosecutor, health_record, lawful_audit, answered_appeal, monkeypatch
):
    login(astana_prosecutor)
    args = health_record.period_args
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    before = _ranking_row(client, health_record.body_id, args)
    answered_appeal()  # counted at once: nothing is cached
    after = _ranking_row(client, health_record.body_id, args)
    assert int(after["appeals"]) == int(before["appeals"]) + 1
    assert after["as_of"]

    body_before = _body_page(client, health_record.body_id, args)
    response = client.post(
        f"/prosecutor/appeals/{health_record.on_time[0].id}/audit", data=UNLAWFUL
    )
    assert response.status_code == 302
    body_after = _body_page(client, health_record.body_id, args)
    assert float(body_after["quality"]) < float(body_before["quality"])
    assert int(body_after["audited"]) == int(body_before["audited"]) + 1


@pytest.fixture
def rename_body():
    """Renames a body for the test (the reference tables are seeded once for the run)."""
    renamed = []

    def rename(body: Body, name: str) -> None:
        renamed.append((body, body.name_en))
        body.name_en = name
        db.session.commit()

    yield rename
    db.session.rollback()
    for body, name in renamed:
        body.name_en = name
    db.session.commit()


def _whole_months() -> dict[str, str]:
    """Whole months (what the cells give), up to the month before this one."""
    first_month = (local_today() - timedelta(days=100)).replace(day=1)
    last_day = local_today().replace(day=1) - timedelta(days=1)
    return {"period": "custom", "start": first_month.isoformat(), "end": last_day.isoformat()}


def test_the_rendered_ranking_is_kept_for_every_process_per_order_and_language(
    app, client, login, astana_prosecutor, health_record, redis_server, rename_body
):
    """The dashboard's ranking is rendered once per version of the figures, order and
    language, and kept in Redis: a web process that never counted it shows the kept HTML."""
    build_cells()  # the figures from fresh cells: the ranking is kept
    db.session.commit()
    login(astana_prosecutor)
    args = _whole_months()

    def names(query: dict | None = None, headers: dict | None = None) -> list[str]:
        html = client.get("/prosecutor/", query_string=args | (query or {}), headers=headers)
        rows = by_testid(html.get_data(as_text=True), "ranking") or by_testid(
            html.get_data(as_text=True), "too-few"
        )
        return [a.text() for a in rows.iter() if a.tag == "a" and "/bodies/" in a.attrs["href"]]

    first = names()
    health = db.session.get(Body, health_record.body_id)
    assert health.name_en in first
    assert len(Redis.from_url(redis_server.url).keys("fragment:desk-ranking:*")) == 1

    rename_body(health, "Astana Health Renamed")
    _rankings.clear()  # as in another web process: only Redis holds the ranking
    _sorted.clear()
    assert names() == first  # the kept HTML of the same figures

    # Another order is another fragment, rendered now: with the new name.
    assert "Astana Health Renamed" in names({"sort": "name", "order": "desc"})
    switched = client.post("/language", data={"language": "kk", "next": "/prosecutor/"})
    assert switched.status_code == 302
    refresh()  # the test's requests share one app context, where Flask-Babel keeps the locale
    kazakh = client.get("/prosecutor/", query_string=args)
    assert '<h2 class="h5 mt-3">Рейтинг</h2>' in kazakh.get_data(as_text=True)
    assert len(Redis.from_url(redis_server.url).keys("fragment:desk-ranking:*")) == 3

    client.post("/language", data={"language": "en", "next": "/prosecutor/"})
    refresh()
    assert names() == first  # English again: the first fragment, still kept

    build_cells()  # the refresh job's new build: every old fragment unreachable
    db.session.commit()
    assert "Astana Health Renamed" in names()


def _overdue_bodies(html: str) -> list[str]:
    rows = by_testid(html, "overdue-by-body").iter()
    return [row.children[0].text() for row in rows if row.tag == "tr" and row.attrs]


def test_the_dashboard_is_kept_whole_while_its_figures_stand(
    client, login, astana_prosecutor, health_record, redis_server, rename_body
):
    """The dashboard's whole content is rendered once per version of its figures and kept in
    Redis: a web process that never counted it shows the kept page, even with the ranking's
    own fragment gone."""
    build_cells()  # the figures from fresh cells: the page is kept
    db.session.commit()
    login(astana_prosecutor)
    args = _whole_months()
    redis = Redis.from_url(redis_server.url)
    first = client.get("/prosecutor/", query_string=args).get_data(as_text=True)
    health = db.session.get(Body, health_record.body_id)
    assert health.name_en in _overdue_bodies(first)
    assert len(redis.keys("fragment:desk-dashboard:*")) == 1

    rename_body(health, "Astana Health Renamed")
    _rankings.clear()  # as in another web process: only Redis holds the page
    _sorted.clear()
    redis.delete(*redis.keys("fragment:desk-ranking:*"))
    kept = client.get("/prosecutor/", query_string=args).get_data(as_text=True)
    assert _overdue_bodies(kept) == _overdue_bodies(first)
    assert "Astana Health Renamed" not in kept

    build_cells()  # the refresh job's new build: the kept page unreachable
    db.session.commit()
    recounted = client.get("/prosecutor/", query_string=args).get_data(as_text=True)
    assert "Astana Health Renamed" in _overdue_bodies(recounted)


def test_the_kept_dashboard_shows_a_reply_to_an_act_at_once(
    client, login, astana_prosecutor, health_record, answered_appeal, redis_server
):
    """The acts past their deadline are read on every view of the kept dashboard: a reply to
    one takes it off the list at once, before the figures are counted again."""
    late = answered_appeal()
    act = record_audit(
        late, False, ["red_tape"], "x", "warning", astana_prosecutor, today=date(2025, 1, 10)
    )
    db.session.commit()
    build_cells()
    db.session.commit()
    login(astana_prosecutor)
    args = _whole_months()
    first = client.get("/prosecutor/", query_string=args).get_data(as_text=True)
    assert late.number in by_testid(first, "overdue-acts").text()
    assert len(Redis.from_url(redis_server.url).keys("fragment:desk-dashboard:*")) == 1

    assert client.post(f"/prosecutor/audits/{act.id}/reply").status_code == 302
    replied = client.get("/prosecutor/", query_string=args).get_data(as_text=True)
    assert by_testid(replied, "overdue-acts") is None
    assert by_testid(replied, "figures-as-of").text() == by_testid(first, "figures-as-of").text()


def test_the_body_page_is_kept_whole_and_shows_a_reply_to_an_act_at_once(
    client, login, astana_prosecutor, health_record, redis_server
):
    """The body page's content is kept in Redis while its figures stand: a process that never
    counted them shows it (here: with the cells themselves gone). Its latest audits are read
    every time, so a reply to an act shows at once."""
    build_cells()
    db.session.commit()
    login(astana_prosecutor)
    url, args = f"/prosecutor/bodies/{health_record.body_id}", _whole_months()
    redis = Redis.from_url(redis_server.url)

    def counts(html: str) -> dict[str, str]:
        links = by_testid(html, "figures").iter()
        return {a.attrs["data-measure"]: a.attrs["data-count"] for a in links if a.tag == "a"}

    first = client.get(url, query_string=args).get_data(as_text=True)
    assert "awaiting" in by_testid(first, "body-audits").text()
    audit = db.session.execute(
        select(Audit).where(Audit.body_id == health_record.body_id)
    ).scalar_one()
    assert client.post(f"/prosecutor/audits/{audit.id}/reply").status_code == 302
    replied = client.get(url, query_string=args).get_data(as_text=True)
    assert "answered" in by_testid(replied, "body-audits").text()
    assert counts(replied) == counts(first)
    assert int(counts(first)["appeals"]) > 0
    assert len(redis.keys("fragment:desk-body:*")) == 2

    db.session.execute(delete(ScoreCell))  # the build stands: counted now, nothing is left
    db.session.commit()
    _scored.clear()  # as in another web process
    _rankings.clear()
    _sorted.clear()
    assert counts(client.get(url, query_string=args).get_data(as_text=True)) == counts(first)
