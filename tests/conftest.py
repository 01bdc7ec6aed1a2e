"""Fixtures: one app and database per test session (SQLite file, or DATABASE_URL for
PostgreSQL), a real Redis server, reference data seeded once, and every table that a test
writes emptied after it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from flask import g
from flask.testing import FlaskClient
from redis import Redis
from redis.connection import AbstractConnection
from rq import SimpleWorker
from sqlalchemy import delete, insert, select, text, update

from appeals import create_app
from appeals.accounts.models import Role, User
from appeals.accounts.service import create_user
from appeals.extensions import db, limiter
from appeals.integrity import append_only_lifted
from appeals.localredis import LocalRedis
from appeals.reference.seed import seed_holidays, seed_reference

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def redis_server():
    """A real redis-server on a free port for the whole run."""
    with LocalRedis() as server:
        yield server


@pytest.fixture(scope="session")
def app(tmp_path_factory, redis_server):
    """The app on a fresh schema with the reference data seeded."""
    tmp = tmp_path_factory.mktemp("appeals")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite3'}"
    app = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=url,
        REDIS_URL=redis_server.url,
        UPLOAD_DIR=tmp / "uploads",
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_reference(today=date(2026, 11, 25))
        seed_holidays([2024, 2025, 2026, 2027, 2028])
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# Tables a test may write; the reference tables are seeded once and left alone.
WRITTEN_TABLES = [
    "admin_log",
    "answer_templates",
    "audits",
    "score_snapshots",
    "score_cells",
    "score_cell_builds",
    "notifications",
    "events",
    "attachments",
    "cosignatories",
    "answers",
    "appeals",
    "registration_counters",
    "api_tokens",
    "users",
]


def empty_written_tables() -> None:
    """Delete every row a test wrote. The timeline and the admin log are append-only in the
    database too: the deletion runs under a permit that lives in this transaction only."""
    with append_only_lifted("tests: empty the written tables"):
        for name in WRITTEN_TABLES:
            db.session.execute(delete(db.metadata.tables[name]))


@pytest.fixture(autouse=True)
def app_ctx(app, redis_server):
    """An app context for the test; afterwards the written tables and Redis are emptied."""
    with app.app_context():
        yield
        db.session.rollback()
        empty_written_tables()
        db.session.commit()
    Redis.from_url(redis_server.url).flushdb()


class CommittingClient(FlaskClient):
    """A request runs in its own session, like a real one: the test's own session commits
    first, so the request sees the test's data and SQLite's write lock is free."""

    def open(self, *args, **kwargs):
        db.session.commit()
        return super().open(*args, **kwargs)


class FreshClient(CommittingClient):
    """Each request reads its user afresh, as in production: in the tests the requests share
    the test's app context, where Flask-Login would keep the previous request's user on `g`
    (a test of sessions that end must not be fooled by it)."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = CommittingClient
    return app.test_client()


@pytest.fixture
def second_app(app):
    """Makes other apps on the session's database and Redis (or another database and upload
    folder when told), with settings of their own (the
    rate limits on, as in production, or test-only routes: the session's app takes no new
    route once it has served). The limiter is one object shared by all the apps: its state is
    put back afterwards, so the rest of the run stays unlimited."""
    saved = dict(vars(limiter))
    made = []

    def make(**overrides):
        settings = {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        }
        other = create_app("config.TestConfig", **(settings | overrides))
        other.test_client_class = CommittingClient  # frees SQLite's lock before each request
        made.append(other)
        return other

    try:
        yield make
    finally:
        for other in made:
            with other.app_context():
                db.engine.dispose()
        vars(limiter).clear()
        vars(limiter).update(saved)


@pytest.fixture
def make_user():
    """Create a user of a role (a citizen unless told), committed."""
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.CITIZEN, body_code: str | None = None, **fields) -> User:
        from sqlalchemy import select

        from appeals.reference.models import Body

        n = next(counter)
        body_id = None
        if body_code:
            body_id = db.session.execute(select(Body.id).where(Body.code == body_code)).scalar_one()
        user = create_user(
            fields.pop("email", f"{role}{n}@example.kz"),
            PASSWORD,
            fields.pop("full_name", f"Test {role.title()} {n}"),
            role,
            body_id=body_id,
            **fields,
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Sign a user in through the real login form (signing out whoever was signed in)."""

    def do_login(user: User, password: str = PASSWORD):
        client.post("/logout")  # the sign-in page keeps whoever is signed in already
        response = client.post(
            "/login", data={"email": user.email, "password": password}, follow_redirects=False
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login


class BurstWorker(SimpleWorker):
    """RQ's worker as it runs in production, less its command channel (the tests send no
    worker commands): with redis-py 8, stopping the channel's pub/sub thread at the end of a
    burst can hang RQ's teardown for minutes, the test with it."""

    def subscribe(self):
        self.pubsub_thread = None

    def unsubscribe(self):
        pass


@pytest.fixture
def run_jobs(app, redis_server):
    """Run every job queued so far, and every scheduled job whose time has come, in a real
    RQ worker (in this process) until none is left."""

    def run(queues: list[str] | None = None) -> bool:
        db.session.commit()
        connection = Redis.from_url(redis_server.url)
        worker = BurstWorker(queues or app.config["RQ_QUEUES"], connection=connection)
        return worker.work(burst=True, with_scheduler=True)  # also moves due scheduled jobs

    return run


def _rows(table) -> dict[int, dict]:
    return {row["id"]: dict(row) for row in db.session.execute(select(table)).mappings()}


@contextmanager
def tables_restored(names: tuple[str, ...]) -> Iterator[None]:
    """Put reference tables back as they were (app_ctx leaves them alone): undo edits, put back
    removed rows, delete added ones. `names` lists parents before children."""
    tables = [db.metadata.tables[name] for name in names]
    snapshots = {table.name: _rows(table) for table in tables}
    yield
    db.session.rollback()
    # Appeals and users may point at rows the test added: empty them first (as app_ctx would).
    empty_written_tables()
    # Put edited rows back first, so no old row still points at a row about to be deleted.
    for table in tables:
        now = _rows(table)
        for row_id, row in snapshots[table.name].items():
            if row_id not in now:
                db.session.execute(insert(table).values(row))
            elif now[row_id] != row:
                db.session.execute(update(table).where(table.c.id == row_id).values(row))
    for table in reversed(tables):
        db.session.execute(delete(table).where(table.c.id.not_in(list(snapshots[table.name]))))
    db.session.commit()
    assert {table.name: _rows(table) for table in tables} == snapshots


@contextmanager
def redis_round_trips() -> Iterator[list[int]]:
    """The round trips to Redis meanwhile, one entry each (a command, or a whole pipeline)."""
    sent: list[int] = []
    send = AbstractConnection.send_packed_command

    def counted(connection, *args, **kwargs):
        sent.append(1)
        return send(connection, *args, **kwargs)

    AbstractConnection.send_packed_command = counted
    try:
        yield sent
    finally:
        AbstractConnection.send_packed_command = send


@contextmanager
def planner_statistics_forgotten() -> Iterator[None]:
    """SQLite's planner statistics counted inside (`flask generate` counts them) forgotten
    after: a later test's few rows planned by a generated database's statistics are planned
    as no real database is (tests/ops/test_query_plans.py). Every pooled connection is closed,
    since each holds the statistics it loaded. PostgreSQL's are kept: its autovacuum counts
    them anyway, and its plan tests price the full scans out."""
    yield
    db.session.rollback()
    if db.session.get_bind().dialect.name != "sqlite":
        return
    kept = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
    if db.session.execute(text(kept)).scalar():
        db.session.execute(text("DELETE FROM sqlite_stat1"))
        db.session.commit()
        db.session.close()
        db.engine.dispose()


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def admin_client(client, admin, login):
    """The test client, signed in as an admin."""
    login(admin)
    return client
