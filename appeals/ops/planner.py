"""The query planner's statistics: how many rows each table holds and how many share a value
of each index. SQLite keeps none until ANALYZE runs, and without them guesses a few rows for
any one body: the score cells' count of one big body then looked up each appeal's working
days by scanning the whole working-day index (28 s for the biggest body of the 1,000,000-appeal
load database, 1.5 s with statistics; bench/README.md, "Stop 37"). PostgreSQL's autovacuum
analyzes by itself; after a bulk load it may not have yet."""

from __future__ import annotations

from sqlalchemy import text

from appeals.extensions import db


def refresh_planner_statistics() -> None:
    """Count the planner's statistics of every table again (ANALYZE, on either database).
    On SQLite it holds the write lock while it reads every index: about 2 s at 1,000,000
    appeals, so it runs at night (periodic.py) and after `flask generate`."""
    db.session.execute(text("ANALYZE"))
