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
# The app is loaded once, in the master, with every template compiled (when_ready), and each
# worker is forked from it. A replaced worker then serves at once: loading the app in each
# worker took 1.7 s of a core on this machine and each page's first view compiled its templates
# (0.7 s for all), while the other workers took its share (bench/README.md, "Stop 31"). The
# workers also share the loaded app's memory. A release restarts the web process: a HUP forks
# new workers from the app the master loaded before, the old code.
preload_app = True
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


# The hooks import the app's modules when they run, so that reading these settings (gunicorn
# --check-config, the tests) does not load the app.


def when_ready(server):
    # The loaded app, before the first fork: what is done here no worker does again.
    from appeals.heap import settle

    app = server.app.wsgi()
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    # Out of the collector's passes (appeals/heap.py), in pages the workers share.
    settle()


def post_fork(server, worker):
    # Each worker opens its own database connections: none may cross the fork.
    from appeals.extensions import db

    app = server.app.wsgi()
    if "sqlalchemy" not in app.extensions:  # the load test's hello-world, served alike
        return
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
