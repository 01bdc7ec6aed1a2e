"""Fixtures of the audit's tests, shared with the desk's and the ratings' (they import them):
prosecutors of Astana, Almaty and the whole country, appeals answered by Astana's health
department, and the cleanup of the tables the desk writes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import Decision
from appeals.reference.models import Body
from appeals.work.service import answer_appeal
from tests.factories import submit

# Tables the desk writes besides conftest's WRITTEN_TABLES; emptied before the appeals go.
DESK_TABLES = ("audits", "score_snapshots")


@pytest.fixture(autouse=True)
def clean_desk_tables(app_ctx):
    """Audits and snapshots point at appeals and bodies: remove them first."""
    yield
    db.session.rollback()
    for name in DESK_TABLES:
        if name in db.metadata.tables:
            db.session.execute(delete(db.metadata.tables[name]))
    db.session.commit()


@pytest.fixture
def astana_prosecutor(make_user):
    return make_user(Role.PROSECUTOR, body_code="prosecutor-71", full_name="Astana Prosecutor")


@pytest.fixture
def almaty_prosecutor(make_user):
    return make_user(Role.PROSECUTOR, body_code="prosecutor-75", full_name="Almaty Prosecutor")


@pytest.fixture
def general_prosecutor(make_user):
    return make_user(Role.PROSECUTOR, body_code="prosecutor-00", full_name="General Prosecutor")


@pytest.fixture
def health_head(make_user):
    return make_user(Role.HEAD, body_code="health-71", full_name="Head Of Health")


@pytest.fixture
def citizen(make_user):
    return make_user(full_name="Aliya Citizen")


@pytest.fixture
def answered_appeal(citizen, health_head):
    """An Astana healthcare appeal answered (refused) by the health department."""

    def make(*, now: datetime | None = None, answered_at: datetime | None = None, **kw):
        appeal, _code = submit(citizen, now=now, **kw)
        answer_appeal(
            appeal,
            "Your request is refused: the waiting list is long.",
            Decision.REFUSED,
            health_head,
            at=answered_at,
        )
        db.session.commit()
        return appeal

    return make


def at(year: int, month: int, day: int, hour: int = 6) -> datetime:
    """A moment in UTC (06:00 UTC is 11:00 in Astana: inside the working day)."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def local_moment(day: date, hour: int = 11) -> datetime:
    """A moment on a local (Asia/Almaty) working-hours clock, as a UTC datetime."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo("Asia/Almaty")).astimezone(UTC)


def body_id(code: str) -> int:
    return db.session.execute(select(Body.id).where(Body.code == code)).scalar_one()
