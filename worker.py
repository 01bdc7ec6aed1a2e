"""Starts an RQ worker, with RQ's scheduler for enqueue_at/enqueue_in and retries, on the
app's queues: `python worker.py` (REDIS_URL and DATABASE_URL from the environment)."""

from redis import Redis
from rq import Worker

from appeals import create_app
from appeals.queues import use_app


def main() -> None:
    app = create_app()
    use_app(app)
    # No socket timeout here: the worker blocks on Redis while it waits for work.
    connection = Redis.from_url(app.config["REDIS_URL"])
    worker = Worker(app.config["RQ_QUEUES"], connection=connection)
    worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
