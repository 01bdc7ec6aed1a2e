"""Browser fixtures: the session's app served over HTTP in a thread, driven by Debian's
Chromium through pytest-playwright (no downloaded browser is needed or used)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect
from werkzeug.serving import BaseWSGIServer, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's default of 5 s is short for a loaded CI runner; a real failure still ends fast.
expect.set_options(timeout=10_000)


@dataclass(frozen=True)
class LiveServer:
    url: str
    server: BaseWSGIServer


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[LiveServer]:
    """The session's app (same database) on 127.0.0.1 and a free port, in a thread.

    Each request gets its own app context and database session, as in production; the
    test's own session must commit before driving the browser, or SQLite's lock waits.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", server=server)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(autouse=True)
def csrf_checked(app, monkeypatch) -> None:
    """The browser posts the real forms, so the CSRF check is on, as in production (the
    other tests turn it off): a view it cannot protect fails here, not first in production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium, headless unless --headed; skip when it is not installed."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):  # CI installs it: a missing browser there is a failure
            pytest.fail(message)
        pytest.skip(message + "; browser tests skipped")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server: LiveServer) -> dict:
    """Relative URLs go to the live server; English pages whatever the machine's locale."""
    return {**browser_context_args, "base_url": live_server.url, "locale": "en-US"}


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """pytest-playwright's page, and the test fails if the server answered any request with a
    5xx: the traceback is in the captured log, but a locator timeout alone would hide it."""
    server_errors: list[str] = []

    def check(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", check)
    yield page
    assert not server_errors, f"the server failed: {server_errors} (see the captured log)"
