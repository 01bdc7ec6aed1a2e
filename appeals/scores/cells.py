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

Forwarding out is stored in rows of its own (forward_month set): per body and month of the
forwarding, the forwardings and those in time (events add up over months) and the distinct
appeals forwarded out (a pair body-appeal counted in the month of its forwarding). A pair
forwarded out in several months would be counted once per month: for each two successive
months of a pair a row (forward_month, forward_until) takes it off again when both are in the
period (a run of months holds a run of the pair's months: n months less n-1 neighbours is one).
"Came back" (the appeal is the body's own and in the period too) sits in the same rows with the
appeal's due and answer months. The latest audit of each appeal sits in the cell of the audited
body and the appeal's months; the verdicts recorded after the build are added per request
(cell_audit_rates: the audits above the build's last id, a few at most), so a verdict still
moves the score at once. The "overdue now" counts of every body are stored with the build.
So a page of whole months reads no appeal, event or audit that the build has counted.

The cells are rebuilt by the periodic refresh job. It counts again only the bodies whose
appeals have events since an earlier build, and every body once an hour, on a new day and after
a change of the calendar (scores/cell_scope.py). It writes only the cells that changed since
the build before (a day later, about 1% of them; a few between two builds of a day), so that
the write lock every submission waits for on SQLite is held for a moment, not while every cell
is written again (scores/cell_rows.py). They are used only while they are younger than
SCORE_CACHE_SECONDS and were counted for today's date: the same promise as the cache of a
period's figures (snapshots.period_figures), which serves any other period. A worker that stops
makes the pages count live, never serve old figures for long."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Any

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import defer

from appeals.audit.models import Audit
from appeals.deadlines.service import calendar_version
from appeals.extensions import begin_reading, begin_writing, db
from appeals.fragments import kept_in_process
from appeals.intake.models import Appeal, AppealKind, Event
from appeals.scores.cell_rows import (
    SUMMED,
    build_counted_at,
    cell_row,
    changes_to,
    histogram_json,
    stored_cells,
    write_all,
    write_changes,
)
from appeals.scores.cell_scope import CellScope, cells_to_count, event_mark
from appeals.scores.formula import Rate
from appeals.scores.measures import (
    COMPLAINT,
    PARENT,
    UnauditedMeasures,
    add_scan_row,
    assemble,
    body_filter,
    complaints,
    followups,
    forwarding_measures,
    overdue_now,
    scan_figures,
    scan_rows,
)
from appeals.scores.models import ScoreCell, ScoreCellBuild
from appeals.scores.period import Period
from appeals.scores.predicates import (
    answer_day,
    answered,
    forwarded_by_a_body,
    forwarded_in_time,
    in_period,
    latest_audit_ids,
    months_from,
    period_months,
    sum_if,
)
from appeals.scores.sql_dates import local_date_sql, month_of
from appeals.timeutil import local_today, now_utc


def build_cells(today: date | None = None, *, whole: bool = False) -> int:
    """Count the cells afresh and replace the stored ones (the caller commits: readers see
    the old cells or the new ones, never a mix): those that appeals changed since the last
    build may have moved, or with `whole` (or when cell_scope.py says so) every cell. Returns
    the number of cells stored."""
    today = today or local_today()
    # Outside a transaction (the job), the counting (seconds at a million appeals) reads in
    # a transaction of its own that takes no write lock on SQLite, and the cells are written
    # in a second, short one.
    reading_apart = not db.session().in_transaction()
    if reading_apart:
        begin_reading()
    counted_at = now_utc()
    mark = event_mark(counted_at, db.session.scalar(select(func.max(Event.id))) or 0)
    calendar = calendar_version()
    previous = db.session.execute(
        select(
            ScoreCellBuild.today,
            ScoreCellBuild.cells,
            ScoreCellBuild.whole_at,
            ScoreCellBuild.calendar,
            ScoreCellBuild.event_mark,
        ).limit(1)
    ).first()
    scope = None if whole else cells_to_count(previous, today, calendar, counted_at)
    # The audits up to the last id read first are counted, so that one committed meanwhile
    # is among those a page adds (above it), never counted twice nor missed.
    last_audit_id = db.session.execute(select(func.max(Audit.id))).scalar() or 0
    sums, histograms, forwarding_rows = _count(scope, today, last_audit_id)
    overdue = [[body_id, *counts] for body_id, counts in sorted(overdue_now(today, None).items())]

    def new_cells():
        return chain(
            (
                cell_row(key, cell, days_to_answer=histogram_json(histograms.get(key, {})))
                for key, cell in sums.items()
                if key[0] is not None  # appeals held by no body (never routed)
            ),
            forwarding_rows,
        )

    # What changed against the cells stored now, worked out before the write lock: between
    # two builds a few cells change (the new appeals', the answered ones'), and the lock is
    # held only while they are written, not while every cell is written again.
    stored = stored_cells(scope)
    stored_before = len(stored.cells)
    twice = stored.read != stored_before  # a key stored twice (never written so)
    changes = changes_to(stored, new_cells()) if stored.cells or scope is not None else None
    if reading_apart:
        # The counting is done: end the reader's transaction and write in a new one that
        # takes the write lock first. On SQLite a reader may not turn writer once another
        # connection has committed since it began ("database is locked"), which under
        # steady submissions is every time.
        db.session.rollback()
        begin_writing()
    # The build's row locked (PostgreSQL): a build writing at once waits, or is seen here.
    unchanged = build_counted_at(lock=True) == stored.counted_at
    if scope is not None and (twice or not unchanged):
        # Some cells' counts cannot mend a key stored twice, nor replace the cells another
        # build wrote meanwhile: every body is counted, and every cell written again.
        if reading_apart:
            db.session.rollback()
        return build_cells(today, whole=True)
    if changes is not None and unchanged:
        written = write_changes(changes)
    else:  # the first build, or another build wrote since the cells were read: all again
        written = write_all(new_cells())
    total = written if scope is None else previous.cells - stored_before + written
    db.session.execute(delete(ScoreCellBuild))
    db.session.add(
        ScoreCellBuild(
            counted_at=counted_at,
            today=today,
            cells=total,
            overdue=overdue,
            last_audit_id=last_audit_id,
            event_mark=mark,
            whole_at=counted_at if scope is None else previous.whole_at,
            calendar=calendar,
        )
    )
    db.session.flush()
    return total


def _count(
    scope: CellScope | None, today: date, last_audit_id: int
) -> tuple[dict[tuple, dict[str, Any]], dict[tuple, dict[int, int]], list[dict[str, Any]]]:
    """The cells of `scope` (None: every cell) counted: the sums and days-to-answer histograms
    by key, and the rows of forwarding out."""
    sums: dict[tuple, dict[str, Any]] = defaultdict(dict)
    histograms: dict[tuple, dict[int, int]] = defaultdict(dict)
    if scope == {}:
        return sums, histograms, []  # nothing changed
    bodies = None if scope is None else sorted(scope)

    def in_scope(a=Appeal, body: ColumnElement = Appeal.current_body_id) -> list[ColumnElement]:
        # The rows of the scope's bodies, each from its first month, in one statement (not
        # one per first month): without its statistics SQLite's planner guesses ten rows for
        # a single body, and then joins one working-day lookup by scanning the whole index
        # for each row (ops/planner.py counts them nightly).
        if scope is None:
            return []
        return [body.in_(bodies), months_from(case(scope, value=body), a)]

    # 1. The main scan over every appeal that can fall in a period, grouped by months too.
    counted = or_(Appeal.effective_due_on.is_not(None), Appeal.answered_at.is_not(None))
    held = in_scope()
    if scope is None:
        first_due, last_due = _due_range(held)
    else:  # a first guess, not a read of every row again (scan_rows widens it when needed):
        # what is looked up falls from a while before the first month (receipts) up to today,
        # and a year ahead spares a second scan for a receipt dated ahead by mistake
        first_due, last_due = min(scope.values()), today + timedelta(days=366)
    for row in scan_rows(
        [counted, *held], today, first_due or today, last_due or today, by_month=True
    ):
        key = (row.body_id, _as_date(row.due_month), _as_date(row.answer_month))
        add_scan_row(sums[key], histograms[key], row)

    # 2. Follow-ups, in the cell of the answer they follow.
    parent_months = (
        month_of(PARENT.effective_due_on),
        month_of(local_date_sql(PARENT.answered_at)),
    )
    # From the children, not from every appeal of the bodies (SQLite walked the bodies'
    # appeals, a second for the biggest): the body's first month is NULL outside the scope.
    in_scope_parents = (
        [] if scope is None else [months_from(case(scope, value=PARENT.current_body_id), PARENT)]
    )
    for body_id, due_month, answer_month, followed in followups(
        None, *in_scope_parents, group=parent_months
    ):
        sums[(body_id, _as_date(due_month), _as_date(answer_month))]["followed"] = followed

    # 3. Complaints, in the cell of the month they were decided (no due month).
    decided = (
        COMPLAINT.kind == AppealKind.COMPLAINT.value,
        COMPLAINT.parent_id > 0,
        answered(COMPLAINT),
    )
    if scope is not None:  # the cells of the month decided
        decided += (
            PARENT.current_body_id.in_(bodies),
            answer_day(COMPLAINT) >= case(scope, value=PARENT.current_body_id),
        )
    decided_month = (month_of(local_date_sql(COMPLAINT.answered_at)),)
    for body_id, month, n, upheld in complaints(None, *decided, group=decided_month):
        cell = sums[(body_id, None, _as_date(month))]
        cell["complaints_decided"], cell["complaints_upheld"] = n, upheld

    # 4. The latest audit of each appeal (up to `last_audit_id`), in the cell of the audited
    #    body and the appeal's months.
    counted_audits = latest_audit_ids().where(Audit.id <= last_audit_id)
    due_month, answer_month = period_months()
    for body_id, due, answer, audited, lawful in db.session.execute(
        select(
            Audit.body_id,
            due_month,
            answer_month,
            func.count(),
            sum_if(Audit.lawful.is_(True)),
        )
        .join(Appeal, Appeal.id == Audit.appeal_id)
        .where(
            Audit.id.in_(counted_audits),
            counted,
            *in_scope(Appeal, Audit.body_id),
        )
        .group_by(Audit.body_id, due_month, answer_month)
    ):
        cell = sums[(body_id, _as_date(due), _as_date(answer))]
        cell["audited"], cell["audited_lawful"] = audited, lawful

    # 5. Forwarding out, in rows of their own (a few per body and month), counted whole.
    return sums, histograms, _forwarding_rows(bodies)


def _forwarding_rows(bodies: list[int] | None) -> list[dict[str, Any]]:
    """The rows of forwarding out of `bodies` (None: every body; see the module's doc),
    grouped in SQL: per body and month of the forwarding (with the appeal's months when it
    came back), then the corrections of the pairs forwarded out in two or more months."""
    month = month_of(local_date_sql(Event.created_at))
    by_month = (
        select(
            Event.from_body_id.label("body_id"),
            Event.appeal_id.label("appeal_id"),
            month.label("month"),
            func.count().label("forwardings"),
            sum_if(forwarded_in_time()).label("in_time"),
        )
        .where(forwarded_by_a_body(), *body_filter(bodies, Event.from_body_id))
        .group_by(Event.from_body_id, Event.appeal_id, month)
        .subquery("forwarded_months")
    )
    following = func.lead(by_month.c.month).over(
        partition_by=(by_month.c.body_id, by_month.c.appeal_id), order_by=by_month.c.month
    )
    pairs = select(by_month, following.label("next_month")).subquery("forwarded_pairs")
    back = Appeal.current_body_id == pairs.c.body_id
    due_month, answer_month = period_months()
    appeal_months = (case((back, due_month)), case((back, answer_month)))

    def grouped(*keys: ColumnElement, sums: tuple, where: tuple = ()) -> list:
        return db.session.execute(
            select(*keys, *sums)
            .select_from(pairs)
            .join(Appeal, Appeal.id == pairs.c.appeal_id)
            .where(*where)
            .group_by(*keys)
        ).all()

    rows = []
    for body_id, fmonth, due, answer, n, in_time, out, came_back in grouped(
        pairs.c.body_id,
        pairs.c.month,
        *appeal_months,
        sums=(
            func.sum(pairs.c.forwardings),
            func.sum(pairs.c.in_time),
            func.count(),
            sum_if(back),
        ),
    ):
        key = (body_id, _as_date(due), _as_date(answer), _as_date(fmonth))
        sums = dict(
            forwardings=n, forwarded_in_time=in_time, forwarded_out=out, forwarded_back=came_back
        )
        rows.append(cell_row(key, sums))
    for body_id, fmonth, until, due, answer, out, came_back in grouped(
        pairs.c.body_id,
        pairs.c.month,
        pairs.c.next_month,
        *appeal_months,
        sums=(func.count(), sum_if(back)),
        where=(pairs.c.next_month.is_not(None),),
    ):
        key = (body_id, _as_date(due), _as_date(answer), _as_date(fmonth), _as_date(until))
        rows.append(cell_row(key, {"forwarded_out": -out, "forwarded_back": -came_back}))
    return rows


def _due_range(where: list[ColumnElement]) -> tuple[date | None, date | None]:
    """The first and last due date of the appeals `where` selects: the first guess of the
    working days the scan needs (scan_rows widens it if an appeal needs more)."""
    first, last = db.session.execute(
        select(func.min(Appeal.due_on), func.max(Appeal.effective_due_on)).where(*where)
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
    """The latest build, if it was counted for `today` and is younger than the cache age.
    Read without its "overdue now" list (build_overdue reads that once per process)."""
    build = (
        db.session.execute(select(ScoreCellBuild).options(defer(ScoreCellBuild.overdue)))
        .scalars()
        .first()
    )
    if build is None or build.today != today:
        return None
    age = now_utc() - build.counted_at
    if age > timedelta(seconds=current_app.config["SCORE_CACHE_SECONDS"]):
        return None
    return build


def fresh_cells_of(period: Period, today: date) -> tuple[ScoreCellBuild, date, date] | None:
    """The fresh build and the period's first and last months, when the cells can give the
    period's figures (whole months, a build for today younger than the cache age)."""
    if not whole_months(period):
        return None
    build = fresh_build(today)
    if build is None:
        return None
    return build, period.start, period.end.replace(day=1)


def cell_figures(
    period: Period, today: date, *, medians_for: Collection[int] | None = None
) -> tuple[UnauditedMeasures, datetime] | None:
    """The period's figures but the audits, summed from fresh cells, with when they were
    counted; None when the cells cannot give them (not whole months, or no fresh build).
    The median days to answer is worked out for the bodies `medians_for` only (None: all):
    it means merging every cell's histogram, and a ranking does not show it."""
    cells = fresh_cells_of(period, today)
    if cells is None:
        return None
    build, first, last = cells
    in_range = and_(_in_months(first, last), ScoreCell.forward_month.is_(None))
    totals = db.session.execute(
        select(ScoreCell.body_id, *(func.sum(getattr(ScoreCell, n)).label(n) for n in SUMMED))
        .where(in_range)
        .group_by(ScoreCell.body_id)
    ).all()
    histograms = _days_histograms(first, last, medians_for)

    figures: dict[int, dict] = defaultdict(dict)
    for row in totals:
        sums = row._mapping
        if sums["appeals"]:
            figures[row.body_id] = scan_figures(sums, histograms[row.body_id])
            figures[row.body_id]["followed"] = sums["followed"]
        if sums["complaints_decided"]:
            decided, upheld = sums["complaints_decided"], sums["complaints_upheld"]
            figures[row.body_id]["complaints_rejected"] = Rate(decided - upheld, decided)
    for body_id, entry in _cell_forwardings(first, last).items():
        figures[body_id].update(entry)
    overdue = build_overdue(build)
    for body_id, (open_overdue, very_overdue) in overdue.items():
        if body_id in figures:
            figures[body_id].update(open_overdue=open_overdue, very_overdue=very_overdue)
    measures = [assemble(body_id, figures[body_id]) for body_id in sorted(figures)]
    return UnauditedMeasures(measures, overdue), build.counted_at


def cell_days_to_answer(body_id: int, period: Period, today: date) -> dict[int, int] | None:
    """The body's answers by working days taken (days -> how many), merged from the histograms
    of fresh cells: its median days to answer, and how many answers it was taken from. None
    when the cells cannot give it (as cell_figures)."""
    cells = fresh_cells_of(period, today)
    if cells is None:
        return None
    _build, first, last = cells
    return _days_histograms(first, last, [body_id])[body_id]


def _days_histograms(
    first: date, last: date, body_ids: Collection[int] | None
) -> defaultdict[int, dict[int, int]]:
    """Per body (of `body_ids`; None: all), its answers from month `first` to month `last` by
    working days taken, merged from its cells' histograms."""
    conditions = [
        _in_months(first, last),
        ScoreCell.forward_month.is_(None),
        ScoreCell.answers > 0,
    ]
    if body_ids is not None:
        conditions.append(ScoreCell.body_id.in_(sorted(body_ids)))
    histograms: defaultdict[int, dict[int, int]] = defaultdict(dict)
    for body_id, days in db.session.execute(
        select(ScoreCell.body_id, ScoreCell.days_to_answer).where(*conditions)
    ):
        histogram = histograms[body_id]
        for d, n in days.items():
            histogram[int(d)] = histogram.get(int(d), 0) + n
    return histograms


def _in_months(first: date, last: date) -> ColumnElement:
    """The cells of the appeals due or answered from month `first` to month `last`."""
    return or_(
        ScoreCell.due_month.between(first, last), ScoreCell.answer_month.between(first, last)
    )


def _cell_forwardings(first: date, last: date) -> dict[int, dict]:
    """Forwarding out from month `first` to month `last`, per body, from the forwarding rows:
    as measures.forwarding_figures counts it from the events."""
    in_months = and_(
        ScoreCell.forward_month.between(first, last),
        or_(ScoreCell.forward_until.is_(None), ScoreCell.forward_until <= last),
    )
    return {
        body_id: forwarding_measures(appeals_out, back, in_time, forwardings)
        for body_id, forwardings, in_time, appeals_out, back in db.session.execute(
            select(
                ScoreCell.body_id,
                func.sum(ScoreCell.forwardings),
                func.sum(ScoreCell.forwarded_in_time),
                func.sum(ScoreCell.forwarded_out),
                sum_if(_in_months(first, last), ScoreCell.forwarded_back),
            )
            .where(in_months)
            .group_by(ScoreCell.body_id)
        )
        if forwardings
    }


def cell_audit_rates(period: Period, today: date) -> dict[int, Rate] | None:
    """measures.audit_rates from fresh cells, with the verdicts recorded since the build put
    in (each replaces the appeal's verdict the cells counted); None when the cells cannot
    give them (as cell_figures)."""
    cells = fresh_cells_of(period, today)
    if cells is None:
        return None
    build, first, last = cells
    counts: dict[int, list[int]] = {
        body_id: [audited, lawful]
        for body_id, audited, lawful in db.session.execute(
            select(
                ScoreCell.body_id, func.sum(ScoreCell.audited), func.sum(ScoreCell.audited_lawful)
            )
            # "> 0" as written in the partial index's condition (a bound 0 would not match it).
            .where(_in_months(first, last), ScoreCell.audited > literal_column("0"))
            .group_by(ScoreCell.body_id)
        )
    }
    _add_later_audits(counts, period, build.last_audit_id or 0)
    return {body_id: Rate(lawful, n) for body_id, (n, lawful) in counts.items() if n}


def _add_later_audits(counts: dict[int, list[int]], period: Period, counted_up_to: int) -> None:
    """Put the audits recorded after the build (ids above `counted_up_to`: an index range of a
    few rows) into the counts: the latest of them per appeal of the period, in place of the
    verdict the cells counted for it."""
    newest = {
        appeal_id: (body_id, lawful)
        for appeal_id, body_id, lawful in db.session.execute(
            select(Audit.appeal_id, Audit.body_id, Audit.lawful)
            .where(Audit.id > counted_up_to)
            .order_by(Audit.id)
        )
    }
    if not newest:
        return
    ids = sorted(newest)
    in_the_period = set(
        db.session.execute(select(Appeal.id).where(Appeal.id.in_(ids), in_period(period))).scalars()
    )
    counted = select(func.max(Audit.id)).where(Audit.appeal_id.in_(ids), Audit.id <= counted_up_to)
    for appeal_id, body_id, lawful in db.session.execute(
        select(Audit.appeal_id, Audit.body_id, Audit.lawful).where(
            Audit.id.in_(counted.group_by(Audit.appeal_id))
        )
    ):
        if appeal_id in in_the_period:
            entry = counts.setdefault(body_id, [0, 0])
            entry[0], entry[1] = entry[0] - 1, entry[1] - lawful
    for appeal_id in in_the_period:
        body_id, lawful = newest[appeal_id]
        entry = counts.setdefault(body_id, [0, 0])
        entry[0], entry[1] = entry[0] + 1, entry[1] + lawful


def stored_overdue(today: date) -> dict[int, tuple[int, int]] | None:
    """The "overdue now" counts per body (open overdue, very overdue) of a fresh build counted
    for `today` (measures.overdue_now), or None without one."""
    build = fresh_build(today)
    return None if build is None else build_overdue(build)


# A build's "overdue now" counts, parsed once per process: a build is written whole and never
# changed (the next one replaces it), and reading and parsing its list of every body cost a
# desk page 0.2-0.6 ms at each call (fresh_build, stored_overdue; 1,000,000 appeals).
_overdue_of_build: dict[tuple, dict[int, tuple[int, int]]] = {}


def build_overdue(build: ScoreCellBuild) -> dict[int, tuple[int, int]]:
    """The build's counts per body: body id -> (open overdue, very overdue)."""
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], build.id, build.counted_at)
    return kept_in_process(
        _overdue_of_build,
        key,
        lambda: {body_id: (open_n, very_n) for body_id, open_n, very_n in build.overdue},
        limit=4,
    )
