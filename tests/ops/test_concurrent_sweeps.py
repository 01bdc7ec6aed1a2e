"""Several RQ workers on one machine: two sweeps flagging at the same moment (two workers
that both took a sweep, or the sweep and an appeal's own overdue job) flag each appeal once,
with one event and one set of notices (on PostgreSQL the second UPDATE waits for the first's
row locks and then skips the rows it flagged; on SQLite the writers queue)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import func, select, update

from appeals.accounts.models import Role
from appeals.deadlines.jobs import mark_overdue
from appeals.extensions import db
from appeals.intake.models import Appeal, Event, EventKind
from appeals.notifications.models import Notification
from tests.factories import submit

TODAY = date(2026, 11, 25)


def test_two_sweeps_at_once_flag_each_appeal_once(app, make_user):
    citizen = make_user()
    make_user(Role.HEAD, body_code="health-71")
    make_user(Role.PROSECUTOR, body_code="prosecutor-71")
    ids = [submit(citizen)[0].id for _ in range(40)]
    db.session.execute(
        update(Appeal)
        .where(Appeal.id.in_(ids))
        .values(due_on=TODAY - timedelta(days=3), extended_until=None, status="registered")
    )
    db.session.commit()
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def sweep():
        with app.app_context():
            try:
                start.wait(10)
                results.append(mark_overdue(TODAY))
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sum(results) == 40, results
    events = db.session.execute(
        select(Event.appeal_id, func.count())
        .where(Event.kind == EventKind.OVERDUE, Event.appeal_id.in_(ids))
        .group_by(Event.appeal_id)
    ).all()
    assert len(events) == 40 and {n for _, n in events} == {1}
    notices = db.session.execute(
        select(Notification.appeal_id, Notification.user_id, func.count())
        .where(Notification.appeal_id.in_(ids), Notification.template == "appeal_overdue")
        .group_by(Notification.appeal_id, Notification.user_id)
        .having(func.count() > 1)
    ).all()
    assert notices == []  # nobody told twice of the same appeal
    told = db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.appeal_id.in_(ids), Notification.template == "appeal_overdue")
    )
    assert told == 80  # the body's head and the region's prosecutor, once each
    db.session.commit()
