"""gunicorn's settings as the README's deployment states them: one web process per core, each
taking one request at a time (sync workers), threads only when WEB_THREADS asks for them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.ops.test_lazy_sklearn import in_a_fresh_process

# In a process of its own: gunicorn.conf.py sets the metrics folder for the process it runs in.
READ_SETTINGS = """
import json, runpy
settings = runpy.run_path("gunicorn.conf.py")
print(json.dumps({name: settings[name] for name in ("workers", "threads", "worker_class")}))
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
    assert settings == {"workers": os.cpu_count(), "threads": 1, "worker_class": "sync"}


def test_threads_and_processes_as_the_environment_asks(tmp_path):
    settings = _settings(tmp_path, WEB_CONCURRENCY="3", WEB_THREADS="2")
    assert settings == {"workers": 3, "threads": 2, "worker_class": "gthread"}
