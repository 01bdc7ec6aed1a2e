"""A long-lived process's garbage collector: what the app loaded is out of its passes, its
young generation is larger, and its time is reported on /metrics (appeals/heap.py)."""

from __future__ import annotations

import json

from appeals.heap import YOUNG_GENERATION
from tests.ops.test_lazy_sklearn import in_a_fresh_process

SETTLED_PAGES = """
import gc, json, re, sys
from appeals import create_app
from appeals.heap import settle
app = create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=sys.argv[1], REDIS_URL=sys.argv[2])
client = app.test_client()
before = len(gc.get_objects())
settle()
statuses = [client.get(path).status_code for path in ("/", "/status", "/ratings/") * 5]
gc.collect()
client.get("/healthz")  # the request after the pass reports it
metrics = client.get("/metrics").get_data(as_text=True)
reported = r'^appeals_gc_seconds_total\\{generation="(\\d)"\\} (\\S+)$'
print(json.dumps({
    "statuses": sorted(set(statuses)),
    "tracked_before": before,
    "frozen": gc.get_freeze_count(),
    "tracked_after_pages": len(gc.get_objects()),
    "young": gc.get_threshold()[0],
    "reported": re.findall(reported, metrics, re.M),
}))
"""


def _report(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_settled_process_keeps_the_loaded_app_out_of_the_collectors_passes(app):
    report = _report(
        in_a_fresh_process(
            SETTLED_PAGES, app.config["SQLALCHEMY_DATABASE_URI"], app.config["REDIS_URL"]
        )
    )
    assert report["statuses"] == [200]
    # Every object the loaded app held is frozen (with the ORM's mappers, finished by settle).
    assert report["frozen"] >= report["tracked_before"]
    # After pages, a full pass walks what the requests left, a fraction of what was loaded.
    assert report["tracked_after_pages"] < report["frozen"] / 3
    assert report["young"] == YOUNG_GENERATION
    # The full pass gc.collect() made, on /metrics.
    assert "2" in dict(report["reported"]) and float(dict(report["reported"])["2"]) > 0


def test_a_command_starts_before_the_metrics_folder_exists(tmp_path):
    """The environment of every process may name the folder gunicorn makes when it starts: a
    migration or a worker started first must not need it (no metric is written on import)."""
    in_a_fresh_process(
        "import appeals.ops.metrics", env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "not-yet")}
    )
