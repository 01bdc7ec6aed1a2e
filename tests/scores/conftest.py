"""Fixtures of the score tests: the audit and snapshot tables are emptied after each test
(before conftest's WRITTEN_TABLES, since they point at appeals and bodies), and a scenario of
appeals made through the real services with figures worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select

from appeals.accounts.models import Role, User
from appeals.audit.models import Audit, ResponseAct, Violation
from appeals.extensions import db
from appeals.intake.applicant import rate_answer
from appeals.intake.models import Appeal, AppealKind, Decision, Satisfaction
from appeals.reference.models import Body
from appeals.scores.period import Period
from appeals.timeutil import local_date, now_utc
from appeals.work.service import answer_appeal, assign_executor
from appeals.work.terms import extend_term, forward_appeal
from tests.factories import submit

SCORE_TABLES = ("audits", "score_snapshots")


@pytest.fixture(autouse=True)
def clean_score_tables(app_ctx):
    yield
    db.session.rollback()
    for name in SCORE_TABLES:
        db.session.execute(delete(db.metadata.tables[name]))
    db.session.commit()


# September 2026 has no day off but weekends. Submitted Tue 01.09 at 11:00 in Astana: received
# that day, due 22.09 (15 working days: 2-4, 7-11, 14-18, 21-22 September).
SUBMITTED = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
DUE = date(2026, 9, 22)
# The "now" of the figures: 45 working days after 22.09 (23-30.09: 6; October: 22 weekdays
# minus Republic Day observed on Mon 26.10: 21; 2-25.11: 18).
TODAY = date(2026, 11, 25)


def utc(year: int, month: int, day: int, hour: int = 6, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def body_id(code: str) -> int:
    return db.session.execute(select(Body.id).where(Body.code == code)).scalar_one()


def period() -> Period:
    # Forwarding events are stamped with the real clock, so the period runs up to today.
    return Period(date(2026, 9, 1), max(TODAY, local_date(now_utc(), "Asia/Almaty")))


@dataclass
class Scenario:
    health: int
    police: int
    akimat: int
    appeals: dict[str, int]


def audit(appeal: Appeal, prosecutor: User, *violations: Violation) -> None:
    db.session.add(
        Audit(
            appeal_id=appeal.id,
            body_id=appeal.current_body_id,
            prosecutor_id=prosecutor.id,
            lawful=not violations,
            violations=[v.value for v in violations],
            note="checked",
            act=ResponseAct.WARNING if violations else ResponseAct.NONE,
        )
    )
    db.session.flush()


@pytest.fixture
def scenario(make_user) -> Scenario:
    """Astana's health department (H) with four appeals of September and two it forwarded;
    complaints about two of its answers decided by the police (another body)."""
    citizen = make_user()
    head = make_user(Role.HEAD, body_code="health-71")
    police_head = make_user(Role.HEAD, body_code="police-71")
    prosecutor = make_user(Role.PROSECUTOR, body_code="prosecutor-71")
    akimat = db.session.get(Body, body_id("akimat-71"))

    def new() -> Appeal:
        appeal, _ = submit(citizen, now=SUBMITTED)
        assert appeal.current_body_id == body_id("health-71")
        return appeal

    # a1: answered 10.09 (7 working days), on time; satisfied; audited lawful.
    a1 = new()
    assert a1.due_on == DUE
    answer_appeal(a1, "Appointment booked.", Decision.SATISFIED, head, at=utc(2026, 9, 10))
    rate_answer(a1, Satisfaction.SATISFIED, None, citizen)
    audit(a1, prosecutor)
    # a2: answered 22.09 at 19:30 UTC, which is 00:30 on 23.09 in Astana: one day LATE
    # although the UTC date is the due date; 16 working days; partly satisfied; audited
    # with a violation; a complaint 10 days later (followed) is upheld by the police.
    a2 = new()
    answer_appeal(a2, "Partly.", Decision.PARTLY_SATISFIED, head, at=utc(2026, 9, 22, 19, 30))
    rate_answer(a2, Satisfaction.PARTLY, "slow", citizen)
    audit(a2, prosecutor, Violation.MISSED_DEADLINE)
    # a3: extended on 15.09 to 29.09, answered 25.09 (18 working days): on time; not
    # satisfied; audited twice, the latest verdict lawful; a repeat appeal 30 days later.
    a3 = new()
    extend_term(a3, date(2026, 9, 29), "Expert opinion", head, today=date(2026, 9, 15))
    answer_appeal(a3, "Explained.", Decision.EXPLAINED, head, at=utc(2026, 9, 25))
    rate_answer(a3, Satisfaction.NOT_SATISFIED, None, citizen)
    audit(a3, prosecutor, Violation.FORMAL_REPLY)
    audit(a3, prosecutor)
    # a4: in progress, never answered: late, open and overdue now; 45 working days past
    # 22.09 is more than a whole term (15) again: very overdue.
    a4 = new()
    assign_executor(a4, head, head)
    # a6: forwarded to the akimat on 02.09 (1 working day after receipt): in time.
    a6 = new()
    assert forward_appeal(a6, akimat, "Roads, not health", head, today=date(2026, 9, 2)) is False
    # a7: forwarded on 10.09 (7 working days after receipt; the window is 3): late.
    a7 = new()
    assert forward_appeal(a7, akimat, "Not ours", head, today=date(2026, 9, 10)) is True
    db.session.commit()

    # Complaints go to another body (police), so they are not among H's own appeals.
    c1, _ = submit(citizen, category="police", kind=AppealKind.COMPLAINT, now=utc(2026, 10, 2))
    answer_appeal(c1, "Upheld.", Decision.PARTLY_SATISFIED, police_head, at=utc(2026, 10, 20))
    # Linked after its decision: upheld, it would have reopened a2 (work/reopen.py), and these
    # figures are of a2 as answered (the reopening's own effect: test_reopening_in_the_scores).
    c1.parent_id = a2.id
    # c2 about a1, filed 71 days after its answer (not a follow-up within 60 days), refused.
    c2, _ = submit(citizen, category="police", kind=AppealKind.COMPLAINT, now=utc(2026, 11, 20))
    c2.parent_id = a1.id
    answer_appeal(c2, "Refused.", Decision.REFUSED, police_head, at=utc(2026, 11, 23))
    # r3: a repeat appeal about a3, 30 days after its answer (followed). Sent on Sun 25.10,
    # registered Tue 27.10 (Mon 26.10 is a day off), due 17.11: open and late by 25.11.
    r3, _ = submit(citizen, now=utc(2026, 10, 25))
    r3.parent_id = a3.id
    r3.parent_reason = "disagrees"
    # An appeal of H due in December: outside the period.
    submit(citizen, now=utc(2026, 11, 23))
    db.session.commit()
    names = dict(a1=a1, a2=a2, a3=a3, a4=a4, a6=a6, a7=a7, c1=c1, c2=c2, r3=r3)
    return Scenario(
        health=body_id("health-71"),
        police=body_id("police-71"),
        akimat=akimat.id,
        appeals={name: appeal.id for name, appeal in names.items()},
    )
