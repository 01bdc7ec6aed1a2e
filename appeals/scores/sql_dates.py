"""Local dates and times in SQL: the local calendar date of a UTC timestamp column (on
PostgreSQL by its time zones, on SQLite by the zone's offsets since 2000), a date's month, a
timestamp plus whole days, and a period's bounds in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, Date, and_, case, cast, func, literal, type_coerce

from appeals.extensions import db
from appeals.scores.period import Period
from appeals.timeutil import UTCDateTime, now_utc


def site_timezone() -> str:
    return current_app.config["TIMEZONE"]


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(site_timezone())).astimezone(UTC)


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """[first local midnight, the midnight after the last day) in UTC: a sargable range."""
    return _local_midnight_utc(period.start), _local_midnight_utc(period.end + timedelta(days=1))


@lru_cache(maxsize=8)
def _offset_spans(zone: str) -> tuple[tuple[datetime | None, int], ...]:
    """The zone's UTC offsets from 2000 to 2100, newest first: (in force from, seconds); the
    oldest has None. Found by a weekly scan (offsets never change twice in a week) and a bisection
    to the second, once per zone."""
    tz = ZoneInfo(zone)

    def offset(second: int) -> int:
        moment = datetime.fromtimestamp(second, UTC).astimezone(tz)
        return int(moment.utcoffset().total_seconds())

    week = 7 * 24 * 3600
    second = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())
    current = offset(second)
    spans: list[tuple[datetime | None, int]] = [(None, current)]
    while second < end:
        following = second + week
        if offset(following) != current:
            low, high = second, following  # offset(low) == current != offset(high)
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            current = offset(high)
            spans.append((datetime.fromtimestamp(high, UTC), current))
        second = following
    return tuple(reversed(spans))


def local_date_sql(moment: ColumnElement) -> ColumnElement:
    """The local calendar date of a UTC timestamp column, in SQL."""
    if dialect_name() == "postgresql":
        return cast(func.timezone(site_timezone(), moment), Date)
    # SQLite has no time zones: the offsets in force since 2000, chosen by a binary search
    # written as nested CASEs (a few comparisons a row even for a zone with summer time).
    spans = list(reversed(_offset_spans(site_timezone())))  # oldest first

    def search(low: int, high: int) -> ColumnElement:
        if low == high:
            return _shifted_date(moment, spans[low][1])
        middle = (low + high + 1) // 2
        since = literal(spans[middle][0], UTCDateTime())
        return case((moment >= since, search(middle, high)), else_=search(low, middle - 1))

    # Most rows are recent: test the span in force now first (one comparison for a zone
    # whose offset has not changed since, like Kazakhstan's since March 2024).
    now = now_utc()
    current = max(i for i, (since, _) in enumerate(spans) if since is None or since <= now)
    recent = [moment >= literal(spans[current][0], UTCDateTime())] if current else []
    if current + 1 < len(spans):
        recent.append(moment < literal(spans[current + 1][0], UTCDateTime()))
    if not recent:
        return type_coerce(_shifted_date(moment, spans[0][1]), Date)
    nearest = _shifted_date(moment, spans[current][1])
    return type_coerce(case((and_(*recent), nearest), else_=search(0, len(spans) - 1)), Date)


def _shifted_date(moment: ColumnElement, seconds: int) -> ColumnElement:
    """SQLite: the date of a stored 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text at a fixed offset.
    date() costs about a microsecond a row, so it is called only for the moments whose local
    date differs from the UTC one (from 19:00 UTC at +05:00); the others take the text's first
    ten characters, and the time of day is compared as text."""
    utc_day, clock = func.substr(moment, 1, 10), func.substr(moment, 12, 8)
    if seconds == 0:
        return utc_day
    if seconds > 0:  # the next day from (24h - offset) UTC
        threshold = _clock(24 * 3600 - seconds)
        return case((clock >= threshold, func.date(moment, "+1 day")), else_=utc_day)
    threshold = _clock(-seconds)  # the previous day until -offset UTC
    return case((clock < threshold, func.date(moment, "-1 day")), else_=utc_day)


def month_of(day: ColumnElement) -> ColumnElement:
    """The first day of a date's month, in SQL (NULL stays NULL)."""
    if dialect_name() == "postgresql":
        return cast(func.date_trunc("month", day), Date)
    # SQLite keeps dates as 'YYYY-MM-DD' text: cut it, which is cheaper than date().
    return type_coerce(func.substr(day, 1, 7).op("||")(literal("-01")), Date)


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def plus_days(moment: ColumnElement, days: int) -> ColumnElement:
    """A UTC timestamp column plus whole days, comparable with the stored timestamps."""
    if dialect_name() == "postgresql":
        return moment + literal(timedelta(days=days))
    # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff'; %f gives SS.SSS, so pad to six digits.
    return type_coerce(
        func.strftime("%Y-%m-%d %H:%M:%f", moment, f"+{days} days") + literal("000"),
        UTCDateTime(),
    )
