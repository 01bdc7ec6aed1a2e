"""An act of response's deadline, tracked like an appeal's: reminders to the audited body's
heads, the overdue flag the day after the due date with notices to the heads and the
prosecutor, cancellation on the body's reply, and the sweep that repairs a lost Redis."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from redis import Redis
from rq import Queue
from rq.cron import CronScheduler
from rq.registry import ScheduledJobRegistry
from sqlalchemy import event, func, insert, select, update

from appeals.accounts.models import Role
from appeals.audit.act_terms import act_due_date
from appeals.audit.jobs import (
    mark_act_overdue_job,
    mark_acts_overdue,
    send_act_reminder,
    sweep_audit_acts,
)
from appeals.audit.models import Audit, ResponseAct
from appeals.audit.schedule import act_job_ids, schedule_act_jobs
from appeals.audit.service import (
    act_is_overdue,
    record_act_reply,
    record_audit,
)
from appeals.deadlines.rules import reminder_days
from appeals.deadlines.service import working_calendar
from appeals.desk.service import overdue_acts
from appeals.extensions import db
from appeals.notifications.models import Notification
from appeals.notifications.service import render_notice
from appeals.periodic import register_periodic_jobs
from appeals.timeutil import local_today
from tests.audit.conftest import local_moment
from tests.pages import by_testid

ZONE = ZoneInfo("Asia/Almaty")
QUEUES = ("default", "notifications", "sweeps")


def scheduled(redis_url: str) -> dict[str, datetime]:
    """Every scheduled job id with the moment it is due to run."""
    connection = Redis.from_url(redis_url)
    moments = {}
    for name in QUEUES:
        registry = ScheduledJobRegistry(queue=Queue(name, connection=connection))
        for job_id in registry.get_job_ids():
            moments[job_id] = registry.get_scheduled_time(job_id)
    return moments


def bring_forward(redis_url: str, job_id: str) -> None:
    """Move one scheduled job to now (RQ's own registry API)."""
    connection = Redis.from_url(redis_url)
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        registry = ScheduledJobRegistry(queue=queue)
        if job_id in registry.get_job_ids():
            registry.schedule(queue.fetch_job(job_id), datetime.now(UTC) - timedelta(seconds=1))
            return
    raise AssertionError(f"{job_id} is not scheduled")


def count(*where) -> int:
    """Notices now committed; the read's transaction ends at once (SQLite's lock is free)."""
    db.session.commit()
    n = db.session.execute(select(func.count()).select_from(Notification).where(*where)).scalar()
    db.session.commit()
    return n


def notices(template: str) -> list[Notification]:
    db.session.commit()
    rows = list(
        db.session.execute(
            select(Notification).where(Notification.template == template).order_by(Notification.id)
        ).scalars()
    )
    db.session.commit()
    return rows


def call_job(job, *args):
    """Run a job function directly, as a duplicate delivery would (own context, own session)."""
    db.session.commit()
    return job(*args)


def reload(audit: Audit) -> Audit:
    db.session.commit()
    db.session.refresh(audit)
    db.session.commit()
    return audit


@pytest.fixture
def heads(health_head, make_user):
    """Two active heads of Astana's health department; an inactive head, an official of the
    same body and the head of another body must never hear of its acts."""
    second = make_user(Role.HEAD, body_code="health-71", full_name="Deputy Head")
    retired = make_user(Role.HEAD, body_code="health-71", full_name="Retired Head")
    retired.is_active = False
    make_user(Role.OFFICIAL, body_code="health-71")
    make_user(Role.HEAD, body_code="akimat-71")
    db.session.commit()
    return [health_head, second]


@pytest.fixture
def act(answered_appeal, astana_prosecutor):
    """An act of response (a warning) decided on `today` about an answer given before it."""

    def make(today: date | None = None, act: str = "warning") -> Audit:
        decided = today or local_today()
        appeal = answered_appeal(
            now=local_moment(decided - timedelta(days=20)),
            answered_at=local_moment(decided - timedelta(days=2)),
        )
        audit = record_audit(
            appeal, False, ["red_tape"], "Sent in circles.", act, astana_prosecutor, today=today
        )
        db.session.commit()
        return audit

    return make


# --- Scheduling and reminders ---------------------------------------------------------------


def test_an_act_schedules_the_heads_reminders_and_the_overdue_check_at_local_moments(app, act):
    audit = act()
    due = audit.act_due_on
    assert due == act_due_date(local_today(), working_calendar())
    moments = scheduled(app.config["REDIS_URL"])
    expected = {
        f"act-reminder-{audit.id}-{name}-{due:%Y%m%d}": datetime.combine(day, time(9), ZONE)
        for name, day in reminder_days(due, working_calendar())
    }
    # Overdue from the day after the due date: checked just after local midnight.
    expected[f"act-overdue-{audit.id}-{due:%Y%m%d}"] = datetime.combine(
        due + timedelta(days=1), time(0, 5), ZONE
    )
    assert set(expected) == set(act_job_ids(audit.id, due))
    assert {job_id: moments.get(job_id) for job_id in expected} == expected
    # Scheduling again (a retry) replaces the jobs instead of adding to them: same ids.
    schedule_act_jobs(audit)
    db.session.commit()
    assert scheduled(app.config["REDIS_URL"]) == moments


def test_a_reminder_reaches_each_active_head_once(app, act, heads, run_jobs):
    audit = act()
    due = audit.act_due_on
    bring_forward(app.config["REDIS_URL"], f"act-reminder-{audit.id}-3_days-{due:%Y%m%d}")
    run_jobs()

    sent = notices("act_reminder")
    assert sorted(n.user_id for n in sent) == sorted(head.id for head in heads)
    assert {n.status for n in sent} == {"sent"}
    subject, body = render_notice(sent[0])
    assert audit.appeal.number in subject and "in 3 working days" in subject
    assert "warning" in body and f"{due:%d.%m.%Y}" in body
    # The same job again (a retry, or the sweep beside it) sends nothing more.
    assert call_job(send_act_reminder, audit.id, "3_days", due.isoformat()) == 0
    assert count(Notification.template == "act_reminder") == 2


def test_a_reminder_for_another_due_date_sends_nothing(act, heads):
    audit = act()
    other_day = audit.act_due_on - timedelta(days=1)
    assert call_job(send_act_reminder, audit.id, "1_day", other_day.isoformat()) == 0
    assert count(Notification.template == "act_reminder") == 0


# --- The overdue flag -----------------------------------------------------------------------


def test_an_act_is_flagged_the_day_after_its_due_date_with_notices_once(
    act, heads, astana_prosecutor
):
    audit = act(today=date(2026, 3, 2))
    due = audit.act_due_on

    assert mark_acts_overdue(due) == 0  # on the due date the body is still in time
    assert reload(audit).act_overdue_at is None
    assert count(Notification.template == "act_overdue") == 0

    assert mark_acts_overdue(due + timedelta(days=1)) == 1
    db.session.commit()
    flagged_at = reload(audit).act_overdue_at
    assert flagged_at is not None
    sent = notices("act_overdue")
    assert sorted(n.user_id for n in sent) == sorted(
        [head.id for head in heads] + [astana_prosecutor.id]
    )
    by_user = {n.user_id: render_notice(n) for n in sent}
    subject, body = by_user[heads[0].id]
    assert audit.appeal.number in subject
    assert "warning" in body and f"{due:%d.%m.%Y}" in body
    subject, body = by_user[astana_prosecutor.id]
    assert audit.body.name_en in subject and audit.appeal.number in subject

    # Later days, the scheduled job and the sweep beside it: nothing more.
    assert mark_acts_overdue(due + timedelta(days=5)) == 0
    assert call_job(mark_act_overdue_job, audit.id) == 0
    assert call_job(sweep_audit_acts) == {"flagged": 0, "reminders": 0}
    assert count(Notification.template == "act_overdue") == 3
    assert reload(audit).act_overdue_at == flagged_at


def test_the_scheduled_overdue_check_flags_an_act_past_its_date_and_delivers(
    act, heads, astana_prosecutor, run_jobs
):
    # Decided 40 days ago: its 30-day term has run out, so the check is queued for now.
    audit = act(today=local_today() - timedelta(days=40))
    run_jobs()
    assert reload(audit).act_overdue_at is not None
    assert count(Notification.template == "act_overdue", Notification.status == "sent") == 3


def test_a_replied_act_is_never_flagged_and_its_jobs_are_cancelled(
    app, act, heads, astana_prosecutor, run_jobs
):
    audit = act()
    due = audit.act_due_on
    ids = set(act_job_ids(audit.id, due))
    assert ids <= set(scheduled(app.config["REDIS_URL"]))

    record_act_reply(audit, astana_prosecutor)
    db.session.commit()

    assert not ids & set(scheduled(app.config["REDIS_URL"]))
    assert mark_acts_overdue(due + timedelta(days=10)) == 0
    assert call_job(send_act_reminder, audit.id, "due_today", due.isoformat()) == 0
    run_jobs()
    assert reload(audit).act_overdue_at is None
    assert count(Notification.template.in_(["act_overdue", "act_reminder"])) == 0


def test_a_late_reply_keeps_the_overdue_flag_and_the_page_shows_both(
    client, login, act, astana_prosecutor
):
    audit = act(today=date(2026, 3, 2))
    assert mark_acts_overdue(audit.act_due_on + timedelta(days=1)) == 1
    db.session.commit()
    flagged_at = reload(audit).act_overdue_at
    login(astana_prosecutor)

    page = client.get(f"/prosecutor/appeals/{audit.appeal_id}").get_data(as_text=True)
    shown = by_testid(page, "act-flagged-overdue")
    assert shown is not None
    assert flagged_at.astimezone(ZONE).strftime("%d.%m.%Y %H:%M") in shown.text()
    assert "answered late" not in shown.text()

    assert client.post(f"/prosecutor/audits/{audit.id}/reply").status_code == 302
    assert reload(audit).act_overdue_at == flagged_at  # never cleared
    page = client.get(f"/prosecutor/appeals/{audit.appeal_id}").get_data(as_text=True)
    assert by_testid(page, "act-overdue") is None
    assert "answered late" in by_testid(page, "act-flagged-overdue").text()
    body_page = client.get(f"/prosecutor/bodies/{audit.body_id}").get_data(as_text=True)
    assert by_testid(body_page, "act-answered-late") is not None


def test_a_verdict_without_an_act_schedules_nothing_and_is_never_flagged(
    app, answered_appeal, astana_prosecutor, heads
):
    lawful = record_audit(answered_appeal(), True, [], "", "none", astana_prosecutor)
    no_act = record_audit(
        answered_appeal(), False, ["red_tape"], "Slow.", "none", astana_prosecutor
    )
    db.session.commit()
    assert lawful.act_due_on is None and no_act.act_due_on is None
    assert not [job_id for job_id in scheduled(app.config["REDIS_URL"]) if "act-" in job_id]
    assert mark_acts_overdue(local_today() + timedelta(days=400)) == 0
    assert call_job(sweep_audit_acts) == {"flagged": 0, "reminders": 0}
    assert reload(lawful).act_overdue_at is None and reload(no_act).act_overdue_at is None
    assert count(Notification.template.in_(["act_overdue", "act_reminder"])) == 0


# --- The sweep ------------------------------------------------------------------------------


def test_the_sweep_repairs_a_flushed_redis_and_a_second_run_does_nothing(
    app, act, heads, astana_prosecutor, run_jobs, redis_server
):
    audit = act(today=local_today() - timedelta(days=40))
    Redis.from_url(redis_server.url).flushdb()  # the overdue check is lost with Redis
    run_jobs()
    assert reload(audit).act_overdue_at is None

    Queue("sweeps", connection=Redis.from_url(redis_server.url)).enqueue(sweep_audit_acts)
    run_jobs()
    assert reload(audit).act_overdue_at is not None
    assert count(Notification.template == "act_overdue", Notification.status == "sent") == 3

    assert call_job(sweep_audit_acts) == {"flagged": 0, "reminders": 0}
    run_jobs()
    assert count(Notification.template == "act_overdue") == 3


def test_the_sweep_sends_the_reminder_redis_lost_only_once(app, act, heads, run_jobs):
    # The act is due today: the moments of all three reminders have come.
    audit = act()
    db.session.execute(update(Audit).where(Audit.id == audit.id).values(act_due_on=local_today()))
    db.session.commit()
    Redis.from_url(app.config["REDIS_URL"]).flushdb()
    app.config["REMINDER_HOUR"] = 0
    try:
        assert call_job(sweep_audit_acts) == {"flagged": 0, "reminders": 1}
        run_jobs()
        # Only the reminder that still makes sense: not "3 days left" on the due date itself.
        sent = notices("act_reminder")
        assert {n.payload["reminder"] for n in sent} == {"due_today"}
        assert sorted(n.user_id for n in sent) == sorted(head.id for head in heads)
        assert call_job(sweep_audit_acts) == {"flagged": 0, "reminders": 0}
    finally:
        app.config["REMINDER_HOUR"] = 9
    assert count(Notification.template == "act_reminder") == 2


def test_the_cron_scheduler_runs_the_act_sweep_with_the_deadline_interval(
    app, act, heads, run_jobs, redis_server
):
    audit = act(today=local_today() - timedelta(days=40))
    connection = Redis.from_url(redis_server.url)
    connection.flushdb()  # only the sweep can catch the act now
    scheduler = CronScheduler(connection=connection)
    register_periodic_jobs(scheduler, app.config)
    jobs = {job.func_name.rsplit(".", 1)[-1]: job for job in scheduler.get_jobs()}
    assert jobs["sweep_audit_acts"].interval == app.config["DEADLINE_SWEEP_SECONDS"]
    assert jobs["sweep_audit_acts"].queue_name == "sweeps"
    scheduler.enqueue_jobs()
    run_jobs()
    assert reload(audit).act_overdue_at is not None


# --- Many acts at once ----------------------------------------------------------------------


def test_many_acts_are_flagged_in_one_statement_and_agree_with_the_desk(
    app, answered_appeal, heads, astana_prosecutor, general_prosecutor
):
    """120 acts of every kind on one appeal: the overdue ones flagged by one UPDATE, each
    with notices to the two heads and to its own prosecutor, in a few statements in all."""
    appeal = answered_appeal()
    body_id = appeal.current_body_id
    today = date(2026, 6, 15)
    stamp = datetime(2026, 5, 1, tzinfo=UTC)
    kinds = [
        # (act, due, answered_at, overdue_at, should be flagged)
        ("warning", today - timedelta(days=1), None, None, True),
        ("representation", today - timedelta(days=30), None, None, True),
        ("warning", today, None, None, False),  # due today: still in time
        ("warning", today + timedelta(days=3), None, None, False),
        ("warning", today - timedelta(days=5), stamp, None, False),  # answered
        ("warning", today - timedelta(days=40), None, stamp, False),  # flagged before
        ("none", None, None, None, False),
    ]
    rows = []
    for n in range(120):
        kind, due, answered_at, overdue_at, _ = kinds[n % len(kinds)]
        rows.append(
            {
                "appeal_id": appeal.id,
                "body_id": body_id,
                "prosecutor_id": (astana_prosecutor if n % 2 else general_prosecutor).id,
                "lawful": kind == "none",
                "violations": [] if kind == "none" else ["red_tape"],
                "note": "",
                "act": kind,
                "act_due_on": due,
                "act_answered_at": answered_at,
                "act_overdue_at": overdue_at,
                "created_at": stamp,
            }
        )
    db.session.execute(insert(Audit), rows)
    db.session.commit()
    ids = db.session.execute(select(Audit.id).order_by(Audit.id)).scalars().all()
    db.session.commit()
    expected = [audit_id for n, audit_id in enumerate(ids) if kinds[n % len(kinds)][4]]
    to_astana = [audit_id for n, audit_id in enumerate(ids) if kinds[n % len(kinds)][4] and n % 2]
    assert len(expected) == 35 and 0 < len(to_astana) < 35

    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()[:2]).upper())

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert mark_acts_overdue(today) == len(expected)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    db.session.commit()

    # The UPDATE, a read of the acts, one of the recipients, the bulk insert: not one per act.
    assert [s for s in statements if not s.startswith("BEGIN")] == [
        "UPDATE AUDITS",
        "SELECT AUDITS.ID,",
        "SELECT USERS.ID,",
        "INSERT INTO",
    ]
    flagged = sorted(
        db.session.execute(
            select(Audit.id).where(Audit.act_overdue_at.is_not(None), Audit.act_overdue_at != stamp)
        ).scalars()
    )
    assert flagged == expected
    by_user = dict(
        db.session.execute(
            select(Notification.user_id, func.count())
            .where(Notification.template == "act_overdue")
            .group_by(Notification.user_id)
        ).all()
    )
    assert by_user == {
        heads[0].id: 35,
        heads[1].id: 35,
        astana_prosecutor.id: len(to_astana),
        general_prosecutor.id: 35 - len(to_astana),
    }
    # The desk's list, read from the dates, names exactly the acts the sweep flagged and
    # left unanswered (the ones flagged before included).
    desk = {audit.id for audit in overdue_acts(None, today=today, limit=1000)}
    unanswered_flagged = set(
        db.session.execute(
            select(Audit.id).where(
                Audit.act_overdue_at.is_not(None), Audit.act_answered_at.is_(None)
            )
        ).scalars()
    )
    assert desk == unanswered_flagged
    audits = db.session.execute(select(Audit)).scalars().all()
    assert {a.id for a in audits if act_is_overdue(a, today)} == desk
    assert all(a.act != ResponseAct.NONE for a in audits if a.id in desk)
    db.session.commit()
