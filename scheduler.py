"""Starts RQ's periodic (cron) scheduler with the app's periodic jobs: `python scheduler.py`."""

from redis import Redis
from rq.cron import CronScheduler

from appeals import create_app
from appeals.periodic import register_periodic_jobs


def main() -> None:
    app = create_app()
    scheduler = CronScheduler(connection=Redis.from_url(app.config["REDIS_URL"]))
    register_periodic_jobs(scheduler, app.config)
    scheduler.start()


if __name__ == "__main__":
    main()
