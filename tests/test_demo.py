"""The demo data tells a story whose dates agree: every appeal is submitted, then registered,
assigned and answered in that order, its timeline is in order, and nothing is in the future."""

from __future__ import annotations

from sqlalchemy import select

from appeals.demo import load_demo
from appeals.extensions import db
from appeals.intake.models import Appeal, Event, EventKind
from appeals.timeutil import local_date, now_utc


def test_every_demo_appeal_has_its_dates_in_order(app):
    load_demo()
    db.session.commit()
    zone = app.config["TIMEZONE"]
    now = now_utc()
    appeals = db.session.execute(select(Appeal)).scalars().all()
    assert len(appeals) == 36
    answered = 0
    for appeal in appeals:
        events = (
            db.session.execute(select(Event).where(Event.appeal_id == appeal.id).order_by(Event.id))
            .scalars()
            .all()
        )
        times = [event.created_at for event in events]
        story = f"{appeal.number}: {[(e.kind, e.created_at) for e in events]}"
        assert times == sorted(times), story
        assert times[0] == appeal.submitted_at, story
        assert times[-1] <= now, story
        assert local_date(appeal.submitted_at, zone) <= appeal.registered_on, story
        routed = [e.created_at for e in events if e.kind == EventKind.ROUTED]
        assert all(local_date(at, zone) == appeal.registered_on for at in routed), story
        assert appeal.registered_on <= local_date(now, zone), story
        assigned = [e.created_at for e in events if e.kind == EventKind.ASSIGNED]
        if appeal.answered_at is not None:
            answered += 1
            assert assigned and assigned[0] <= appeal.answered_at <= now, story
            assert all(answer.created_at == appeal.answered_at for answer in appeal.answers)
            answer_events = [e.created_at for e in events if e.kind == EventKind.ANSWERED]
            assert answer_events == [appeal.answered_at], story
        if appeal.closed_at is not None:
            assert times[-1] <= appeal.closed_at <= now, story
    assert answered > 0  # the check above ran on answered appeals, not only on open ones
