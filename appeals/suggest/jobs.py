"""The nightly retraining of the category suggestion (registered in appeals/periodic.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from appeals.queues import app_job
from appeals.suggest.service import retrain


@app_job
def retrain_suggester() -> dict[str, Any]:
    """Retrain the category suggestion on the answered appeals and save it for every process."""
    # Idempotent: a second run trains the same model from the same rows and replaces the file.
    return asdict(retrain())
