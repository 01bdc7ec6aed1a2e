"""Real processes for the fault tests: RQ workers started as `python worker.py` on the test's
database and Redis (killed with their work horse by SIGKILL), and an SMTP server that holds a
message in DATA until the test lets it go."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from appeals.extensions import db
from appeals.localredis import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _sqlite_only(request, app):
    """Tests marked sqlite_only are about SQLite's own locking: skipped on PostgreSQL."""
    if request.node.get_closest_marker("sqlite_only") and db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer only")


def wait_for(condition: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.1)


class Workers:
    """`python worker.py` processes with the app's settings from the environment."""

    def __init__(self, app, tmp_path: Path, **env: str) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "UPLOAD_DIR": str(app.config["UPLOAD_DIR"]),
            "APPEALS_INSTANCE_DIR": str(tmp_path),
            "SECRET_KEY": secrets.token_hex(32),  # outside tests the app wants a real key
            **env,
        }
        self.running: list[subprocess.Popen] = []

    def start(self, *queues: str) -> subprocess.Popen:
        db.session.commit()  # hold no SQLite lock while the worker writes
        process = subprocess.Popen(
            [sys.executable, "worker.py", "--queues", ",".join(queues)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL to the worker and its work horse (RQ puts the horse in a process group of
        its own): no handler, no cleanup, no commit."""
        for pid in [*_children(process.pid), process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=30)
        self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.kill(process)


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def workers(app, tmp_path):
    made: list[Workers] = []

    def make(**env: str) -> Workers:
        made.append(Workers(app, tmp_path, **env))
        return made[-1]

    yield make
    for group in made:
        group.stop_all()


class HoldingInbox:
    """An aiosmtpd handler. The first message is held in DATA until `release` is set: taken
    first (`take_before_hold`, the server has it but the client has not heard "250") or not
    (the client dies before the server took it). Every later message is taken at once."""

    def __init__(self, take_before_hold: bool) -> None:
        self.take_before_hold = take_before_hold
        self.messages: list[email.message.EmailMessage] = []
        self.reached = threading.Event()
        self.release = threading.Event()
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.reached.is_set():
            self.messages.append(message)
            return "250 Message accepted for delivery"
        if self.take_before_hold:
            self.messages.append(message)
        self.reached.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        return "451 Requested action aborted"  # the client is gone by now


@pytest.fixture
def holding_smtp():
    controller_module = pytest.importorskip("aiosmtpd.controller")
    started = []

    def start(take_before_hold: bool) -> HoldingInbox:
        inbox = HoldingInbox(take_before_hold)
        controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        inbox.port = controller.port
        started.append((inbox, controller))
        return inbox

    yield start
    for inbox, controller in started:
        inbox.release.set()
        controller.stop()
