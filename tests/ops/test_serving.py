"""gunicorn's settings as the README's deployment states them: one web process per core, each
taking one request at a time (sync workers), threads only when WEB_THREADS asks for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# In a process of its own: gunicorn.conf.py sets the metrics folder for the process it runs in.
READ_SETTINGS = """
import json, runpy
settings = runpy.run_path("gunicorn.conf.py")
print(json.dumps({name: settings[name] for name in ("workers", "threads", "worker_class")}))
"""


def _settings(tmp_path: Path, **env: str) -> dict:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("WEB_CONCURRENCY", "WEB_THREADS", "GUNICORN_CMD_ARGS")
    }
    environment |= {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), **env}
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_one_process_per_core_each_taking_one_request_at_a_time(tmp_path):
    settings = _settings(tmp_path)
    assert settings == {"workers": os.cpu_count(), "threads": 1, "worker_class": "sync"}


def test_threads_and_processes_as_the_environment_asks(tmp_path):
    settings = _settings(tmp_path, WEB_CONCURRENCY="3", WEB_THREADS="2")
    assert settings == {"workers": 3, "threads": 2, "worker_class": "gthread"}
