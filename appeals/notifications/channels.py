"""Delivery channels. E-mail goes over SMTP (or to the log in development); SMS sits behind
the same small interface, with a gateway that cannot run here replaced by a logging one."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

log = logging.getLogger(__name__)


class Channel(Protocol):
    def send(
        self, address: str, subject: str, body: str, message_id: str, html: str | None = None
    ) -> None:
        """Deliver a notice: `body` is its plain text; `message_id` the same for every attempt at
        it; `html`, when given, the same notice as HTML for a channel that can show it
        (e-mail), which others ignore."""


def notice_message_id(notice_id: int, sender: str) -> str:
    """The same Message-ID for every attempt at one notice: delivery is at least once (a worker
    killed after the server took the message but before the notice was marked sent sends it
    again), and a mail client or server that sees the id twice keeps one copy."""
    domain = sender.rpartition("@")[2] or "e-appeals.invalid"
    return f"<notice-{notice_id}@{domain}>"


class EmailChannel:
    """SMTP delivery to the configured server; without one, the message is logged. With an
    HTML body the message is multipart/alternative: plain text first, then HTML."""

    def send(
        self, address: str, subject: str, body: str, message_id: str, html: str | None = None
    ) -> None:
        config = current_app.config
        message = EmailMessage()
        message["From"] = config["MAIL_FROM"]
        message["To"] = address
        message["Subject"] = subject
        message["Message-ID"] = message_id
        message.set_content(body)
        if html:
            message.add_alternative(html, subtype="html")
        if not config["MAIL_SERVER"]:
            log.info("e-mail to %s: %s\n%s", address, subject, body)
            return
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)


class LogSmsChannel:
    """Stands in for an SMS gateway, which needs a contract and a network this site lacks."""

    def send(
        self, address: str, subject: str, body: str, message_id: str, html: str | None = None
    ) -> None:
        log.info("sms to %s: %s", address, subject)


CHANNELS: dict[str, Channel] = {"email": EmailChannel(), "sms": LogSmsChannel()}
