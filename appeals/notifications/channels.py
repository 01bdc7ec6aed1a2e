"""Delivery channels. E-mail goes over SMTP, SMS over an HTTP gateway; without a server
configured (development) each is written to the log."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

import requests
from flask import current_app

from appeals.notifications.sms import fit_sms

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


class SmsGatewayError(RuntimeError):
    """The gateway did not accept the message (an answer other than 2xx)."""


class SmsChannel:
    """An SMS gateway over HTTP: a JSON POST {"to", "text"} to SMS_GATEWAY_URL with the token
    as a bearer; a timeout or an answer other than 2xx raises, so the delivery job records the
    failure and RQ retries. The text is the notice's subject line, cut to SMS_MAX_PARTS.
    Without a URL the message is logged (development)."""

    def send(
        self, address: str, subject: str, body: str, message_id: str, html: str | None = None
    ) -> None:
        config = current_app.config
        text = fit_sms(subject, config["SMS_MAX_PARTS"])
        if not config["SMS_GATEWAY_URL"]:
            log.info("sms to %s: %s", address, text)
            return
        response = requests.post(
            config["SMS_GATEWAY_URL"],
            json={"to": address, "text": text},
            headers={"Authorization": f"Bearer {config['SMS_GATEWAY_TOKEN']}"},
            timeout=(config["SMS_GATEWAY_CONNECT_TIMEOUT"], config["SMS_GATEWAY_READ_TIMEOUT"]),
            allow_redirects=False,  # a redirect would turn the POST into a GET elsewhere
        )
        if not 200 <= response.status_code < 300:
            raise SmsGatewayError(f"HTTP {response.status_code}: {response.text[:200]}")


CHANNELS: dict[str, Channel] = {"email": EmailChannel(), "sms": SmsChannel()}
