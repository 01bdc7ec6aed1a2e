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

# Sync-style work (SQL, templates) is bound by the CPU: one process per core, each with two
# threads, so that a request waiting on the database or Redis does not leave the core idle.
# More threads cost CPU: they share the process's GIL, and a page longer than its 5 ms turn is
# cut into turns among them. Measured on 2 cores at 50 users (bench/README.md, "Serving"):
# 2x2 served the signed-in and desk pages 20-30% faster than 2x8, with a lower p95; 2x8 kept
# only the lightest page (the home page, about 1 ms) 11% ahead. Idle keep-alive connections
# wait in gunicorn's poller, not in a thread; a TLS terminator in front buffers slow clients.
# A gthread process keeps every connection it accepted, busy or not: clients that hold their
# connections to gunicorn itself split unevenly between the processes. Sync workers
# (WEB_THREADS=1) take one only when idle, which evened the tail in stop 28's runs.
cores = multiprocessing.cpu_count()
workers = int(os.environ.get("WEB_CONCURRENCY", cores))
threads = int(os.environ.get("WEB_THREADS", 2))
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
