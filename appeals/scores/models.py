"""The scores' tables: the monthly snapshots behind the trends, and the score cells (the
counts per body and month) with the record of each build of them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from appeals.extensions import db
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


class ScoreCell(db.Model):
    """The sums of one body's appeals due in one month and answered in another (or not)."""

    __tablename__ = "score_cells"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    due_month: Mapped[date | None] = mapped_column(Date)  # first day; None: no due date
    answer_month: Mapped[date | None] = mapped_column(Date)  # first day; None: not answered
    appeals: Mapped[int] = mapped_column(default=0)
    counted: Mapped[int] = mapped_column(default=0)  # counted in timeliness
    late: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    points: Mapped[float] = mapped_column(default=0.0)  # satisfaction points of the rated
    answers: Mapped[int] = mapped_column(default=0)
    extended: Mapped[int] = mapped_column(default=0)
    late_days: Mapped[int] = mapped_column(default=0)  # working days late, summed
    followed: Mapped[int] = mapped_column(default=0)  # answers with a follow-up in 60 days
    complaints_decided: Mapped[int] = mapped_column(default=0)
    complaints_upheld: Mapped[int] = mapped_column(default=0)
    # Working days from receipt to answer -> how many answers (keys are text in JSON).
    days_to_answer: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class ScoreCellBuild(db.Model):
    """When the cells were counted, and for which date (the "now" of open appeals)."""

    __tablename__ = "score_cell_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    today: Mapped[date] = mapped_column(Date)
    cells: Mapped[int]
    # "Overdue now" as of the build, per body: [[body id, open overdue, very overdue], ...].
    overdue: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
