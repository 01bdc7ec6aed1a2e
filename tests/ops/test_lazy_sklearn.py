"""A web process does not import scikit-learn (about 250 MB a process) until a suggestion
is asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from appeals.extensions import db
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

SERVE_PAGES = """
import json, sys
from appeals import create_app
app = create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=sys.argv[1], REDIS_URL=sys.argv[2])
client = app.test_client()
statuses = [client.get(path).status_code for path in ("/", "/status", "/ratings/")]
signed_in = client.post("/login", data={"email": sys.argv[3], "password": sys.argv[4]})
statuses.append(signed_in.status_code)
statuses.append(client.get("/appeals/new").status_code)
heavy = sorted(name for name in ("sklearn", "scipy", "joblib") if name in sys.modules)
print(json.dumps({"statuses": statuses, "heavy": heavy}))
"""


def in_a_fresh_process(
    code: str, *args: str, env: dict[str, str | None] | None = None
) -> subprocess.CompletedProcess:
    """Run `code` in a new Python (nothing imported yet), with `env` set in its environment
    (None: left out); it must succeed."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={name: value for name, value in environment.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_serving_pages_leaves_scikit_learn_unimported(app, make_user):
    email = make_user().email
    db.session.commit()  # the write lock is free for the other process
    result = in_a_fresh_process(
        SERVE_PAGES, app.config["SQLALCHEMY_DATABASE_URI"], app.config["REDIS_URL"], email, PASSWORD
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["statuses"] == [200, 200, 200, 302, 200]
    assert report["heavy"] == []


FIRST_USE_FROM_THREADS = """
import threading
from appeals.lazy import lazy_import
ml = lazy_import("appeals.suggest.alike")
start, errors = threading.Barrier(16), []
def use():
    start.wait()
    try:
        ml.similarities
    except Exception as error:
        errors.append(repr(error))
threads = [threading.Thread(target=use) for _ in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(errors)
"""


def test_a_lazy_module_first_used_by_many_threads_at_once_is_whole_for_each():
    """gunicorn's threads: the first suggestion or look-alikes asked in several threads at
    once must not find the module half made (importlib's LazyLoader did on Python 3.11: an
    official's appeal page answered 500 under load)."""
    for _ in range(3):
        assert in_a_fresh_process(FIRST_USE_FROM_THREADS).stdout.strip() == "[]"
