"""The look-alikes worked out again by the worker when an official's page found the kept
ones computed from other candidates (work.together.look_alikes, by dotted path)."""

from __future__ import annotations

from appeals.queues import app_job
from appeals.work.together import keep_look_alikes


@app_job
def keep_look_alikes_job(appeal_id: int) -> int:
    """Work out and keep one appeal's look-alikes (re-reads the database: it may be answered)."""
    return keep_look_alikes(appeal_id)
