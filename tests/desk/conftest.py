"""Fixtures of the prosecutor's desk tests: the audit's fixtures (prosecutors, a citizen, the
health department's head, the tables' cleanup), and a few months of the health department's
work to read the desk's figures from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.audit.service import record_audit
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.applicant import file_complaint, rate_answer
from appeals.intake.models import Appeal, Decision, Satisfaction
from appeals.reference.models import Body
from appeals.timeutil import local_today
from appeals.work.service import answer_appeal
from appeals.work.terms import extend_term, forward_appeal
from tests.audit.conftest import (  # noqa: F401  (fixtures)
    almaty_prosecutor,
    answered_appeal,
    astana_prosecutor,
    body_id,
    citizen,
    clean_desk_tables,
    general_prosecutor,
    health_head,
    local_moment,
)
from tests.factories import submit


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
def health_record(citizen, health_head, make_user) -> HealthRecord:  # noqa: F811
    """A few months of Astana health department's work, dated back from today: answers on
    time and late, ratings, open overdue ones (one very overdue), an extension, a forwarding,
    a complaint decided by the superior body and an audit with a violation."""
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
