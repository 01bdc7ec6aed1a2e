"""A build of the score cells counts again only the bodies whose appeals changed since an
earlier build (scores/cell_scope.py), and every body when that cannot be trusted: the
figures summed from the cells stay those of a live count after each kind of change."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from appeals.accounts.models import Role
from appeals.audit.models import ResponseAct, Violation
from appeals.audit.service import record_audit
from appeals.deadlines.holidays import add_calendar_day, remove_calendar_day
from appeals.extensions import db
from appeals.intake.applicant import rate_answer
from appeals.intake.models import Appeal, AppealKind, Decision, Event, EventKind, Satisfaction
from appeals.intake.workflow import record_event
from appeals.reference.models import Body
from appeals.scores import cells
from appeals.scores.cell_scope import event_mark
from appeals.scores.cells import build_cells
from appeals.scores.models import ScoreCellBuild
from appeals.timeutil import now_utc
from appeals.work.service import answer_appeal
from appeals.work.terms import forward_appeal
from tests.factories import submit
from tests.scores.conftest import TODAY, utc
from tests.scores.test_cells import assert_cells_match_a_live_count


@pytest.fixture
def counted(app, monkeypatch) -> list[dict[int, date] | None]:
    """Builds count only the changed cells (as in production, with no margin: the tests'
    builds follow each other within seconds); the list gets the scope each build counted:
    each body with the first month counted again (None: every cell)."""
    monkeypatch.setitem(app.config, "SCORE_CELLS_WHOLE_SECONDS", 3600)
    monkeypatch.setitem(app.config, "SCORE_CELLS_EVENT_MARGIN_SECONDS", 0)
    seen: list[dict[int, date] | None] = []
    read_stored = cells.stored_cells

    def stored_cells(scope=None):
        seen.append(None if scope is None else dict(scope))
        return read_stored(scope)

    monkeypatch.setattr(cells, "stored_cells", stored_cells)
    return seen


def build(today=TODAY) -> int:
    n = build_cells(today)
    db.session.commit()
    return n


def stored_cell_count() -> int:
    return db.session.scalar(select(func.count()).select_from(cells.ScoreCell))


def test_a_build_counts_again_only_the_bodies_whose_appeals_changed(scenario, counted, make_user):
    health, police, akimat = scenario.health, scenario.police, scenario.akimat
    citizen = db.session.get(Appeal, scenario.appeals["a1"]).applicant
    head = make_user(Role.HEAD, body_code="health-71")
    prosecutor = make_user(Role.PROSECUTOR, body_code="prosecutor-71")
    build()
    assert counted == [None]  # the first build counts every body
    whole_at = db.session.scalar(select(ScoreCellBuild.whole_at))

    # A new appeal at the health department, and one of its appeals forwarded to the akimat.
    submit(citizen, now=utc(2026, 11, 24))
    a4 = db.session.get(Appeal, scenario.appeals["a4"])
    akimat_body = db.session.get(Body, akimat)
    forward_appeal(a4, akimat_body, "Roads, not health", head, today=TODAY)
    db.session.commit()
    assert build() == stored_cell_count()
    assert set(counted[-1]) == {health, akimat}
    assert_cells_match_a_live_count(TODAY)
    assert db.session.scalar(select(ScoreCellBuild.whole_at)) == whole_at

    # The police's answer to a complaint about the health department's answer is audited:
    # the complaint's cells are the police's, its decision counts against health's answer.
    c2 = db.session.get(Appeal, scenario.appeals["c2"])
    violations = [Violation.FORMAL_REPLY.value]
    record_audit(
        c2, False, violations, "no substance", ResponseAct.WARNING, prosecutor, today=TODAY
    )
    db.session.commit()
    build()
    assert set(counted[-1]) == {police, health}
    assert_cells_match_a_live_count(TODAY)

    # An answer and its rating at the akimat.
    a6 = db.session.get(Appeal, scenario.appeals["a6"])
    akimat_head = make_user(Role.HEAD, body_code="akimat-71")
    answer_appeal(a6, "Repaired.", Decision.SATISFIED, akimat_head, at=utc(2026, 11, 24))
    rate_answer(a6, Satisfaction.SATISFIED, None, a6.applicant)
    db.session.commit()
    build()
    assert set(counted[-1]) == {health, akimat}  # a6 was forwarded by health
    assert_cells_match_a_live_count(TODAY)

    # Nothing changed: nothing is counted, and the build is fresh.
    before = db.session.scalar(select(ScoreCellBuild.counted_at))
    build()
    assert counted[-1] == {}
    assert db.session.scalar(select(ScoreCellBuild.counted_at)) > before
    assert_cells_match_a_live_count(TODAY)


def test_a_body_is_counted_again_only_from_the_month_of_its_changed_appeals(
    scenario, counted, make_user
):
    """A change to an appeal moves only cells from its submission's month on; a change to a
    complaint or a repeat, its parent's cells from the parent's month. The figures summed from
    the cells stay those of a live count, the earlier months' cells as they were stored."""
    health, police = scenario.health, scenario.police
    citizen = db.session.get(Appeal, scenario.appeals["a1"]).applicant
    head = make_user(Role.HEAD, body_code="health-71")
    police_head = make_user(Role.HEAD, body_code="police-71")
    build()
    assert counted == [None]

    # A new appeal of November at the health department, answered.
    appeal, _ = submit(citizen, now=utc(2026, 11, 24))
    answer_appeal(appeal, "Booked.", Decision.SATISFIED, head, at=utc(2026, 11, 25))
    db.session.commit()
    build()
    assert counted[-1] == {health: date(2026, 11, 1)}
    assert_cells_match_a_live_count(TODAY)

    # A complaint of October about the health department's answer of September (a1's, now
    # followed within 60 days), decided by the police: health's cells again from September,
    # the police's from October.
    complaint, _ = submit(
        citizen, category="police", kind=AppealKind.COMPLAINT, now=utc(2026, 10, 15)
    )
    complaint.parent_id = scenario.appeals["a1"]
    answer_appeal(complaint, "Refused.", Decision.REFUSED, police_head, at=utc(2026, 10, 20))
    db.session.commit()
    build()
    assert_cells_match_a_live_count(TODAY)
    assert counted[-1] == {health: date(2026, 9, 1), police: date(2026, 10, 1)}


def test_a_cell_counted_again_keeps_a_follow_up_submitted_before_its_first_month(
    scenario, counted, make_user
):
    """An appeal answered in October and due in November sits in a cell of November: a build
    counting its body from November counts it again, with the complaint that followed its
    answer in October."""
    health = scenario.health
    citizen = db.session.get(Appeal, scenario.appeals["a1"]).applicant
    head = make_user(Role.HEAD, body_code="health-71")
    parent, _ = submit(citizen, now=utc(2026, 10, 20))
    answer_appeal(parent, "Booked.", Decision.SATISFIED, head, at=utc(2026, 10, 26))
    complaint, _ = submit(
        citizen, category="police", kind=AppealKind.COMPLAINT, now=utc(2026, 10, 28)
    )
    complaint.parent_id = parent.id
    db.session.commit()
    assert parent.due_on >= date(2026, 11, 1)
    build()

    submit(citizen, now=utc(2026, 11, 24))  # a new appeal at the health department
    db.session.commit()
    build()

    assert counted[-1] == {health: date(2026, 11, 1)}
    assert_cells_match_a_live_count(TODAY)


def test_every_body_is_counted_on_a_new_day_after_a_calendar_change_and_each_hour(
    scenario, counted
):
    build()
    build()
    assert counted == [None, {}]
    # A new day: open appeals fall late by the day.
    tomorrow = TODAY + timedelta(days=1)
    build(tomorrow)
    assert counted[-1] is None
    assert_cells_match_a_live_count(tomorrow)
    # A day off added to the calendar: every figure in working days may move.
    day_off = datetime(2026, 9, 14).date()  # a Monday inside the scenario's terms
    add_calendar_day(day_off, "day_off", "Test", None)
    db.session.commit()
    try:
        build(tomorrow)
        assert counted[-1] is None
        assert_cells_match_a_live_count(tomorrow)
        build(tomorrow)
        assert counted[-1] == {}
    finally:
        remove_calendar_day(day_off, None)
        db.session.commit()
    build(tomorrow)
    assert counted[-1] is None
    # Every body was last counted over an hour ago.
    db.session.execute(update(ScoreCellBuild).values(whole_at=now_utc() - timedelta(hours=2)))
    db.session.commit()
    build(tomorrow)
    assert counted[-1] is None
    assert db.session.scalar(select(ScoreCellBuild.whole_at)) > now_utc() - timedelta(minutes=1)


def test_a_change_no_event_records_is_counted_at_the_next_whole_count(scenario, counted):
    """Every change through the services writes an event; one made in the database by hand
    waits for the hourly count of every body."""
    build()
    a4 = db.session.get(Appeal, scenario.appeals["a4"])
    a4.current_body_id = scenario.police
    db.session.commit()
    build()
    assert counted[-1] == {}
    police_cells = select(func.sum(cells.ScoreCell.appeals)).where(
        cells.ScoreCell.body_id == scenario.police
    )
    police_before = db.session.scalar(police_cells)
    db.session.execute(update(ScoreCellBuild).values(whole_at=now_utc() - timedelta(hours=2)))
    db.session.commit()
    build()
    assert counted[-1] is None
    assert db.session.scalar(police_cells) == police_before + 1
    assert_cells_match_a_live_count(TODAY)


def test_a_build_marks_the_last_event_written_a_margin_before_it(
    scenario, app, monkeypatch, make_user
):
    """The next build looks at the events after it: those of the last 10 minutes again, and
    any still being written when this build began (they began later than the mark)."""
    monkeypatch.setitem(app.config, "SCORE_CELLS_EVENT_MARGIN_SECONDS", 600)
    head = make_user(Role.HEAD, body_code="health-71")
    a4 = db.session.get(Appeal, scenario.appeals["a4"])
    now = now_utc()
    ids = []
    for minutes in (30, 20, 5, 1):
        event = record_event(a4, EventKind.ASSIGNED, head)
        event.created_at = now - timedelta(minutes=minutes)
        db.session.flush()
        ids.append(event.id)
    assert event_mark(now, ids[-1]) == ids[1]
    assert event_mark(now, ids[0]) == ids[0]  # up to the last id read
    assert event_mark(now - timedelta(hours=1), ids[-1]) < ids[0]
    db.session.rollback()


def test_an_event_committed_after_a_build_read_is_counted_by_a_later_build(
    scenario, counted, app, monkeypatch, make_user
):
    """PostgreSQL numbers an event when it is written and shows it when its transaction
    commits: a build can see a later id before an earlier one. The next build looks at the
    events after the last one written a margin before, so it sees the earlier one too
    (SQLite commits one writer at a time, so it shows ids in order)."""
    if db.session.connection().dialect.name == "sqlite":
        pytest.skip("SQLite commits one writer at a time")
    monkeypatch.setitem(app.config, "SCORE_CELLS_EVENT_MARGIN_SECONDS", 600)
    build()
    a6 = db.session.get(Appeal, scenario.appeals["a6"])
    akimat_head = make_user(Role.HEAD, body_code="akimat-71")
    with db.engine.connect() as slow:
        # The akimat forwards a6 on: numbered now, committed after the next build read.
        slow.execute(
            Event.__table__.insert().values(
                appeal_id=a6.id,
                kind=EventKind.FORWARDED,
                actor_id=akimat_head.id,
                from_body_id=scenario.akimat,
                to_body_id=scenario.police,
                created_at=now_utc(),
                data={"late": False},
            )
        )
        submit(a6.applicant, now=utc(2026, 11, 24))  # a later event, committed first
        build()
        slow.commit()
    build()
    assert scenario.akimat in counted[-1]
    assert_cells_match_a_live_count(TODAY)
