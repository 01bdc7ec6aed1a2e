"""One world per module for the access matrix: built once, its people signed in once (a
client each), emptied at the end of the module. The requests run without the test's app
context, as in production (each pushes its own), so no user or session leaks between cells."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from redis import Redis

from appeals.extensions import db
from tests.access.world import STANDINGS, World, build_world
from tests.conftest import PASSWORD, empty_written_tables


@pytest.fixture(scope="module")
def world(app, redis_server) -> World:
    with app.app_context():
        built = build_world()
        # Plain values only: the rows' session ends with this context.
        db.session.expunge_all()
    yield built
    with app.app_context():
        db.session.rollback()
        empty_written_tables()
        db.session.commit()
    Redis.from_url(redis_server.url).flushdb()


@pytest.fixture(autouse=True)
def app_ctx():
    """Replaces conftest's per-test app context and cleanup: the world lives for the module."""
    yield


@pytest.fixture(scope="module")
def clients(app, world) -> dict[str, FlaskClient]:
    """A client per standing, signed in through the real sign-in form (anonymous: none)."""
    app.test_client_class = FlaskClient
    made = {}
    for standing in STANDINGS:
        client = app.test_client()
        if standing != "anonymous":
            response = client.post(
                "/login", data={"email": f"{standing}@matrix.kz", "password": PASSWORD}
            )
            assert response.status_code == 302, (standing, response.status_code)
            assert "/login" not in response.headers["Location"], standing
        made[standing] = client
    return made
