"""Demo data for a first start: one account per role and appeals in the states the services
can reach today, so each role's pages show something real. Runs once; later calls only list
the accounts."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from appeals.accounts.models import Role, User
from appeals.accounts.service import create_user
from appeals.deadlines.service import registration_day, working_calendar
from appeals.extensions import db
from appeals.intake.applicant import rate_answer, withdraw_appeal
from appeals.intake.models import Appeal, AppealKind, Decision, Event, EventKind, Satisfaction
from appeals.intake.service import NewAppeal, submit_appeal
from appeals.integrity import append_only_lifted
from appeals.reference.models import Body, Category, Region
from appeals.timeutil import local_date, now_utc
from appeals.work.service import answer_appeal, assign_executor

DEMO_PASSWORD = "demo-pass-2026"
ACCOUNTS = [
    ("citizen@demo.kz", "Aigerim Seitkali", Role.CITIZEN, None),
    ("official@demo.kz", "Daniyar Omarov", Role.OFFICIAL, "health-71"),
    ("head@demo.kz", "Saule Bekova", Role.HEAD, "health-71"),
    ("prosecutor@demo.kz", "Nurlan Zhaksybekov", Role.PROSECUTOR, "prosecutor-71"),
    ("admin@demo.kz", "System Administrator", Role.ADMIN, None),
]
SUBJECTS = [
    ("No appointment with a cardiologist for two months", "healthcare"),
    ("Clinic refuses to register my child", "healthcare"),
    ("Free medicines not available at the pharmacy", "healthcare"),
    ("Ambulance arrived after an hour", "healthcare"),
    ("Hospital demands payment for a free operation", "healthcare"),
    ("No heating in our block since October", "utilities_housing"),
    ("Potholes on the road to the school", "roads_transport"),
    ("School bus stopped running", "education"),
]


def load_demo(seed: int = 2026) -> list[tuple[str, str, str]]:
    """Create the demo once; return the accounts as (e-mail, password, role)."""
    listing = [(email, DEMO_PASSWORD, str(role)) for email, _, role, _ in ACCOUNTS]
    if db.session.execute(select(User.id).where(User.email == ACCOUNTS[0][0])).first():
        return listing
    bodies = dict(db.session.execute(select(Body.code, Body.id)).all())
    users = {
        role: create_user(email, DEMO_PASSWORD, name, role, body_id=bodies.get(body_code))
        for email, name, role, body_code in ACCOUNTS
    }
    citizen, official, head = users[Role.CITIZEN], users[Role.OFFICIAL], users[Role.HEAD]
    categories = dict(db.session.execute(select(Category.code, Category.id)).all())
    astana = db.session.execute(select(Region.id).where(Region.code == "710000000")).scalar_one()

    rng = random.Random(seed)
    now = now_utc()
    timezone = current_app.config["TIMEZONE"]
    zone = ZoneInfo(timezone)
    calendar = working_calendar()
    for index in range(36):
        subject, category = SUBJECTS[index % len(SUBJECTS)]
        submitted = now - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 8))
        # Not registered in the future: one sent on a day off is registered on the next
        # working day, which must have come already.
        while registration_day(submitted, calendar) > local_date(now, timezone):
            submitted -= timedelta(days=1)
        appeal, _code = submit_appeal(
            citizen,
            NewAppeal(
                kind=rng.choice([AppealKind.STATEMENT, AppealKind.REPORT, AppealKind.REQUEST]),
                category_id=categories[category],
                region_id=astana,
                subject=subject,
                text=f"{subject}. I ask you to look into this and to answer me in writing. "
                f"(demo appeal {index + 1})",
            ),
            now=submitted,
        )
        # The steps run now; their rows are dated back along one timeline, each step after
        # the one before it and none after now.
        assert appeal.registered_on is not None
        opening = datetime.combine(appeal.registered_on, time(9), tzinfo=zone)
        registered = min(max(submitted, opening), now)
        dated: set[int] = set()
        _date_events(appeal, dated, submitted, registered)
        if appeal.current_body_id != bodies["health-71"]:
            continue  # other bodies' appeals stay registered: their staff are not in the demo
        step = index % 6
        at = registered
        if step == 1:
            at = _later(at, timedelta(hours=rng.randint(1, 30)), now)
            withdraw_appeal(appeal, citizen, "Solved without the body's help.")
            appeal.closed_at = at
            _date_events(appeal, dated, at)
        if step >= 2:
            at = _later(at, timedelta(hours=rng.randint(1, 26)), now)
            assign_executor(appeal, official, head)
            _date_events(appeal, dated, at)
        if step >= 3:
            at = _later(at, timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8)), now)
            answer_appeal(
                appeal,
                "We checked the facts you report. The clinic has been instructed to act; "
                "you may complain to the Ministry of Health or to the court.",
                rng.choice(list(Decision)),
                official,
                at=at,
            )
            for answer in appeal.answers:
                answer.created_at = at
            _date_events(appeal, dated, at)
        if step >= 4:
            at = _later(at, timedelta(hours=rng.randint(1, 48)), now)
            rate_answer(appeal, rng.choice(list(Satisfaction)), "Thank you.", citizen)
            appeal.closed_at = at
            _date_events(appeal, dated, at)
    db.session.flush()
    return listing


def _later(at: datetime, after: timedelta, now: datetime) -> datetime:
    """The next step's time: after the last one, and not in the future."""
    return min(at + after, now)


def _date_events(appeal: Appeal, dated: set[int], at: datetime, routed: datetime | None = None):
    """Date the appeal's events written since the last call at the step's time (routing and
    registration at `routed` when given)."""
    db.session.flush()
    fresh = db.session.execute(
        select(Event).where(Event.appeal_id == appeal.id, Event.id.not_in(dated or {0}))
    ).scalars()
    # The timeline is append-only in the database too: the demo back-dates its own fresh
    # events under the permit (integrity.py), within this transaction only.
    with append_only_lifted("demo: date the demo appeals' steps"):
        for event in fresh:
            event.created_at = at if routed is None or event.kind == EventKind.SUBMITTED else routed
            dated.add(event.id)
        db.session.flush()
