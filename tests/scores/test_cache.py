"""The cache of a period's figures in Redis: the same figures as a fresh count, served until
recounted, audits counted at once, and a Redis that is down or holds garbage costs a live
count, never an error. (The score cells that serve whole months, and the job that builds
them: test_cells.py.)"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from redis import Redis

from appeals.accounts.models import Role
from appeals.audit.models import Violation
from appeals.extensions import db
from appeals.intake.models import Appeal, Decision
from appeals.periodic import register_periodic_jobs
from appeals.scores.formula import NO_DATA, Rate, empty_measures
from appeals.scores.measures import UnauditedMeasures, body_measures, with_audits
from appeals.scores.period import Period
from appeals.scores.snapshots import (
    cache_key,
    period_scores,
    refresh_score_cache,
    snapshot_month,
)
from appeals.timeutil import local_today
from appeals.work.service import answer_appeal
from tests.scores.conftest import TODAY, audit, period, utc

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def redis(app) -> Redis:
    return Redis.from_url(app.config["REDIS_URL"])


def health_of(result, scenario):
    (m,) = [m for m in result.measures if m.body_id == scenario.health]
    return m


def test_the_second_read_is_the_cached_entry_with_the_same_figures(scenario, redis):
    first = period_scores(period(), today=TODAY)
    second = period_scores(period(), today=TODAY)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.counted_at == first.counted_at  # the entry's time, not the read's
    assert second.measures == first.measures == body_measures(period(), today=TODAY)
    assert second.scores == first.scores
    # Kept as long as the config says, then gone (Redis expires it).
    ttl = redis.ttl(cache_key(period(), TODAY))
    assert 0 < ttl <= 300


def test_a_change_shows_when_the_entry_is_recounted(scenario):
    before = health_of(period_scores(period(), today=TODAY), scenario)
    assert before.open_overdue == 2  # a4 and r3, in progress past their due dates
    a4 = db.session.get(Appeal, scenario.appeals["a4"])
    head = a4.executor
    answer_appeal(a4, "At last.", Decision.EXPLAINED, head, at=utc(2026, 11, 24))
    db.session.commit()

    cached = period_scores(period(), today=TODAY)
    assert cached.from_cache and health_of(cached, scenario) == before  # a few minutes old
    recounted = period_scores(period(), today=TODAY, fresh=True)
    after = health_of(recounted, scenario)
    assert not recounted.from_cache and recounted.counted_at > cached.counted_at
    assert (after.open_overdue, after.no_followup.n) == (1, before.no_followup.n + 1)
    # The recount replaced the entry: the next read has it.
    again = period_scores(period(), today=TODAY)
    assert again.from_cache and health_of(again, scenario) == after


def test_an_audit_counts_at_once_on_a_cached_entry(scenario, make_user):
    before = period_scores(period(), today=TODAY)
    prosecutor = make_user(Role.PROSECUTOR, body_code="prosecutor-71")
    # a1's latest verdict was lawful; a new one finds a violation.
    audit(db.session.get(Appeal, scenario.appeals["a1"]), prosecutor, Violation.MISSED_DEADLINE)
    db.session.commit()

    after = period_scores(period(), today=TODAY)
    assert after.from_cache and after.counted_at == before.counted_at
    old, new = health_of(before, scenario), health_of(after, scenario)
    assert old.audit_clean == Rate(2, 3) and new.audit_clean == Rate(1, 3)
    assert replace(new, audit_clean=old.audit_clean) == old  # nothing else moved
    (old_score,) = [s for s in before.scores if s.body_id == scenario.health]
    (new_score,) = [s for s in after.scores if s.body_id == scenario.health]
    assert new_score.quality < old_score.quality
    assert after.measures == body_measures(period(), today=TODAY)


def test_with_redis_down_the_figures_are_counted_live(scenario, app, monkeypatch, caplog):
    expected = body_measures(period(), today=TODAY)
    monkeypatch.setitem(app.config, "REDIS_URL", DEAD_REDIS)
    with caplog.at_level(logging.WARNING, logger="appeals.scores.snapshots"):
        first = period_scores(period(), today=TODAY)
        second = period_scores(period(), today=TODAY)
    assert not first.from_cache and not second.from_cache
    assert first.measures == second.measures == expected
    assert "Redis unavailable, scores counted live" in caplog.text


def test_with_the_cache_off_nothing_is_stored(scenario, app, redis, monkeypatch):
    monkeypatch.setitem(app.config, "SCORE_CACHE_SECONDS", 0)
    first = period_scores(period(), today=TODAY)
    second = period_scores(period(), today=TODAY)
    assert not first.from_cache and not second.from_cache
    assert redis.keys("scores:*") == []


def test_an_unreadable_entry_is_counted_again_and_replaced(scenario, redis):
    key = cache_key(period(), TODAY)
    redis.set(key, b'{"measures": [{"body_id": "x"')
    result = period_scores(period(), today=TODAY)
    assert not result.from_cache
    assert result.measures == body_measures(period(), today=TODAY)
    assert period_scores(period(), today=TODAY).from_cache  # a good entry replaced it


def test_a_snapshot_counts_afresh_and_refreshes_the_months_entry(scenario, redis):
    september = Period.month(2026, 9)
    today = local_today()
    stale = period_scores(september)
    a4 = db.session.get(Appeal, scenario.appeals["a4"])
    answer_appeal(a4, "At last.", Decision.EXPLAINED, a4.executor, at=utc(2026, 9, 21))
    db.session.commit()
    snapshot_month(2026, 9)
    db.session.commit()
    cached = period_scores(september)
    assert cached.from_cache and cached.counted_at > stale.counted_at
    assert cached.measures == body_measures(september, today=today)


def test_the_refresh_runs_more_often_than_entries_expire(app):
    registered = []

    class Recorder:
        def register(self, func, **options):
            registered.append((func, options))

    register_periodic_jobs(Recorder(), app.config)
    (options,) = [o for f, o in registered if f is refresh_score_cache]
    assert options["interval"] == app.config["SCORE_CACHE_REFRESH_SECONDS"]
    assert options["interval"] < app.config["SCORE_CACHE_SECONDS"]


# --- Putting the live audits into the cached figures (pure) --------------------------------


def test_a_body_with_only_audits_gets_its_overdue_counts():
    listed = replace(empty_measures(1), appeals=3, open_overdue=1)
    unaudited = UnauditedMeasures([listed], {1: (1, 0), 2: (4, 2), 3: (5, 5)})
    merged = with_audits(unaudited, {2: Rate(1, 2)})
    assert [m.body_id for m in merged] == [1, 2]  # 3 is only overdue: not listed
    assert merged[0] == listed and merged[0].audit_clean == NO_DATA
    assert merged[1] == replace(
        empty_measures(2), audit_clean=Rate(1, 2), open_overdue=4, very_overdue=2
    )


def test_bodies_asked_for_are_zero_filled():
    unaudited = UnauditedMeasures([replace(empty_measures(1), appeals=3)], {3: (5, 1)})
    merged = with_audits(unaudited, {1: Rate(1, 1)}, only=[3, 4, 1])
    assert [m.body_id for m in merged] == [1, 3, 4]
    assert merged[0].audit_clean == Rate(1, 1)
    assert (merged[1].open_overdue, merged[1].very_overdue) == (5, 1)
    assert merged[2] == empty_measures(4)
