"""Run the whole system in the foreground for a developer: `python -m appeals.devstack`.

Starts a local Redis (unless REDIS_URL is set), migrates, seeds and loads the demo data,
then supervises the RQ workers (one on the fast queues, one on the slow queue), the RQ
periodic scheduler and the web server until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import IO

from flask.cli import load_dotenv

from appeals.localredis import LocalRedis, die_with_parent, free_port, port_is_free

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_PORT = 6379
WEB_START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
FLASK = [sys.executable, "-m", "flask", "--app", "appeals"]

_print_lock = threading.Lock()


def say(message: str, name: str = "devstack") -> None:
    """Print one line of output, prefixed with who says it."""
    with _print_lock:
        sys.stdout.write(f"{name:>9} | {message}\n")
        sys.stdout.flush()


class Child:
    """A supervised subprocess whose output is relayed line by line under its name."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str]) -> None:
        self.name = name
        self.command = display(argv)
        self.lines: deque[str] = deque(maxlen=500)  # the demo accounts, without growing forever
        # Own session: Ctrl-C reaches only devstack, which stops the children before Redis.
        self.process = subprocess.Popen(
            list(argv),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        assert self.process.stdout is not None
        self._relay = threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True)
        self._relay.start()

    def _pump(self, stream: IO[bytes]) -> None:
        """Copy the child's output to ours until it closes."""
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            self.lines.append(line)
            say(line, self.name)

    def exit_code(self) -> int | None:
        """The exit code, or None while it runs."""
        return self.process.poll()

    def wait(self) -> int:
        """Wait for the child to finish and for its output to be relayed."""
        code = self.process.wait()
        self._relay.join(timeout=5)
        return code

    def terminate(self) -> None:
        """Ask the child to stop (SIGTERM to it alone, so RQ's job horse can finish)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()

    def kill_group(self) -> None:
        """SIGKILL whatever is left of the child's process group."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


def display(argv: Sequence[str]) -> str:
    """The command as a developer would type it."""
    if list(argv[: len(FLASK)]) == FLASK:
        return " ".join(["flask --app appeals", *argv[len(FLASK) :]])
    if argv and argv[0] == sys.executable:
        return " ".join(["python", *argv[1:]])
    return " ".join(argv)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM/SIGHUP into the same orderly stop as Ctrl-C."""
    raise KeyboardInterrupt


def stop_all(children: Sequence[Child]) -> None:
    """Stop the children together: SIGTERM, wait, then SIGKILL what is left."""
    for child in children:
        if child.exit_code() is None:
            say(f"stopping {child.name}")
        child.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    try:
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except KeyboardInterrupt:
        say("second interrupt: killing everything now")
    for child in children:
        if child.exit_code() is None:
            say(f"{child.name} did not stop within {STOP_TIMEOUT:.0f} s: killing it")
        child.kill_group()


def instance_dir(env: dict[str, str]) -> Path:
    """The instance folder (SQLite file, uploads, Redis data), as config.py places it."""
    return Path(env.get("APPEALS_INSTANCE_DIR") or ROOT / "instance")


def local_secret_key(env: dict[str, str]) -> str:
    """The key that signs this install's sessions when SECRET_KEY is not set: made once and
    kept in the instance folder (the app refuses the development key outside debug)."""
    path = instance_dir(env) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def start_redis(env: dict[str, str]) -> LocalRedis | None:
    """Start a persisting local Redis unless REDIS_URL points at one already."""
    if env.get("REDIS_URL"):
        say(f"using REDIS_URL={env['REDIS_URL']}")
        return None
    port = DEFAULT_REDIS_PORT if port_is_free(DEFAULT_REDIS_PORT) else free_port()
    data_dir = instance_dir(env) / "redis"
    redis = LocalRedis(port=port, data_dir=str(data_dir), persist=True)
    redis.start()
    env["REDIS_URL"] = redis.url
    say(f"started Redis at {redis.url} (data and log in {data_dir})")
    return redis


def wait_for_port(port: int, children: Sequence[Child]) -> Child | None:
    """Wait until the web port accepts connections; return a child that died meanwhile."""
    deadline = time.monotonic() + WEB_START_TIMEOUT
    while time.monotonic() < deadline:
        for child in children:
            if child.exit_code() is not None:
                return child
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return None
        time.sleep(0.2)
    raise RuntimeError(
        f"the web server did not listen on port {port} within {WEB_START_TIMEOUT:.0f} s"
    )


def banner(url: str, redis_url: str, demo_lines: Sequence[str]) -> None:
    """Print where the system is, so it is not lost in the logs."""
    rule = "=" * 66
    lines = [rule, f"E-appealing is running at  {url}", f"Redis: {redis_url}"]
    if demo_lines:
        lines += ["", *demo_lines]
    lines += ["", "Ctrl-C stops everything.", rule]
    for line in lines:
        say(line)


def run(env: dict[str, str]) -> int:
    """Set up and supervise the system; return the exit code."""
    web_port = int(env.get("PORT") or 5000)
    if not port_is_free(web_port):
        say(f"port {web_port} is in use: stop what uses it or run with PORT=<another port>")
        return 1
    # SQLite cannot create the folder of its database file.
    instance_dir(env).mkdir(parents=True, exist_ok=True)
    env.setdefault("SECRET_KEY", local_secret_key(env))
    children: list[Child] = []
    redis: LocalRedis | None = None
    try:
        redis = start_redis(env)
        demo_lines: list[str] = []
        for name, args in [("migrate", ["db", "upgrade"]), ("seed", ["seed"]), ("demo", ["demo"])]:
            step = Child(name, [*FLASK, *args], env)
            children = [step]
            say(f"running: {step.command}")
            code = step.wait()
            if code != 0:
                say(f"'{step.command}' failed with exit code {code}: stopping")
                return 1
            if name == "demo":
                demo_lines = list(step.lines)
        children = [
            Child("worker", [sys.executable, "worker.py"], env),
            Child("slow", [sys.executable, "worker.py", "--queues", "slow"], env),
            Child("scheduler", [sys.executable, "scheduler.py"], env),
            Child("web", [*FLASK, "run", "--host", "127.0.0.1", "--port", str(web_port)], env),
        ]
        for child in children:
            say(f"started {child.name}: {child.command} (pid {child.process.pid})")
        dead = wait_for_port(web_port, children)
        if dead is None:
            banner(f"http://127.0.0.1:{web_port}/", env["REDIS_URL"], demo_lines)
        while dead is None:
            time.sleep(0.5)
            dead = next((c for c in children if c.exit_code() is not None), None)
        dead.wait()
        say(
            f"{dead.name} ({dead.command}) exited with code {dead.exit_code()}: stopping everything"
        )
        return 1
    except KeyboardInterrupt:
        say("interrupted: stopping everything")
        return 0
    except RuntimeError as exc:  # Redis or the web server would not start
        say(str(exc))
        return 1
    finally:
        stop_all(children)
        if redis is not None:
            say("stopping Redis")
            redis.stop()
        say("stopped")


def main() -> int:
    """Entry point of `python -m appeals.devstack`."""
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    os.chdir(ROOT)
    # Read .env/.flaskenv as the flask commands will, so REDIS_URL and PORT there count here.
    load_dotenv()
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"  # children's lines should reach the terminal as written
    try:
        return run(env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
