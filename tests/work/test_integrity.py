"""The timeline and the admin log are append-only below the ORM (database triggers), and every
staff step names its actor: refused by the database, and recorded by every service."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from appeals.adminlog.models import LogEntry
from appeals.adminlog.service import record
from appeals.audit.service import record_audit
from appeals.extensions import db
from appeals.intake.labels import LEAVE_GROUNDS
from appeals.intake.models import STAFF_EVENT_KINDS, Decision, Event, EventKind
from appeals.integrity import PERMITS, append_only_lifted
from appeals.reference.models import Body
from appeals.timeutil import local_today
from appeals.work.service import (
    answer_appeal,
    approve_extension,
    leave_without_consideration,
    refuse_extension,
    request_extension,
)
from appeals.work.terms import forward_appeal, resume_appeal, suspend_appeal
from tests.factories import submit
from tests.work.test_term_actions import suspending  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]


def _refused(statement) -> None:
    with pytest.raises(IntegrityError, match="append-only"):
        db.session.execute(statement)
    db.session.rollback()


def test_the_database_refuses_to_change_or_remove_an_event(people, appeal):
    event_id, note = db.session.execute(
        select(Event.id, Event.note).where(Event.appeal_id == appeal.id).order_by(Event.id)
    ).first()
    before = db.session.execute(select(func.count()).select_from(Event)).scalar()

    _refused(update(Event).where(Event.id == event_id).values(note="rewritten"))
    _refused(delete(Event).where(Event.id == event_id))
    _refused(text("DELETE FROM events"))

    assert db.session.execute(select(Event.note).where(Event.id == event_id)).scalar() == note
    assert db.session.execute(select(func.count()).select_from(Event)).scalar() == before


def test_the_database_refuses_to_change_or_remove_an_admin_log_entry(people):
    record("user.invited", "user", people.official.id, "someone", actor=people.admin)
    db.session.commit()
    entry_id = db.session.execute(select(LogEntry.id)).scalar_one()

    _refused(update(LogEntry.__table__).values(action="user.nothing"))
    _refused(delete(LogEntry.__table__).where(LogEntry.id == entry_id))

    assert db.session.execute(select(LogEntry.action)).scalar_one() == "user.invited"


def test_a_permit_lets_one_transaction_through_and_is_gone_after_it(people, appeal):
    with append_only_lifted("test: remove the timeline"):
        db.session.execute(delete(Event).where(Event.appeal_id == appeal.id))
    db.session.commit()

    assert db.session.execute(select(func.count()).select_from(Event)).scalar() == 0
    assert db.session.execute(text(f"SELECT count(*) FROM {PERMITS}")).scalar() == 0
    # An error inside the block rolls the permit back with the rest.
    with pytest.raises(RuntimeError), append_only_lifted("test: fails"):
        raise RuntimeError
    assert db.session.execute(text(f"SELECT count(*) FROM {PERMITS}")).scalar() == 0


@pytest.mark.parametrize("kind", STAFF_EVENT_KINDS)
def test_a_staff_step_without_its_actor_is_refused(people, appeal, kind):
    row = {"appeal_id": appeal.id, "kind": kind.value, "created_at": appeal.submitted_at}

    with pytest.raises(IntegrityError, match="a staff step must name its actor"):
        db.session.execute(insert(Event).values(row))
    db.session.rollback()

    db.session.execute(insert(Event).values({**row, "actor_id": people.head.id}))
    db.session.execute(insert(Event).values({**row, "kind": EventKind.OVERDUE.value}))  # system
    db.session.commit()


@pytest.mark.usefixtures("suspending")  # the assigned appeal under a policy that suspends
def test_every_staff_step_of_the_services_names_its_actor(people, assigned):
    """One appeal through every staff step (assigned by the head, under a policy that allows
    suspension), a second forwarded, a third left without consideration: each staff event
    carries the one who took the step."""
    today, appeal = local_today(), assigned
    request_extension(
        appeal, appeal.due_on + timedelta(days=7), "Expert", people.official, today=today
    )
    refuse_extension(appeal, "Not needed", people.head)
    request_extension(
        appeal, appeal.due_on + timedelta(days=7), "Expert", people.official, today=today
    )
    approve_extension(appeal, people.head, today=today)
    suspend_appeal(appeal, "Waiting for a court", people.head, today=today)
    resume_appeal(appeal, people.head, today=today)
    answer_appeal(appeal, "Done.", Decision.SATISFIED, people.official)
    record_audit(appeal, True, [], None, "none", people.prosecutor, today=today)
    forwarded, _ = submit(people.citizen)
    other = db.session.execute(select(Body).where(Body.code == "akimat-71")).scalar_one()
    forward_appeal(forwarded, other, "Not ours", people.head, today=today)
    left, _ = submit(people.citizen)
    leave_without_consideration(left, _a_ground(), people.head)
    db.session.commit()

    events = db.session.execute(select(Event.kind, Event.actor_id)).all()
    staff_kinds = {k.value for k in STAFF_EVENT_KINDS} | {"left_without_consideration"}
    seen = {kind for kind, _ in events if kind in staff_kinds}
    assert seen == staff_kinds  # every staff step was taken
    assert all(actor is not None for kind, actor in events if kind in staff_kinds)


def _a_ground() -> str:
    return next(ground for ground in LEAVE_GROUNDS if ground not in ("repeated", "anonymous"))


# --- The migration ------------------------------------------------------------------------------


def _flask_db(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test-" + "x" * 40}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "appeals", "db", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_the_migration_adds_the_triggers_and_takes_them_away(tmp_path, app):
    """A fresh SQLite database migrated to the head refuses as create_all's does; down one step
    it accepts again (the admin log keeps its older UPDATE-only trigger); up again refuses."""
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    _flask_db(url, "upgrade")
    engine = sa.create_engine(url)

    def attempt(sql: str) -> str:
        with engine.connect() as connection:
            try:
                connection.execute(text(sql))
            except IntegrityError as error:
                connection.rollback()
                return str(error.orig)
            connection.rollback()
            return "accepted"

    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO admin_log (at, actor_label, action, subject_kind, subject_label) "
                "VALUES ('2026-01-01 00:00:00.000000', 'cli', 'x', 'user', 'y')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO events (appeal_id, kind, created_at) "
                "VALUES (1, 'submitted', '2026-01-01 00:00:00.000000')"
            )
        )
    assert "append-only" in attempt("DELETE FROM admin_log")
    assert "append-only" in attempt("UPDATE admin_log SET action = 'z'")
    assert "append-only" in attempt("DELETE FROM events")
    assert "actor" in attempt(
        "INSERT INTO events (appeal_id, kind, created_at) VALUES (1, 'answered', '2026-01-01')"
    )

    _flask_db(url, "downgrade", "d3a9c61f7e28")
    assert attempt("DELETE FROM admin_log") == "accepted"
    assert "append-only" in attempt("UPDATE admin_log SET action = 'z'")

    _flask_db(url, "upgrade")
    assert "append-only" in attempt("DELETE FROM admin_log")
    engine.dispose()
