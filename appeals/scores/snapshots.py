"""Monthly score snapshots (so trends are cheap), the job that takes them, and the live
scores the pages show (the same computation, for any period)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from appeals.extensions import db
from appeals.queues import app_job
from appeals.reference.models import Body
from appeals.scores.formula import BodyMeasures, BodyScore, score_bodies
from appeals.scores.measures import Period, body_measures, local_today, region_body_ids
from appeals.timeutil import UTCDateTime, now_utc


class ScoreSnapshot(db.Model):
    """One body's score for one closed month, as computed when the snapshot was taken."""

    __tablename__ = "score_snapshots"
    __table_args__ = (UniqueConstraint("body_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # the first day of the month
    appeals: Mapped[int]
    ranked: Mapped[bool] = mapped_column(default=False)
    timeliness: Mapped[float | None]
    quality: Mapped[float | None]
    score: Mapped[float | None]
    grade: Mapped[str | None] = mapped_column(String(2))
    # The shrunk components by name (timely, satisfaction, audit_clean, ...).
    components: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


def score_settings() -> dict[str, Any]:
    """The formula's parameters from the config, as score_bodies takes them."""
    config = current_app.config
    return {
        "weights": tuple(config["SCORE_WEIGHTS"]),
        "k": config["SCORE_SHRINK_K"],
        "min_appeals": config["SCORE_MIN_APPEALS"],
        "grades": [tuple(pair) for pair in config["SCORE_GRADES"]],
    }


def live_scores(
    period: Period,
    *,
    body_ids: Collection[int] | None = None,
    region_id: int | None = None,
    kind: str | None = None,
    today: date | None = None,
) -> tuple[list[BodyMeasures], list[BodyScore]]:
    """The measures and scores of the period, shrunk toward the NATIONAL means (all bodies
    are scored), then narrowed to the bodies, region or kind asked for."""
    measures = body_measures(period, today=today)
    scores = score_bodies(measures, **score_settings())
    wanted: set[int] | None = None
    if region_id is not None:
        wanted = set(region_body_ids(region_id))
    if body_ids is not None:
        wanted = set(body_ids) if wanted is None else wanted & set(body_ids)
    if kind is not None:
        of_kind = set(db.session.execute(select(Body.id).where(Body.kind == kind)).scalars())
        wanted = of_kind if wanted is None else wanted & of_kind
    if wanted is None:
        return measures, scores
    pairs = [(m, s) for m, s in zip(measures, scores, strict=True) if m.body_id in wanted]
    return [m for m, _ in pairs], [s for _, s in pairs]


def snapshot_month(year: int, month: int) -> int:
    """Compute a month's scores and upsert one row per body (idempotent: a second run
    rewrites the same values). Returns the number of bodies snapshotted."""
    period = Period.month(year, month)
    first = period.start
    _measures, scores = live_scores(period)
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
