"""The score cells: summed over any run of whole months they give exactly the figures a count
over the appeals gives (on the hand-worked scenario and on generated appeals with every odd
case), the pages read them while they are fresh and count live when they are not, a rebuild
writes only the cells that changed, and the periodic job builds them in a real worker."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event, func, select

from appeals.accounts.models import Role
from appeals.audit.models import Audit
from appeals.deadlines.models import DeadlinePolicy
from appeals.desk.service import overdue_by_body
from appeals.extensions import begin_reading, db
from appeals.intake.models import (
    Appeal,
    AppealKind,
    AppealStatus,
    Decision,
    Event,
    EventKind,
    Satisfaction,
)
from appeals.queues import get_queue
from appeals.ratings.ranking import body_figures, period_ranking
from appeals.reference.models import Body, Category, Region
from appeals.scores import cells, snapshots
from appeals.scores.appeals_behind import appeals_behind
from appeals.scores.cells import build_cells, cell_audit_rates, cell_days_to_answer, cell_figures
from appeals.scores.measures import audit_rates, unaudited_measures
from appeals.scores.models import ScoreCell, ScoreCellBuild
from appeals.scores.period import Period
from appeals.scores.snapshots import period_scores, refresh_score_cache
from appeals.timeutil import local_today, now_utc
from appeals.work.service import answer_appeal
from tests.factories import submit
from tests.scores.conftest import TODAY, utc

MONTHS_2026 = [Period.month(2026, m) for m in range(1, 13)]
WHOLE_MONTHS = [
    *MONTHS_2026,
    Period.month(2025, 12),
    Period.quarter(2026, 3),
    Period.quarter(2026, 4),
    Period.year(2026),
    Period(date(2026, 8, 1), date(2026, 11, 30)),
    Period(date(2025, 6, 1), date(2027, 1, 31)),
]


def health_of(result, scenario):
    (m,) = [m for m in result.measures if m.body_id == scenario.health]
    return m


def assert_cells_match_a_live_count(today: date) -> None:
    for period in WHOLE_MONTHS:
        from_cells = cell_figures(period, today)
        assert from_cells is not None, period.label
        assert from_cells[0] == unaudited_measures(period, today=today), period.label
        assert cell_audit_rates(period, today) == audit_rates(period), period.label
        # The body page's count of the answers behind the median, for every body.
        for measures in from_cells[0].measures:
            behind = appeals_behind(measures.body_id, "median_days_to_answer", period, today=today)
            live = db.session.scalar(select(func.count()).select_from(behind.subquery()))
            timed = cell_days_to_answer(measures.body_id, period, today)
            assert sum(timed.values()) == live, period.label


def test_the_scenarios_cells_give_the_live_figures(scenario):
    build_cells(TODAY)
    db.session.commit()
    assert_cells_match_a_live_count(TODAY)


def _generate(seed: int, count: int, make_user) -> None:
    """Appeals over 2025-2026 written straight into the table, with every case the figures
    tell apart: answered on time, late, around local midnight, reopened, withdrawn, suspended,
    open past due, extended, no due date, rated, held by no body, complaints and repeats
    within and after 60 days, forwardings in time and late."""
    rng = random.Random(seed)
    citizen = make_user()
    head = make_user(Role.HEAD)  # forwards: a staff step names its actor
    prosecutor = make_user(Role.PROSECUTOR)
    bodies = list(db.session.execute(select(Body.id).order_by(Body.id).limit(6)).scalars())
    category = db.session.execute(select(Category.id).limit(1)).scalar_one()
    region = db.session.execute(select(Region.id).limit(1)).scalar_one()
    policy = db.session.execute(select(DeadlinePolicy.id).limit(1)).scalar_one()
    statuses = [
        AppealStatus.ANSWERED,
        AppealStatus.ANSWERED,
        AppealStatus.CLOSED,
        AppealStatus.IN_PROGRESS,
        AppealStatus.REOPENED,
        AppealStatus.WITHDRAWN,
        AppealStatus.SUSPENDED,
        AppealStatus.REGISTERED,
    ]
    made: list[Appeal] = []
    for i in range(count):
        received = date(2025, 1, 1) + timedelta(days=rng.randrange(700))
        due = received + timedelta(days=rng.randrange(15, 30)) if rng.random() > 0.05 else None
        status = rng.choice(statuses)
        answered_at = None
        if status in (AppealStatus.ANSWERED, AppealStatus.CLOSED, AppealStatus.REOPENED):
            day = received + timedelta(days=rng.randrange(0, 45))
            # Any hour: 19:00-23:59 UTC is the next local day in Astana.
            answered_at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                minutes=rng.randrange(24 * 60)
            )
        parent = rng.choice(made) if made and rng.random() < 0.15 else None
        submitted = datetime.combine(received, datetime.min.time(), UTC) + timedelta(hours=5)
        if parent is not None and parent.answered_at is not None:
            submitted = parent.answered_at + timedelta(days=rng.randrange(0, 90))
        appeal = Appeal(
            number=f"GEN-{seed}-{i}",
            access_code_hash="x",
            kind=AppealKind.COMPLAINT if parent and rng.random() < 0.6 else AppealKind.STATEMENT,
            category_id=category,
            region_id=region,
            subject="s",
            text="t",
            applicant_id=citizen.id,
            current_body_id=rng.choice(bodies) if rng.random() > 0.03 else None,
            policy_id=policy,
            status=status,
            submitted_at=submitted,
            registered_on=received,
            received_on=received if rng.random() > 0.1 else None,
            due_on=due,
            extended_until=due + timedelta(days=10) if due and rng.random() < 0.1 else None,
            answered_at=answered_at,
            decision=rng.choice(list(Decision)) if answered_at else None,
            satisfaction=rng.choice([None, *Satisfaction]) if answered_at else None,
            parent_id=parent.id if parent else None,
        )
        db.session.add(appeal)
        db.session.flush()
        made.append(appeal)
        if rng.random() < 0.12 and appeal.current_body_id is not None:
            # Forwarded out, and sometimes out of the same body again in later months (it
            # came back in between), or in the same month: distinct appeals must stay
            # distinct whatever months a period joins.
            from_body = rng.choice(bodies)
            forwarded_at = submitted + timedelta(days=rng.randrange(1, 6))
            for _ in range(rng.choice([1, 1, 2, 3])):
                db.session.add(
                    Event(
                        appeal_id=appeal.id,
                        kind=EventKind.FORWARDED,
                        actor_id=head.id,
                        from_body_id=from_body,
                        to_body_id=appeal.current_body_id,
                        created_at=forwarded_at,
                        data={"late": rng.random() < 0.4},
                    )
                )
                forwarded_at += timedelta(days=rng.choice([0, 3, 31, 45, 70]))
        for _ in range(rng.choice([0] * 6 + [1, 1, 2])):
            _audit(appeal, rng.choice(bodies), prosecutor, lawful=rng.random() < 0.6)
    db.session.commit()


def _audit(appeal: Appeal, body_id: int, prosecutor, *, lawful: bool) -> None:
    db.session.add(
        Audit(
            appeal_id=appeal.id,
            body_id=body_id,
            prosecutor_id=prosecutor.id,
            lawful=lawful,
            violations=[] if lawful else ["late"],
        )
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_appeals_cells_give_the_live_figures(make_user, seed, app, monkeypatch):
    _generate(seed, 400, make_user)
    today = date(2026, 11, 25)
    cells = build_cells(today)
    db.session.commit()
    # The desk's "overdue by body" from the build, as counted live (the cache off).
    some = sorted(db.session.execute(select(Body.id).limit(4)).scalars())
    kind = db.session.execute(select(Body.kind).where(Body.id == some[0])).scalar_one()
    asked = [(None, None, 100), (None, None, 2), (some, None, 100), (None, kind, 100)]
    stored = [overdue_by_body(ids, kind=k, today=today, limit=n) for ids, k, n in asked]
    with monkeypatch.context() as off:
        off.setitem(app.config, "SCORE_CACHE_SECONDS", 0)
        live = [overdue_by_body(ids, kind=k, today=today, limit=n) for ids, k, n in asked]
    assert stored == live and len(stored[0]) > 2
    assert cells == db.session.scalar(select(func.count()).select_from(ScoreCell)) > 20
    forwarding_rows = select(func.count()).where(ScoreCell.forward_month.is_not(None))
    assert db.session.scalar(forwarding_rows) > 5
    twice = select(func.count()).where(ScoreCell.forward_until.is_not(None))
    assert db.session.scalar(twice) > 0  # pairs forwarded out in two months are there
    assert db.session.scalar(select(func.sum(ScoreCell.audited))) > 10
    assert_cells_match_a_live_count(today)
    # Verdicts recorded after the build count at once: on appeals audited before (their
    # verdict replaced), on others, and twice on one.
    prosecutor = db.session.execute(select(Audit.prosecutor_id).limit(1)).scalar_one()
    audited = db.session.execute(select(Audit.appeal_id).distinct().limit(4)).scalars().all()
    fresh = (
        db.session.execute(
            select(Appeal)
            .where(Appeal.id.not_in(audited), Appeal.current_body_id.is_not(None))
            .limit(3)
        )
        .scalars()
        .all()
    )
    for n, appeal in enumerate(
        [*db.session.scalars(select(Appeal).where(Appeal.id.in_(audited))), *fresh, fresh[0]]
    ):
        db.session.add(
            Audit(
                appeal_id=appeal.id,
                body_id=appeal.current_body_id or fresh[0].current_body_id,
                prosecutor_id=prosecutor,
                lawful=n % 2 == 0,
                violations=[],
            )
        )
    db.session.commit()
    for period in WHOLE_MONTHS:
        assert cell_audit_rates(period, today) == audit_rates(period), period.label


def test_a_rebuild_replaces_the_cells_and_its_record(scenario):
    first = build_cells(TODAY)
    db.session.commit()
    assert build_cells(TODAY) == first
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ScoreCell)) == first
    assert db.session.scalar(select(func.count()).select_from(ScoreCellBuild)) == 1


def _cell_rows_written(run) -> int:
    """Rows of score_cells inserted, updated or deleted while `run()` runs (an executemany
    counts each of its rows; a DELETE without parameters, of every cell, counts them all)."""
    written = {"rows": 0}
    every = db.session.scalar(select(func.count()).select_from(ScoreCell))

    def count(_conn, _cursor, statement, parameters, _context, executemany):
        if re.match(r"\s*(INSERT INTO|UPDATE|DELETE FROM) score_cells\b", statement):
            rows = len(parameters) if executemany else 1
            written["rows"] += every if statement.strip().endswith("score_cells") else rows

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return written["rows"]


def test_a_rebuild_writes_only_the_cells_that_changed(make_user):
    """Between two builds a few cells change; the write lock (SQLite's one for the whole
    database, which every submission waits for) is held while those are written, not all."""
    _generate(4, 300, make_user)
    build_cells(TODAY)
    db.session.commit()
    cells_before = db.session.scalar(select(func.count()).select_from(ScoreCell))
    # A new appeal (its cell is new or changed), and a cell no count gives any more.
    submit(make_user())
    body_id = db.session.scalar(select(Body.id).limit(1))
    db.session.add(ScoreCell(body_id=body_id, due_month=date(2001, 1, 1), appeals=1))
    db.session.commit()

    def rebuild(today: date):
        build_cells(today)
        db.session.commit()

    assert 2 <= _cell_rows_written(lambda: rebuild(TODAY)) <= 3
    gone = select(func.count()).where(ScoreCell.due_month == date(2001, 1, 1))
    assert db.session.scalar(gone) == 0
    assert_cells_match_a_live_count(TODAY)
    # A day later the open appeals past due are a day later: their cells change, no other.
    tomorrow = TODAY + timedelta(days=1)
    assert 0 < _cell_rows_written(lambda: rebuild(tomorrow)) < cells_before / 2
    assert_cells_match_a_live_count(tomorrow)


def test_a_build_rewrites_every_cell_when_another_build_wrote_meanwhile(make_user, monkeypatch):
    """The changes are worked out from the cells read before the write lock; if another
    build (a `flask scores cells` beside the job) wrote since, they are all written again."""
    _generate(5, 200, make_user)
    build_cells(TODAY)
    db.session.commit()
    worked_out = cells.changes_to

    def another_build_writes_meanwhile(*args):
        changes = worked_out(*args)
        first = db.session.execute(select(ScoreCell).limit(1)).scalar_one()
        with db.engine.connect() as other:  # committed while this build still reads
            other.execute(
                ScoreCell.__table__.insert().values(
                    body_id=first.body_id,
                    due_month=first.due_month,
                    answer_month=first.answer_month,
                    forward_month=first.forward_month,
                    forward_until=first.forward_until,
                    appeals=7,
                    days_to_answer={},
                )
            )
            other.execute(ScoreCellBuild.__table__.update().values(counted_at=now_utc()))
            other.commit()
        return changes

    monkeypatch.setattr(cells, "changes_to", another_build_writes_meanwhile)
    build_cells(TODAY)
    db.session.commit()
    assert_cells_match_a_live_count(TODAY)
    keys = select(ScoreCell.body_id, ScoreCell.due_month, ScoreCell.answer_month,
                  ScoreCell.forward_month, ScoreCell.forward_until)  # fmt: skip
    stored = db.session.execute(keys).all()
    assert len(stored) == len(set(stored))


def test_only_whole_months_come_from_the_cells(scenario):
    build_cells(TODAY)
    db.session.commit()
    assert cell_figures(Period(date(2026, 9, 1), date(2026, 9, 29)), TODAY) is None
    assert cell_figures(Period(date(2026, 9, 2), date(2026, 9, 30)), TODAY) is None
    assert cell_figures(Period.month(2026, 9), TODAY) is not None


def test_cells_counted_for_another_day_or_too_long_ago_are_not_used(scenario, app, monkeypatch):
    build_cells(TODAY)
    db.session.commit()
    september = Period.month(2026, 9)
    assert cell_figures(september, TODAY + timedelta(days=1)) is None  # "now" has moved on
    build = db.session.execute(select(ScoreCellBuild)).scalar_one()
    build.counted_at = now_utc() - timedelta(seconds=app.config["SCORE_CACHE_SECONDS"] + 1)
    db.session.commit()
    assert cell_figures(september, TODAY) is None


def test_the_pages_read_fresh_cells_until_the_next_build(scenario):
    september = Period.month(2026, 9)
    build_cells(TODAY)
    db.session.commit()
    built = db.session.execute(select(ScoreCellBuild)).scalar_one()
    before = period_scores(september, today=TODAY)
    assert before.from_cache and before.counted_at == built.counted_at

    # a4 is answered late: the cells still say what they counted until they are rebuilt.
    a4 = db.session.get(Appeal, scenario.appeals["a4"])
    answer_appeal(a4, "At last.", Decision.EXPLAINED, a4.executor, at=utc(2026, 9, 28))
    db.session.commit()
    assert period_scores(september, today=TODAY).measures == before.measures
    build_cells(TODAY)
    db.session.commit()
    after = period_scores(september, today=TODAY)
    old, new = health_of(before, scenario), health_of(after, scenario)
    assert new.open_overdue == old.open_overdue - 1
    assert new.median_days_to_answer != old.median_days_to_answer
    assert after.measures == period_scores(september, today=TODAY, fresh=True).measures


def test_the_desk_reads_a_builds_overdue_list_once_and_follows_the_next_build(scenario):
    """The counts of every body's overdue appeals are read and parsed once per build (not at
    every desk page), and a new build's counts show at once."""
    build_cells(TODAY)
    db.session.commit()
    reads = []

    def note(_conn, _cursor, statement, *_args):
        if "score_cell_builds.overdue" in statement:
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        first = {row.body_id: row.open_overdue for row in overdue_by_body(None, today=TODAY)}
        db.session.rollback()  # the next page's transaction
        again = {row.body_id: row.open_overdue for row in overdue_by_body(None, today=TODAY)}
        assert again == first and first[scenario.health] > 0
        assert len(reads) == 1

        a4 = db.session.get(Appeal, scenario.appeals["a4"])
        answer_appeal(a4, "At last.", Decision.EXPLAINED, a4.executor, at=utc(2026, 9, 28))
        db.session.commit()
        # The build still says what it counted until the next one.
        kept = {row.body_id: row.open_overdue for row in overdue_by_body(None, today=TODAY)}
        assert kept == first
        build_cells(TODAY)
        db.session.commit()
        after = {row.body_id: row.open_overdue for row in overdue_by_body(None, today=TODAY)}
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert after.get(scenario.health, 0) == first[scenario.health] - 1
    assert len(reads) == 2


def test_a_verdict_after_the_build_moves_the_scores_kept_between_pages(scenario):
    """The country's scores are kept in the process while the build stands; a verdict
    recorded meanwhile still counts on the next page."""
    september = Period.month(2026, 9)
    build_cells(TODAY)
    db.session.commit()
    before = health_of(period_scores(september, today=TODAY), scenario)
    assert health_of(period_scores(september, today=TODAY), scenario) == before
    a1 = db.session.get(Appeal, scenario.appeals["a1"])
    prosecutor = db.session.execute(select(Audit.prosecutor_id).limit(1)).scalar_one()
    db.session.add(
        Audit(
            appeal_id=a1.id,
            body_id=scenario.health,
            prosecutor_id=prosecutor,
            lawful=False,
            violations=["late"],
        )
    )
    db.session.commit()
    after = health_of(period_scores(september, today=TODAY), scenario)
    assert after.audit_clean.n == before.audit_clean.n  # a1's verdict replaced, not added
    assert after.audit_clean.successes == before.audit_clean.successes - 1
    assert after == health_of(period_scores(september, today=TODAY, fresh=True), scenario)


def test_the_ranking_kept_between_pages_follows_a_verdict_and_the_readers_language(app, scenario):
    """The ranking's rows are kept in the process with the scores they come from: a verdict
    recorded after the build moves them on the next page, and each reader gets the names in
    their language."""
    september = Period.month(2026, 9)
    build_cells(TODAY)
    db.session.commit()
    health = db.session.get(Body, scenario.health)

    def row(language: str):
        with app.test_request_context(), force_locale(language):
            ranking = period_ranking(september, today=TODAY)
            return next(r for r in ranking.rows if r.body_id == scenario.health)

    before = row("ru")
    assert before.name == health.name_ru and row("en").name == health.name_en
    assert row("kk").name == (health.name_kk or health.name_ru)
    prosecutor = db.session.execute(select(Audit.prosecutor_id).limit(1)).scalar_one()
    db.session.add(
        Audit(
            appeal_id=scenario.appeals["a1"],
            body_id=scenario.health,
            prosecutor_id=prosecutor,
            lawful=False,
            violations=["late"],
        )
    )
    db.session.commit()
    after = row("ru")
    assert after.quality != before.quality
    with app.test_request_context(), force_locale("ru"):
        counted = period_scores(september, today=TODAY, fresh=True)
    fresh = next(s for s in counted.scores if s.body_id == scenario.health)
    assert (after.quality, after.score) == (fresh.quality, fresh.score)


def test_medians_are_worked_out_for_the_bodies_asked_only(scenario):
    build_cells(TODAY)
    db.session.commit()
    september = Period.month(2026, 9)
    live = {m.body_id: m for m in unaudited_measures(september, today=TODAY).measures}
    assert live[scenario.health].median_days_to_answer is not None
    figures, _ = cell_figures(september, TODAY, medians_for=[scenario.health])
    for m in figures.measures:
        if m.body_id == scenario.health:
            assert m == live[m.body_id]
        else:
            assert m == replace(live[m.body_id], median_days_to_answer=None)


def test_every_body_page_reads_the_rankings_kept_scores_and_its_own_median(scenario, monkeypatch):
    """The country is scored once per build for the ranking and every body's page (a body
    page that asked for its median scored it again for each body); the median comes from the
    body's own cells and is the live count's."""
    build_cells(TODAY)
    db.session.commit()
    september = Period.month(2026, 9)
    live = {m.body_id: m for m in unaudited_measures(september, today=TODAY).measures}
    scored = []
    count_scoring = snapshots._country_scores
    monkeypatch.setattr(
        snapshots, "_country_scores", lambda *a: scored.append(a) or count_scoring(*a)
    )

    period_ranking(september, today=TODAY)
    bodies = [*sorted(live), scenario.police]  # the police: no appeals of its own in September
    pages = {body_id: body_figures(september, body_id, today=TODAY) for body_id in bodies}

    assert len(scored) == 1
    assert scenario.police not in live and pages[scenario.police].measures.appeals == 0
    assert pages[scenario.health].measures.median_days_to_answer is not None
    for body_id, page in pages.items():
        expected = live.get(body_id)
        assert page.measures.median_days_to_answer == (
            expected.median_days_to_answer if expected else None
        )


def test_with_the_cache_off_the_cells_are_neither_built_nor_read(scenario, app, monkeypatch):
    build_cells(TODAY)
    db.session.commit()
    monkeypatch.setitem(app.config, "SCORE_CACHE_SECONDS", 0)
    assert not period_scores(Period.month(2026, 9), today=TODAY).from_cache


def test_the_refresh_job_builds_the_cells_in_a_worker(scenario, run_jobs):
    get_queue().enqueue(refresh_score_cache)
    assert run_jobs()
    db.session.commit()
    build = db.session.execute(select(ScoreCellBuild)).scalar_one()
    assert build.today == local_today() and build.cells > 0
    year = Period.year(local_today().year)
    assert period_scores(year).from_cache
    custom = Period(date(2026, 9, 1), date(2026, 9, 15))
    assert not period_scores(custom).from_cache  # counted, then kept in Redis


def test_the_cli_counts_the_cells_on_demand(scenario, app):
    result = app.test_cli_runner().invoke(args=["scores", "cells"])
    assert result.exit_code == 0, result.output
    build = db.session.execute(select(ScoreCellBuild)).scalar_one()
    assert result.output == f"Score cells counted: {build.cells}.\n" and build.cells > 0
    assert cell_figures(Period.year(2026), local_today()) is not None


def test_a_reader_leaves_writers_free(scenario):
    """The counting of the cells reads while citizens write: on SQLite a write waits for no
    reader (it would wait for a transaction begun IMMEDIATE, here 1 s, then fail)."""
    db.session.commit()
    begin_reading()
    assert db.session.scalar(select(func.count()).select_from(Appeal)) > 0
    with db.engine.connect() as writer:
        if writer.dialect.name == "sqlite":
            writer.exec_driver_sql("PRAGMA busy_timeout=1000")
        writer.execute(
            ScoreCellBuild.__table__.insert().values(
                counted_at=now_utc(), today=TODAY, cells=0, overdue=[]
            )
        )
        writer.commit()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ScoreCellBuild)) == 1
