"""The periodic jobs, registered with RQ's cron scheduler by scheduler.py."""

from collections.abc import Mapping
from typing import Any

from rq.cron import CronScheduler

from appeals.deadlines.jobs import sweep_deadlines
from appeals.notifications.jobs import requeue_pending_notifications


def register_periodic_jobs(scheduler: CronScheduler, config: Mapping[str, Any]) -> None:
    """Every periodic job in one list, each with its interval from the config."""
    scheduler.register(
        sweep_deadlines, queue_name="sweeps", interval=config["DEADLINE_SWEEP_SECONDS"]
    )
    scheduler.register(
        requeue_pending_notifications,
        queue_name="notifications",
        interval=config["NOTIFICATION_SWEEP_SECONDS"],
    )
