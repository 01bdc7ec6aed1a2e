"""The public ranking is kept rendered in Redis under the version of the figures: a second
visitor gets the kept fragment; the refresh job's new build of the score cells makes it stale
at once; with Redis down the page is rendered every time, never an error."""

from __future__ import annotations

from jinja2 import ChoiceLoader, DictLoader
from redis import Redis

from appeals.extensions import db
from appeals.fragments import templates_digest
from appeals.scores.cells import build_cells
from appeals.timeutil import local_today
from tests.audit.conftest import body_id
from tests.ratings.test_public_ratings import _month_rows

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there


def ranking(client, month) -> str:
    return client.get("/ratings/", query_string={"month": f"{month:%Y-%m}"}).get_data(as_text=True)


def test_the_ranking_is_kept_until_the_figures_are_counted_again(app, client, answered_in):
    this_month = local_today().replace(day=1)
    build_cells()
    db.session.commit()
    assert ranking(client, this_month).count("data-body=") == 0  # nobody answered yet

    answered_in(this_month, n=2)

    # The same version of the figures: the kept fragment, as up to 5 minutes of HTTP caching.
    assert _month_rows(ranking(client, this_month)) == []
    assert Redis.from_url(app.config["REDIS_URL"]).keys("fragment:ratings:*")
    build_cells()  # the refresh job's run: a new version, the old fragment unreachable
    db.session.commit()
    assert _month_rows(ranking(client, this_month)) == [body_id("health-71")]


def test_with_redis_down_the_ranking_is_rendered_every_time(app, client, answered_in, monkeypatch):
    this_month = local_today().replace(day=1)
    answered_in(this_month, n=2)
    monkeypatch.setitem(app.config, "REDIS_URL", DEAD_REDIS)

    response = client.get("/ratings/", query_string={"month": f"{this_month:%Y-%m}"})

    assert response.status_code == 200
    assert _month_rows(response.get_data(as_text=True)) == [body_id("health-71")]


def test_a_deploy_that_changes_a_template_renders_the_ranking_anew(app, client, monkeypatch):
    this_month = local_today().replace(day=1)
    build_cells()
    db.session.commit()
    assert "Ranked by" not in ranking(client, this_month)  # rendered and kept

    # The next release's template, read by a process started after the deploy.
    env = app.jinja_env
    source = env.loader.get_source(env, "ratings/_ranking.html")[0]
    changed = DictLoader({"ratings/_ranking.html": "<p>Ranked by</p>" + source})
    monkeypatch.setattr(env, "loader", ChoiceLoader([changed, env.loader]))
    env.cache.clear()
    templates_digest.cache_clear()
    try:
        assert "Ranked by" in ranking(client, this_month)
    finally:
        templates_digest.cache_clear()
