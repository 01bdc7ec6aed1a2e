"""The local date of a UTC timestamp computed in SQL (SQLite has no time zones: the offsets
are written into the query) agrees with zoneinfo, across the zone's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import column, select, values

from appeals.extensions import db
from appeals.scores.sql_dates import _offset_spans, local_date_sql
from appeals.timeutil import UTCDateTime


def moments(zone: str) -> list[datetime]:
    # Every 31 days and 30 minutes (so the time of day sweeps the clock several times over),
    # 2000-2036, and one second either side of each change of offset.
    start = datetime(2000, 1, 1, tzinfo=UTC)
    step = timedelta(days=31, seconds=1789)
    spread = [start + k * step for k in range(430)]
    edges = [
        since + timedelta(seconds=delta)
        for since, _ in _offset_spans(zone)
        if since is not None and since.year < 2036
        for delta in (-1, 0, 1)
    ]
    return spread + edges


@pytest.mark.parametrize(
    "zone", ["Asia/Almaty", "America/New_York", "Asia/Kolkata", "America/St_Johns", "UTC"]
)
def test_sql_local_dates_agree_with_zoneinfo(app, zone):
    saved = app.config["TIMEZONE"]
    app.config["TIMEZONE"] = zone
    try:
        given = moments(zone)
        table = values(column("moment", UTCDateTime()), name="moments").data(
            [(moment,) for moment in given]
        )
        table = table.cte("moments")
        found = db.session.execute(select(table.c.moment, local_date_sql(table.c.moment))).all()
        assert len(found) == len(given)
        for moment, day in found:
            assert day == moment.astimezone(ZoneInfo(zone)).date(), moment
    finally:
        app.config["TIMEZONE"] = saved
        db.session.rollback()
