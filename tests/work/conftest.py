"""People and appeals for the workspace tests, and helpers that post a step the way the page
does: with the prefix of its form and the appeal's version as the user saw it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from appeals.accounts.models import Role, User
from appeals.extensions import db
from appeals.intake.models import Answer, Appeal, Event
from appeals.notifications.models import Notification
from tests.factories import submit
from tests.pages import page_text


@dataclass
class People:
    citizen: User
    other_citizen: User
    official: User  # of health-71, the body that gets healthcare appeals from Astana
    colleague: User  # another official of health-71
    head: User  # of health-71
    deputy: User  # a second head of health-71
    superior_head: User  # of akimat-71, health-71's superior body
    stranger: User  # an official of health-75 (Almaty)
    stranger_head: User  # the head of health-75
    prosecutor: User
    admin: User


@pytest.fixture
def people(make_user) -> People:
    return People(
        citizen=make_user(full_name="Aigerim Sadykova"),
        other_citizen=make_user(full_name="Bolat Nurlanov"),
        official=make_user(Role.OFFICIAL, body_code="health-71", full_name="Daniyar Omarov"),
        colleague=make_user(Role.OFFICIAL, body_code="health-71", full_name="Gulnara Abenova"),
        head=make_user(Role.HEAD, body_code="health-71", full_name="Saule Bekova"),
        deputy=make_user(Role.HEAD, body_code="health-71", full_name="Marat Deputy"),
        superior_head=make_user(Role.HEAD, body_code="akimat-71", full_name="Akim Head"),
        stranger=make_user(Role.OFFICIAL, body_code="health-75", full_name="Almaty Official"),
        stranger_head=make_user(Role.HEAD, body_code="health-75", full_name="Almaty Head"),
        prosecutor=make_user(Role.PROSECUTOR, body_code="prosecutor-71"),
        admin=make_user(Role.ADMIN),
    )


@pytest.fixture
def appeal(people) -> Appeal:
    """A healthcare statement from Astana, registered today at health-71, not yet assigned."""
    appeal, _ = submit(people.citizen)
    assert appeal.current_body.code == "health-71"
    return appeal


@pytest.fixture
def assigned(appeal, people) -> Appeal:
    """The appeal in progress, with the official as its executor."""
    from appeals.work.service import assign_executor

    assign_executor(appeal, people.official, people.head)
    db.session.commit()
    return appeal


def version_of(appeal_id: int) -> int:
    value = db.session.execute(select(Appeal.version).where(Appeal.id == appeal_id)).scalar_one()
    db.session.commit()  # hold no transaction while a request writes
    return value


def post_step(client, appeal_id: int, path: str, prefix: str, version=None, **fields):
    """Post one step's form; the version defaults to the appeal's present one."""
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    data[f"{prefix}-version"] = version_of(appeal_id) if version is None else version
    url = f"/work/appeals/{appeal_id}/{path}" if path else f"/work/appeals/{appeal_id}"
    return client.post(url, data=data)


def flashed(client, response) -> str:
    """The text of the page a refused or accepted step redirects to."""
    assert response.status_code == 302, response.status_code
    return page_text(client.get(response.headers["Location"]).get_data(as_text=True))


def state(appeal_id: int) -> tuple:
    """What a user would notice changed: the appeal's fields, its timeline, answers, notices."""
    row = db.session.execute(
        select(
            Appeal.status,
            Appeal.executor_id,
            Appeal.current_body_id,
            Appeal.due_on,
            Appeal.extended_until,
            Appeal.satisfaction,
            Appeal.version,
        ).where(Appeal.id == appeal_id)
    ).one()
    counts = tuple(
        db.session.execute(select(func.count()).where(column == appeal_id)).scalar_one()
        for column in (Event.appeal_id, Answer.appeal_id, Notification.appeal_id)
    )
    appeals = db.session.execute(select(func.count(Appeal.id))).scalar_one()
    db.session.commit()
    return (*row, *counts, appeals)


def events_of(appeal_id: int) -> list[Event]:
    rows = (
        db.session.execute(select(Event).where(Event.appeal_id == appeal_id).order_by(Event.id))
        .scalars()
        .all()
    )
    db.session.commit()
    return rows


def notices_of(appeal_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Notification.template, Notification.address)
        .where(Notification.appeal_id == appeal_id)
        .order_by(Notification.id)
    ).all()
    db.session.commit()
    return [tuple(r) for r in rows]
