"""Fixtures of the accounts' tests: the real SMTP server of the notification tests."""

from tests.notifications.conftest import smtp_server  # noqa: F401  (a fixture)
