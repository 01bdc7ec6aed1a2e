"""Open data: aggregate statistics per month, body, category and region, and the public
ratings, with small counts suppressed so that no applicant can be singled out. The figures
are the scores' own predicates (answered, on time, open past the due date, the working days
from receipt to answer, the satisfaction points), so the open data and the ratings agree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from appeals.deadlines.service import working_calendar
from appeals.extensions import begin_reading, db
from appeals.fragments import keep_value, kept_value
from appeals.intake.models import Appeal, Satisfaction
from appeals.ratings.ranking import RankingRow, month_axis, month_ranking
from appeals.reference.models import Body, Category, Region
from appeals.scores.measures import median_of
from appeals.scores.period import Period
from appeals.scores.predicates import answered, on_time, open_late, received_on, sum_if
from appeals.scores.sql_dates import local_date_sql, month_of

# Codes and names of the reference rows by id, per kind (bodies, categories, regions).
Names = dict[str, dict[int, tuple[str, str]]]

# The columns of the statistics, in order (the data dictionary describes each).
STATISTICS_COLUMNS = (
    "month",
    "body_code",
    "body_name",
    "category_code",
    "category_name",
    "region_code",
    "region_name",
    "received",
    "answered",
    "answered_on_time",
    "open_overdue",
    "median_working_days_to_answer",
    "rated",
    "satisfaction",
)
# Counts that are suppressed below the threshold, and the figures that go with each.
COUNTS = ("received", "answered", "answered_on_time", "open_overdue", "rated")
RATINGS_COLUMNS = (
    "month",
    "position",
    "body_name",
    "body_kind",
    "region_name",
    "appeals",
    "ranked",
    "timeliness",
    "quality",
    "score",
    "grade",
)


def min_count() -> int:
    """Counts from 1 to this minus 1 are suppressed (OPEN_DATA_MIN_COUNT)."""
    return current_app.config["OPEN_DATA_MIN_COUNT"]


def suppressed(count: int | None, threshold: int) -> int | None:
    """A count as published: 0 and counts from the threshold up as they are, others None."""
    if count is None or count == 0 or count >= threshold:
        return count
    return None


def month_label(month: date | str) -> str:
    return str(month)[:7]


@dataclass
class StatisticsRow:
    month: str
    body_code: str | None
    body_name: str | None
    category_code: str
    category_name: str
    region_code: str
    region_name: str
    received: int | None
    answered: int | None
    answered_on_time: int | None
    open_overdue: int | None
    median_working_days_to_answer: float | None
    rated: int | None
    satisfaction: float | None


def statistics(first: date, last: date, today: date) -> list[StatisticsRow]:
    """Per month of receipt at the body that holds the appeal now, body, category and region:
    received, answered, answered on time, open past the due date today, the median working
    days from receipt to answer, and satisfaction (satisfied 1, partly 0.5, not 0, over the
    rated answers). Months from `first` to `last` (first days of months), in order, each by
    body, category and region code. Small counts are suppressed; a median or a satisfaction
    over a suppressed count is suppressed with it.

    Each month's figures are read as kept in Redis (count_statistics): counting a year of a
    country's appeals takes seconds, and anyone may ask, for any run of months."""
    rows, _total = statistics_page(first, last, today, 0, None)
    return rows


def statistics_page(
    first: date, last: date, today: date, offset: int, limit: int | None
) -> tuple[list[StatisticsRow], int]:
    """The statistics' rows from `offset` on, at most `limit` (None: all), and how many rows
    the months hold. Only the months the rows fall in are read: each month's number of rows
    is kept beside its figures."""
    months = months_between(first, last)
    names = _names()
    sizes = {month: kept_value(_key(month, today, "rows")) for month in months}
    counted: dict[date, list[list]] = {}
    if missing := [month for month in months if sizes[month] is None]:
        counted = count_statistics(missing, today, names)
        sizes |= {month: len(rows) for month, rows in counted.items()}
    end = sum(sizes.values()) if limit is None else offset + limit
    figures, start = [], 0
    for month in months:
        if start < end and offset < start + sizes[month]:
            kept = counted.get(month)
            if kept is None:
                kept = kept_value(_key(month, today))
            if kept is None:  # expired between the two reads: count it again
                kept = count_statistics([month], today, names)[month]
            figures += kept[max(0, offset - start) : end - start]
        start += sizes[month]
    threshold = min_count()
    return [_published(Figures(*f), names, threshold) for f in figures], start


def count_statistics(
    months: list[date], today: date, names: Names | None = None
) -> dict[date, list[list]]:
    """Count the months' figures (all in one reading), each month's rows by body, category
    and region code, and keep each month with its number of rows in Redis for twice the
    refresh job's interval (Redis unreachable: counted every time, never an error). `names`:
    the reference names already read (for their codes), else read here."""
    counted = _counted(months[0], months[-1], today)
    codes = {
        kind: {i: code for i, (code, _name) in found.items()}
        for kind, found in (names or _names()).items()
    }

    def order(f: list) -> tuple[str, str, str]:
        return (codes["bodies"].get(f[1], ""), codes["categories"][f[2]], codes["regions"][f[3]])

    seconds = 2 * current_app.config["OPEN_DATA_REFRESH_SECONDS"]
    figures = {month: sorted(counted.get(month_label(month), []), key=order) for month in months}
    for month, rows in figures.items():
        keep_value(_key(month, today), rows, seconds)
        keep_value(_key(month, today, "rows"), len(rows), seconds)
    return figures


def _key(month: date, today: date, what: str = "figures") -> str:
    # "open past the due date" is as of today: a new day, new figures.
    return f"opendata:statistics:{today}:{month:%Y-%m}:{what}"


@dataclass
class Figures:
    """One group's figures as counted, before suppression and names (kept as a JSON list)."""

    month: str
    body_id: int | None
    category_id: int
    region_id: int
    received: int
    answered: int
    answered_on_time: int
    open_overdue: int
    rated: int
    points: float
    median_days: float | None


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from `first` to `last` (the trends' axis of months)."""
    return month_axis(last, (last.year - first.year) * 12 + last.month - first.month + 1)


def _counted(first: date, last: date, today: date) -> dict[str, list[list]]:
    """The figures of the months from `first` to `last`, by month: the appeals received in
    them, read by the index on the date of receipt."""
    db.session.rollback()  # end the transaction the kept months were looked up in
    begin_reading()  # a long read: leave SQLite's writers free
    month = month_of(received_on())
    keys = (month.label("month"), Appeal.current_body_id, Appeal.category_id, Appeal.region_id)
    where = [received_on() >= first, received_on() <= Period.month_of(last).end]
    counts = db.session.execute(
        select(
            *keys,
            func.count().label("received"),
            sum_if(answered()).label("answered"),
            sum_if(on_time()).label("answered_on_time"),
            sum_if(open_late(today)).label("open_overdue"),
            func.count(Appeal.satisfaction).label("rated"),
            (
                sum_if(Appeal.satisfaction == Satisfaction.SATISFIED.value, 1.0)
                + sum_if(Appeal.satisfaction == Satisfaction.PARTLY.value, 0.5)
            ).label("points"),
        )
        .where(*where)
        .group_by(*keys)
    ).all()
    # The days to answer: one row per group and (receipt, answer) dates, counted by the
    # working calendar (the scores count the same working days in SQL).
    calendar = working_calendar()
    histograms: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    answer_day = local_date_sql(Appeal.answered_at)
    pairs = db.session.execute(
        select(*keys, received_on(), answer_day, func.count())
        .where(*where, answered())
        .group_by(*keys, received_on(), answer_day)
    ).all()
    for *group, received, answered_on, n in pairs:
        days = calendar.working_days_between(_as_date(received), _as_date(answered_on))
        histograms[tuple(group)][days] += n
    db.session.rollback()  # end the reading transaction
    by_month: dict[str, list[list]] = defaultdict(list)
    for row in counts:
        group = (row.month, row.current_body_id, row.category_id, row.region_id)
        by_month[month_label(row.month)].append(
            [
                month_label(row.month),
                row.current_body_id,
                row.category_id,
                row.region_id,
                row.received,
                row.answered,
                row.answered_on_time,
                row.open_overdue,
                row.rated,
                float(row.points),
                median_of(histograms[group].items()) if row.answered else None,
            ]
        )
    return by_month


def _published(figures: Figures, names, threshold: int) -> StatisticsRow:
    """A group's row as published: names in the reader's language, small counts suppressed
    and the figures made of them with them."""
    answered_n = suppressed(figures.answered, threshold)
    rated_n = suppressed(figures.rated, threshold)
    body = names["bodies"].get(figures.body_id, (None, None))
    category = names["categories"][figures.category_id]
    region = names["regions"][figures.region_id]
    return StatisticsRow(
        month=figures.month,
        body_code=body[0],
        body_name=body[1],
        category_code=category[0],
        category_name=category[1],
        region_code=region[0],
        region_name=region[1],
        received=suppressed(figures.received, threshold),
        answered=answered_n,
        answered_on_time=suppressed(figures.answered_on_time, threshold),
        open_overdue=suppressed(figures.open_overdue, threshold),
        median_working_days_to_answer=figures.median_days if answered_n else None,
        rated=rated_n,
        satisfaction=round(figures.points / figures.rated, 3) if rated_n else None,
    )


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _names() -> Names:
    """Codes and names of bodies, categories and regions, in the reader's language."""
    return {
        "bodies": {b.id: (b.code, b.name) for b in db.session.execute(select(Body)).scalars()},
        "categories": {
            c.id: (c.code, c.name) for c in db.session.execute(select(Category)).scalars()
        },
        "regions": {r.id: (r.code, r.name) for r in db.session.execute(select(Region)).scalars()},
    }


def ratings(month: date, today: date) -> list[dict[str, Any]]:
    """The public ratings of a month (as the ratings page shows them), a body's number of
    appeals, and its figures with it, suppressed when small."""
    threshold = min_count()
    rows, _from_snapshot = month_ranking(month, today=today)
    return [_rating(month, row, threshold) for row in rows]


def _rating(month: date, row: RankingRow, threshold: int) -> dict[str, Any]:
    """A ranking row as published; when its count is suppressed, so are the figures made of
    those few appeals."""
    appeals = suppressed(row.appeals, threshold)
    if appeals is None and row.appeals:
        row = replace(row, timeliness=None, quality=None, score=None, grade=None)
    return {
        "month": month_label(month),
        "position": row.position,
        "body_name": row.name,
        "body_kind": row.kind,
        "region_name": row.region,
        "appeals": appeals,
        "ranked": row.ranked,
        "timeliness": _rounded(row.timeliness),
        "quality": _rounded(row.quality),
        "score": _rounded(row.score, 1),
        "grade": row.grade,
    }


def _rounded(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def as_dicts(rows: list[StatisticsRow]) -> list[dict[str, Any]]:
    # The rows hold plain values: no need for asdict's deep copy (a year is 10^5 rows).
    return [dict(vars(row)) for row in rows]
