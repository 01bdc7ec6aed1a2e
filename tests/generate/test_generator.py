"""`flask generate`: a small run, then the invariants every generated database keeps."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from appeals.accounts.models import Role, User
from appeals.audit.jobs import mark_acts_overdue
from appeals.audit.models import Audit, ResponseAct
from appeals.deadlines.jobs import clear_stale_overdue_flags, mark_overdue
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.generate.plan import access_code, hashed_code, plan_appeals, plan_bodies
from appeals.intake.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Answer,
    Appeal,
    Event,
    RegistrationCounter,
)
from appeals.intake.service import access_code_matches
from appeals.reference.models import Body
from tests.conftest import planner_statistics_forgotten, tables_restored
from tests.factories import submit

TODAY = date(2026, 11, 25)
END = datetime(2026, 11, 25, 18, 59, 59, 999999, tzinfo=UTC)  # TODAY's last second in Almaty


def foreign_keys() -> set[tuple[str, str]]:
    """(table, definition) of every foreign key on PostgreSQL (SQLite's cannot be dropped)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return set()
    rows = db.session.execute(
        text(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f'"
        )
    )
    keys = {(table, definition) for table, definition in rows}
    db.session.commit()
    return keys


def index_names() -> set[tuple[str, str]]:
    """(table, index) of appeals and events, from the catalogue (expression indexes too)."""
    if db.session.get_bind().dialect.name == "postgresql":
        sql = "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'"
    names = {(t, i) for t, i in db.session.execute(text(sql)) if t in ("appeals", "events")}
    db.session.commit()
    return names


@pytest.fixture
def generated(app):
    """2,000 appeals over 12 months at 30 bodies, through the command (which drops the big
    tables' secondary indexes, and on PostgreSQL their foreign keys, for the load and puts
    them back)."""
    before, keys_before = index_names(), foreign_keys()
    with planner_statistics_forgotten(), tables_restored(("bodies",)):
        result = app.test_cli_runner().invoke(
            args=[
                "generate", "--appeals", "2000", "--bodies", "30", "--months", "12",
                "--seed", "5", "--today", TODAY.isoformat(),
            ]
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "Generated 2,000 appeals" in result.output
        assert index_names() == before and ("appeals", "ix_appeals_overdue_sweep") in before
        # PostgreSQL's foreign keys are dropped for the load and added back (checked) after it.
        assert foreign_keys() == keys_before
        yield db.session.execute(select(Appeal)).scalars().all()


def test_numbers_are_unique_and_gap_free_per_prefix_and_year(generated):
    numbers = [appeal.number for appeal in generated]
    assert len(numbers) == len(set(numbers)) == 2000
    by_series: dict[tuple[str, int], list[int]] = defaultdict(list)
    for number in numbers:
        prefix, year, value = number.split("-")
        by_series[(prefix, int(year))].append(int(value))
    counters = {
        (c.prefix, c.year): c.last_value
        for c in db.session.execute(select(RegistrationCounter)).scalars()
    }
    assert len(by_series) >= 5  # kinds and two calendar years
    for series, values in by_series.items():
        assert sorted(values) == list(range(1, len(values) + 1)), series
        assert counters[series] == len(values), series
    # In order of submission within a series.
    ordered = sorted(generated, key=lambda a: (a.submitted_at, a.id))
    assert [a.id for a in ordered] == sorted(a.id for a in generated)


def test_statuses_agree_with_the_dates(generated):
    for a in generated:
        assert a.registered_on >= a.submitted_at.date()
        assert a.due_on > a.registered_on and (a.extended_until or a.due_on) >= a.due_on
        assert a.submitted_at.date() <= TODAY
        if a.status in ("answered", "closed"):
            assert a.answered_at is not None and a.decision is not None
            assert a.answered_at.date() <= TODAY and a.answered_at > a.submitted_at
        else:
            assert a.answered_at is None and a.decision is None
        assert (a.satisfaction is not None) == (a.status == "closed")
        overdue_now = a.status in RUNNING_STATUSES and TODAY > a.effective_due_on
        assert a.is_overdue == overdue_now, (a.number, a.status, a.effective_due_on)
        if a.parent_id is not None:
            parent = db.session.get(Appeal, a.parent_id)
            assert parent.submitted_at < a.submitted_at
            assert parent.applicant_id == a.applicant_id
    # The sweep finds nothing to change: the flags are what it would set.
    assert clear_stale_overdue_flags(TODAY) == 0
    assert mark_overdue(TODAY) == 0
    db.session.rollback()


def test_audits_that_find_a_violation_demand_an_act_with_its_term(generated):
    """One audit in five finds a violation and demands a representation, with the act's
    term; one answered is answered before its term, one past it unanswered is flagged as the
    sweep would flag it (so the desk's list of overdue acts has rows on generated data)."""
    audits = db.session.scalars(select(Audit)).all()
    acts = [a for a in audits if a.act == ResponseAct.REPRESENTATION]
    assert acts and all(not a.lawful and a.act_due_on > a.created_at.date() for a in acts)
    assert all(a.act_due_on is None and a.lawful for a in audits if a.act == ResponseAct.NONE)
    for act in acts:
        if act.act_answered_at is not None:
            assert (
                act.created_at < act.act_answered_at and act.act_answered_at.date() < act.act_due_on
            )
        assert (act.act_overdue_at is not None) == (
            act.act_answered_at is None and act.act_due_on < TODAY
        )
    assert mark_acts_overdue(TODAY) == 0
    db.session.rollback()


def test_the_mix_is_realistic(generated):
    statuses = defaultdict(int)
    for a in generated:
        statuses[a.status] += 1
    assert statuses["answered"] + statuses["closed"] > 1000
    assert sum(statuses[s] for s in OPEN_STATUSES) > 50
    assert any(a.is_overdue for a in generated)
    very_overdue = [a for a in generated if a.is_overdue and (TODAY - a.effective_due_on).days > 30]
    assert very_overdue
    assert sum(1 for a in generated if a.extended_until) > 40
    assert sum(1 for a in generated if a.kind == "complaint") > 20
    assert sum(1 for a in generated if a.parent_id and a.kind != "complaint") > 20
    forwarded = db.session.scalar(
        select(func.count()).select_from(Event).where(Event.kind == "forwarded")
    )
    assert forwarded > 20
    assert db.session.scalar(select(func.count()).select_from(Audit)) > 5
    answers = db.session.scalar(select(func.count()).select_from(Answer))
    assert answers == statuses["answered"] + statuses["closed"]
    # Body sizes with a long tail: the biggest body has many times the median's appeals.
    per_body = sorted(
        db.session.execute(
            select(func.count()).select_from(Appeal).group_by(Appeal.current_body_id)
        ).scalars()
    )
    assert per_body[-1] >= 5 * per_body[len(per_body) // 2]
    # Staff per body, and the access code the load test derives works.
    heads = db.session.scalar(
        select(func.count())
        .select_from(User)
        .join(Body)
        .where(User.role == Role.HEAD, Body.code.like("gen5-%"))
    )
    assert heads == 30
    sample = generated[0]
    assert sample.access_code_hash == hashed_code(sample.id)
    db.session.commit()


def test_a_generated_appeal_opens_for_its_citizen(generated, client):
    appeal = generated[-1]
    citizen = db.session.get(User, appeal.applicant_id)
    email, appeal_id = citizen.email, appeal.id
    db.session.commit()
    response = client.post("/login", data={"email": email, "password": "gen-pass-2026"})
    assert response.status_code == 302
    page = client.get(f"/appeals/{appeal_id}")
    assert page.status_code == 200


def test_an_appeal_submitted_after_generation_gets_a_new_id_and_the_next_number(generated):
    citizen = db.session.get(User, generated[0].applicant_id)
    highest = max(a.id for a in generated)
    last = db.session.get(RegistrationCounter, ("З", generated[-1].submitted_at.year))
    expected = last.last_value + 1 if last else 1
    db.session.commit()
    appeal, _ = submit(citizen)  # on PostgreSQL: the id sequence was moved past the ids given
    assert appeal.id > highest
    if appeal.number.startswith(f"З-{generated[-1].submitted_at.year}-"):
        assert int(appeal.number.rsplit("-", 1)[1]) == expected


def test_access_code_matches(generated):
    appeal = generated[3]
    assert access_code_matches(appeal, access_code(appeal.id))


def test_no_step_is_dated_after_the_end_of_the_data_and_each_follows_the_one_before(generated):
    """`--today` ends the data at that day's last second: no event, answer, rating or audit
    later (a later one would be "new" to the score cells' refresh after the load), and each
    appeal's timeline runs in order (assigned after the forward, answered after both)."""
    events = db.session.execute(
        select(Event.appeal_id, Event.kind, Event.created_at).order_by(Event.appeal_id, Event.id)
    ).all()
    assert max(e.created_at for e in events) <= END
    timelines: dict[int, list] = defaultdict(list)
    for event in events:
        timelines[event.appeal_id].append(event)
    for appeal in generated:
        steps = timelines[appeal.id]
        assert steps[0].kind == "submitted" and steps[0].created_at == appeal.submitted_at
        times = [e.created_at for e in steps]
        assert times == sorted(times), (appeal.number, [e.kind for e in steps])
        for moment in (appeal.answered_at, appeal.closed_at):
            assert moment is None or moment <= END
    assert db.session.scalar(select(func.max(Answer.created_at))) <= END
    for audit in db.session.scalars(select(Audit)):
        assert audit.created_at <= END
        assert all(m is None or m <= END for m in (audit.act_answered_at, audit.act_overdue_at))
    # Answered in the last three days: not yet rated; the data's last day has appeals.
    recent = [a for a in generated if a.answered_at and a.answered_at > END - timedelta(days=3)]
    assert recent and all(a.status == "answered" for a in recent)
    db.session.commit()


def test_a_plan_ending_in_the_morning_leaves_the_rest_of_the_day_out(app):
    """Ending at 10:30 in Almaty: today's appeals were submitted before it, and what was not
    yet taken up (or answered, forwarded, extended, flagged) is not."""
    now = datetime(2026, 11, 25, 5, 30, tzinfo=UTC)
    rng = random.Random(7)
    terms = {kind: (15, "working") for kind in ("statement", "request", "proposal", "feedback")}
    terms |= {"report": (10, "working"), "complaint": (10, "working")}
    plans = plan_appeals(
        rng,
        appeals=4000,
        bodies=plan_bodies(rng, 20, 4000),
        citizens=1000,
        categories=5,
        months=2,
        now=now,
        terms=terms,
        calendar=working_calendar(),
    )
    moments = [
        getattr(p, name)
        for p in plans
        for name in (
            "submitted_at", "forwarded_at", "assigned_at", "extended_at", "answered_at",
            "rated_at", "audited_at", "overdue_at", "ended_at",
        )
    ]  # fmt: skip
    assert max(m for m in moments if m is not None) <= now
    today = [p for p in plans if p.submitted_at >= now - timedelta(hours=10, minutes=30)]
    assert today and all(p.assigned_at is None and p.status == "registered" for p in today)
    assert all(p.rated_at is None or p.rated_at - p.answered_at == timedelta(days=3) for p in plans)
    assert sum(p.status == "closed" for p in plans) > 100
