"""On SQLite a read-only request (GET, HEAD) takes no write lock, so readers never wait for
writers; a GET that writes all the same is run again as a writer; a request kept busy past
the wait is answered 503 with Retry-After, never a 500."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from flask import jsonify
from sqlalchemy import func, select, update

from appeals.accounts.models import User
from appeals.extensions import db
from tests.factories import submit


@pytest.fixture(autouse=True)
def sqlite_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's locking")


def sqlite_path(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


def hold_write_lock(app) -> sqlite3.Connection:
    """Another process's writer, in the middle of its transaction."""
    other = sqlite3.connect(sqlite_path(app), timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def in_app(app, call):
    """Call in an app context of its own (another thread: its own session)."""
    with app.app_context():
        return call()


def timed(call, limit: float):
    """Run call in a thread; its result, or a failure if it takes longer than limit."""
    box = {}
    thread = threading.Thread(target=lambda: box.update(result=call()), daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"still waiting after {limit} s"
    return box["result"]


def test_a_page_is_read_while_another_process_holds_the_write_lock(app, client, make_user):
    make_user(email="reader@example.kz")
    db.session.commit()
    other = hold_write_lock(app)
    try:
        started = time.monotonic()
        response = timed(lambda: in_app(app, lambda: client.get("/ratings/")), 10)
        assert response.status_code == 200
        assert time.monotonic() - started < 5
    finally:
        other.rollback()
        other.close()


def test_a_status_check_is_answered_while_another_process_holds_the_write_lock(
    app, client, make_user
):
    """The status check is a POST that only reads: it begins as a reader too."""
    appeal, code = submit(make_user())
    number = appeal.number  # read before the commit, which would expire it
    db.session.commit()
    other = hold_write_lock(app)
    try:
        started = time.monotonic()
        response = timed(
            lambda: in_app(
                app,
                lambda: client.post("/status", data={"number": number, "access_code": code}),
            ),
            10,
        )
        assert response.status_code == 200
        assert number in response.get_data(as_text=True)
        assert "No appeal matches" not in response.get_data(as_text=True)
        assert time.monotonic() - started < 5
    finally:
        other.rollback()
        other.close()


@pytest.fixture
def reads_app(second_app):
    """Another app with test-only routes and a short busy wait."""
    calls = {"n": 0}
    between = {"step": None}
    extra = second_app(SQLITE_BUSY_TIMEOUT_MS=300)

    @extra.get("/_test/read-then-write")
    def read_then_write():
        """A GET that reads a figure, then writes what it read plus one."""
        calls["n"] += 1
        count = db.session.execute(select(func.count()).select_from(User)).scalar_one()
        if between["step"] is not None:
            between["step"]()
            between["step"] = None  # only the first run is interleaved
        db.session.execute(update(User).values(full_name=f"seen {count}"))
        db.session.commit()
        return jsonify(count=count, calls=calls["n"])

    return extra, calls, between


def test_a_get_that_writes_after_another_commit_is_run_again_as_a_writer(app, reads_app, make_user):
    extra, calls, between = reads_app
    make_user(email="one@example.kz")
    db.session.commit()

    def another_process_commits():
        other = sqlite3.connect(sqlite_path(app), timeout=5, isolation_level=None)
        other.execute("UPDATE users SET full_name = 'changed meanwhile'")
        other.close()

    between["step"] = another_process_commits
    with extra.app_context():
        response = extra.test_client().get("/_test/read-then-write")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"count": 1, "calls": 2}
    db.session.expire_all()
    assert db.session.execute(select(User.full_name)).scalar_one() == "seen 1"


def test_a_get_that_writes_without_contention_runs_once(reads_app, make_user):
    extra, calls, _between = reads_app
    make_user(email="two@example.kz")
    db.session.commit()
    with extra.app_context():
        response = extra.test_client().get("/_test/read-then-write")
    assert response.get_json() == {"count": 1, "calls": 1}


def test_a_write_kept_busy_past_the_wait_is_a_503_not_a_500(app, reads_app, make_user):
    extra, _calls, _between = reads_app
    make_user(email="busy@example.kz")
    db.session.commit()
    other = hold_write_lock(app)
    try:
        with extra.app_context():
            client = extra.test_client()
            response = timed(
                lambda: in_app(
                    extra,
                    lambda: client.post(
                        "/login", data={"email": "busy@example.kz", "password": "whatever-it-is"}
                    ),
                ),
                20,
            )
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Please try again in a few seconds" in response.get_data(as_text=True)
