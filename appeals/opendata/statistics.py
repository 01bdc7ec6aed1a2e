"""Open data: aggregate statistics per month, body, category and region, and the public
ratings, with small counts suppressed so that no applicant can be singled out. The figures
are the scores' own predicates (answered, on time, open past the due date, the working days
from receipt to answer, the satisfaction points), so the open data and the ratings agree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from appeals.deadlines.service import working_calendar
from appeals.extensions import begin_reading, db
from appeals.intake.models import Appeal, Satisfaction
from appeals.ratings.ranking import RankingRow, month_ranking
from appeals.reference.models import Body, Category, Region
from appeals.scores.measures import median_of
from appeals.scores.predicates import answered, on_time, open_late, received_on, sum_if
from appeals.scores.sql_dates import local_date_sql, month_of

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
    rated answers). Months from `first` to `last` (first days of months). Small counts are
    suppressed; a median or a satisfaction over a suppressed count is suppressed with it."""
    threshold = min_count()
    begin_reading()  # a long read: leave SQLite's writers free
    month = month_of(received_on())
    keys = (month.label("month"), Appeal.current_body_id, Appeal.category_id, Appeal.region_id)
    where = [received_on().is_not(None), received_on() >= first, received_on() <= _month_end(last)]
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
    names = _names()
    rows = []
    for row in counts:
        group = (row.month, row.current_body_id, row.category_id, row.region_id)
        answered_n = suppressed(row.answered, threshold)
        rated_n = suppressed(row.rated, threshold)
        body = names["bodies"].get(row.current_body_id, (None, None))
        category = names["categories"][row.category_id]
        region = names["regions"][row.region_id]
        rows.append(
            StatisticsRow(
                month=month_label(row.month),
                body_code=body[0],
                body_name=body[1],
                category_code=category[0],
                category_name=category[1],
                region_code=region[0],
                region_name=region[1],
                received=suppressed(row.received, threshold),
                answered=answered_n,
                answered_on_time=suppressed(row.answered_on_time, threshold),
                open_overdue=suppressed(row.open_overdue, threshold),
                median_working_days_to_answer=(
                    median_of(histograms[group].items()) if answered_n else None
                ),
                rated=rated_n,
                satisfaction=round(float(row.points) / row.rated, 3) if rated_n else None,
            )
        )
    db.session.rollback()  # end the reading transaction
    return sorted(rows, key=lambda r: (r.month, r.body_code or "", r.category_code, r.region_code))


def _month_end(month: date) -> date:
    next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(next_month.toordinal() - 1)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _names() -> dict[str, dict[int, tuple[str, str]]]:
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
    return [asdict(row) for row in rows]
