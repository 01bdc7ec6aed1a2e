"""The forms the load test posts (locustfile.py) and pages.py times in one process: each
form's CSRF token, and the appeal form, a statement about a road to the generated targets'
category and region."""

from __future__ import annotations

import re

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf(html: str) -> str:
    """The form's CSRF token on a page ("" when it has none)."""
    found = CSRF.search(html)
    return found.group(1) if found else ""


def appeal_form(targets: dict, csrf_token: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_token,
        "kind": "statement",
        "category_id": str(targets["category_id"]),
        "region_id": str(targets["region_id"]),
        "subject": "Load test: no answer about the road repair",
        "text": "The road in our street has not been repaired since spring; please help.",
        "repeats_id": "0",
        "repeat_reason": "",
    }
