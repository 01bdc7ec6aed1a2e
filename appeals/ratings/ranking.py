"""The ranking of bodies for a period, shared by the prosecutor's desk and the public page:
scores from appeals.scores (live) or from the monthly snapshots, with each body's name, kind,
region and positions overall and within its kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select

from appeals.extensions import db
from appeals.fragments import kept_in_process
from appeals.ratings.chart import TrendPoint
from appeals.reference.models import Body, Region, localized_name, name_columns
from appeals.scores.cells import cell_days_to_answer
from appeals.scores.formula import (
    BodyMeasures,
    BodyScore,
    empty_measures,
    national_means,
    pool_measures,
    rank,
    score_body,
)
from appeals.scores.measures import median_of
from appeals.scores.models import ScoreSnapshot
from appeals.scores.period import Period
from appeals.scores.snapshots import (
    PeriodScores,
    period_scores,
    score_settings,
    wanted_bodies,
)
from appeals.timeutil import local_today


@dataclass(frozen=True)
class RankingRow:
    body_id: int
    name: str
    kind: str
    region: str  # the region's name, or "National"
    appeals: int
    ranked: bool
    timeliness: float | None  # shrunk, 0..1: the T of the score
    quality: float | None
    score: float | None
    grade: str | None
    position: int | None = None  # among the ranked rows shown
    kind_position: int | None = None  # among the ranked rows of the same kind
    on_time: float | None = None  # raw share answered on time (live figures only)
    open_overdue: int | None = None  # live figures only


def _bodies(body_ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """id -> (name, kind, region name) in one query, read as columns (thousands of bodies)."""
    ids = list(body_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Body.id, localized_name(Body), Body.kind, localized_name(Region))
        .outerjoin(Region, Region.id == Body.region_id)
        .where(Body.id.in_(ids))
    ).all()
    return {body_id: (name, kind, region or "National") for body_id, name, kind, region in rows}


def with_positions(rows: Sequence[RankingRow]) -> list[RankingRow]:
    """Positions by score among the ranked rows, overall and within each kind."""
    scores = [
        BodyScore(r.body_id, r.appeals, r.ranked, r.timeliness, r.quality, score=r.score)
        for r in rows
    ]
    overall = {s.body_id: position for position, s in rank(scores)}
    by_kind: dict[str, list[BodyScore]] = defaultdict(list)
    kinds = {r.body_id: r.kind for r in rows}
    for s in scores:
        by_kind[kinds[s.body_id]].append(s)
    within = {s.body_id: p for group in by_kind.values() for p, s in rank(group)}
    return [
        replace(r, position=overall.get(r.body_id), kind_position=within.get(r.body_id))
        for r in rows
    ]


@dataclass(frozen=True)
class Ranking:
    rows: list[RankingRow]
    counted_at: datetime  # when the figures were counted (the audits: just now)
    from_cache: bool
    # The rows' measures and the national means their scores were shrunk toward: what a
    # region roll-up pools and scores without counting anything again.
    measures: list[BodyMeasures] = field(default_factory=list)
    national: dict[str, float | None] = field(default_factory=dict)
    kept_as: tuple | None = None  # kept in this process under this key (see period_ranking)


def period_ranking(
    period: Period,
    *,
    body_ids: Collection[int] | None = None,
    region_id: int | None = None,
    kind: str | None = None,
    today: date | None = None,
) -> Ranking:
    """The period's ranking from the live figures (scores shrunk toward the national means),
    read through the scores' cache, with when the figures were counted."""
    # The whole country is read once (a cached entry) and narrowed here, so that the
    # national means stay at hand for the region roll-ups. A ranking shows no medians.
    result = period_scores(period, today=today, medians_for=())
    wanted = wanted_bodies(body_ids, region_id, kind)
    if result.kept_as is None:
        return _ranking_of(result, wanted)
    key = (result.kept_as, None if wanted is None else frozenset(wanted), name_columns())
    return kept_in_process(
        _rankings, key, lambda: _ranking_of(result, wanted, kept_as=key), limit=KEPT_IN_PROCESS
    )


# Rankings and region roll-ups built from country scores kept in this process, kept as long
# (while those scores stand): 2,000 rows with names, positions and pooled regions cost the
# dashboard some 40 ms a view. The names' language and the filters are part of the key.
_rankings: dict[tuple, Ranking] = {}
_rollups: dict[tuple, list] = {}
KEPT_IN_PROCESS = 32


def _ranking_of(
    result: PeriodScores, wanted: set[int] | None, kept_as: tuple | None = None
) -> Ranking:
    pairs = [
        (m, s)
        for m, s in zip(result.measures, result.scores, strict=True)
        if wanted is None or m.body_id in wanted
    ]
    measures = [m for m, _ in pairs]
    return Ranking(
        rows_from_scores(measures, [s for _, s in pairs]),
        result.counted_at,
        result.from_cache,
        measures=measures,
        national=national_means(result.measures),
        kept_as=kept_as,
    )


def live_ranking(
    period: Period,
    *,
    body_ids: Collection[int] | None = None,
    region_id: int | None = None,
    kind: str | None = None,
    today: date | None = None,
) -> list[RankingRow]:
    """The rows of period_ranking."""
    return period_ranking(
        period, body_ids=body_ids, region_id=region_id, kind=kind, today=today
    ).rows


def rows_from_scores(
    measures: Sequence[BodyMeasures], scores: Sequence[BodyScore]
) -> list[RankingRow]:
    """Ranking rows from the scoring module's output (measures and scores in the same order)."""
    names = _bodies(s.body_id for s in scores)
    rows = []
    for m, s in zip(measures, scores, strict=True):
        name, kind, region = names[s.body_id]
        rows.append(
            RankingRow(
                body_id=s.body_id,
                name=name,
                kind=kind,
                region=region,
                appeals=s.appeals,
                ranked=s.ranked,
                timeliness=s.timeliness,
                quality=s.quality,
                score=s.score,
                grade=s.grade,
                on_time=m.timely.value,
                open_overdue=m.open_overdue,
            )
        )
    return with_positions(rows)


# --- Region roll-ups ------------------------------------------------------------------------

NATIONAL_BODIES = "National bodies"
LEVEL_WORDS = {"region": "oblast", "city": "city", "district": "district"}


@dataclass(frozen=True)
class RegionRow:
    """The pooled figures of the bodies of one region, scored as if they were one body."""

    region_id: int | None  # None: the national bodies (no region)
    name: str
    own_level: bool  # the scope's own region: only the bodies sitting at its level
    bodies: int
    appeals: int
    ranked: bool
    on_time: float | None  # raw pooled share answered on time
    timeliness: float | None  # shrunk toward the national mean
    quality: float | None
    score: float | None
    grade: str | None


_OUTSIDE = -1  # a body outside the scope's region (never a region id)


def rollup_key(
    region_id: int | None, parents: dict[int, int | None], within: int | None
) -> int | None:
    """The region a body's figures roll up into: for the whole country, the top-level region
    (oblast or city of republican significance) its region lies in, None for a national body;
    within a region, the region just below it that holds the body's region, or the region
    itself for a body at its level; _OUTSIDE for a body elsewhere."""
    if region_id is None:
        return None if within is None else _OUTSIDE
    chain = [region_id]  # the region, its parent, ... up to the country
    while (parent := parents.get(chain[-1])) is not None and len(chain) <= len(parents):
        chain.append(parent)
    if within is None:
        return chain[-2] if len(chain) > 1 else None  # a body of the country node: national
    if within not in chain:
        return _OUTSIDE
    position = chain.index(within)
    return chain[position - 1] if position > 0 else within


def region_rollup(ranking: Ranking, within: int | None) -> list[RegionRow]:
    """One row per region of the ranking's bodies (see rollup_key; `within` is the scope's
    region, None for the whole country): their measures pooled and scored with the ranking's
    formula against the same national means. The scope's own level first, then by name, the
    national bodies last."""
    if not ranking.measures:
        return []
    if ranking.kept_as is None:
        return _region_rollup(ranking, within)
    key = (ranking.kept_as, within)
    return kept_in_process(
        _rollups, key, lambda: _region_rollup(ranking, within), limit=KEPT_IN_PROCESS
    )


def _region_rollup(ranking: Ranking, within: int | None) -> list[RegionRow]:
    body_regions = dict(
        db.session.execute(
            select(Body.id, Body.region_id).where(
                Body.id.in_([m.body_id for m in ranking.measures])
            )
        ).all()
    )
    regions = {r.id: r for r in db.session.execute(select(Region)).scalars()}
    parents = {r.id: r.parent_id for r in regions.values()}
    groups: dict[int | None, list[BodyMeasures]] = defaultdict(list)
    for m in ranking.measures:
        key = rollup_key(body_regions.get(m.body_id), parents, within)
        if key != _OUTSIDE:
            groups[key].append(m)
    settings = score_settings()
    rows = []
    for key, group in groups.items():
        pooled = pool_measures(group)
        score = score_body(pooled, ranking.national, **settings)
        own_level = key is not None and key == within
        if key is None:
            name = NATIONAL_BODIES
        elif own_level:
            level = LEVEL_WORDS.get(regions[key].level, regions[key].level)
            name = f"{regions[key].name} ({level}-level bodies)"
        else:
            name = regions[key].name
        rows.append(
            RegionRow(
                region_id=key,
                name=name,
                own_level=own_level,
                bodies=len(group),
                appeals=pooled.appeals,
                ranked=score.ranked,
                on_time=pooled.timely.value,
                timeliness=score.timeliness,
                quality=score.quality,
                score=score.score,
                grade=score.grade,
            )
        )
    return sorted(rows, key=lambda r: (not r.own_level, r.region_id is None, r.name.casefold()))


def snapshot_ranking(
    month: date,
    *,
    body_ids: Collection[int] | None = None,
    kind: str | None = None,
) -> list[RankingRow]:
    """A closed month's ranking as its snapshot recorded it (no appeal is read)."""
    query = select(ScoreSnapshot, Body, Region).join(Body, Body.id == ScoreSnapshot.body_id)
    query = query.outerjoin(Region, Region.id == Body.region_id)
    query = query.where(ScoreSnapshot.month == month)
    if body_ids is not None:
        query = query.where(ScoreSnapshot.body_id.in_(list(body_ids)))
    if kind:
        query = query.where(Body.kind == kind)
    rows = [
        RankingRow(
            body_id=body.id,
            name=body.name,
            kind=body.kind,
            region=region.name if region else "National",
            appeals=snap.appeals,
            ranked=snap.ranked,
            timeliness=snap.timeliness,
            quality=snap.quality,
            score=snap.score,
            grade=snap.grade,
        )
        for snap, body, region in db.session.execute(query.order_by(Body.id))
    ]
    return with_positions(rows)


def month_ranking(
    month: date,
    *,
    body_ids: Collection[int] | None = None,
    kind: str | None = None,
    today: date | None = None,
) -> tuple[list[RankingRow], bool]:
    """A month's ranking as the public sees it: from its snapshot when one was taken, else
    counted live. Returns the rows by rank and whether they came from a snapshot."""
    from_snapshot = month in snapshot_months()
    if from_snapshot:
        rows = snapshot_ranking(month, body_ids=body_ids, kind=kind)
    else:
        rows = live_ranking(
            Period.month(month.year, month.month), body_ids=body_ids, kind=kind, today=today
        )
    return sort_rows(rows, "rank", "asc"), from_snapshot


def snapshot_months() -> list[date]:
    """The months that have snapshots, newest first."""
    return list(
        db.session.execute(
            select(ScoreSnapshot.month).distinct().order_by(ScoreSnapshot.month.desc())
        ).scalars()
    )


SORT_KEYS = {
    "rank": lambda r: (r.position is None, r.position or 0),
    "name": lambda r: r.name.casefold(),
    "kind": lambda r: (r.kind, r.name.casefold()),
    "region": lambda r: (r.region.casefold(), r.name.casefold()),
    "appeals": lambda r: r.appeals,
    "timeliness": lambda r: r.timeliness,
    "quality": lambda r: r.quality,
    "score": lambda r: r.score,
    "open_overdue": lambda r: r.open_overdue,
}


def sort_rows(rows: Iterable[RankingRow], column: str, order: str) -> list[RankingRow]:
    """Rows ordered by a column; rows without a value for it come last either way."""
    key = SORT_KEYS[column]
    rows = list(rows)
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    if column == "rank":  # the unranked have no position: last, in name order
        present = [r for r in rows if r.position is not None]
        missing = sorted((r for r in rows if r.position is None), key=SORT_KEYS["name"])
    present.sort(key=key, reverse=order == "desc")
    return present + missing


_sorted: dict[tuple, Ranking] = {}


def sorted_ranking(ranking: Ranking, column: str, order: str) -> Ranking:
    """The ranking with its rows sorted by a column (sort_rows); a ranking kept in this
    process is kept sorted as well (2,000 rows cost some 1 ms to sort)."""
    if ranking.kept_as is None:
        return replace(ranking, rows=sort_rows(ranking.rows, column, order))
    return kept_in_process(
        _sorted,
        (ranking.kept_as, column, order),
        lambda: replace(ranking, rows=sort_rows(ranking.rows, column, order)),
        limit=KEPT_IN_PROCESS,
    )


# --- Trends from the snapshots -------------------------------------------------------------


def month_axis(last: date, months: int) -> list[date]:
    """The first days of the `months` months ending with `last`'s month, oldest first."""
    year, month = last.year, last.month
    axis = []
    for _ in range(months):
        axis.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(axis))


def trend_points(snapshots: Iterable[ScoreSnapshot], axis: Sequence[date]) -> list[TrendPoint]:
    """One point per month of the axis: the snapshot's score, or a gap."""
    by_month = {s.month: s.score for s in snapshots}
    return [TrendPoint(f"{m:%m.%Y}", by_month.get(m)) for m in axis]


def trends(body_ids: Collection[int], axis: Sequence[date]) -> dict[int, list[TrendPoint]]:
    """Trend points of many bodies over the same months, in one query (for a whole table)."""
    if not body_ids or not axis:
        return {}
    found: dict[int, dict[date, float | None]] = defaultdict(dict)
    for body_id, month, score in db.session.execute(
        select(ScoreSnapshot.body_id, ScoreSnapshot.month, ScoreSnapshot.score).where(
            ScoreSnapshot.body_id.in_(list(body_ids)),
            ScoreSnapshot.month.between(axis[0], axis[-1]),
        )
    ):
        found[body_id][month] = score
    labels = [(m, f"{m:%m.%Y}") for m in axis]  # the same months for every row
    return {
        body_id: [TrendPoint(label, found[body_id].get(m)) for m, label in labels]
        for body_id in body_ids
    }


@dataclass(frozen=True)
class Mover:
    body_id: int
    name: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


def worst_movers(
    month: date, *, body_ids: Collection[int] | None = None, kind: str | None = None, limit: int = 5
) -> list[Mover]:
    """The biggest drops in score from the month before to `month`, among bodies ranked in
    both (a small body's swing is luck, not a signal)."""
    previous = month_axis(month, 2)[0]
    after, before = ScoreSnapshot.__table__.alias("after"), ScoreSnapshot.__table__.alias("before")
    change = after.c.score - before.c.score
    query = (
        select(after.c.body_id, Body, before.c.score, after.c.score)
        .join(before, (before.c.body_id == after.c.body_id) & (before.c.month == previous))
        .join(Body, Body.id == after.c.body_id)
        .where(
            after.c.month == month,
            after.c.ranked,
            before.c.ranked,
            change < 0,
        )
        .order_by(change, after.c.body_id)
        .limit(limit)
    )
    if body_ids is not None:
        query = query.where(after.c.body_id.in_(list(body_ids)))
    if kind:
        query = query.where(Body.kind == kind)
    return [
        Mover(body_id, body.name, before_score, after_score)
        for body_id, body, before_score, after_score in db.session.execute(query)
    ]


@dataclass(frozen=True)
class BodyFigures:
    measures: BodyMeasures
    score: BodyScore
    counted_at: datetime  # when the figures were counted (the audits: just now)
    # How many answers the median days to answer was taken from, when the figures were summed
    # from the cells; None when they were counted (the appeals behind it are counted then).
    timed_answers: int | None = None


def body_figures(period: Period, body_id: int, *, today: date | None = None) -> BodyFigures:
    """One body's measures and score for the period, with when they were counted; a body
    with nothing in it gets empty figures scored against the same national means. The
    country's scores are the ranking's, kept in the process for every body's page (asking
    for this body's median made them a new entry for each body: a country scored again, some
    100 ms, for every body opened); the median, which no score uses, is read from the body's
    own cells when the figures were summed from them (they leave medians out)."""
    today = today or local_today()
    result = period_scores(period, today=today, medians_for=())
    histogram = cell_days_to_answer(body_id, period, today)
    timed = None if histogram is None else sum(histogram.values())
    for m, s in zip(result.measures, result.scores, strict=True):
        if m.body_id == body_id:
            if histogram is not None:
                m = replace(m, median_days_to_answer=median_of(histogram.items()))
            return BodyFigures(m, s, result.counted_at, timed)
    empty = empty_measures(body_id)
    score = score_body(empty, national_means(result.measures), **score_settings())
    return BodyFigures(empty, score, result.counted_at, timed)
