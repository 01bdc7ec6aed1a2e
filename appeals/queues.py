"""RQ glue: queues, jobs enqueued only after the transaction that needs them commits,
and the wrapper that gives each job its own app context."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.commands.core import Script
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError
from rq.job import Job
from sqlalchemy import event
from sqlalchemy.orm import Session

from appeals.extensions import db

log = logging.getLogger(__name__)


_clients: dict[str, Redis] = {}


def redis_connection() -> Redis:
    """The app's Redis, one client (and its pool of connections) per process and URL: a new
    client per call opened a new connection per call. Short timeouts: a dead Redis must not
    hang a request. redis-py's pool notices a fork and opens its own connections there."""
    url = current_app.config["REDIS_URL"]
    client = _clients.get(url)
    if client is None:
        client = _clients.setdefault(
            url, Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        )
    return client


def get_queue(name: str = "default", connection: Redis | None = None) -> Queue:
    """The named RQ queue on the app's Redis."""
    return Queue(name, connection=connection or redis_connection())


# Seconds a failed enqueue_once job keeps its id (and so holds back the same work).
ONCE_FAILURE_TTL = 300


@dataclass
class PendingJob:
    # A job function, or its dotted path (how a service names a job without importing it).
    func: Callable[..., Any] | str
    args: tuple[Any, ...]
    queue: str = "default"
    job_id: str | None = None
    at: datetime | None = None
    retry: Retry | None = None


def enqueue_after_commit(
    func: Callable[..., Any] | str,
    *args: Any,
    queue: str = "default",
    job_id: str | None = None,
    at: datetime | None = None,
    retry: Retry | None = None,
) -> None:
    """Queue a job to be sent to RQ once the current transaction commits (never before)."""
    queue_after_commit(PendingJob(func, args, queue=queue, job_id=job_id, at=at, retry=retry))


def queue_after_commit(job: PendingJob) -> None:
    """Send this job to RQ once the current transaction commits (never before)."""
    db.session.info.setdefault("pending_jobs", []).append(job)


def enqueue_once(func: str, *args: Any, job_id: str) -> bool:
    """Queue a job now unless one with this id still waits: a page that asks for the same work
    on every view sends it once. Returns whether the job waits now. Redis unreachable: logged,
    and the page goes on."""
    if not current_app.config["RQ_ENABLED"]:
        return False
    try:
        # A finished job is dropped at once and a failed one soon, so the id is free again.
        get_queue().enqueue(
            func, *args, job_id=job_id, unique=True, result_ttl=0, failure_ttl=ONCE_FAILURE_TTL
        )
    except DuplicateJobError:
        pass
    except RedisError as error:
        log.warning("Redis unavailable, %s not queued: %s", job_id, error)
        return False
    return True


def cancel_after_commit(job_ids: list[str]) -> None:
    """Drop scheduled jobs that no longer apply, once the change that voids them commits."""
    db.session.info.setdefault("cancelled_jobs", []).extend(job_ids)


def cancel_jobs(job_ids: list[str]) -> None:
    """Delete jobs by id wherever they wait; missing ones are fine (already run or gone).
    All read in one round trip and deleted in one transaction: a step that moves a due date
    (an answer, an extension, a forward) cancels up to four deadline jobs, and one by one
    each took eight round trips (bench/README.md, "Stop 39")."""
    if not job_ids or not current_app.config["RQ_ENABLED"]:
        return
    try:
        connection = redis_connection()
        for found in existing_jobs(job_ids, connection):
            if found:
                with connection.pipeline() as pipe:
                    for job in found:
                        job.delete(pipeline=pipe)
                    pipe.execute()
    except RedisError as error:
        log.warning("Redis unavailable, stale jobs stay (they re-check and do nothing): %s", error)


# Jobs sent to (or read from) Redis in one round trip each: a submission's four deadline jobs
# go as one, and the sweeps' re-queues and reads in pipelines of this many, not one by one.
PIPELINE_JOBS = 500


def existing_jobs(job_ids: list[str], connection: Redis) -> Iterator[list[Job]]:
    """The jobs of these ids that Redis still holds, a batch of PIPELINE_JOBS at a time, each
    batch read in one round trip (ids of jobs run or gone are left out)."""
    for start in range(0, len(job_ids), PIPELINE_JOBS):
        batch = Job.fetch_many(job_ids[start : start + PIPELINE_JOBS], connection=connection)
        yield [job for job in batch if job is not None]


def send_pending_jobs(jobs: list[PendingJob]) -> int:
    """Hand jobs to RQ in pipelines; a Redis outage is logged, not raised: the sweep re-queues
    the work."""
    if not jobs or not current_app.config["RQ_ENABLED"]:
        return 0
    sent = 0
    try:
        connection = redis_connection()
        for start in range(0, len(jobs), PIPELINE_JOBS):
            batch = jobs[start : start + PIPELINE_JOBS]
            with connection.pipeline() as pipe:
                pipe.multi()  # RQ's enqueue asks for a pipeline already in MULTI
                for job in batch:
                    queue = get_queue(job.queue, connection)
                    options = {"job_id": job.job_id, "retry": job.retry, "pipeline": pipe}
                    if job.at is not None:
                        queue.enqueue_at(job.at, job.func, *job.args, **options)
                    else:
                        queue.enqueue(job.func, *job.args, **options)
                pipe.execute()
            sent += len(batch)
    except RedisError as error:
        log.warning("Redis unavailable, %d job(s) left to the sweep: %s", len(jobs) - sent, error)
    return sent


@dataclass(frozen=True)
class Outbox:
    """Rows handed to the worker as ids on a Redis list and taken by one drain job at a time,
    which goes on while ids keep coming: RQ's own cost of a job (some 50 Redis commands and
    about 5 ms of a worker's CPU here, more than a notice's delivery) is paid per drain, not
    per row. Each id names a row the database keeps, so an id Redis lost (or a drain killed
    with it in hand) is found again by a sweep of the rows."""

    name: str
    job: str  # the drain job's dotted path: it calls drain_outbox
    queue: str

    def __post_init__(self) -> None:
        OUTBOXES[self.name] = self  # for /metrics

    @property
    def items(self) -> str:
        return f"outbox:{self.name}"

    @property
    def holder(self) -> str:
        """Held while a drain job waits or runs; it lapses if that job dies."""
        return f"outbox:{self.name}:drain"

    @property
    def in_hand(self) -> str:
        """The ids a drain has taken and not yet handled (a set; it lapses if the drain dies,
        and then a sweep finds them again)."""
        return f"outbox:{self.name}:in-hand"


OUTBOXES: dict[str, Outbox] = {}
OUTBOX_HOLD_SECONDS = 60  # renewed by the drain at every batch
OUTBOX_BATCH = 50  # ids taken at once


def outbox_after_commit(outbox: Outbox, item_id: int) -> None:
    """Hand this id to the outbox's drain once the current transaction commits."""
    db.session.info.setdefault("outboxes", {}).setdefault(outbox, []).append(item_id)


def hand_over(outbox: Outbox, item_ids: list[int]) -> None:
    """Push the ids and start a drain unless one holds the outbox. A drain lets go before its
    last look at the list (`_let_go`), so an id pushed after that look finds the outbox free
    and starts the next: none is left waiting for the sweep."""
    if not item_ids or not current_app.config["RQ_ENABLED"]:
        return
    try:
        connection = redis_connection()
        with connection.pipeline(transaction=False) as pipe:
            pipe.rpush(outbox.items, *item_ids)
            pipe.set(outbox.holder, 1, nx=True, ex=OUTBOX_HOLD_SECONDS)
            _, free = pipe.execute()
        if free:
            _start_drain(outbox, connection)
    except RedisError as error:
        log.warning("Redis unavailable, %d id(s) left to the sweep: %s", len(item_ids), error)


def drain_outbox(outbox: Outbox, handle: Callable[[int], None]) -> int:
    """Take the outbox's ids and handle each, until none has come for OUTBOX_LINGER_SECONDS
    or the drain has run OUTBOX_DRAIN_SECONDS (it then makes way for other jobs and a new
    drain takes over). Returns how many were handled."""
    linger = current_app.config["OUTBOX_LINGER_SECONDS"]  # below OUTBOX_HOLD_SECONDS
    ends = time.monotonic() + current_app.config["OUTBOX_DRAIN_SECONDS"]
    connection = redis_connection()
    handled = 0
    try:
        take = connection.register_script(_TAKE)  # once a drain; Redis gets its hash
        while time.monotonic() < ends:
            ids = _take(outbox, take) or (
                _wait_for_one(outbox, connection, linger) and _take(outbox, take)
            )
            if not ids:
                break
            for taken, item_id in enumerate(ids):
                try:
                    handle(int(item_id))
                except Exception:
                    # The ids after it go back for the next drain; this one is the sweep's.
                    # At once (MULTI): a sweep reading the list, then the hand, sees them.
                    with connection.pipeline(transaction=True) as pipe:
                        if rest := ids[taken + 1 :]:
                            pipe.lpush(outbox.items, *reversed(rest))
                        pipe.srem(outbox.in_hand, *ids).execute()
                    raise
                handled += 1
            connection.srem(outbox.in_hand, *ids)
    finally:
        _let_go(outbox, connection)
    return handled


# The drain's hold (KEYS[3]) renewed, and up to ARGV[1] ids from the list (KEYS[1]) into
# its hand (KEYS[2]), both lapsing after ARGV[2] seconds; in one step, for the sweep reads
# the list and then the hand, and an id taken and only then named in the hand was, for a
# moment, in neither.
_TAKE = """
redis.call('EXPIRE', KEYS[3], ARGV[2])
local ids = redis.call('LPOP', KEYS[1], ARGV[1])
if not ids then return {} end
redis.call('SADD', KEYS[2], unpack(ids))
redis.call('EXPIRE', KEYS[2], ARGV[2])
return ids
"""


def _take(outbox: Outbox, take: Script) -> list[bytes]:
    """The next ids of the list, now in the drain's hand; the drain's hold renewed (`take`:
    the _TAKE script, registered on the drain's connection)."""
    return take(
        keys=[outbox.items, outbox.in_hand, outbox.holder], args=[OUTBOX_BATCH, OUTBOX_HOLD_SECONDS]
    )


def _wait_for_one(outbox: Outbox, connection: Redis, seconds: float) -> bool:
    """Whether an id is pushed within `seconds`, waited for in steps shorter than the client's
    socket timeout (5 s; a blocking read past it fails), each of at least 10 ms (0 would
    block for ever). The id stays in the list, for `_take`: it is moved from the list's head
    to its tail (BLMOVE to the same list, the one blocking wait that takes nothing)."""
    until = time.monotonic() + seconds
    while (left := until - time.monotonic()) > 0:
        timeout = min(max(left, 0.01), 4)
        if connection.blmove(outbox.items, outbox.items, timeout, "LEFT", "RIGHT") is not None:
            return True
    return False


def _let_go(outbox: Outbox, connection: Redis) -> None:
    """Free the outbox, then look once more: ids pushed before the look would otherwise wait
    for the next hand-over (whoever takes the freed outbox first starts the drain)."""
    connection.delete(outbox.holder)
    restart_drain(outbox, connection)


def restart_drain(outbox: Outbox, connection: Redis) -> None:
    """Start a drain if ids wait and none holds the outbox (a drain that died holding it lets
    go after OUTBOX_HOLD_SECONDS): the sweep's part, so that no id waits for a hand-over."""
    if connection.llen(outbox.items) and connection.set(
        outbox.holder, 1, nx=True, ex=OUTBOX_HOLD_SECONDS
    ):
        _start_drain(outbox, connection)


def waiting_in_outbox(outbox: Outbox, connection: Redis) -> set[int]:
    """The ids handed over and not yet handled: still in the list, or in a drain's hand."""
    with connection.pipeline(transaction=False) as pipe:
        listed, in_hand = pipe.lrange(outbox.items, 0, -1).smembers(outbox.in_hand).execute()
    return {int(item_id) for item_id in [*listed, *in_hand]}


def _start_drain(outbox: Outbox, connection: Redis) -> None:
    get_queue(outbox.queue, connection).enqueue(outbox.job, result_ttl=0)


@event.listens_for(Session, "after_commit")
def _enqueue_on_commit(session: Session) -> None:
    jobs = session.info.pop("pending_jobs", None)
    cancelled = session.info.pop("cancelled_jobs", None)
    outboxes = session.info.pop("outboxes", None)
    if has_app_context():
        if cancelled:
            cancel_jobs(cancelled)
        if jobs:
            send_pending_jobs(jobs)
        for outbox, item_ids in (outboxes or {}).items():
            hand_over(outbox, item_ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop("pending_jobs", None)
        session.info.pop("cancelled_jobs", None)
        session.info.pop("outboxes", None)


_worker_app: Flask | None = None


def use_app(app: Flask) -> None:
    """Let jobs run in this app (the worker sets it once, before it forks work horses)."""
    global _worker_app
    _worker_app = app


def _job_app() -> Flask:
    """The app a job runs in: the current one (tests, eager runs) or the worker's (worker.py
    sets it with use_app before it takes work)."""
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        raise RuntimeError("jobs run in an app: start the worker with worker.py (use_app)")
    return _worker_app


def app_job(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run an RQ job in a fresh app context; commit at the end, roll back on error."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _job_app().app_context():
            try:
                result = func(*args, **kwargs)
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                raise

    return wrapper
