"""The database refusing a write in the middle of a submission (a trigger on the last table
the submission writes, after the appeal, its number, events and attachments): nothing is
half-saved, the citizen sees a clear message on the form, not a 500 page, and what they typed
is still in it. A busy SQLite past its wait (the appeal form's POST takes the write lock at
its first write): the busy page, 503 with Retry-After, never a 500."""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select, text

from appeals.deadlines.calendar import DayKind
from appeals.deadlines.models import Holiday
from appeals.extensions import db
from appeals.integrity import refuse_insert_sql
from tests.conftest import PASSWORD
from tests.pages import field_error
from tests.samples import NOTHING_SAVED, appeal_fields, minimal_png, saved_counts, upload

SUBJECT = "Ремонт дороги на улице Абая"
TEXT = "The road on Abay street has had a hole for three months; «please» repair it."


@contextmanager
def notices_refused():
    """A trigger that refuses every notice: the submission's last insert fails."""
    dialect = db.engine.dialect.name
    create, drop = refuse_insert_sql(
        "notifications", "test_refuse_notices", "NEW.id IS NOT NULL", "refused by the test", dialect
    )
    for statement in create:
        db.session.execute(text(statement))
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        for statement in drop:
            db.session.execute(text(statement))
        db.session.commit()


def _form(**changes):
    return appeal_fields(subject=SUBJECT, text=TEXT, **changes) | {
        "attachments": [upload(minimal_png(), "pothole.png")]
    }


def test_a_refused_write_saves_nothing_and_keeps_what_was_typed(client, login, make_user):
    login(make_user())
    with notices_refused():
        response = client.post("/appeals/new", data=_form(), content_type="multipart/form-data")

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The database refused to save this, so nothing was saved." in page
    assert SUBJECT in page and "Abay street" in page  # the form still holds the text
    assert saved_counts() == NOTHING_SAVED

    # Once the database accepts again, the same appeal goes through, numbered without a gap.
    response = client.post("/appeals/new", data=_form(), content_type="multipart/form-data")
    assert response.status_code == 302
    assert saved_counts()["numbers taken"] == 1 and saved_counts()["appeals"] == 1


def test_the_message_is_in_russian_too(client, login, make_user):
    login(make_user())
    with notices_refused():
        response = client.post(
            "/appeals/new",
            data=_form(),
            content_type="multipart/form-data",
            headers={"Accept-Language": "ru"},
        )
    assert response.status_code == 409
    assert "ничего не сохранено" in response.get_data(as_text=True)


@pytest.mark.sqlite_only
def test_a_busy_database_answers_503_not_500(app, second_app, make_user):
    """Another process holds SQLite's write lock past the request's wait (300 ms here)."""
    busy_app = second_app(SQLITE_BUSY_TIMEOUT_MS=300)
    citizen = make_user()
    client = busy_app.test_client()
    client.post("/login", data={"email": citizen.email, "password": PASSWORD})
    form = _form()
    db.session.commit()  # the test itself holds no lock
    holder = sqlite3.connect(
        app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), isolation_level=None
    )
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.post("/appeals/new", data=form, content_type="multipart/form-data")
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "Too many people are saving at this moment." in page
    assert saved_counts() == NOTHING_SAVED


@pytest.mark.sqlite_only
def test_a_refused_appeal_form_is_answered_while_another_writes(app, second_app, make_user):
    """The submission checks its form without SQLite's write lock (extensions.reads_first):
    a form with a mistake is answered at once with its error while another process holds
    the lock, instead of waiting its turn only to be refused."""
    busy_app = second_app(SQLITE_BUSY_TIMEOUT_MS=2000)
    citizen = make_user()
    client = busy_app.test_client()
    client.post("/login", data={"email": citizen.email, "password": PASSWORD})
    form = appeal_fields(subject="Help")
    db.session.commit()  # the test itself holds no lock
    holder = sqlite3.connect(
        app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), isolation_level=None
    )
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        response = client.post("/appeals/new", data=form)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert response.status_code == 200 and waited < 1.0
    assert "between 5" in field_error(response.get_data(as_text=True), "subject")
    assert saved_counts() == NOTHING_SAVED


def write_lock_is_free(path: str) -> bool:
    """Whether another connection could take SQLite's write lock now."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.mark.sqlite_only
def test_a_submission_holds_the_write_lock_only_while_it_writes(app, client, login, make_user):
    """The submission reads its routing rule, policy and calendar as a reader, and takes the
    write lock at its first write (extensions.reads_first): other writers wait only for its
    writes. Probed from another connection as each statement is sent."""
    login(make_user())
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    lock_free: dict[str, bool] = {}

    def probe(conn, cursor, statement, *args):
        for name, marker in (("routing", "FROM routing_rules"), ("appeal", "INSERT INTO appeals")):
            if marker in statement and name not in lock_free:
                lock_free[name] = write_lock_is_free(path)

    db.session.commit()  # the test itself holds no lock
    event.listen(db.engine, "before_cursor_execute", probe)
    try:
        response = client.post("/appeals/new", data=appeal_fields())
    finally:
        event.remove(db.engine, "before_cursor_execute", probe)
    assert response.status_code == 302
    assert lock_free == {"routing": True, "appeal": False}
    assert saved_counts()["appeals"] == 1


@pytest.mark.sqlite_only
def test_a_reads_first_transaction_takes_the_lock_before_a_savepoint(app):
    """A part that writes under a savepoint: the lock is taken before the savepoint opens,
    not at its first write (ending the reader there would end the savepoint with it)."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    db.session.commit()
    with app.test_request_context("/appeals/new", method="POST"):  # a reads_first view
        db.session.execute(select(Holiday.id)).first()
        assert write_lock_is_free(path)  # reading
        with db.session.begin_nested():
            db.session.add(Holiday(day=date(2031, 1, 2), kind=DayKind.DAY_OFF, name="A test"))
        assert not write_lock_is_free(path)  # writing
        db.session.rollback()
    assert db.session.scalar(select(Holiday.id).where(Holiday.day == date(2031, 1, 2))) is None
