"""Score cells: the counts behind the scores, stored per body and per month, so that the
figures of any run of whole months (a month, a quarter, a year, a custom range of months) are
a sum over a few thousand rows instead of a count over a million appeals.

An appeal belongs to a period when its effective due date or its answer falls in it
(predicates.in_period). A cell holds the sums of the appeals of one body with one (month of the
due date, month of the answer) pair, so "due in the months or answered in them" selects each
appeal's cell exactly once: summing the cells whose due month or answer month is in range
gives the same figures as counting the appeals. The other sums sit in the cell of the months
that put them in a period: a follow-up in its answer's cell; a complaint decided in a month in
the cell (body complained about, no due month, month of the decision).

Forwarding out is not stored: it counts distinct appeals, which do not add up over months; it
is counted live (an index range of the events, tens of milliseconds at a million appeals). The
"overdue now" counts of every body are stored with the build. The audits are counted live as
for every page.

The cells are rebuilt by the periodic refresh job (one scan of every appeal) and are used only
while they are younger than SCORE_CACHE_SECONDS and were counted for today's date: the same
promise as the cache of a period's figures (snapshots.period_figures), which serves any other
period. A worker that stops makes the pages count live, never serve old figures for long."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, insert, or_, select

from appeals.extensions import begin_reading, begin_writing, db
from appeals.intake.models import Appeal, AppealKind
from appeals.scores.formula import Rate
from appeals.scores.measures import (
    COMPLAINT,
    PARENT,
    SCAN_SUMS,
    UnauditedMeasures,
    add_scan_row,
    assemble,
    complaints,
    followups,
    forwarding_figures,
    overdue_now,
    scan_figures,
    scan_rows,
)
from appeals.scores.models import ScoreCell, ScoreCellBuild
from appeals.scores.period import Period
from appeals.scores.predicates import answered
from appeals.scores.sql_dates import local_date_sql, month_of
from appeals.timeutil import local_today, now_utc

SUMMED = (*SCAN_SUMS, "followed", "complaints_decided", "complaints_upheld")


def build_cells(today: date | None = None) -> int:
    """Count every cell afresh and replace the stored ones (the caller commits: readers see
    the old cells or the new ones, never a mix). Returns the number of cells."""
    today = today or local_today()
    # Outside a transaction (the job), the counting (seconds at a million appeals) reads in
    # a transaction of its own that takes no write lock on SQLite, and the cells are written
    # in a second, short one.
    reading_apart = not db.session().in_transaction()
    if reading_apart:
        begin_reading()
    counted_at = now_utc()
    sums: dict[tuple, dict[str, Any]] = defaultdict(dict)
    histograms: dict[tuple, dict[int, int]] = defaultdict(dict)

    # 1. The main scan over every appeal that can fall in a period, grouped by months too.
    first_due, last_due = _due_range()
    where = [or_(Appeal.effective_due_on.is_not(None), Appeal.answered_at.is_not(None))]
    for row in scan_rows(where, today, first_due or today, last_due or today, by_month=True):
        key = (row.body_id, _as_date(row.due_month), _as_date(row.answer_month))
        add_scan_row(sums[key], histograms[key], row)

    # 2. Follow-ups, in the cell of the answer they follow.
    parent_months = (
        month_of(PARENT.effective_due_on),
        month_of(local_date_sql(PARENT.answered_at)),
    )
    for body_id, due_month, answer_month, followed in followups(None, group=parent_months):
        sums[(body_id, _as_date(due_month), _as_date(answer_month))]["followed"] = followed

    # 3. Complaints, in the cell of the month they were decided (no due month).
    decided = (
        COMPLAINT.kind == AppealKind.COMPLAINT.value,
        COMPLAINT.parent_id > 0,
        answered(COMPLAINT),
    )
    decided_month = (month_of(local_date_sql(COMPLAINT.answered_at)),)
    for body_id, month, n, upheld in complaints(None, *decided, group=decided_month):
        cell = sums[(body_id, None, _as_date(month))]
        cell["complaints_decided"], cell["complaints_upheld"] = n, upheld

    rows = [
        {
            "body_id": body_id,
            "due_month": due_month,
            "answer_month": answer_month,
            **{name: cell.get(name, 0) for name in SUMMED},
            "days_to_answer": {str(d): n for d, n in sorted(histograms[key].items())},
        }
        for key, cell in sums.items()
        for body_id, due_month, answer_month in [key]
        if body_id is not None  # appeals held by no body (never routed)
    ]
    overdue = [[body_id, *counts] for body_id, counts in sorted(overdue_now(today, None).items())]
    if reading_apart:
        # The counting is done: end the reader's transaction and write in a new one that
        # takes the write lock first. On SQLite a reader may not turn writer once another
        # connection has committed since it began ("database is locked"), which under
        # steady submissions is every time.
        db.session.rollback()
        begin_writing()
    db.session.execute(delete(ScoreCell))
    if rows:
        db.session.execute(insert(ScoreCell), rows)
    db.session.execute(delete(ScoreCellBuild))
    db.session.add(
        ScoreCellBuild(counted_at=counted_at, today=today, cells=len(rows), overdue=overdue)
    )
    db.session.flush()
    return len(rows)


def _due_range() -> tuple[date | None, date | None]:
    """The first and last due date in the data: the first guess of the working days the scan
    needs (scan_rows widens it if an appeal needs more)."""
    first, last = db.session.execute(
        select(func.min(Appeal.due_on), func.max(Appeal.effective_due_on))
    ).one()
    return _as_date(first), _as_date(last)


def _as_date(value: date | str | None) -> date | None:
    # SQLite gives the computed month as text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def whole_months(period: Period) -> bool:
    """The period starts on a month's first day and ends on a month's last."""
    return period.start.day == 1 and (period.end + timedelta(days=1)).day == 1


def figures_version() -> str:
    """The version of the scores' figures: the latest build of the cells (the refresh job
    writes a new one every few minutes). A fragment of a page keyed by it is not shown once
    the figures are counted again."""
    counted_at = db.session.execute(
        select(ScoreCellBuild.counted_at).order_by(ScoreCellBuild.id.desc()).limit(1)
    ).scalar()
    return counted_at.isoformat() if counted_at else "none"


def fresh_build(today: date) -> ScoreCellBuild | None:
    """The latest build, if it was counted for `today` and is younger than the cache age."""
    build = db.session.execute(select(ScoreCellBuild)).scalars().first()
    if build is None or build.today != today:
        return None
    age = now_utc() - build.counted_at
    if age > timedelta(seconds=current_app.config["SCORE_CACHE_SECONDS"]):
        return None
    return build


def cell_figures(
    period: Period, today: date, *, medians_for: Collection[int] | None = None
) -> tuple[UnauditedMeasures, datetime] | None:
    """The period's figures but the audits, summed from fresh cells, with when they were
    counted; None when the cells cannot give them (not whole months, or no fresh build).
    The median days to answer is worked out for the bodies `medians_for` only (None: all):
    it means merging every cell's histogram, and a ranking does not show it."""
    if not whole_months(period):
        return None
    build = fresh_build(today)
    if build is None:
        return None
    first, last = period.start, period.end.replace(day=1)
    in_range = or_(
        ScoreCell.due_month.between(first, last), ScoreCell.answer_month.between(first, last)
    )
    totals = db.session.execute(
        select(ScoreCell.body_id, *(func.sum(getattr(ScoreCell, n)).label(n) for n in SUMMED))
        .where(in_range)
        .group_by(ScoreCell.body_id)
    ).all()
    histograms: dict[int, dict[int, int]] = defaultdict(dict)
    with_answers = [in_range, ScoreCell.answers > 0]
    if medians_for is not None:
        with_answers.append(ScoreCell.body_id.in_(sorted(medians_for)))
    for body_id, days in db.session.execute(
        select(ScoreCell.body_id, ScoreCell.days_to_answer).where(*with_answers)
    ):
        histogram = histograms[body_id]
        for d, n in days.items():
            histogram[int(d)] = histogram.get(int(d), 0) + n

    figures: dict[int, dict] = defaultdict(dict)
    for row in totals:
        sums = row._mapping
        if sums["appeals"]:
            figures[row.body_id] = scan_figures(sums, histograms[row.body_id])
            figures[row.body_id]["followed"] = sums["followed"]
        if sums["complaints_decided"]:
            decided, upheld = sums["complaints_decided"], sums["complaints_upheld"]
            figures[row.body_id]["complaints_rejected"] = Rate(decided - upheld, decided)
    for body_id, entry in forwarding_figures(period, None).items():
        figures[body_id].update(entry)
    overdue = {body_id: (open_n, very_n) for body_id, open_n, very_n in build.overdue}
    for body_id, (open_overdue, very_overdue) in overdue.items():
        if body_id in figures:
            figures[body_id].update(open_overdue=open_overdue, very_overdue=very_overdue)
    measures = [assemble(body_id, figures[body_id]) for body_id in sorted(figures)]
    return UnauditedMeasures(measures, overdue), build.counted_at
