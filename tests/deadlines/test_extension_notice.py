"""The applicant must be told of an extension within 3 working days of the decision (DESIGN,
"Deadlines"): the pure rule over the real calendar, the flag set by the delivery job when the
notice goes out late, the sweep's flag for a notice still unsent, and the pages that show it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from redis import Redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select, update

from appeals.accounts.models import Role
from appeals.deadlines.calendar import WorkingCalendar, kazakhstan_days
from appeals.deadlines.jobs import sweep_deadlines
from appeals.deadlines.rules import extension_notice_due, notice_late
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.localredis import free_port
from appeals.notifications.jobs import deliver_notification
from appeals.notifications.models import Notification, NotificationStatus
from appeals.timeutil import local_today, now_utc
from appeals.work.terms import extend_term
from tests.factories import submit
from tests.notifications.conftest import smtp_server  # noqa: F401 (a fixture)
from tests.pages import by_testid, page_text

CAL = WorkingCalendar.from_days(kazakhstan_days([2024, 2025, 2026, 2027]))

# --- The rule, by hand over the real calendar ------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "last_day"),
    [
        # Wed 25.11.2026: 26(1) 27(2) Mon 30(3)
        (date(2026, 11, 25), date(2026, 11, 30)),
        # Fri 20.11.2026, the weekend inside: Mon 23(1) 24(2) 25(3)
        (date(2026, 11, 20), date(2026, 11, 25)),
        # Decided on a Saturday: day 1 is still the next working day, Mon 23
        (date(2026, 11, 21), date(2026, 11, 25)),
        # Mon 14.12.2026, Independence Day (Wed 16.12) inside: 15(1) 17(2) 18(3)
        (date(2026, 12, 14), date(2026, 12, 18)),
        # Fri 20.03.2026, Nauryz 21-25.03 and the weekend: Thu 26(1) Fri 27(2) Mon 30(3)
        (date(2026, 3, 20), date(2026, 3, 30)),
        # Thu 02.05.2024, with Saturday 04.05 a working day by decree: 03(1) Sat 04(2) Mon 06(3)
        (date(2024, 5, 2), date(2024, 5, 6)),
    ],
)
def test_the_notice_window_is_three_working_days_after_the_decision(decided, last_day):
    assert extension_notice_due(decided, CAL) == last_day

    def extension_notified_late(decided, *, sent_on, today, calendar):
        return notice_late(extension_notice_due(decided, calendar), sent_on=sent_on, today=today)

    # Sent on the decision day or on the last day: in time; the day after: late.
    assert not extension_notified_late(decided, sent_on=decided, today=decided, calendar=CAL)
    assert not extension_notified_late(decided, sent_on=last_day, today=last_day, calendar=CAL)
    after = last_day + timedelta(days=1)
    assert extension_notified_late(decided, sent_on=after, today=after, calendar=CAL)


@pytest.mark.parametrize(
    ("sent_on", "today", "late"),
    [
        (None, date(2026, 12, 18), False),  # unsent, but the last day is not over
        (None, date(2026, 12, 19), True),  # unsent once the last day is over
        (date(2026, 12, 16), date(2027, 1, 10), False),  # sent on the holiday: in time for ever
        (date(2026, 12, 21), date(2026, 12, 21), True),  # sent on Monday after the last day
    ],
)
def test_an_unsent_notice_is_late_only_once_its_last_day_is_over(sent_on, today, late):
    last_day = extension_notice_due(date(2026, 12, 14), CAL)  # Fri 18.12.2026
    assert notice_late(last_day, sent_on=sent_on, today=today) is late


# --- Against the database, with a real RQ worker ---------------------------------------------


@pytest.fixture
def head(make_user):
    return make_user(Role.HEAD, body_code="health-71", full_name="Saule Bekova")


def extended(citizen, head, *, days_ago: int) -> Appeal:
    """An appeal whose term the head extended today (days_ago=0), or one submitted `days_ago`
    days ago and extended on its registration day: a decision whose window is long over."""
    submitted = now_utc() - timedelta(days=days_ago)
    appeal, _ = submit(citizen, now=submitted)
    decided = appeal.registered_on if days_ago else local_today()
    extend_term(
        appeal, appeal.due_on + timedelta(days=14), "Expert opinion awaited", head, today=decided
    )
    db.session.commit()
    return appeal


def window_over(appeal: Appeal) -> bool:
    """Whether the appeal's notice window is already over today (the tests' precondition)."""
    return appeal.extension_notice_due_on < local_today()


def flag_of(appeal_id: int) -> tuple[datetime | None, int]:
    """The late flag and the appeal's version, as committed."""
    db.session.commit()
    row = db.session.execute(
        select(Appeal.extension_notified_late_at, Appeal.version).where(Appeal.id == appeal_id)
    ).one()
    db.session.commit()  # hold no transaction while a job writes
    return row[0], row[1]


def extension_notice(appeal_id: int) -> Notification:
    db.session.expire_all()
    notice = db.session.execute(
        select(Notification).where(
            Notification.appeal_id == appeal_id, Notification.template == "term_extended"
        )
    ).scalar_one()
    db.session.commit()
    return notice


def sweep() -> dict[str, int]:
    db.session.commit()
    return sweep_deadlines()


def test_the_window_is_kept_from_the_decision_date(make_user, head):
    appeal = extended(make_user(), head, days_ago=0)
    assert appeal.extension_notice_due_on == extension_notice_due(local_today(), working_calendar())
    assert flag_of(appeal.id)[0] is None


def test_a_notice_delivered_in_time_is_not_flagged(make_user, head, run_jobs, client, login):
    appeal = extended(make_user(), head, days_ago=0)

    run_jobs()

    assert extension_notice(appeal.id).status == NotificationStatus.SENT
    assert flag_of(appeal.id)[0] is None
    assert sweep()["notified_late"] == 0
    assert flag_of(appeal.id)[0] is None
    login(head)
    page = client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True)
    assert by_testid(page, "extension-notified-late") is None


def test_a_notice_delivered_late_is_flagged_by_the_delivery(
    make_user, head, run_jobs, client, login
):
    appeal = extended(make_user(), head, days_ago=20)
    assert window_over(appeal)
    _, version = flag_of(appeal.id)

    run_jobs()  # delivered now, days after the window

    notice = extension_notice(appeal.id)
    assert notice.status == NotificationStatus.SENT
    flagged_at, version_after = flag_of(appeal.id)
    assert flagged_at == notice.sent_at  # found by the delivery itself, not by a sweep
    # The system's finding does not turn an official's open form into "changed meanwhile".
    assert version_after == version
    # Running the delivery again sends nothing and changes nothing.
    notice_id = notice.id
    db.session.commit()  # the job has a session of its own: hold no lock
    assert deliver_notification(notice_id) == "skipped"
    assert flag_of(appeal.id) == (flagged_at, version)

    login(head)
    page = client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True)
    line = page_text(str(by_testid(page, "extension-notified-late")))
    assert "Applicant notified late" in line
    assert f"{appeal.extension_notice_due_on:%d.%m.%Y}" in line
    inbox = client.get("/work/").get_data(as_text=True)
    assert by_testid(inbox, "extension-notified-late") is not None


def test_a_notice_still_unsent_past_the_window_is_flagged_by_the_sweep_once(
    make_user, head, run_jobs, redis_server
):
    citizen = make_user()
    late = extended(citizen, head, days_ago=20)
    on_time = extended(citizen, head, days_ago=0)  # unsent too, but its window is open
    assert window_over(late) and not window_over(on_time)
    Redis.from_url(redis_server.url).flushdb()  # the delivery jobs are lost: nothing goes out

    first = sweep()
    flagged_at, _ = flag_of(late.id)
    second = sweep()

    assert first["notified_late"] == 1 and second["notified_late"] == 0
    assert flagged_at is not None and flag_of(late.id)[0] == flagged_at
    assert flag_of(on_time.id)[0] is None
    assert extension_notice(late.id).status == NotificationStatus.PENDING


def test_the_sweep_waits_until_the_last_day_is_over(make_user, head, redis_server):
    citizen = make_user()
    last_day_today = extended(citizen, head, days_ago=0)
    last_day_yesterday = extended(citizen, head, days_ago=0)
    Redis.from_url(redis_server.url).flushdb()  # both notices stay unsent
    today = local_today()
    for appeal, last_day in ((last_day_today, today), (last_day_yesterday, today - timedelta(1))):
        db.session.execute(
            update(Appeal).where(Appeal.id == appeal.id).values(extension_notice_due_on=last_day)
        )
    db.session.commit()

    assert sweep()["notified_late"] == 1
    assert flag_of(last_day_today.id)[0] is None
    assert flag_of(last_day_yesterday.id)[0] is not None


def test_the_sweep_leaves_a_notice_that_went_out_in_time_alone(make_user, head, redis_server):
    appeal = extended(make_user(), head, days_ago=20)
    Redis.from_url(redis_server.url).flushdb()
    # It went out on the window's last day (at noon in Almaty), before anyone swept.
    last_day = appeal.extension_notice_due_on
    db.session.execute(
        update(Notification)
        .where(Notification.appeal_id == appeal.id, Notification.template == "term_extended")
        .values(
            status=NotificationStatus.SENT,
            sent_at=datetime(last_day.year, last_day.month, last_day.day, 7, tzinfo=UTC),
        )
    )
    db.session.commit()

    assert sweep()["notified_late"] == 0
    assert flag_of(appeal.id)[0] is None


def bring_retries_forward(redis_url: str) -> int:
    """Move RQ's scheduled retries of the deliveries to now (RQ's own registry API)."""
    queue = Queue("notifications", connection=Redis.from_url(redis_url))
    registry = ScheduledJobRegistry(queue=queue)
    moved = 0
    for job_id in registry.get_job_ids():
        registry.schedule(queue.fetch_job(job_id), datetime.now(UTC) - timedelta(seconds=1))
        moved += 1
    return moved


def test_a_notice_that_failed_and_then_went_out_late_is_flagged(
    app,
    make_user,
    head,
    run_jobs,
    smtp_server,  # noqa: F811 (the fixture imported above)
    redis_server,
    monkeypatch,
):
    citizen = make_user(email="dana@example.kz")
    appeal = extended(citizen, head, days_ago=20)
    assert window_over(appeal)
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # the mail server is down

    run_jobs()

    notice = extension_notice(appeal.id)
    assert (notice.status, notice.attempts) == (NotificationStatus.FAILED, 1)
    assert flag_of(appeal.id)[0] is None  # nothing went out yet, and no sweep has run

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)  # the server is back
    assert bring_retries_forward(redis_server.url) >= 1
    run_jobs()  # RQ's retry

    notice = extension_notice(appeal.id)
    assert (notice.status, notice.attempts) == (NotificationStatus.SENT, 2)
    assert flag_of(appeal.id)[0] == notice.sent_at
    assert any(m["To"] == "dana@example.kz" for m in smtp_server.messages)
