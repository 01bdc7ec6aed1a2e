"""Two people acting on the same appeal at once: the second gets a clear "changed meanwhile"
message and nothing of theirs is saved, whether the change is seen by the form's version or
only at the database write."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from appeals.extensions import db
from appeals.intake.models import Appeal
from tests.conftest import PASSWORD, CommittingClient
from tests.pages import field_value
from tests.work.conftest import flashed, post_step, state

MEANWHILE = "This appeal was changed meanwhile by someone else: reload and try again."


class Browser(CommittingClient):
    """A browser of its own: its cookies, and no signed-in user carried over from another
    browser's request (the test's app context, and so flask.g, is shared by all requests)."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = Browser
    return app.test_client()


@pytest.fixture
def second_client(app):
    """Another browser, so another user is signed in at the same time."""
    app.test_client_class = Browser
    return app.test_client()


def sign_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def seen_version(client, appeal_id: int, field: str) -> str:
    return field_value(client.get(f"/work/appeals/{appeal_id}").get_data(as_text=True), field)


def test_two_heads_assign_at_once_and_the_second_is_refused(client, second_client, people, appeal):
    sign_in(client, people.head)
    sign_in(second_client, people.deputy)
    head_saw = seen_version(client, appeal.id, "assign-version")
    deputy_saw = seen_version(second_client, appeal.id, "assign-version")
    assert head_saw == deputy_saw == str(appeal.version)

    first = post_step(
        client, appeal.id, "assign", "assign", version=head_saw, executor_id=people.official.id
    )
    assert "Daniyar Omarov is now the executor." in flashed(client, first)
    after_first = state(appeal.id)

    second = post_step(
        second_client,
        appeal.id,
        "assign",
        "assign",
        version=deputy_saw,
        executor_id=people.colleague.id,
    )

    assert MEANWHILE in flashed(second_client, second)
    assert state(appeal.id) == after_first
    db.session.refresh(appeal)
    assert appeal.executor_id == people.official.id


def test_an_answer_written_over_an_extension_decision_is_refused(
    client, second_client, people, assigned
):
    """The executor's page is stale once the head extends the term: the answer is refused
    and can be sent again after a reload."""
    from datetime import timedelta

    from appeals.timeutil import local_today
    from appeals.work.service import request_extension

    request_extension(
        assigned,
        assigned.due_on + timedelta(days=7),
        "Expert",
        people.official,
        today=local_today(),
    )
    db.session.commit()
    sign_in(client, people.official)
    sign_in(second_client, people.head)
    official_saw = seen_version(client, assigned.id, "answer-version")
    head_saw = seen_version(second_client, assigned.id, "approve-version")

    approved = post_step(
        second_client, assigned.id, "extension/approve", "approve", version=head_saw
    )
    assert "extended until" in flashed(second_client, approved)
    after_approval = state(assigned.id)

    text = "We checked the facts and booked your appointment. " * 3
    answer = post_step(
        client,
        assigned.id,
        "answer",
        "answer",
        version=official_saw,
        decision="satisfied",
        text=text,
    )

    assert MEANWHILE in flashed(client, answer)
    assert state(assigned.id) == after_approval
    # After a reload the page carries the new version and the answer goes through.
    answer = post_step(client, assigned.id, "answer", "answer", decision="satisfied", text=text)
    assert "The answer is sent" in flashed(client, answer)


def test_a_step_without_the_version_is_refused(client, people, assigned):
    sign_in(client, people.head)
    before = state(assigned.id)

    response = client.post(f"/work/appeals/{assigned.id}/leave", data={"leave-ground": "no_matter"})

    assert MEANWHILE in flashed(client, response)
    assert state(assigned.id) == before


def test_an_event_only_step_moves_the_version_on(people, assigned):
    """Asking for an extension writes only an event, yet a page seen before it is stale."""
    from datetime import timedelta

    from appeals.timeutil import local_today
    from appeals.work.service import request_extension

    before = assigned.version
    request_extension(
        assigned,
        assigned.due_on + timedelta(days=7),
        "Expert",
        people.official,
        today=local_today(),
    )
    db.session.commit()
    assert assigned.version == before + 1


def test_the_database_refuses_a_write_over_a_newer_version(people, assigned):
    """Two sessions load the same row; the second writer's UPDATE matches no row."""
    from appeals.work.service import assign_executor

    appeal_id, deputy_id = assigned.id, people.deputy.id
    db.session.commit()  # the test's session holds no lock while the other one reads
    other = Session(db.engine, expire_on_commit=False)
    try:
        stale = other.get(Appeal, appeal_id)
        other.commit()  # read, then let go of SQLite's lock: the first writer goes ahead
        assign_executor(assigned, people.colleague, people.head)
        db.session.commit()

        stale.executor_id = deputy_id  # the other writer's choice, made on the old row
        with pytest.raises(StaleDataError):
            other.commit()
        other.rollback()
    finally:
        other.close()
    db.session.refresh(assigned)
    assert assigned.executor_id == people.colleague.id


def test_a_write_lost_at_the_database_is_reported_as_changed_meanwhile(
    client, people, assigned, monkeypatch
):
    """Between the version check and the write, another transaction commits (as can happen on
    PostgreSQL): SQLAlchemy's StaleDataError becomes the same message, and nothing is saved."""
    from sqlalchemy import update

    from appeals.work import service

    real_assign = service.assign_executor

    def racing_assign(appeal, executor, by):
        # Someone else's committed update, done behind the ORM's back.
        db.session.execute(
            update(Appeal)
            .where(Appeal.id == appeal.id)
            .values(version=Appeal.version + 1)
            .execution_options(synchronize_session=False)
        )
        return real_assign(appeal, executor, by)

    monkeypatch.setattr(service, "assign_executor", racing_assign)
    sign_in(client, people.head)
    before = state(assigned.id)

    response = post_step(client, assigned.id, "assign", "assign", executor_id=people.colleague.id)

    assert MEANWHILE in flashed(client, response)
    assert state(assigned.id) == before
