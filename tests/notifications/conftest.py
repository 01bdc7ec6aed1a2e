"""A real SMTP server on a free local port, and the app pointed at it."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

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
