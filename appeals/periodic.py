"""The periodic jobs, registered with RQ's cron scheduler by scheduler.py. The slow ones
(minutes: retraining, the score cells, the monthly snapshot) go to their own queue, served by
its own worker, so that the sweeps and the notices keep flowing meanwhile."""

from collections.abc import Mapping
from typing import Any

from rq.cron import CronScheduler

from appeals.audit.jobs import sweep_audit_acts
from appeals.deadlines.jobs import send_overdue_digest, sweep_deadlines
from appeals.notifications.jobs import requeue_pending_notifications
from appeals.opendata.jobs import count_open_statistics
from appeals.ops.jobs import analyze_database
from appeals.scores.snapshots import refresh_score_cache, snapshot_previous_month
from appeals.suggest.jobs import retrain_suggester
from appeals.work.defect_jobs import sweep_unfixed_defects


def register_periodic_jobs(scheduler: CronScheduler, config: Mapping[str, Any]) -> None:
    """Every periodic job in one list, each with its interval from the config."""
    scheduler.register(
        sweep_deadlines, queue_name="sweeps", interval=config["DEADLINE_SWEEP_SECONDS"]
    )
    scheduler.register(
        sweep_audit_acts, queue_name="sweeps", interval=config["DEADLINE_SWEEP_SECONDS"]
    )
    # Appeals whose defects were not fixed by the date set are returned (APPK art. 64(7)).
    scheduler.register(
        sweep_unfixed_defects, queue_name="sweeps", interval=config["DEADLINE_SWEEP_SECONDS"]
    )
    scheduler.register(
        requeue_pending_notifications,
        queue_name="notifications",
        interval=config["NOTIFICATION_SWEEP_SECONDS"],
    )
    # Once a day (in the scheduler's local zone): the national office's overdue digest.
    scheduler.register(send_overdue_digest, queue_name="sweeps", cron=config["OVERDUE_DIGEST_CRON"])
    # Just after midnight on the 1st: the month that has just closed (idempotent, so a
    # rerun, or a later `flask scores snapshot`, rewrites the same rows).
    scheduler.register(
        snapshot_previous_month, queue_name=config["RQ_SLOW_QUEUE"], cron="10 0 1 * *"
    )
    # More often than the scores' cache keeps an entry: the default periods stay warm.
    scheduler.register(
        refresh_score_cache,
        queue_name=config["RQ_SLOW_QUEUE"],
        interval=config["SCORE_CACHE_REFRESH_SECONDS"],
    )
    # The open data's statistics of the last twelve months, kept twice as long as this.
    scheduler.register(
        count_open_statistics,
        queue_name=config["RQ_SLOW_QUEUE"],
        interval=config["OPEN_DATA_REFRESH_SECONDS"],
    )
    # Nightly, at the cron's hour in the scheduler's local zone (see SUGGEST_RETRAIN_CRON).
    scheduler.register(
        retrain_suggester,
        queue_name=config["RQ_SLOW_QUEUE"],
        cron=config["SUGGEST_RETRAIN_CRON"],
        job_timeout=1800,
    )
    # Nightly, after the retraining: the query planner's statistics, as the data grows.
    scheduler.register(
        analyze_database, queue_name=config["RQ_SLOW_QUEUE"], cron=config["ANALYZE_CRON"]
    )
