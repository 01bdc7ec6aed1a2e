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
pages read the first from a cache a few minutes old and count the audits for every request,
so that a verdict moves the score at once (appeals.scores.snapshots.period_scores).

appeals_behind() builds, from the same predicates, the list of appeals each figure counted.
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Date,
    Index,
    Integer,
    Select,
    and_,
    case,
    cast,
    column,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
    type_coerce,
    values,
)
from sqlalchemy.orm import aliased

from appeals.audit.models import Audit
from appeals.deadlines.calendar import WorkingCalendar
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.rules import is_very_overdue
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Appeal,
    AppealKind,
    Decision,
    Event,
    EventKind,
    Satisfaction,
)
from appeals.reference.models import Body, Region
from appeals.scores.formula import NO_DATA, BodyMeasures, Rate, empty_measures
from appeals.timeutil import UTCDateTime, local_date, local_today, now_utc

# Indexes for these queries, on other areas' tables (declared here so that create_all and
# Alembic's autogenerate both know them; the migration of the scores creates them):
# - the main scan reads these columns only: SQLite scans this narrow covering index instead
#   of the table (whose rows carry the appeals' texts), and the "overdue now" query is a
#   range on its first two columns with no table lookups;
# - the forwardings of a period are a range of the events' (kind, created_at);
# - the follow-ups and complaints start from the children (the appeals with a parent, a few
#   percent): a partial index over those rows only, holding every column the two queries
#   read of a child, so that neither fetches a child's wide row (measured at 1,000,000
#   appeals: complaints 83 -> 15 ms, follow-ups 88 -> 56 ms). Their "parent_id > 0"
#   implies the index's condition on both databases.
Index(
    "ix_appeals_scores",
    Appeal.status,
    Appeal.due_on,
    Appeal.current_body_id,
    Appeal.extended_until,
    Appeal.answered_at,
    Appeal.received_on,
    Appeal.registered_on,
    Appeal.satisfaction,
    Appeal.policy_id,
)
Index("ix_events_kind_created_at", Event.kind, Event.created_at)
Index(
    "ix_appeals_children_scores",
    Appeal.parent_id,
    Appeal.kind,
    Appeal.status,
    Appeal.answered_at,
    Appeal.submitted_at,
    Appeal.decision,
    sqlite_where=Appeal.parent_id.is_not(None),
    postgresql_where=Appeal.parent_id.is_not(None),
)

FOLLOWUP_DAYS = 60  # DESIGN.md: a complaint or repeat within 60 days of the answer
UPHELD = (Decision.SATISFIED.value, Decision.PARTLY_SATISFIED.value)


@dataclass(frozen=True)
class Period:
    """A range of local dates, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = month_calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"a quarter is 1 to 4, not {quarter}")
        first = 3 * quarter - 2
        return cls(date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.start.day == 1 and self == Period.month(self.start.year, self.start.month):
            return f"{self.start:%Y-%m}"
        if self == Period.year(self.start.year):
            return str(self.start.year)
        if self.start.day == 1 and self.start.month % 3 == 1:
            quarter = (self.start.month + 2) // 3
            if self == Period.quarter(self.start.year, quarter):
                return f"{self.start.year} Q{quarter}"
        return f"{self.start:%d.%m.%Y}-{self.end:%d.%m.%Y}"


# --- Time in SQL ---------------------------------------------------------------------------


def _timezone() -> str:
    return current_app.config["TIMEZONE"]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(_timezone())).astimezone(UTC)


def _utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """[first local midnight, the midnight after the last day) in UTC: a sargable range."""
    return _local_midnight_utc(period.start), _local_midnight_utc(period.end + timedelta(days=1))


@lru_cache(maxsize=8)
def _offset_spans(zone: str) -> tuple[tuple[datetime | None, int], ...]:
    """The zone's UTC offsets from 2000 to 2100, newest first: (in force from, seconds); the
    oldest has None. Found by a weekly scan (offsets never change twice in a week) and a bisection
    to the second, once per zone."""
    tz = ZoneInfo(zone)

    def offset(second: int) -> int:
        moment = datetime.fromtimestamp(second, UTC).astimezone(tz)
        return int(moment.utcoffset().total_seconds())

    week = 7 * 24 * 3600
    second = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())
    current = offset(second)
    spans: list[tuple[datetime | None, int]] = [(None, current)]
    while second < end:
        following = second + week
        if offset(following) != current:
            low, high = second, following  # offset(low) == current != offset(high)
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            current = offset(high)
            spans.append((datetime.fromtimestamp(high, UTC), current))
        second = following
    return tuple(reversed(spans))


def local_date_sql(moment: ColumnElement) -> ColumnElement:
    """The local calendar date of a UTC timestamp column, in SQL."""
    if _dialect() == "postgresql":
        return cast(func.timezone(_timezone(), moment), Date)
    # SQLite has no time zones: the offsets in force since 2000, chosen by a binary search
    # written as nested CASEs (a few comparisons a row even for a zone with summer time).
    spans = list(reversed(_offset_spans(_timezone())))  # oldest first

    def search(low: int, high: int) -> ColumnElement:
        if low == high:
            return _shifted_date(moment, spans[low][1])
        middle = (low + high + 1) // 2
        since = literal(spans[middle][0], UTCDateTime())
        return case((moment >= since, search(middle, high)), else_=search(low, middle - 1))

    # Most rows are recent: test the span in force now first (one comparison for a zone
    # whose offset has not changed since, like Kazakhstan's since March 2024).
    now = now_utc()
    current = max(i for i, (since, _) in enumerate(spans) if since is None or since <= now)
    recent = [moment >= literal(spans[current][0], UTCDateTime())] if current else []
    if current + 1 < len(spans):
        recent.append(moment < literal(spans[current + 1][0], UTCDateTime()))
    if not recent:
        return type_coerce(_shifted_date(moment, spans[0][1]), Date)
    nearest = _shifted_date(moment, spans[current][1])
    return type_coerce(case((and_(*recent), nearest), else_=search(0, len(spans) - 1)), Date)


def _shifted_date(moment: ColumnElement, seconds: int) -> ColumnElement:
    """SQLite: the date of a stored 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text at a fixed offset.
    date() costs about a microsecond a row, so it is called only for the moments whose local
    date differs from the UTC one (from 19:00 UTC at +05:00); the others take the text's first
    ten characters, and the time of day is compared as text."""
    utc_day, clock = func.substr(moment, 1, 10), func.substr(moment, 12, 8)
    if seconds == 0:
        return utc_day
    if seconds > 0:  # the next day from (24h - offset) UTC
        threshold = _clock(24 * 3600 - seconds)
        return case((clock >= threshold, func.date(moment, "+1 day")), else_=utc_day)
    threshold = _clock(-seconds)  # the previous day until -offset UTC
    return case((clock < threshold, func.date(moment, "-1 day")), else_=utc_day)


def month_of(day: ColumnElement) -> ColumnElement:
    """The first day of a date's month, in SQL (NULL stays NULL)."""
    if _dialect() == "postgresql":
        return cast(func.date_trunc("month", day), Date)
    # SQLite keeps dates as 'YYYY-MM-DD' text: cut it, which is cheaper than date().
    return type_coerce(func.substr(day, 1, 7).op("||")(literal("-01")), Date)


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _plus_days(moment: ColumnElement, days: int) -> ColumnElement:
    """A UTC timestamp column plus whole days, comparable with the stored timestamps."""
    if _dialect() == "postgresql":
        return moment + literal(timedelta(days=days))
    # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff'; %f gives SS.SSS, so pad to six digits.
    return type_coerce(
        func.strftime("%Y-%m-%d %H:%M:%f", moment, f"+{days} days") + literal("000"),
        UTCDateTime(),
    )


# --- The predicates, shared by the measures and the drill-down -----------------------------


def in_period(period: Period, a=Appeal) -> ColumnElement:
    """The appeal's effective due date or its answer falls in the period."""
    start_utc, end_utc = _utc_bounds(period)
    return or_(
        a.effective_due_on.between(period.start, period.end),
        and_(a.answered_at >= start_utc, a.answered_at < end_utc),
    )


def answered(a=Appeal) -> ColumnElement:
    """Answered and not open again (a reopened appeal waits for a new answer)."""
    return and_(a.answered_at.is_not(None), a.status.not_in(list(OPEN_STATUSES)))


def open_late(today: date, a=Appeal) -> ColumnElement:
    """Running (the clock not stopped) and past the effective due date."""
    # due_on <= effective due, so the first test lets the (status, due_on) index narrow it.
    return and_(a.status.in_(list(RUNNING_STATUSES)), a.due_on < today, a.effective_due_on < today)


def timely_counted(today: date, a=Appeal) -> ColumnElement:
    """Counted in timeliness: answered (with a due date), or running past its due date."""
    return or_(and_(answered(a), a.effective_due_on.is_not(None)), open_late(today, a))


def on_time(a=Appeal) -> ColumnElement:
    """Answered on or before the effective due date (local dates)."""
    return and_(
        answered(a),
        a.effective_due_on.is_not(None),
        local_date_sql(a.answered_at) <= a.effective_due_on,
    )


def late(today: date, a=Appeal) -> ColumnElement:
    """Answered after the effective due date, or still running past it."""
    return or_(
        and_(
            answered(a),
            a.effective_due_on.is_not(None),
            local_date_sql(a.answered_at) > a.effective_due_on,
        ),
        open_late(today, a),
    )


def _received(a=Appeal) -> ColumnElement:
    return func.coalesce(a.received_on, a.registered_on)


def _latest_audit_ids() -> Select:
    return select(func.max(Audit.id)).group_by(Audit.appeal_id)


def _followed(a=Appeal) -> ColumnElement:
    """A complaint or repeat appeal (parent = it) submitted within 60 days after the answer."""
    child = aliased(Appeal)
    return (
        select(child.id)
        .where(
            child.parent_id == a.id,
            child.submitted_at >= a.answered_at,
            child.submitted_at <= _plus_days(a.answered_at, FOLLOWUP_DAYS),
        )
        .exists()
    )


def _complaints_decided(period: Period, complaint=Appeal) -> ColumnElement:
    start_utc, end_utc = _utc_bounds(period)
    return and_(
        complaint.kind == AppealKind.COMPLAINT.value,
        complaint.parent_id > 0,  # an index range (see the follow-ups below)
        answered(complaint),
        complaint.answered_at >= start_utc,
        complaint.answered_at < end_utc,
    )


def _forwardings(period: Period) -> ColumnElement:
    start_utc, end_utc = _utc_bounds(period)
    return and_(
        Event.kind == EventKind.FORWARDED.value,
        Event.from_body_id.is_not(None),
        Event.created_at >= start_utc,
        Event.created_at < end_utc,
    )


def _forwarded_in_time() -> ColumnElement:
    return Event.data["late"].as_boolean().is_(false())


def _sum_if(condition: ColumnElement, value=1) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


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


def _body_filter(ids: list[int] | None, body_column: ColumnElement) -> list[ColumnElement]:
    # No "IS NOT NULL" for all bodies: SQLite would walk the body index and fetch each row
    # by rowid, several times slower than the plain scan; the None group is dropped instead.
    return [] if ids is None else [body_column.in_(ids)]


def _median(histogram: Iterable[tuple[int, int]]) -> float | None:
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
    return query.limit(-1) if _dialect() == "sqlite" else query


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
    due, answer_day = Appeal.effective_due_on, local_date_sql(Appeal.answered_at)
    state = case(
        (
            answered(),
            case(
                (due.is_(None), ANSWERED),
                (answer_day > due, ANSWERED | WITH_DUE | ANSWERED_LATE),
                else_=ANSWERED | WITH_DUE,
            ),
        ),
        (open_late(today), OPEN_LATE),
        else_=0,
    )
    answer_day = case((Appeal.answered_at.is_not(None), answer_day))
    months = [month_of(due).label("due_month"), month_of(answer_day).label("answer_month")]
    fact = _no_flattening(
        select(
            Appeal.current_body_id.label("body_id"),
            state.label("state"),
            _received().label("received"),
            due.label("due"),
            answer_day.label("answer_day"),
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
            _sum_if(has(WITH_DUE | OPEN_LATE)).label("counted"),
            _sum_if(late).label("late"),
            func.count(fact.c.satisfaction).label("rated"),
            (
                _sum_if(fact.c.satisfaction == Satisfaction.SATISFIED.value, 1.0)
                + _sum_if(fact.c.satisfaction == Satisfaction.PARTLY.value, 0.5)
            ).label("points"),
            _sum_if(has(ANSWERED)).label("answers"),
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
    first_receipt, first_due, last_answer = db.session.execute(
        select(
            func.min(case((answered(), _received()))),
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
    last = local_date(last_answer, _timezone()) if last_answer else None
    return min(firsts, default=None), last


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
            select(Audit.body_id, func.count(), _sum_if(Audit.lawful.is_(True)))
            .join(Appeal, Appeal.id == Audit.appeal_id)
            .where(
                *_body_filter(ids, Audit.body_id),
                Audit.id.in_(_latest_audit_ids()),
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
    where_body = _body_filter(ids, Appeal.current_body_id)

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
    for body_id, decided, upheld in complaints(ids, _complaints_decided(period, COMPLAINT)):
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
        "median_days_to_answer": _median(histogram.items()),
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
            *_body_filter(ids, PARENT.current_body_id),
            *where,
            answered(PARENT),
            CHILD.submitted_at >= PARENT.answered_at,
            CHILD.submitted_at <= _plus_days(PARENT.answered_at, FOLLOWUP_DAYS),
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
            _sum_if(COMPLAINT.decision.in_(UPHELD)),
        )
        .select_from(COMPLAINT)
        .join(PARENT, PARENT.id == COMPLAINT.parent_id)
        .where(*where, *_body_filter(ids, PARENT.current_body_id))
        .group_by(PARENT.current_body_id, *group)
    ).all()


def forwarding_figures(period: Period, ids: list[int] | None) -> dict[int, dict]:
    """Forwarding out, per body: distinct appeals, events in time, and appeals counted twice
    (they came back and are among the body's own appeals of the period). Distinct counts do
    not add up over months, so this is always counted from the events (an index range)."""
    came_back = and_(Appeal.current_body_id == Event.from_body_id, in_period(period))
    return {
        body_id: {
            "forwarding": (appeals_out, back),
            "forward_compliance": Rate(in_time, forwardings),
        }
        for body_id, appeals_out, forwardings, in_time, back in db.session.execute(
            select(
                Event.from_body_id,
                func.count(func.distinct(Event.appeal_id)),
                func.count(),
                _sum_if(_forwarded_in_time()),
                func.count(func.distinct(case((came_back, Event.appeal_id)))),
            )
            .join(Appeal, Appeal.id == Event.appeal_id)
            .where(_forwardings(period), *_body_filter(ids, Event.from_body_id))
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
        .where(*_body_filter(ids, body), open_late(today))
        .group_by(body, Appeal.effective_due_on, DeadlinePolicy.term, DeadlinePolicy.unit)
    ):
        if body_id is None:
            continue
        very = n if _very_overdue(cal, due, term, unit, today) else 0
        open_before, very_before = overdue.get(body_id, (0, 0))
        overdue[body_id] = (open_before + n, very_before + very)
    return overdue


def _very_overdue(
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


# --- The drill-down ------------------------------------------------------------------------

# Every figure a score page shows, with what its list holds. "x.successes" and "x.failures"
# narrow a rate's list (not for satisfaction: its successes are fractional).
# Lazy: each page shows them in the reader's language.
MEASURES = {
    "appeals": _l("the body's appeals due or answered in the period"),
    "timely": _l("answered, or still open past the due date"),
    "satisfaction": _l("answers the applicant rated"),
    "audit_clean": _l("answers a prosecutor audited (latest verdict)"),
    "no_followup": _l("answers given"),
    "complaints_rejected": _l("complaints about its answers decided in the period"),
    "median_days_to_answer": _l("answers given (with a receipt date)"),
    "mean_days_late": _l("appeals answered late or still open past the due date"),
    "open_overdue": _l("open now and past the due date"),
    "very_overdue": _l("open now and past the due date by a whole term again"),
    "extension_rate": _l("the body's appeals of the period"),
    "forwarded_out": _l("appeals received: its own of the period and those it forwarded out"),
    "forward_compliance": _l("forwardings out of the body (one row per forwarding)"),
}
RATES_WITH_PARTS = {
    "timely",
    "audit_clean",
    "no_followup",
    "complaints_rejected",
    "extension_rate",
    "forwarded_out",
    "forward_compliance",
}


def appeals_behind(
    body_id: int, measure: str, period: Period, *, today: date | None = None
) -> Select:
    """The SELECT of the appeals a figure was counted from: its length is the figure's n
    (or, for "x.successes"/"x.failures", the successes or the rest)."""
    today = today or local_today()
    name, _, part = measure.partition(".")
    if name not in MEASURES or (
        part and (part not in ("successes", "failures") or name not in RATES_WITH_PARTS)
    ):
        raise ValueError(f"no list of appeals behind {measure!r}")
    own = and_(Appeal.current_body_id == body_id, in_period(period))
    query = select(Appeal).order_by(Appeal.id)

    def pick(counted: ColumnElement, success: ColumnElement) -> ColumnElement:
        if part == "successes":
            return and_(counted, success)
        if part == "failures":
            return and_(counted, ~success)
        return counted

    if name in ("appeals", "extension_rate"):
        return query.where(pick(own, Appeal.extended_until.is_not(None)))
    if name == "timely":
        return query.where(own, pick(timely_counted(today), on_time()))
    if name == "satisfaction":
        return query.where(own, Appeal.satisfaction.is_not(None))
    if name == "mean_days_late":
        return query.where(own, late(today))
    if name == "median_days_to_answer":
        return query.where(own, answered(), _received().is_not(None))
    if name == "no_followup":
        return query.where(own, pick(answered(), ~_followed()))
    if name == "audit_clean":
        query = query.join(Audit, Audit.appeal_id == Appeal.id)
        counted = and_(
            Audit.body_id == body_id, Audit.id.in_(_latest_audit_ids()), in_period(period)
        )
        return query.where(pick(counted, Audit.lawful.is_(True)))
    if name == "complaints_rejected":
        parent = aliased(Appeal)
        counted = and_(_complaints_decided(period), parent.current_body_id == body_id)
        query = query.join(parent, parent.id == Appeal.parent_id)
        return query.where(pick(counted, Appeal.decision.not_in(UPHELD)))
    if name == "forward_compliance":
        query = query.join(Event, Event.appeal_id == Appeal.id)
        counted = and_(_forwardings(period), Event.from_body_id == body_id)
        return query.where(pick(counted, _forwarded_in_time()))
    if name == "forwarded_out":
        out = select(Event.appeal_id).where(_forwardings(period), Event.from_body_id == body_id)
        forwarded = Appeal.id.in_(out)
        return query.where(pick(or_(own, forwarded), forwarded))
    # open_overdue / very_overdue: now, whatever the period.
    overdue = and_(Appeal.current_body_id == body_id, open_late(today))
    if name == "open_overdue":
        return query.where(overdue)
    cal = working_calendar()
    pairs = [
        (due, policy_id)
        for due, policy_id, term, unit in db.session.execute(
            select(
                Appeal.effective_due_on, Appeal.policy_id, DeadlinePolicy.term, DeadlinePolicy.unit
            )
            .join(DeadlinePolicy, DeadlinePolicy.id == Appeal.policy_id)
            .where(overdue)
            .distinct()
        )
        if _very_overdue(cal, due, term, unit, today)
    ]
    if not pairs:
        return query.where(false())
    return query.where(overdue, tuple_(Appeal.effective_due_on, Appeal.policy_id).in_(pairs))
