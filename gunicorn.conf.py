"""gunicorn's settings for the web process: `gunicorn -c gunicorn.conf.py` (scripts/serve web).

Every figure can be overridden from the environment (gunicorn's own GUNICORN_CMD_ARGS also
works). The site listens on loopback by default: a TLS terminator (nginx, Caddy) in front
serves the public address (README, "Deployment")."""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

wsgi_app = "appeals:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000")

# The work (SQL, templates) is bound by the CPU: one process per core, each taking one request
# at a time (gunicorn's sync workers). A sync worker accepts a connection only when it is free
# and closes it after the response, so each request goes to an idle process. A gthread worker
# accepts every connection it is offered, busy or not: kept connections split unevenly between
# the processes (38 and 20 of 50 in stop 28), and closed ones (as nginx's proxy_pass does by
# default) still queue behind a busy process's threads. Measured on 2 cores at 50 users,
# mixed traffic, alternated (bench/README.md, "Stop 30"): p95 300-310 ms with sync workers
# against 330-390 with two threads a process on SQLite, 420-460 against 520-560 on
# PostgreSQL; throughput the same on SQLite, 3-9% lower on PostgreSQL; two threads with each
# connection closed after its response, 530-550 ms. WEB_THREADS above 1 selects gthread
# workers (more threads share one GIL and cut each other's pages into turns: stop 24). A
# sync worker's request is stopped after WEB_TIMEOUT; the TLS terminator in front buffers
# slow clients, so that none holds a process (README, "Deployment").
cores = multiprocessing.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY", cores))
threads = int(os.environ.get("WEB_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (jittered), so that no slow leak grows forever.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 10000))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
errorlog = "-"
proc_name = "appeals-web"

# Prometheus: each worker writes its counters to files in one folder, and a scrape of any
# worker sums them all (appeals/ops/metrics.py). The folder is emptied on every start; the
# variable must be set before prometheus_client is imported, here and in the workers.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or str(
    Path(tempfile.gettempdir()) / f"appeals-prometheus-{os.getuid()}"
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir
# Only now: prometheus_client chooses its file-backed values when first imported.
from prometheus_client import multiprocess  # noqa: E402


def on_starting(server):
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    # The worker has loaded the app: its objects leave the collector's passes (appeals/heap.py).
    # Imported here, not above: the master process never loads the app.
    from appeals.heap import settle

    settle()
