"""The return of appeals whose defects were not fixed by the date (APPK art. 64(7)): one job
per appeal, scheduled when the body asks (work.defects.ask_to_fix, by dotted path), and the
sweep that repairs whatever Redis lost. Each re-checks the database."""

from __future__ import annotations

from appeals.queues import app_job
from appeals.timeutil import local_today
from appeals.work.defects import return_unfixed


@app_job
def return_unfixed_job(appeal_id: int) -> int:
    """Return one appeal if its date to fix defects has passed and it is still at a body."""
    return return_unfixed(local_today(), appeal_id)


@app_job
def sweep_unfixed_defects() -> int:
    """Return every appeal whose date to fix defects has passed (the jobs' safety net)."""
    return return_unfixed(local_today())
