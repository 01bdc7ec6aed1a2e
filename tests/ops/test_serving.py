"""gunicorn's settings as the README's deployment states them: one web process per core, each
taking one request at a time (sync workers), threads only when WEB_THREADS asks for them, and
every worker forked from the app the master loaded once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

from appeals.localredis import free_port
from tests.faults.conftest import wait_for
from tests.ops.test_lazy_sklearn import ROOT, in_a_fresh_process

# In a process of its own: gunicorn.conf.py sets the metrics folder for the process it runs in.
READ_SETTINGS = """
import json, runpy
settings = runpy.run_path("gunicorn.conf.py")
print(json.dumps({name: settings[name] for name in ("workers", "threads", "worker_class",
                                                    "preload_app")}))
"""


def _settings(tmp_path: Path, **env: str) -> dict:
    unset = dict.fromkeys(("WEB_CONCURRENCY", "WEB_THREADS", "GUNICORN_CMD_ARGS"))
    result = in_a_fresh_process(
        READ_SETTINGS,
        env={**unset, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), **env},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_one_process_per_core_each_taking_one_request_at_a_time(tmp_path):
    settings = _settings(tmp_path)
    assert settings == {
        "workers": os.cpu_count(),
        "threads": 1,
        "worker_class": "sync",
        "preload_app": True,
    }


def test_threads_and_processes_as_the_environment_asks(tmp_path):
    settings = _settings(tmp_path, WEB_CONCURRENCY="3", WEB_THREADS="2")
    assert settings == {"workers": 3, "threads": 2, "worker_class": "gthread", "preload_app": True}


def _status(url: str) -> int | None:
    """The status a page is answered with (an error page's too); None while nothing listens."""
    try:
        with urlopen(url, timeout=30) as response:
            return response.status
    except HTTPError as error:
        return error.code
    except (URLError, ConnectionError):
        return None


def test_workers_forked_from_the_loaded_app_answer_while_they_are_replaced(app, tmp_path):
    """gunicorn as deployed, with each worker replaced after 3 requests: every page is answered
    by workers forked from the app loaded once, each on database and Redis connections of its
    own, already settled, and /metrics still counts the requests of the workers gone."""
    port = free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "1",
        "WEB_MAX_REQUESTS": "3",
        "WEB_ACCESS_LOG": "",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "SECRET_KEY": "a-long-random-key-for-this-test-only-" + "x" * 32,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    log = tmp_path / "web.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    site = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _status(f"{site}/healthz") is not None, 60, "gunicorn did not start")
        statuses = [_status(f"{site}{path}") for path in ("/ratings/", "/status") * 10]
        with urlopen(f"{site}/metrics", timeout=30) as response:
            metrics = response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=60)
    written = log.read_text()
    assert statuses == [200] * 20, written[-3000:]
    assert written.count("Booting worker") >= 6, "workers were replaced while the pages were read"
    assert "Traceback" not in written, written[-3000:]
    counted = re.findall(
        r'^appeals_http_request_duration_seconds_count\{endpoint="ratings\.ratings",method="GET",'
        r'status="200"\} (\S+)$',
        metrics,
        re.M,
    )
    assert counted == ["10.0"]
    # The collector's time is reported: the workers inherited a settled heap (appeals/heap.py).
    assert "appeals_gc_seconds_total" in metrics
