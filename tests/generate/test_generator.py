"""`flask generate`: a small run, then the invariants every generated database keeps."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select, text

from appeals.accounts.models import Role, User
from appeals.audit.jobs import mark_acts_overdue
from appeals.audit.models import Audit, ResponseAct
from appeals.deadlines.jobs import clear_stale_overdue_flags, mark_overdue
from appeals.extensions import db
from appeals.generate.plan import access_code, hashed_code
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
from tests.conftest import tables_restored
from tests.factories import submit

TODAY = date(2026, 11, 25)


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
    with tables_restored(("bodies",)):
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
