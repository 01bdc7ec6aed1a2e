"""Fixtures of the admin tests: a signed-in admin, and the reference tables put back as they
were after each test (conftest's WRITTEN_TABLES leaves holidays and deadline_policies alone,
so a day or a policy version left behind would shift other tests' due dates)."""

from __future__ import annotations

import pytest

from tests.conftest import tables_restored
from tests.notifications.conftest import smtp_server  # noqa: F401  (the SMTP fixture, for tests/admin/test_users.py)

REFERENCE_TABLES = ("holidays", "deadline_policies")


@pytest.fixture(autouse=True)
def restore_deadline_data(app_ctx):
    """Afterwards delete the days and versions a test added, put back what it removed and
    undo what it edited."""
    with tables_restored(REFERENCE_TABLES):
        yield
