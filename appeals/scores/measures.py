"""The figures behind the scores, counted in SQL: one grouped query per family of measures,
never a Python loop over appeals.

The appeals of a body in a period (DESIGN.md "Scores") are those whose current body is the
body (the one that holds or answered them) and whose effective due date
(coalesce(extended_until, due_on)) or answer (the local date of answered_at) falls in the
period. Over them:

- timely: answered on time (local answer date <= effective due date) out of the answered
  ones plus the RUNNING_STATUSES ones past their due date (those count as late); an open appeal not
  yet due, or a suspended one (its clock is stopped), is not counted. "Answered" means
  answered_at is set and the appeal is no longer open (a reopened appeal is open again).
- satisfaction: satisfied 1, partly 0.5, not satisfied 0, over the rated ones.
- audit_clean: the latest audit of each appeal (Audit.body_id = the body) found it lawful.
- no_followup: answered ones with no appeal whose parent is it (a complaint or a repeat)
  submitted within 60 days after the answer.
- complaints_rejected: complaint appeals about this body's answers (parent's current body is
  the body) decided in the period (answered, local answer date in the period), not upheld
  (decision neither satisfied nor partly satisfied).
- median_days_to_answer / mean_days_late: working days, from a working-day index (day ->
  number of working days up to it) built from WorkingCalendar and joined in SQL as a VALUES
  CTE. The main scan is grouped by (body, working days from receipt to the local answer
  date), so it returns a histogram (at most bodies x distinct day counts rows) with the
  other sums alongside; Python takes the median from it. Late days: the answer date (or
  today, for an open one) minus the effective due date, in working days, averaged over the
  appeals counted late.
- open_overdue / very_overdue: NOW, whatever the period: RUNNING_STATUSES appeals of the body past
  their effective due date; very overdue when past it by a whole term again (the term of
  the appeal's policy: deadlines.rules.is_very_overdue). The SQL returns (body, due date,
  term, count); Python classifies the distinct (due date, term) pairs.
- extension_rate: appeals with extended_until set, out of the appeals.
- forwarded_out: distinct appeals the body forwarded elsewhere (a FORWARDED event from it,
  dated in the period), out of those plus its own appeals of the period (counted once).
- forward_compliance: those forwarding events not flagged late (Event.data["late"] false).

body_measures() is unaudited_measures() (everything but the audits) plus audit_rates(): the
pages read both from the score cells a few minutes old (cells.py), with every verdict recorded
since the cells' build put in, so that a verdict moves the score at once
(appeals.scores.snapshots.period_scores); the count here is the one definition the cells are
tested against.

appeals_behind.appeals_behind() builds, from the same predicates (predicates.py), the list
of appeals each figure counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    case,
    column,
    func,
    literal,
    select,
    values,
)
from sqlalchemy.orm import aliased

from appeals.audit.models import Audit
from appeals.deadlines.calendar import WorkingCalendar
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.rules import is_very_overdue
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal, Event, Satisfaction
from appeals.reference.models import Body, Region
from appeals.scores.formula import NO_DATA, BodyMeasures, Rate, empty_measures
from appeals.scores.period import Period
from appeals.scores.predicates import (
    FOLLOWUP_DAYS,
    UPHELD,
    answer_day,
    answered,
    complaints_decided,
    forwarded_in_time,
    forwardings_out,
    in_period,
    latest_audit_ids,
    open_late,
    period_months,
    received_on,
    sum_if,
)
from appeals.scores.sql_dates import (
    dialect_name,
    local_date_sql,
    plus_days,
    site_timezone,
)
from appeals.timeutil import local_date, local_today

# --- The working-day index -----------------------------------------------------------------


def _working_day_index(cal: WorkingCalendar, first: date, last: date) -> dict[date, int]:
    """Day -> working days from `first` up to and including it; differences of two entries
    are WorkingCalendar.working_days_between."""
    index: dict[date, int] = {}
    count = 0
    day = first
    while day <= last:
        count += cal.is_working_day(day)
        index[day] = count
        day += timedelta(days=1)
    return index


def _index_cte(index: dict[date, int], name: str = "working_day_index"):
    return (
        values(column("day", Date), column("w", Integer), name=name)
        .data(list(index.items()))
        .cte(name)
    )


# --- The measures --------------------------------------------------------------------------


def region_body_ids(region_id: int) -> list[int]:
    """The bodies of a region and of every region below it."""
    tree = select(literal(region_id).label("id")).cte("region_tree", recursive=True)
    tree = tree.union_all(select(Region.id).where(Region.parent_id == tree.c.id))
    return list(
        db.session.execute(select(Body.id).where(Body.region_id.in_(select(tree.c.id)))).scalars()
    )


def body_filter(ids: list[int] | None, body_column: ColumnElement) -> list[ColumnElement]:
    """The condition that keeps the rows of the bodies `ids` (None: no condition)."""
    # No "IS NOT NULL" for all bodies: SQLite would walk the body index and fetch each row
    # by rowid, several times slower than the plain scan; the None group is dropped instead.
    return [] if ids is None else [body_column.in_(ids)]


def median_of(histogram: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many)."""
    pairs = sorted(histogram)
    total = sum(n for _, n in pairs)
    if total == 0:
        return None
    wanted = [(total - 1) // 2, total // 2]  # 0-based positions of the middle one or two
    found: list[int] = []
    seen = 0
    for value, n in pairs:
        while len(found) < 2 and wanted[len(found)] < seen + n:
            found.append(value)
        seen += n
    return (found[0] + found[1]) / 2


INDEX_DAYS_BEFORE = 400  # the first guess of how long before the period receipts go
# The flags of an appeal in the main scan (see _main_scan).
ANSWERED, WITH_DUE, ANSWERED_LATE, OPEN_LATE = 1, 2, 4, 8


def _no_flattening(query: Select) -> Select:
    """SQLite inlines a plain subquery into the query around it, and then evaluates each of
    its expressions once per use instead of once per row; LIMIT -1 (no limit) prevents it."""
    return query.limit(-1) if dialect_name() == "sqlite" else query


def _main_scan(
    where: list[ColumnElement],
    today: date,
    cal: WorkingCalendar,
    first_day: date,
    last_day: date,
    *,
    by_month: bool = False,
) -> tuple[list, bool]:
    """The grouped rows of the main scan over the appeals `where` selects, and whether some
    date fell outside the working-day index over [first_day, last_day] (then the scan must run
    again with a wider one). Grouped by (body, working days to answer), and with `by_month` by
    the months of the due date and of the answer too (the score cells, see cells.py)."""
    # Each appeal's facts are computed once, in a subquery, and its status packed into one
    # number of flags, so "answered" is evaluated once per row and the aggregates only test
    # bits: ANSWERED, WITH_DUE (answered, with a due date: counted in timeliness),
    # ANSWERED_LATE, OPEN_LATE (running past its due date: counted, and late). (Comparing
    # the answer date with the due date out here, on the subquery's columns, measured
    # slower than computing the local date twice in it.)
    due, answered_on = Appeal.effective_due_on, local_date_sql(Appeal.answered_at)
    state = case(
        (
            answered(),
            case(
                (due.is_(None), ANSWERED),
                (answered_on > due, ANSWERED | WITH_DUE | ANSWERED_LATE),
                else_=ANSWERED | WITH_DUE,
            ),
        ),
        (open_late(today), OPEN_LATE),
        else_=0,
    )
    due_month, answer_month = period_months()
    months = [due_month.label("due_month"), answer_month.label("answer_month")]
    fact = _no_flattening(
        select(
            Appeal.current_body_id.label("body_id"),
            state.label("state"),
            received_on().label("received"),
            due.label("due"),
            answer_day().label("answer_day"),
            Appeal.satisfaction,
            Appeal.extended_until,
            *(months if by_month else ()),
        ).where(*where)
    ).subquery("appeal_facts")
    group = [fact.c.body_id]
    if by_month:
        group += [fact.c.due_month, fact.c.answer_month]

    def has(flags: int) -> ColumnElement:
        return fact.c.state.op("&")(flags) != 0

    late = has(ANSWERED_LATE | OPEN_LATE)
    index = _index_cte(_working_day_index(cal, first_day - timedelta(days=1), last_day))
    at_receipt, at_end, at_due = aliased(index), aliased(index), aliased(index)
    # The working-day index is looked up only where a figure needs it: receipt and answer
    # for the days to answer; due date and answer (or today, for an open one) for lateness.
    receipt_key = case((has(ANSWERED), fact.c.received))
    to_answer = (at_end.c.w - at_receipt.c.w).label("to_answer")  # NULL without a receipt
    days_late = at_end.c.w - at_due.c.w  # NULL unless late
    rows = db.session.execute(
        select(
            *group,
            to_answer,
            func.count().label("appeals"),
            sum_if(has(WITH_DUE | OPEN_LATE)).label("counted"),
            sum_if(late).label("late"),
            func.count(fact.c.satisfaction).label("rated"),
            (
                sum_if(fact.c.satisfaction == Satisfaction.SATISFIED.value, 1.0)
                + sum_if(fact.c.satisfaction == Satisfaction.PARTLY.value, 0.5)
            ).label("points"),
            sum_if(has(ANSWERED)).label("answers"),
            func.count(fact.c.extended_until).label("extended"),
            func.sum(days_late).label("late_days"),
            func.count(days_late).label("late_with_days"),
            func.count(to_answer).label("with_days"),
            func.count(receipt_key).label("with_receipt"),
        )
        .select_from(fact)
        .outerjoin(at_receipt, at_receipt.c.day == receipt_key)
        .outerjoin(
            at_end,
            at_end.c.day
            == case(
                (has(ANSWERED), fact.c.answer_day),
                (has(OPEN_LATE), literal(today, Date)),
            ),
        )
        .outerjoin(at_due, at_due.c.day == case((late, fact.c.due)))
        .group_by(*group, to_answer)
    ).all()
    # A key with no entry in the index leaves a figure NULL where it was needed.
    missing = sum((r.with_receipt - r.with_days) + (r.late - r.late_with_days) for r in rows)
    return rows, missing > 0


def _index_range(where: list[ColumnElement], today: date) -> tuple[date | None, date | None]:
    """The earliest and latest dates the working-day index must hold for the appeals."""
    first_receipt, last_receipt, first_due, last_answer = db.session.execute(
        select(
            func.min(case((answered(), received_on()))),
            func.max(case((answered(), received_on()))),
            func.min(
                case(
                    (open_late(today), Appeal.effective_due_on),
                    (answered(), Appeal.effective_due_on),
                )
            ),
            func.max(Appeal.answered_at),
        ).where(*where)
    ).one()
    firsts = [d for d in (first_receipt, first_due) if d is not None]
    # A receipt after the answer is a mistake in the data, but must not stop the count.
    last_answered = local_date(last_answer, site_timezone()) if last_answer else None
    lasts = [d for d in (last_receipt, last_answered) if d is not None]
    return min(firsts, default=None), max(lasts, default=None)


def body_measures(
    period: Period,
    *,
    body_ids: Collection[int] | None = None,
    region_id: int | None = None,
    today: date | None = None,
) -> list[BodyMeasures]:
    """Every figure of every body with anything in the period (or exactly the bodies asked
    for, zero-filled), sorted by body id. A region means its bodies and those below it.
    The "now" figures (open_overdue, very_overdue) alone do not put a body in the list."""
    ids: list[int] | None = None
    if body_ids is not None:
        ids = sorted(set(body_ids))
    if region_id is not None:
        in_region = set(region_body_ids(region_id))
        ids = sorted(in_region if ids is None else in_region.intersection(ids))
    return with_audits(
        unaudited_measures(period, ids=ids, today=today),
        audit_rates(period, ids=ids),
        only=ids if body_ids is not None else None,
    )


@dataclass(frozen=True)
class UnauditedMeasures:
    """body_measures' figures but the audits: the bodies with anything in the period (their
    audit_clean left empty) and the "now" overdue counts of every body that has any. The
    audits are apart because a prosecutor's verdict must move the score at once, while the
    rest may be read from a cache a few minutes old (appeals.scores.snapshots)."""

    measures: list[BodyMeasures]  # sorted by body id
    overdue: dict[int, tuple[int, int]]  # body id -> (open overdue, very overdue) now


def audit_rates(period: Period, *, ids: Collection[int] | None = None) -> dict[int, Rate]:
    """Audited without violation, per body: the latest verdict on each appeal of the period
    (one grouped query)."""
    ids = sorted(set(ids)) if ids is not None else None
    return {
        body_id: Rate(lawful, audited)
        for body_id, audited, lawful in db.session.execute(
            select(Audit.body_id, func.count(), sum_if(Audit.lawful.is_(True)))
            .join(Appeal, Appeal.id == Audit.appeal_id)
            .where(
                *body_filter(ids, Audit.body_id),
                Audit.id.in_(latest_audit_ids()),
                in_period(period),
            )
            .group_by(Audit.body_id)
        )
        if body_id is not None
    }


def with_audits(
    unaudited: UnauditedMeasures,
    audits: dict[int, Rate],
    *,
    only: Collection[int] | None = None,
) -> list[BodyMeasures]:
    """The measures with the audit rates put in: the bodies with anything in the period,
    audits included (or exactly `only`, zero-filled), sorted by body id."""
    listed = {m.body_id: m for m in unaudited.measures}

    def one(body_id: int) -> BodyMeasures:
        measures = listed.get(body_id)
        if measures is None:  # nothing of its own in the period: only audits, or nothing
            open_overdue, very_overdue = unaudited.overdue.get(body_id, (0, 0))
            measures = replace(
                empty_measures(body_id), open_overdue=open_overdue, very_overdue=very_overdue
            )
        return replace(measures, audit_clean=audits.get(body_id, NO_DATA))

    wanted = sorted(only) if only is not None else sorted(listed.keys() | audits.keys())
    return [one(body_id) for body_id in wanted]


def unaudited_measures(
    period: Period, *, ids: list[int] | None = None, today: date | None = None
) -> UnauditedMeasures:
    """Every figure but the audits, of the bodies `ids` (None: all): five grouped queries."""
    today = today or local_today()
    where_body = body_filter(ids, Appeal.current_body_id)

    # 1. One scan of the period's appeals, grouped by (body, working days to answer): volume,
    #    timeliness, satisfaction, extensions, the days-to-answer histogram and lateness.
    sums: dict[int | None, dict] = defaultdict(dict)
    histograms: dict[int | None, dict[int, int]] = defaultdict(dict)
    for row in scan_rows([*where_body, in_period(period)], today, period.start, period.end):
        add_scan_row(sums[row.body_id], histograms[row.body_id], row)
    figures: dict[int | None, dict] = defaultdict(dict)
    for body_id, entry in sums.items():
        figures[body_id] = scan_figures(entry, histograms[body_id])

    # 2. Answers followed within 60 days by a complaint or a repeat: scan the children only.
    for body_id, followed in followups(ids, in_period(period, PARENT)):
        figures[body_id]["followed"] = followed

    # 3. Complaints about the body's answers decided in the period, and how many were upheld.
    for body_id, decided, upheld in complaints(ids, complaints_decided(period, COMPLAINT)):
        figures[body_id]["complaints_rejected"] = Rate(decided - upheld, decided)

    # 4. Forwarding out.
    for body_id, entry in forwarding_figures(period, ids).items():
        figures[body_id].update(entry)

    # 5. Open and overdue now; a "now" figure of a body with nothing in the period does not
    #    list the body.
    figures.pop(None, None)  # appeals held by no body (never routed)
    overdue = overdue_now(today, ids)
    for body_id, (open_overdue, very_overdue) in overdue.items():
        if body_id in figures:
            figures[body_id].update(open_overdue=open_overdue, very_overdue=very_overdue)
    return UnauditedMeasures(
        [assemble(body_id, figures[body_id]) for body_id in sorted(figures)], overdue
    )


# The sums of the main scan's rows, and the figures made of them.
SCAN_SUMS = ("appeals", "counted", "late", "rated", "points", "answers", "extended", "late_days")


def scan_rows(
    where: list[ColumnElement], today: date, start: date, end: date, *, by_month: bool = False
) -> list:
    """The main scan's rows over the appeals `where` selects, due or answered from `start`
    to `end`, with a working-day index wide enough for every date they meet."""
    cal = working_calendar()
    # Guess a generous range; if a row falls outside it, the scan says so, and it runs once
    # more over the range the data needs (one more query).
    first_day = max(start - timedelta(days=INDEX_DAYS_BEFORE), cal.first)
    last_day = min(max(end, today) + timedelta(days=1), cal.last)
    rows, missing = _main_scan(where, today, cal, first_day, last_day, by_month=by_month)
    if missing:  # rare: an appeal received long before the period; widen and scan again
        earliest, latest = _index_range(where, today)
        first_day = max(min(first_day, earliest or first_day), cal.first)
        last_day = min(max(last_day, latest or last_day) + timedelta(days=1), cal.last)
        rows, missing = _main_scan(where, today, cal, first_day, last_day, by_month=by_month)
        if missing:
            raise ValueError(f"dates outside the working calendar {cal.first}..{cal.last}")
    return rows


def add_scan_row(sums: dict, histogram: dict[int, int], row) -> None:
    """Add one row of the main scan to running sums and a days-to-answer histogram."""
    for name in SCAN_SUMS:
        sums[name] = sums.get(name, 0) + (row._mapping[name] or 0)
    if row.to_answer is not None:
        histogram[row.to_answer] = histogram.get(row.to_answer, 0) + row.with_days


def scan_figures(sums: dict, histogram: dict[int, int]) -> dict:
    """The figures the main scan's sums give (the appeals of a body counted in timeliness are
    on time or late)."""
    counted, late_n, n = sums["counted"], sums["late"], sums["appeals"]
    return {
        "appeals": n,
        "answers": sums["answers"],
        "timely": Rate(counted - late_n, counted),
        "satisfaction": Rate(float(sums["points"]), sums["rated"]),
        "extension_rate": Rate(sums["extended"], n),
        "median_days_to_answer": median_of(histogram.items()),
        "mean_days_late": sums["late_days"] / late_n if late_n else None,
    }


PARENT, CHILD, COMPLAINT = aliased(Appeal), aliased(Appeal), aliased(Appeal)


def followups(ids: list[int] | None, *where: ColumnElement, group: Iterable = ()) -> list:
    """(body, *group, answers followed within 60 days by a complaint or a repeat): the
    answered appeals (PARENT) `where` selects, scanned from their children (CHILD)."""
    return db.session.execute(
        select(PARENT.current_body_id, *group, func.count(func.distinct(PARENT.id)))
        .select_from(CHILD)
        .join(PARENT, PARENT.id == CHILD.parent_id)
        .where(
            # "> 0" rather than "IS NOT NULL": SQLite then walks the parent_id index over the
            # few children instead of scanning every parent (measured 10x at 100,000 rows).
            CHILD.parent_id > 0,
            *body_filter(ids, PARENT.current_body_id),
            *where,
            answered(PARENT),
            CHILD.submitted_at >= PARENT.answered_at,
            CHILD.submitted_at <= plus_days(PARENT.answered_at, FOLLOWUP_DAYS),
        )
        .group_by(PARENT.current_body_id, *group)
    ).all()


def complaints(ids: list[int] | None, *where: ColumnElement, group: Iterable = ()) -> list:
    """(body, *group, complaints decided, upheld): the complaints (COMPLAINT) about the
    body's answers that `where` selects."""
    return db.session.execute(
        select(
            PARENT.current_body_id,
            *group,
            func.count(),
            sum_if(COMPLAINT.decision.in_(UPHELD)),
        )
        .select_from(COMPLAINT)
        .join(PARENT, PARENT.id == COMPLAINT.parent_id)
        .where(*where, *body_filter(ids, PARENT.current_body_id))
        .group_by(PARENT.current_body_id, *group)
    ).all()


def forwarding_measures(appeals_out: int, back: int, in_time: int, forwardings: int) -> dict:
    """One body's forwarding measures as BodyMeasures names them (counted here from the
    events, summed in cells.py from the cells)."""
    return {
        "forwarding": (appeals_out, back),
        "forward_compliance": Rate(in_time, forwardings),
    }


def forwarding_figures(period: Period, ids: list[int] | None) -> dict[int, dict]:
    """Forwarding out, per body: distinct appeals, events in time, and appeals counted twice
    (they came back and are among the body's own appeals of the period), counted from the
    events. The score cells keep the same figures per month (cells.py: _forwarding_rows)."""
    came_back = and_(Appeal.current_body_id == Event.from_body_id, in_period(period))
    return {
        body_id: forwarding_measures(appeals_out, back, in_time, forwardings)
        for body_id, appeals_out, forwardings, in_time, back in db.session.execute(
            select(
                Event.from_body_id,
                func.count(func.distinct(Event.appeal_id)),
                func.count(),
                sum_if(forwarded_in_time()),
                func.count(func.distinct(case((came_back, Event.appeal_id)))),
            )
            .join(Appeal, Appeal.id == Event.appeal_id)
            .where(forwardings_out(period), *body_filter(ids, Event.from_body_id))
            .group_by(Event.from_body_id)
        )
    }


def overdue_now(today: date, ids: list[int] | None) -> dict[int, tuple[int, int]]:
    """Open and past the due date now, and very overdue (past it by a whole term again), per
    body. The SQL gives (body, due date, term, count); Python classifies the distinct pairs."""
    cal = working_calendar()
    body = Appeal.current_body_id
    overdue: dict[int, tuple[int, int]] = {}
    for body_id, due, term, unit, n in db.session.execute(
        select(
            body, Appeal.effective_due_on, DeadlinePolicy.term, DeadlinePolicy.unit, func.count()
        )
        .outerjoin(DeadlinePolicy, DeadlinePolicy.id == Appeal.policy_id)
        .where(*body_filter(ids, body), open_late(today))
        .group_by(body, Appeal.effective_due_on, DeadlinePolicy.term, DeadlinePolicy.unit)
    ):
        if body_id is None:
            continue
        very = n if very_overdue_on(cal, due, term, unit, today) else 0
        open_before, very_before = overdue.get(body_id, (0, 0))
        overdue[body_id] = (open_before + n, very_before + very)
    return overdue


def very_overdue_on(
    cal: WorkingCalendar, due: date, term: int | None, unit: str | None, today: date
) -> bool:
    """Past the due date by a whole term again (the term of the appeal's policy)."""
    return term is not None and is_very_overdue(today, due, term, unit or "working", cal)


def assemble(body_id: int, f: dict) -> BodyMeasures:
    """A body's measures from its figures (missing ones: no data)."""
    appeals = f.get("appeals", 0)
    answers = f.get("answers", 0)
    appeals_out, back = f.get("forwarding", (0, 0))
    return BodyMeasures(
        body_id=body_id,
        appeals=appeals,
        timely=f.get("timely", NO_DATA),
        satisfaction=f.get("satisfaction", NO_DATA),
        audit_clean=f.get("audit_clean", NO_DATA),
        no_followup=Rate(answers - f.get("followed", 0), answers),
        complaints_rejected=f.get("complaints_rejected", NO_DATA),
        median_days_to_answer=f.get("median_days_to_answer"),
        mean_days_late=f.get("mean_days_late"),
        open_overdue=f.get("open_overdue", 0),
        very_overdue=f.get("very_overdue", 0),
        extension_rate=f.get("extension_rate", NO_DATA),
        forwarded_out=Rate(appeals_out, appeals + appeals_out - back),
        forward_compliance=f.get("forward_compliance", NO_DATA),
    )
