"""Fixtures of the routing tests: those of the reference tables' tests (the tables put back as
they were, rules switched off for a category in a region), shared from tests/reference."""

from __future__ import annotations

from tests.reference.conftest import no_rules_for, restore_reference  # noqa: F401
