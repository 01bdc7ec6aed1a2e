"""A real SMTP server on a free local port, a local HTTP server as the SMS gateway, and the
app pointed at them."""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from appeals.localredis import free_port


def plain_body(message: EmailMessage) -> str:
    """A received message's plain text (the text part of a multipart/alternative one)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_body(message: EmailMessage) -> str | None:
    """A received message's HTML alternative, or None when it has none."""
    part = message.get_body(("html",))
    return part.get_content() if part is not None else None


class Inbox:
    """The aiosmtpd handler: keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app, monkeypatch):
    """An SMTP server (aiosmtpd) that the app sends its e-mail to; yields its inbox."""
    controller_module = pytest.importorskip(
        "aiosmtpd.controller", reason="aiosmtpd (a test dependency) is not installed"
    )
    inbox = Inbox()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_down(app, monkeypatch):
    """The app's mail server is a local port where nothing listens."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())


class Gateway:
    """What the local SMS gateway received (each request's path, headers and JSON), and the
    status it answers with (200 unless a test makes it fail)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.status = 200
        self.delay = 0.0  # seconds before answering

    def texts_to(self, number: str) -> list[str]:
        return [r["json"]["text"] for r in self.received if r["json"]["to"] == number]


@pytest.fixture
def sms_gateway(app, monkeypatch):
    """A local HTTP server standing in for the SMS gateway (none can run here): it records
    every request and answers with `gateway.status`; the app's gateway URL and token point
    at it."""
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # the name http.server calls
            body = self.rfile.read(int(self.headers["Content-Length"]))
            gateway.received.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            time.sleep(gateway.delay)
            self.send_response(gateway.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}' if gateway.status < 300 else b'{"error": "down"}')

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", f"http://127.0.0.1:{server.server_port}/sms")
    monkeypatch.setitem(app.config, "SMS_GATEWAY_TOKEN", "gateway-token-1")
    yield gateway
    server.shutdown()
    server.server_close()
    thread.join()
