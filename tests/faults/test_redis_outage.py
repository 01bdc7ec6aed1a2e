"""Redis stopped in the middle of 50 submissions (and restarted empty, as one without its
append-only file would be): all 50 are registered and numbered without a gap, nothing is
lost, and the sweeps give back what Redis lost: every receipt notice delivered once, every
appeal's reminder when its day comes, every overdue flag once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from redis import Redis
from sqlalchemy import func, select

from appeals.deadlines.jobs import mark_overdue, missing_reminders
from appeals.deadlines.rules import reminder_days
from appeals.deadlines.schedule import site_zone
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus, Event, EventKind
from appeals.localredis import LocalRedis
from appeals.notifications.jobs import requeue_pending_notifications
from appeals.notifications.models import Notification, NotificationStatus
from appeals.queues import send_pending_jobs
from tests.conftest import BurstWorker
from tests.samples import appeal_fields

SUBMISSIONS, STOPPED_AFTER = 50, 20


def _run_jobs(app, url: str) -> None:
    db.session.commit()
    BurstWorker(app.config["RQ_QUEUES"], connection=Redis.from_url(url)).work(burst=True)


def test_fifty_submissions_with_redis_stopped_half_way(
    app, client, login, make_user, monkeypatch, tmp_path
):
    make_user(role="head", body_code="health-71")  # hears of the reminders before assignment
    login(make_user(email="dana@example.kz"))
    monkeypatch.setitem(app.config, "NOTIFICATION_SWEEP_SECONDS", 0)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")  # notices to the log, marked sent
    redis = LocalRedis(data_dir=str(tmp_path / "redis")).start()
    port = redis.port
    monkeypatch.setitem(app.config, "REDIS_URL", redis.url)
    receipts = []
    try:
        for n in range(SUBMISSIONS):
            if n == STOPPED_AFTER:
                redis.stop()  # in the middle: the rest are submitted with Redis down
            response = client.post("/appeals/new", data=appeal_fields(subject=f"Appeal {n}"))
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            receipts.append(response.headers["Location"])
    finally:
        redis.stop()

    numbers = db.session.execute(select(Appeal.number).order_by(Appeal.id)).scalars().all()
    assert len(numbers) == SUBMISSIONS and all("/receipt" in r for r in receipts)
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, SUBMISSIONS + 1))
    statuses = set(db.session.execute(select(Appeal.status)).scalars())
    assert statuses == {AppealStatus.REGISTERED}
    db.session.commit()

    # Redis is back on its port, empty: every queued and scheduled job is gone.
    redis = LocalRedis(port=port, data_dir=str(tmp_path / "redis-again")).start()
    try:
        assert Redis.from_url(redis.url).dbsize() == 0
        assert requeue_pending_notifications() == SUBMISSIONS  # the notification sweep
        _run_jobs(app, redis.url)
        sent = db.session.execute(
            select(Notification.status, func.count(), func.max(Notification.attempts)).group_by(
                Notification.status
            )
        ).all()
        db.session.commit()  # the sweep below writes in a session of its own
        assert sent == [(NotificationStatus.SENT, SUBMISSIONS, 1)]  # each once
        assert requeue_pending_notifications() == 0

        # The deadline sweep on the day of the first reminder: each appeal's is given back.
        due = db.session.execute(select(func.min(Appeal.due_on))).scalar_one()
        first_reminder, day = reminder_days(due, working_calendar())[0]
        reminder_time = datetime.combine(day, time(app.config["REMINDER_HOUR"], 30), site_zone())
        assert send_pending_jobs(missing_reminders(reminder_time)) == SUBMISSIONS
        _run_jobs(app, redis.url)
        reminded = db.session.execute(
            select(func.count(func.distinct(Event.appeal_id))).where(
                Event.kind == EventKind.REMINDED
            )
        ).scalar_one()
        assert reminded == SUBMISSIONS and first_reminder
        assert len(missing_reminders(reminder_time)) == 0  # the next sweep: none left

        # The overdue flags, set-based by the sweep the day after: each appeal once.
        assert mark_overdue(due + timedelta(days=1)) == SUBMISSIONS
        assert mark_overdue(due + timedelta(days=1)) == 0
        db.session.commit()
        overdue_events = db.session.execute(
            select(func.count()).where(Event.kind == EventKind.OVERDUE)
        ).scalar_one()
        assert overdue_events == SUBMISSIONS
    finally:
        redis.stop()
