"""The operations' periodic jobs."""

from __future__ import annotations

from appeals.ops.planner import refresh_planner_statistics
from appeals.queues import app_job


@app_job
def analyze_database() -> None:
    """Nightly: the query planner's statistics counted again as the data grows."""
    refresh_planner_statistics()
