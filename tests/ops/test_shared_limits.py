"""The rate limits are kept in the app's Redis, so every web process counts against one
limit (with `memory://` four gunicorn workers allowed four times the limit)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis

ROOT = Path(__file__).resolve().parents[2]

# A second process: a fresh app on the same Redis posts the status form once more.
SECOND_PROCESS = """
import sys
from appeals import create_app
app = create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=sys.argv[1], REDIS_URL=sys.argv[2],
                 RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_FORMS="3 per minute")
print(app.test_client().post("/status", data={"number": "X", "code": "Y"}).status_code)
"""


@pytest.fixture
def limited_app(second_app):
    """An app with the limits on and no storage named: the default applies."""
    return second_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_FORMS="3 per minute")


def test_the_limits_default_to_the_apps_redis(limited_app):
    assert limited_app.config["RATELIMIT_STORAGE_URI"] == limited_app.config["REDIS_URL"]


def test_two_processes_share_one_limit(limited_app, redis_server):
    client = limited_app.test_client()
    for _ in range(2):
        assert client.post("/status", data={"number": "X", "code": "Y"}).status_code != 429
    assert Redis.from_url(redis_server.url).keys("LIMITS*"), "the hits are counted in Redis"
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            SECOND_PROCESS,
            limited_app.config["SQLALCHEMY_DATABASE_URI"],
            redis_server.url,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert other.returncode == 0, other.stderr[-2000:]
    assert other.stdout.split()[-1] != "429", "the third hit, from another process, is allowed"
    # The fourth hit in the first process is over the limit the two processes share.
    assert client.post("/status", data={"number": "X", "code": "Y"}).status_code == 429
