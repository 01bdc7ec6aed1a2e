"""Monthly score snapshots (so trends are cheap), the job that takes them, and the live
scores the pages show (the same computation, for any period), read through two caches.

A year's figures over a million appeals take 1-2 s of SQL, too slow to count for every page.
- Any run of whole months (a month, quarter, year, or a custom range of months) is summed
  from the score cells (scores.cells), which a periodic job recounts more often than
  SCORE_CACHE_SECONDS (5 minutes); older cells are not used.
- Any other period's figures (all but the audits, see measures.UnauditedMeasures) are counted
  on its first request and kept in Redis, where every web process reads them, for
  SCORE_CACHE_SECONDS, keyed by the period and today's date (the "now" figures depend on it).
The audits are summed from the cells too, with the verdicts recorded since their build added
per request (else counted: one grouped query): a prosecutor's verdict moves the quality at
once. Redis unreachable or the cells too old: the figures are counted live,
never an error. The pages say how old their figures are."""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import delete, func, select

from appeals.audit.models import Audit
from appeals.extensions import db
from appeals.fragments import kept_in_process
from appeals.queues import app_job, redis_connection
from appeals.reference.models import Body
from appeals.scores.cells import (
    build_cells,
    cell_audit_rates,
    cell_figures,
    fresh_cells_of,
)
from appeals.scores.formula import BodyMeasures, BodyScore, Rate, score_bodies
from appeals.scores.measures import (
    UnauditedMeasures,
    audit_rates,
    region_body_ids,
    unaudited_measures,
    with_audits,
)
from appeals.scores.models import ScoreSnapshot
from appeals.scores.period import Period
from appeals.timeutil import local_today, now_utc

log = logging.getLogger(__name__)


def score_settings() -> dict[str, Any]:
    """The formula's parameters from the config, as score_bodies takes them."""
    config = current_app.config
    return {
        "weights": tuple(config["SCORE_WEIGHTS"]),
        "k": config["SCORE_SHRINK_K"],
        "min_appeals": config["SCORE_MIN_APPEALS"],
        "grades": [tuple(pair) for pair in config["SCORE_GRADES"]],
    }


# --- The cache of a period's figures -------------------------------------------------------

CACHE_KEY = "scores:figures:v1:{start}:{end}:{today}"


@dataclass(frozen=True)
class PeriodScores:
    """A period's measures and scores, and when they were counted."""

    measures: list[BodyMeasures]
    scores: list[BodyScore]
    counted_at: datetime  # when all but the audits were counted (the audits: just now)
    from_cache: bool
    # The key the country's scores are kept under in this process (None: not kept), for what
    # is built from them to be kept as long (the ranking's rows, the region roll-ups).
    kept_as: tuple | None = None


def cache_key(period: Period, today: date) -> str:
    return CACHE_KEY.format(start=period.start, end=period.end, today=today)


def _encode(figures: UnauditedMeasures, counted_at: datetime) -> str:
    def plain(value: Any) -> Any:
        return [value.successes, value.n] if isinstance(value, Rate) else value

    return json.dumps(
        {
            "counted_at": counted_at.isoformat(),
            "measures": [
                {f.name: plain(getattr(m, f.name)) for f in fields(BodyMeasures)}
                for m in figures.measures
            ],
            "overdue": [[body_id, *counts] for body_id, counts in figures.overdue.items()],
        },
        separators=(",", ":"),
    )


def _decode(raw: bytes) -> tuple[UnauditedMeasures, datetime]:
    data = json.loads(raw)
    measures = [
        BodyMeasures(**{k: Rate(*v) if isinstance(v, list) else v for k, v in m.items()})
        for m in data["measures"]
    ]
    overdue = {body_id: (open_n, very_n) for body_id, open_n, very_n in data["overdue"]}
    return UnauditedMeasures(measures, overdue), datetime.fromisoformat(data["counted_at"])


def period_figures(
    period: Period,
    *,
    today: date | None = None,
    fresh: bool = False,
    medians_for: Collection[int] | None = None,
) -> tuple[UnauditedMeasures, datetime, bool]:
    """The whole country's figures of the period but the audits, with when they were counted
    and whether they came from a cache: unless `fresh` (or the caches are off), summed from
    fresh score cells, else a cached entry (unless Redis is unreachable), else counted now
    and cached. The median days to answer is sure to be there only for the bodies
    `medians_for` (None: all; see cells.cell_figures)."""
    today = today or local_today()
    seconds = current_app.config["SCORE_CACHE_SECONDS"]
    key = cache_key(period, today)
    reachable = seconds > 0
    if seconds > 0 and not fresh:
        from_cells = cell_figures(period, today, medians_for=medians_for)
        if from_cells is not None:
            return *from_cells, True
        try:
            raw = redis_connection().get(key)
        except RedisError as error:
            log.warning("Redis unavailable, scores counted live: %s", error)
            raw, reachable = None, False
        if raw is not None:
            try:
                figures, counted_at = _decode(raw)
            except (ValueError, KeyError, TypeError) as error:
                log.warning("Unreadable cached scores %s, counted again: %s", key, error)
            else:
                return figures, counted_at, True
    counted_at = now_utc()
    figures = unaudited_measures(period, today=today)
    if reachable:
        try:
            redis_connection().set(key, _encode(figures, counted_at), ex=seconds)
        except RedisError as error:
            log.warning("Redis unavailable, scores not cached: %s", error)
    return figures, counted_at, False


def wanted_bodies(
    body_ids: Collection[int] | None, region_id: int | None, kind: str | None
) -> set[int] | None:
    """The bodies that the filters leave (None: every body)."""
    wanted: set[int] | None = None
    if region_id is not None:
        wanted = set(region_body_ids(region_id))
    if body_ids is not None:
        wanted = set(body_ids) if wanted is None else wanted & set(body_ids)
    if kind is not None:
        of_kind = set(db.session.execute(select(Body.id).where(Body.kind == kind)).scalars())
        wanted = of_kind if wanted is None else wanted & of_kind
    return wanted


# The whole country's scores of a period, kept in each process while the figures they were
# made from stand: summing the cells and scoring thousands of bodies costs a desk page 100 ms
# and more. The key names the cells' build and the latest verdict (the audits after the build
# are put in per request), so a new build or a new verdict is never shown stale.
_scored: dict[tuple, PeriodScores] = {}
SCORED_KEPT = 64


def _scored_key(period: Period, today: date, medians_for: Collection[int] | None) -> tuple | None:
    """The key of a period's scores while they come from fresh cells, else None."""
    cells = fresh_cells_of(period, today)
    if current_app.config["SCORE_CACHE_SECONDS"] <= 0 or cells is None:
        return None
    build = cells[0]
    latest_verdict = db.session.execute(select(func.max(Audit.id))).scalar()
    settings = score_settings()
    return (
        current_app.config["SQLALCHEMY_DATABASE_URI"],
        period.start,
        period.end,
        today,
        build.id,
        build.counted_at,
        latest_verdict,
        None if medians_for is None else frozenset(medians_for),
        json.dumps(settings, sort_keys=True),
    )


def figures_key(period: Period, today: date) -> tuple | None:
    """What the period's scores (a ranking's: no medians) are made from while they come from
    fresh cells: the build, the latest verdict and the settings. None when they would be
    counted now. A page rendered from them may be kept under it."""
    return _scored_key(period, today, ())


def _country_scores(
    period: Period, today: date, fresh: bool, medians_for: Collection[int] | None
) -> PeriodScores:
    figures, counted_at, from_cache = period_figures(
        period, today=today, fresh=fresh, medians_for=medians_for
    )
    audits = None
    if not fresh and current_app.config["SCORE_CACHE_SECONDS"] > 0:
        audits = cell_audit_rates(period, today)
    if audits is None:
        audits = audit_rates(period)
    measures = with_audits(figures, audits)
    return PeriodScores(
        measures, score_bodies(measures, **score_settings()), counted_at, from_cache
    )


def period_scores(
    period: Period,
    *,
    body_ids: Collection[int] | None = None,
    region_id: int | None = None,
    kind: str | None = None,
    today: date | None = None,
    fresh: bool = False,
    medians_for: Collection[int] | None = None,
) -> PeriodScores:
    """The measures and scores of the period, shrunk toward the NATIONAL means (all bodies
    are scored), then narrowed to the bodies, region or kind asked for. All but the audits
    may come from the cells or the cache (see period_figures, also for `medians_for`); the
    audits come from the cells with every later verdict put in (cells.cell_audit_rates), else
    are counted now."""
    today = today or local_today()
    key = None if fresh else _scored_key(period, today, medians_for)
    if key is None:
        country = _country_scores(period, today, fresh, medians_for)
    else:
        country = kept_in_process(
            _scored,
            key,
            lambda: _country_scores(period, today, fresh, medians_for),
            limit=SCORED_KEPT,
            keep=lambda scored: scored.from_cache,
        )
    # Lists of their own: the kept entry is shared by every later request.
    measures, scores = list(country.measures), list(country.scores)
    counted_at, from_cache = country.counted_at, country.from_cache
    wanted = wanted_bodies(body_ids, region_id, kind)
    if wanted is not None:
        pairs = [(m, s) for m, s in zip(measures, scores, strict=True) if m.body_id in wanted]
        measures, scores = [m for m, _ in pairs], [s for _, s in pairs]
    kept_as = key if key and _scored.get(key) is country else None
    return PeriodScores(measures, scores, counted_at, from_cache, kept_as)


def refresh_cached_figures(today: date | None = None) -> int:
    """Count the score cells afresh, so that every run of whole months is served from them
    (scores.cells); returns the number of cells (none with the cache off). The caller
    commits."""
    if current_app.config["SCORE_CACHE_SECONDS"] <= 0:
        return 0
    return build_cells(today)


@app_job
def refresh_score_cache() -> int:
    """The periodic job: recount the score cells more often than the pages may use them, so
    that a prosecutor never waits for a count of whole months."""
    return refresh_cached_figures()


# --- Snapshots ----------------------------------------------------------------------------


def snapshot_month(year: int, month: int) -> int:
    """Compute a month's scores and upsert one row per body (idempotent: a second run
    rewrites the same values). Returns the number of bodies snapshotted."""
    period = Period.month(year, month)
    first = period.start
    # Counted afresh (not from the cache), which also refreshes the month's cached entry.
    scores = period_scores(period, fresh=True).scores
    existing = {
        row.body_id: row
        for row in db.session.execute(
            select(ScoreSnapshot).where(ScoreSnapshot.month == first)
        ).scalars()
    }
    for score in scores:
        row = existing.pop(score.body_id, None)
        if row is None:
            row = ScoreSnapshot(body_id=score.body_id, month=first, created_at=now_utc())
            db.session.add(row)
        row.appeals = score.appeals
        row.ranked = score.ranked
        row.timeliness = score.timeliness
        row.quality = score.quality
        row.score = score.score
        row.grade = score.grade
        row.components = dict(score.components)
    if existing:  # bodies that no longer have anything in that month
        db.session.execute(
            delete(ScoreSnapshot).where(ScoreSnapshot.id.in_([r.id for r in existing.values()]))
        )
    db.session.flush()
    return len(scores)


def previous_month(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


@app_job
def snapshot_previous_month() -> int:
    """The monthly job: snapshot the month that has just closed (local calendar)."""
    return snapshot_month(*previous_month(local_today()))


def trend(body_id: int, months: int = 12) -> list[ScoreSnapshot]:
    """The body's latest `months` snapshots, oldest first (for a trend chart)."""
    rows = db.session.execute(
        select(ScoreSnapshot)
        .where(ScoreSnapshot.body_id == body_id)
        .order_by(ScoreSnapshot.month.desc())
        .limit(months)
    ).scalars()
    return list(reversed(list(rows)))
