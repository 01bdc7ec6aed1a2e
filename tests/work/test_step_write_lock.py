"""The officials' steps hold SQLite's write lock only while they write (extensions.reads_first,
work/views.py: _step_view): other writers (submissions, notices, the other officials'
answers) wait for their writes only, not for the page's checks and reads. What they read is
kept: the appeal's version, checked by the UPDATE of its row, refuses a step when someone
changed the appeal after it was read, also a step that writes only an event (touch)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from appeals.extensions import db
from appeals.intake.models import Answer, Appeal
from appeals.work import service
from tests.faults.test_database_refuses import write_lock_is_free
from tests.ops.test_sqlite_reads import sqlite_path
from tests.work.conftest import flashed, post_step, state, version_of
from tests.work.test_assign_and_answer import REASONED


@pytest.fixture(autouse=True)
def sqlite_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's write lock")


def lock_while(app, markers: dict[str, str]) -> tuple[dict[str, bool], Callable[[], None]]:
    """Listen to the statements sent and record, at the first of each marker, whether another
    connection could take the write lock then; returns the record and how to stop listening."""
    path, free = sqlite_path(app), {}

    def probe(_conn, _cursor, statement, *_args):
        for name, marker in markers.items():
            if marker in statement and name not in free:
                free[name] = write_lock_is_free(path)

    event.listen(db.engine, "before_cursor_execute", probe)
    return free, lambda: event.remove(db.engine, "before_cursor_execute", probe)


def test_an_answer_holds_the_write_lock_only_while_it_writes(app, client, login, people, assigned):
    login(people.official)
    appeal_id, version = assigned.id, version_of(assigned.id)  # read before listening
    free, stop = lock_while(
        app, {"reading the appeal": "FROM appeals", "writing the answer": "INSERT INTO answers"}
    )
    try:
        response = post_step(
            client, appeal_id, "answer", "answer", version, decision="explained", text=REASONED
        )
    finally:
        stop()

    assert "The answer is sent" in flashed(client, response)
    assert free == {"reading the appeal": True, "writing the answer": False}


def test_an_assignment_holds_the_write_lock_only_while_it_writes(
    app, client, login, people, appeal
):
    login(people.head)
    appeal_id, version = appeal.id, version_of(appeal.id)
    free, stop = lock_while(
        app, {"reading the appeal": "FROM appeals", "writing the event": "INSERT INTO events"}
    )
    try:
        response = post_step(
            client, appeal_id, "assign", "assign", version, executor_id=people.official.id
        )
    finally:
        stop()

    assert "is now the executor" in flashed(client, response)
    assert free == {"reading the appeal": True, "writing the event": False}


# The service each step calls, the step's path (also its form's prefix), and its fields.
STEPS_TAKEN = {
    "an answer": (
        "answer_appeal",
        "answer",
        lambda appeal: {"decision": "explained", "text": REASONED},
    ),
    # An event and workflow.touch only: the version is checked all the same.
    "an extension request": (
        "request_extension",
        "extension",
        lambda appeal: {
            "until": (appeal.effective_due_on + timedelta(days=14)).isoformat(),
            "reason": "The expert's opinion is still awaited.",
        },
    ),
}


@pytest.mark.parametrize("taken", STEPS_TAKEN, ids=list(STEPS_TAKEN))
def test_a_step_on_an_appeal_changed_after_it_was_read_is_refused(
    taken, app, client, login, people, assigned, monkeypatch
):
    """Another process changes the appeal between the step's reads and its first write (no
    lock is held then): the UPDATE of the appeal finds another version, and nothing is
    saved."""
    function, path, fields_for = STEPS_TAKEN[taken]
    login(people.official)
    fields = fields_for(assigned)
    before = state(assigned.id)
    take = getattr(service, function)

    def changed_first(appeal, *args, **kwargs):
        other = sqlite3.connect(sqlite_path(app), isolation_level=None)
        other.execute("UPDATE appeals SET version = version + 1 WHERE id = ?", (appeal.id,))
        other.close()
        return take(appeal, *args, **kwargs)

    monkeypatch.setattr(service, function, changed_first)

    response = post_step(client, assigned.id, path, path, **fields)

    assert "changed meanwhile by someone else" in flashed(client, response)
    after = state(assigned.id)
    version = 6  # state()'s place of the version, which the other process moved on
    assert after[:version] + after[version + 1 :] == before[:version] + before[version + 1 :]
    assert after[version] == before[version] + 1
    assert db.session.scalar(select(Answer.id).where(Answer.appeal_id == assigned.id)) is None
    assert db.session.get(Appeal, assigned.id).status == "in_progress"
