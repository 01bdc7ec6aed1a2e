"""Fixtures of the prosecutor's desk tests: prosecutors of Astana, Almaty and the whole
country, and appeals answered by Astana's health department."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from appeals.accounts.models import Role
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal, Decision
from appeals.reference.models import Body
from appeals.timeutil import local_today
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


@dataclass
class HealthRecord:
    """What the scenario made for Astana's health department, and the period covering it."""

    body_id: int
    period_args: dict[str, str]
    on_time: list[Appeal]
    late: list[Appeal]
    open_overdue: list[Appeal]
    extended: Appeal
    forwarded: Appeal
    complained_about: Appeal
    audited: Appeal


@pytest.fixture
def health_record(citizen, health_head, make_user) -> HealthRecord:
    """A few months of Astana health department's work, dated back from today: answers on
    time and late, ratings, open overdue ones (one very overdue), an extension, a forwarding,
    a complaint decided by the superior body and an audit with a violation."""
    from appeals.audit.service import record_audit
    from appeals.intake.applicant import file_complaint, rate_answer
    from appeals.intake.models import Satisfaction
    from appeals.work.terms import extend_term, forward_appeal

    today = local_today()
    base = today - timedelta(days=100)
    prosecutor = make_user(Role.PROSECUTOR, body_code="prosecutor-71")
    akimat_head = make_user(Role.HEAD, body_code="akimat-71")

    def answered(day_offset: int, late: bool = False) -> Appeal:
        appeal, _ = submit(citizen, now=local_moment(base + timedelta(days=day_offset)))
        answer_day = (
            appeal.effective_due_on + timedelta(days=5)
            if late
            else appeal.registered_on + timedelta(days=3)
        )
        answer_appeal(
            appeal,
            "We have looked into it.",
            Decision.EXPLAINED,
            health_head,
            at=local_moment(answer_day),
        )
        db.session.commit()
        return appeal

    on_time = [answered(0), answered(1), answered(2)]
    rate_answer(on_time[0], Satisfaction.SATISFIED, None, citizen)
    rate_answer(on_time[1], Satisfaction.PARTLY, None, citizen)
    late = [answered(3, late=True), answered(4, late=True)]

    very_overdue, _ = submit(citizen, now=local_moment(base))
    overdue, _ = submit(citizen, now=local_moment(today - timedelta(days=30)))

    extended, _ = submit(citizen, now=local_moment(base + timedelta(days=7)))
    calendar = working_calendar()
    new_due = calendar.add_working_days(extended.due_on, 5)
    extend_term(
        extended,
        new_due,
        "An expert opinion is needed.",
        health_head,
        today=extended.registered_on + timedelta(days=1),
    )
    answer_appeal(
        extended,
        "Done after the expert opinion.",
        Decision.SATISFIED,
        health_head,
        at=local_moment(new_due - timedelta(days=1)),
    )
    db.session.commit()

    forwarded, _ = submit(citizen, now=local_moment(today - timedelta(days=3)))
    akimat = db.session.execute(select(Body).where(Body.code == "akimat-71")).scalar_one()
    forward_appeal(forwarded, akimat, "Roads are the akimat's.", health_head, today=today)
    db.session.commit()

    complained_about = late[0]
    complaint, _ = file_complaint(
        complained_about,
        "late",
        "They answered late and said nothing.",
        citizen,
        now=local_moment(complained_about.answered_at.date() + timedelta(days=2)),
    )
    db.session.commit()
    answer_appeal(
        complaint,
        "The complaint is not upheld.",
        Decision.REFUSED,
        akimat_head,
        at=local_moment(complaint.registered_on + timedelta(days=4)),
    )
    db.session.commit()

    audited = on_time[2]
    record_audit(audited, False, ["formal_reply"], "No substance.", "warning", prosecutor)
    db.session.commit()

    start = base - timedelta(days=10)
    return HealthRecord(
        body_id=body_id("health-71"),
        period_args={"period": "custom", "start": start.isoformat(), "end": today.isoformat()},
        on_time=on_time,
        late=late,
        open_overdue=[very_overdue, overdue],
        extended=extended,
        forwarded=forwarded,
        complained_about=complained_about,
        audited=audited,
    )
