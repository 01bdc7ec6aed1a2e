"""Monthly snapshots: equal to the live figures of a closed month, idempotent, taken by the
scheduled job in a real worker and by the CLI; and the trend read from them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.periodic import register_periodic_jobs
from appeals.queues import get_queue
from appeals.scores.models import ScoreSnapshot
from appeals.scores.period import Period
from appeals.scores.snapshots import (
    period_scores,
    previous_month,
    snapshot_month,
    snapshot_previous_month,
    trend,
)
from appeals.timeutil import local_today


def rows(month: date) -> dict[int, tuple]:
    db.session.expire_all()
    found = db.session.execute(select(ScoreSnapshot).where(ScoreSnapshot.month == month)).scalars()
    return {
        r.body_id: (
            r.id,
            r.appeals,
            r.ranked,
            r.timeliness,
            r.quality,
            r.score,
            r.grade,
            r.components,
        )
        for r in found
    }


def test_a_closed_months_snapshot_equals_its_live_figures(scenario):
    # September: health's a1-a4 and the akimat's a6 (due 23.09); the police's complaints
    # were due and answered in October.
    assert snapshot_month(2026, 9) == 2
    db.session.commit()
    stored = rows(date(2026, 9, 1))
    live = period_scores(Period.month(2026, 9)).scores
    assert {s.body_id for s in live} == set(stored) == {scenario.health, scenario.akimat}
    for score in live:
        _id, appeals, ranked, timeliness, quality, value, grade, components = stored[score.body_id]
        assert (appeals, ranked, grade) == (score.appeals, score.ranked, score.grade)
        assert timeliness == pytest.approx(score.timeliness)
        assert quality == pytest.approx(score.quality)
        assert value == pytest.approx(score.score)
        assert components == pytest.approx(score.components)
    # Health's September: 4 appeals (fewer than 20: too few to rank) but scored.
    assert stored[scenario.health][1] == 4 and stored[scenario.health][2] is False
    assert stored[scenario.health][5] is not None


def test_a_second_snapshot_changes_nothing_and_a_changed_month_is_rewritten(scenario):
    snapshot_month(2026, 9)
    db.session.commit()
    first = rows(date(2026, 9, 1))
    snapshot_month(2026, 9)
    db.session.commit()
    assert rows(date(2026, 9, 1)) == first  # same rows (same ids), same values
    # The akimat's appeals leave September (their terms are moved into December): its row
    # goes; health's row is rewritten in place, shrunk toward the new national means.
    for appeal in db.session.execute(
        select(Appeal).where(Appeal.current_body_id == scenario.akimat)
    ).scalars():
        appeal.due_on = date(2026, 12, 15)
    db.session.commit()
    snapshot_month(2026, 9)
    db.session.commit()
    again = rows(date(2026, 9, 1))
    assert set(again) == {scenario.health}
    assert again[scenario.health][0] == first[scenario.health][0]
    (live,) = period_scores(Period.month(2026, 9)).scores
    assert again[scenario.health][3] == pytest.approx(live.timeliness)
    assert again[scenario.health][3] != pytest.approx(first[scenario.health][3])


def test_the_monthly_job_runs_in_a_worker_and_twice_is_once(scenario, run_jobs):
    year, month = previous_month(local_today())
    expected = len(period_scores(Period.month(year, month)).scores)
    get_queue().enqueue(snapshot_previous_month)
    assert run_jobs()
    first = rows(date(year, month, 1))
    db.session.commit()
    assert len(first) == expected
    get_queue().enqueue(snapshot_previous_month)
    assert run_jobs()
    assert rows(date(year, month, 1)) == first
    db.session.commit()
    total = db.session.execute(select(func.count(ScoreSnapshot.id))).scalar_one()
    assert total == expected


def test_the_job_is_scheduled_on_the_first_of_each_month(app):
    registered = []

    class Recorder:
        def register(self, func, **options):
            registered.append((func, options))

    register_periodic_jobs(Recorder(), app.config)
    (options,) = [o for f, o in registered if f is snapshot_previous_month]
    assert options["cron"] == "10 0 1 * *"


def test_previous_month_wraps_the_year():
    assert previous_month(date(2027, 1, 1)) == (2026, 12)
    assert previous_month(date(2026, 11, 25)) == (2026, 10)


def test_the_cli_snapshots_a_month(app, scenario):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["scores", "snapshot", "--month", "2026-09"])
    assert result.exit_code == 0, result.output
    assert "Snapshot of 2026-09: 2 bodies." in result.output
    assert len(rows(date(2026, 9, 1))) == 2
    db.session.commit()


@pytest.mark.parametrize("bad", ["2026-13", "September", "2026"])
def test_the_cli_refuses_a_month_it_cannot_read(app, scenario, bad):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["scores", "snapshot", "--month", bad])
    assert result.exit_code == 2
    assert "write the month as YYYY-MM" in result.output
    assert db.session.execute(select(func.count(ScoreSnapshot.id))).scalar_one() == 0
    db.session.commit()


def test_trend_gives_the_latest_months_oldest_first(scenario):
    for month in (9, 10, 11):
        snapshot_month(2026, month)
    db.session.commit()
    months = [s.month for s in trend(scenario.health, months=2)]
    assert months == [date(2026, 10, 1), date(2026, 11, 1)]
    assert [s.month for s in trend(scenario.health)] == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 11, 1),
    ]
    assert trend(scenario.health + 10_000) == []
