"""Deadline jobs with a real Redis and a real RQ worker: reminders, overdue, rescheduling,
the sweep, and intake while Redis is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from appeals.accounts.models import Role
from appeals.deadlines.jobs import mark_overdue_job, send_reminder, sweep_deadlines
from appeals.deadlines.schedule import deadline_job_ids
from appeals.extensions import db
from appeals.intake.models import Appeal, Event, EventKind
from appeals.localredis import LocalRedis
from appeals.notifications.models import Notification
from appeals.timeutil import local_today, now_utc
from appeals.work.terms import extend_term
from tests.factories import ASTANA, category_id, region_id, submit


def scheduled_ids(redis_url: str) -> set[str]:
    connection = Redis.from_url(redis_url)
    ids: set[str] = set()
    for name in ("default", "notifications", "sweeps"):
        ids.update(ScheduledJobRegistry(queue=Queue(name, connection=connection)).get_job_ids())
    return ids


def bring_forward(redis_url: str, prefix: str) -> int:
    """Move the scheduled jobs whose id starts with `prefix` to now (RQ's own registry API)."""
    connection = Redis.from_url(redis_url)
    moved = 0
    for name in ("default", "notifications", "sweeps"):
        queue = Queue(name, connection=connection)
        registry = ScheduledJobRegistry(queue=queue)
        for job_id in registry.get_job_ids():
            if job_id.startswith(prefix):
                registry.schedule(queue.fetch_job(job_id), datetime.now(UTC) - timedelta(seconds=1))
                moved += 1
    return moved


def count(model, *where) -> int:
    """Rows now committed; the read's transaction ends at once, so SQLite's lock is free."""
    db.session.commit()
    n = db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    db.session.commit()
    return n


def call_job(job, *args):
    """Run a job function directly, as a duplicate delivery would (own context, own session)."""
    db.session.commit()
    return job(*args)


@pytest.fixture
def staff(make_user):
    """The head and an official of Astana's health department, and the regional prosecutor."""
    return {
        "head": make_user(Role.HEAD, body_code="health-71"),
        "official": make_user(Role.OFFICIAL, body_code="health-71"),
        "prosecutor": make_user(Role.PROSECUTOR, body_code="prosecutor-71"),
    }


def test_registration_schedules_three_reminders_and_the_overdue_check(app, make_user):
    appeal, _ = submit(make_user())
    expected = set(deadline_job_ids(appeal.id, appeal.due_on))
    assert len(expected) == 4
    assert expected <= scheduled_ids(app.config["REDIS_URL"])


def test_reminder_reaches_the_heads_once_even_if_run_twice(app, make_user, staff, run_jobs):
    appeal, _ = submit(make_user())
    assert bring_forward(app.config["REDIS_URL"], f"reminder-{appeal.id}-3_days") == 1
    run_jobs()
    reminders = [Notification.template == "deadline_reminder", Notification.appeal_id == appeal.id]
    assert count(Notification, *reminders) == 1  # the one head; no executor yet
    assert count(Event, Event.appeal_id == appeal.id, Event.kind == EventKind.REMINDED) == 1
    # The same job again (a retry, or the sweep beside it) sends nothing more.
    call_job(send_reminder, appeal.id, "3_days", appeal.due_on.isoformat())
    assert count(Notification, *reminders) == 1
    assert count(Event, Event.appeal_id == appeal.id, Event.kind == EventKind.REMINDED) == 1


def test_overdue_is_marked_once_with_notices_to_head_and_prosecutor(
    app, make_user, staff, run_jobs
):
    # Submitted 40 days ago: its due date has passed, so the overdue check is queued for now.
    appeal, _ = submit(make_user(), now=now_utc() - timedelta(days=40))
    run_jobs()
    db.session.refresh(appeal)
    assert appeal.is_overdue
    assert count(Event, Event.appeal_id == appeal.id, Event.kind == EventKind.OVERDUE) == 1
    notified = set(
        db.session.execute(
            select(Notification.user_id).where(Notification.template == "appeal_overdue")
        ).scalars()
    )
    assert notified == {staff["head"].id, staff["prosecutor"].id}
    assert (
        count(
            Notification, Notification.template == "appeal_overdue", Notification.status == "sent"
        )
        == 2
    )
    call_job(mark_overdue_job, appeal.id)
    call_job(sweep_deadlines)
    assert count(Event, Event.appeal_id == appeal.id, Event.kind == EventKind.OVERDUE) == 1
    assert count(Notification, Notification.template == "appeal_overdue") == 2


def test_extension_reschedules_the_jobs(app, make_user, staff):
    appeal, _ = submit(make_user())
    old_jobs = set(deadline_job_ids(appeal.id, appeal.due_on))
    today = appeal.registered_on
    extend_term(
        appeal,
        appeal.due_on + timedelta(days=14),
        "Expert opinion awaited",
        staff["head"],
        today=today,
    )
    db.session.commit()
    now_scheduled = scheduled_ids(app.config["REDIS_URL"])
    assert not (old_jobs & now_scheduled)
    assert set(deadline_job_ids(appeal.id, appeal.extended_until)) <= now_scheduled


def test_sweep_repairs_a_flushed_redis(app, make_user, staff, run_jobs, redis_server):
    appeal, _ = submit(make_user(), now=now_utc() - timedelta(days=40))
    Redis.from_url(redis_server.url).flushdb()  # the overdue job and the notices are lost
    run_jobs()
    db.session.refresh(appeal)
    assert not appeal.is_overdue
    Queue("sweeps", connection=Redis.from_url(redis_server.url)).enqueue(sweep_deadlines)
    run_jobs()
    db.session.refresh(appeal)
    assert appeal.is_overdue
    assert (
        count(
            Notification, Notification.template == "appeal_overdue", Notification.status == "sent"
        )
        == 2
    )


def test_reminder_lost_with_redis_is_sent_by_the_sweep(app, make_user, staff, run_jobs):
    # Its due date moved to today: the moments of all three reminders have come.
    appeal, _ = submit(make_user())
    db.session.execute(
        Appeal.__table__.update().where(Appeal.id == appeal.id).values(due_on=local_today())
    )
    db.session.commit()
    Redis.from_url(app.config["REDIS_URL"]).flushdb()
    app.config["REMINDER_HOUR"] = 0
    try:
        call_job(sweep_deadlines)
        run_jobs()
    finally:
        app.config["REMINDER_HOUR"] = 9
    reminded = (
        db.session.execute(
            select(Event.data).where(Event.appeal_id == appeal.id, Event.kind == EventKind.REMINDED)
        )
        .scalars()
        .all()
    )
    db.session.commit()
    # Only the reminder that still makes sense: not "3 days left" on the due date itself.
    assert [data["reminder"] for data in reminded] == ["due_today"]


def test_intake_works_while_redis_is_down_and_the_sweep_catches_up(
    app, make_user, client, login, run_jobs
):
    """A real Redis, stopped: the appeal is still registered; once Redis is back, the sweep
    queues the overdue check and the notice that were never sent."""
    citizen = make_user()
    login(citizen)
    original = app.config["REDIS_URL"]
    outage = LocalRedis().start()
    app.config["REDIS_URL"] = outage.url
    outage.stop()
    try:
        response = client.post(
            "/appeals/new",
            data={
                "kind": "statement",
                "category_id": category_id("healthcare"),
                "region_id": region_id(ASTANA),
                "subject": "Queue at the clinic",
                "text": "Every morning the queue at the clinic is three hours long.",
            },
        )
        assert response.status_code == 302
        appeal = db.session.execute(select(Appeal)).scalar_one()
        assert appeal.number and appeal.status == "registered"
        assert count(Notification, Notification.status == "pending") == 1
    finally:
        app.config["REDIS_URL"] = original
    app.config["NOTIFICATION_SWEEP_SECONDS"] = 0
    try:
        from appeals.notifications.jobs import requeue_pending_notifications

        assert call_job(requeue_pending_notifications) == 1
    finally:
        app.config["NOTIFICATION_SWEEP_SECONDS"] = 120
    run_jobs()  # the worker of the healthy server delivers it
    assert count(Notification, Notification.status == "sent") == 1
