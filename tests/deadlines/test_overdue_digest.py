"""Who is told of an overdue appeal, by the one prosecutor scope: every regional office whose
region holds the appeal's is told at once; the national office (the whole country) reads one
digest a day instead, by region and body, with links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from redis import Redis
from rq.cron import CronScheduler
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.deadlines.jobs import send_overdue_digest
from appeals.extensions import db
from appeals.notifications.models import Notification
from appeals.notifications.service import render_notice
from appeals.periodic import register_periodic_jobs
from appeals.timeutil import now_utc
from tests.factories import submit

ASTANA_DISTRICT = "711110000"  # Almaty District of Astana: below the city of Astana


@pytest.fixture
def offices(make_user):
    return {
        "astana": make_user(Role.PROSECUTOR, body_code="prosecutor-71"),
        "almaty": make_user(Role.PROSECUTOR, body_code="prosecutor-75"),
        "national": make_user(Role.PROSECUTOR, body_code="prosecutor-00"),
        "national_2": make_user(Role.PROSECUTOR, body_code="prosecutor-00"),
    }


def notices(template: str) -> list[Notification]:
    db.session.commit()
    rows = db.session.execute(
        select(Notification).where(Notification.template == template).order_by(Notification.id)
    ).scalars()
    return list(rows)


def overdue_appeal(make_user, run_jobs, subject="No appointment with a doctor"):
    appeal, _ = submit(
        make_user(), region=ASTANA_DISTRICT, subject=subject, now=now_utc() - timedelta(days=40)
    )
    run_jobs()  # the overdue check was queued for now: it flags the appeal and writes notices
    db.session.refresh(appeal)
    assert appeal.is_overdue
    return appeal


def test_regional_offices_above_the_appeal_are_told_and_the_national_office_is_not(
    app, make_user, offices, run_jobs
):
    appeal = overdue_appeal(make_user, run_jobs)
    told = {n.user_id for n in notices("appeal_overdue") if n.appeal_id == appeal.id}
    assert offices["astana"].id in told  # the city above the district
    assert offices["almaty"].id not in told  # another region's office
    assert offices["national"].id not in told and offices["national_2"].id not in told


def test_the_national_office_reads_one_daily_digest_by_region_and_body_with_links(
    app, make_user, offices, run_jobs
):
    first = overdue_appeal(make_user, run_jobs)
    second = overdue_appeal(make_user, run_jobs, subject="Still no appointment")
    db.session.commit()
    assert send_overdue_digest() == 2  # one for each national prosecutor
    run_jobs()  # delivered by the real worker over SMTP
    digests = notices("overdue_digest")
    assert {n.user_id for n in digests} == {offices["national"].id, offices["national_2"].id}
    assert {n.status for n in digests} == {"sent"}
    subject, body = render_notice(digests[0])
    assert subject.startswith("Overdue appeals: 2")
    assert "Astana" in body and first.current_body.name_en in body
    for appeal in (first, second):
        assert f"{appeal.number} {app.config['SITE_URL']}/prosecutor/appeals/{appeal.id}" in body
    # The same day again (a retry, or a second scheduler): nothing more.
    db.session.commit()  # the job runs in its own session: leave SQLite's write lock free
    assert send_overdue_digest() == 0
    assert len(notices("overdue_digest")) == 2


def test_no_digest_when_nothing_went_overdue(app, offices):
    db.session.commit()
    assert send_overdue_digest() == 0
    assert notices("overdue_digest") == []


def test_the_digest_is_a_daily_periodic_job(app, redis_server):
    scheduler = CronScheduler(connection=Redis.from_url(redis_server.url))
    register_periodic_jobs(scheduler, app.config)
    crons = {job.func_name.rsplit(".", 1)[-1]: job.cron for job in scheduler.get_jobs()}
    assert crons["send_overdue_digest"] == app.config["OVERDUE_DIGEST_CRON"] == "0 9 * * *"
