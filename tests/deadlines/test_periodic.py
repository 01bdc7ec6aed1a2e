"""The periodic jobs go through RQ's own cron scheduler, as scheduler.py runs them."""

from datetime import timedelta

from redis import Redis
from rq import Queue
from rq.cron import CronScheduler

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.periodic import register_periodic_jobs
from appeals.timeutil import now_utc
from tests.factories import submit


def test_cron_scheduler_runs_the_deadline_sweep(app, redis_server, make_user, run_jobs):
    make_user(Role.HEAD, body_code="health-71")
    appeal, _ = submit(make_user(), now=now_utc() - timedelta(days=40))
    connection = Redis.from_url(redis_server.url)
    connection.flushdb()  # the overdue job is lost: only the sweep can catch the appeal
    scheduler = CronScheduler(connection=connection)
    register_periodic_jobs(scheduler, app.config)
    intervals = {job.func_name.rsplit(".", 1)[-1]: job.interval for job in scheduler.get_jobs()}
    assert intervals["sweep_deadlines"] == app.config["DEADLINE_SWEEP_SECONDS"]
    enqueued = {job.func_name.rsplit(".", 1)[-1] for job in scheduler.enqueue_jobs()}
    assert "sweep_deadlines" in enqueued
    sweeps = Queue("sweeps", connection=connection).get_jobs()  # the acts' sweep runs there too
    assert [job.func_name.rsplit(".", 1)[-1] for job in sweeps].count("sweep_deadlines") == 1
    run_jobs()
    db.session.refresh(appeal)
    assert appeal.is_overdue
