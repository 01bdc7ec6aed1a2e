"""Time in one place: UTC in the database, aware datetimes everywhere, local dates for the law."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def now_utc() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date of a moment in the given zone (deadlines are local dates)."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def local_today(now: datetime | None = None) -> date:
    """Today's date in the site's zone (the law's deadlines are local dates)."""
    return local_date(now or now_utc(), current_app.config["TIMEZONE"])


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back aware (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
