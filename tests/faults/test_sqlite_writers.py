"""Concurrent writers on one SQLite file: threads submitting appeals through the site while
another process keeps taking the write lock (as a worker's sweep does). Each writer waits its
turn (BEGIN IMMEDIATE with a busy wait); past the wait the answer is the 503 page with
Retry-After, never a 500, and nothing is half-saved: every appeal answered 302 is there,
numbered without a gap, and no other is."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal
from tests.conftest import PASSWORD
from tests.samples import appeal_fields

pytestmark = pytest.mark.sqlite_only

THREADS, EACH = 6, 4

# Another process that takes SQLite's write lock again and again, holding it `hold` seconds.
LOCKER = """
import sqlite3, sys, time
path, hold, until = sys.argv[1], float(sys.argv[2]), time.monotonic() + float(sys.argv[3])
connection = sqlite3.connect(path, timeout=60, isolation_level=None)
print("ready", flush=True)
while time.monotonic() < until:
    connection.execute("BEGIN IMMEDIATE")
    time.sleep(hold)
    connection.execute("ROLLBACK")
    time.sleep(0.02)
"""


def _submit_concurrently(app, make_user, busy_ms: int, hold: float) -> Counter:
    site = app(SQLITE_BUSY_TIMEOUT_MS=busy_ms)
    site.test_client_class = FlaskClient  # each thread's requests in their own sessions
    emails = [make_user().email for _ in range(THREADS)]
    fields = appeal_fields()
    db.session.commit()
    path = site.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, path, str(hold), "60"], stdout=subprocess.PIPE, text=True
    )
    assert locker.stdout.readline().strip() == "ready"
    statuses: Counter = Counter()
    lock = threading.Lock()

    def answered(response) -> None:
        if response.status_code == 302:  # to the receipt, or the sign-in's to the home page
            outcome = "saved" if "/receipt" in response.headers["Location"] else "signed in"
        elif response.status_code == 503 and response.headers.get("Retry-After") == "5":
            outcome = "busy"
        else:
            outcome = str(response.status_code)
        with lock:
            statuses[outcome] += 1

    def citizen_at_work(email: str) -> None:
        client = site.test_client()
        for _ in range(100):  # as a person would: try again until the sign-in goes through
            response = client.post("/login", data={"email": email, "password": PASSWORD})
            answered(response)
            if response.status_code == 302:
                break
        for _ in range(EACH):
            answered(client.post("/appeals/new", data=fields))

    threads = [threading.Thread(target=citizen_at_work, args=(e,)) for e in emails]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        locker.kill()
        locker.wait()
    return statuses


def _numbers() -> list[int]:
    numbers = db.session.execute(select(Appeal.number)).scalars().all()
    db.session.commit()
    return sorted(int(number.rsplit("-", 1)[1]) for number in numbers)


def test_writers_wait_their_turn_and_all_are_saved(second_app, make_user):
    statuses = _submit_concurrently(second_app, make_user, busy_ms=30_000, hold=0.2)

    assert statuses == Counter({"signed in": THREADS, "saved": THREADS * EACH})
    assert _numbers() == list(range(1, THREADS * EACH + 1))


def test_past_the_wait_the_answer_is_503_never_500(second_app, make_user):
    statuses = _submit_concurrently(second_app, make_user, busy_ms=50, hold=0.1)

    assert set(statuses) <= {"signed in", "saved", "busy"}, statuses  # no 500, nothing else
    assert statuses["signed in"] == THREADS
    assert statuses["busy"] > 0, "the lock was never held past the wait: the test proves nothing"
    # Nothing half-saved: exactly the appeals answered with their receipt exist, no gap.
    assert _numbers() == list(range(1, statuses["saved"] + 1))
