"""What the generator makes, drawn from a seeded random source (pure: no database).

The shape follows what a country's appeals look like: more appeals in spring and autumn and
on weekdays, bodies of very different sizes (a long tail: a few ministries and akimats get
most appeals), each body with its own answer speed (some slow, a few very slow, so some
appeals are overdue and some very overdue), extensions, forwards, complaints about answers,
repeats by the same citizen, ratings and prosecutors' audits.

The data ends at a moment (`now`): every step is dated in the order it happens and only if
its moment has come, so an appeal answered yesterday is not yet rated, and an extension or a
forward still ahead is not made. Events dated later than the moment the data was written
would be "new" to everything that reads events since a mark (the score cells' refresh)."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from appeals.deadlines.calendar import WorkingCalendar

# Share of appeals by kind (complaints are made separately, about answers).
KINDS = [
    ("statement", 0.72),
    ("request", 0.12),
    ("proposal", 0.05),
    ("feedback", 0.06),
    ("report", 0.05),
]
# Appeals per month of the year, relative (fewer in January, summer and late December).
SEASON = [0.70, 0.95, 1.15, 1.10, 1.05, 0.90, 0.80, 0.85, 1.05, 1.15, 1.10, 0.85]
DECISIONS = ["satisfied", "partly_satisfied", "refused", "explained"]
DECISION_WEIGHTS = [0.30, 0.15, 0.25, 0.30]
SATISFACTIONS = ["satisfied", "partly", "not_satisfied"]
REPEAT_REASONS = ["disagrees", "late", "other_defect", "no_new_arguments"]
BODY_KINDS = ["akimat", "department", "police", "committee", "ministry"]
ACCESS_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # intake.service's alphabet
ZONE_OFFSET = timedelta(hours=5)  # Almaty: local office hours to UTC
HALF_AN_HOUR, AN_HOUR = timedelta(minutes=30), timedelta(hours=1)


def access_code(appeal_id: int) -> str:
    """The generated appeal's access code, derived from its id (the load test knows it)."""
    digits, n = [], appeal_id * 7919 + 12345
    for _ in range(10):
        n, r = divmod(n, len(ACCESS_ALPHABET))
        digits.append(ACCESS_ALPHABET[r])
    return "".join(digits)


def hashed_code(appeal_id: int) -> str:
    return hashlib.sha256(access_code(appeal_id).encode()).hexdigest()


@dataclass
class BodyPlan:
    index: int
    weight: float
    speed: float  # the typical answer, as a share of the term (0.4 fast .. 1.6 very slow)
    staff: int


@dataclass
class AppealPlan:
    """One appeal; `parent` is the index of an earlier appeal in the plan's list."""

    submitted_at: datetime
    kind: str
    body: int
    citizen: int
    category: int
    registered_on: date
    due_on: date
    extended_until: date | None = None
    answered_at: datetime | None = None
    status: str = "registered"
    is_overdue: bool = False
    decision: str | None = None
    satisfaction: str | None = None
    parent: int | None = None
    parent_reason: str | None = None
    first_body: int | None = None  # forwarded from
    forwarded_on: date | None = None
    # When each step happened (UTC); None for a step not taken (or not yet taken).
    forwarded_at: datetime | None = None
    assigned_at: datetime | None = None
    extended_at: datetime | None = None
    rated_at: datetime | None = None
    audited_at: datetime | None = None
    overdue_at: datetime | None = None
    ended_at: datetime | None = None  # withdrawn or left without consideration
    extra: dict = field(default_factory=dict)


def cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def pick(rng: random.Random, cum: list[float]) -> int:
    return bisect.bisect(cum, rng.random() * cum[-1])


def plan_bodies(rng: random.Random, bodies: int, appeals: int) -> list[BodyPlan]:
    """Body sizes from a Zipf-like law, shuffled; speeds mostly on time, a tail slow."""
    ranks = list(range(1, bodies + 1))
    rng.shuffle(ranks)
    plans = []
    total = sum(1 / r**1.1 for r in ranks)
    for index, rank in enumerate(ranks):
        weight = 1 / rank**1.1
        roll = rng.random()
        speed = rng.uniform(0.3, 0.8) if roll < 0.75 else rng.uniform(0.8, 1.1)
        if roll > 0.95:
            speed = rng.uniform(1.1, 1.8)  # the very slow ones
        staff = max(1, min(40, round(weight / total * appeals / 3000)))
        plans.append(BodyPlan(index, weight, speed, staff))
    return plans


def month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.month - 1 - back, 12)
        starts.append(date(first.year + year, month + 1, 1))
    return starts


def plan_appeals(
    rng: random.Random,
    *,
    appeals: int,
    bodies: list[BodyPlan],
    citizens: int,
    categories: int,
    months: int,
    now: datetime,
    terms: dict[str, tuple[int, str]],
    calendar: WorkingCalendar,
) -> list[AppealPlan]:
    """Every appeal in order of submission (complaints and repeats after what they follow),
    with no step later than `now` (aware, UTC)."""
    today = local_day(now)
    starts = month_starts(today, months)
    month_cum = cumulative([SEASON[start.month - 1] for start in starts])
    body_cum = cumulative([b.weight for b in bodies])
    kind_cum = cumulative([w for _, w in KINDS])
    # Citizens with a long tail too: a few write often (repeats are theirs).
    citizen_cum = cumulative([1 / (n + 1) ** 0.6 for n in range(citizens)])
    decision_cum = cumulative(DECISION_WEIGHTS)
    complaints = appeals * 3 // 100
    repeats = appeals * 3 // 100
    shared = (bodies, now, terms, calendar, decision_cum)
    plans: list[AppealPlan] = []
    for _ in range(appeals - complaints - repeats):
        start = starts[pick(rng, month_cum)]
        end = (start + timedelta(days=32)).replace(day=1)
        last = min(end - timedelta(days=1), today)
        day = start + timedelta(days=rng.randrange((last - start).days + 1))
        if day.weekday() >= 5 and rng.random() < 0.8:  # weekends: a fifth of a weekday
            day = day - timedelta(days=day.weekday() - 4)
            if day < start:
                day = start
        kind = KINDS[pick(rng, kind_cum)][0]
        body, citizen = pick(rng, body_cum), pick(rng, citizen_cum)
        plans.append(_appeal(rng, day, kind, body, citizen, rng.randrange(categories), *shared))
    plans.sort(key=lambda p: p.submitted_at)
    # Complaints about refused or partly satisfied answers, 1-30 days after the answer, at
    # another body; repeats of a citizen's own earlier appeal, 5-90 days later. Each is
    # submitted after what it follows.
    answered = [i for i, p in enumerate(plans) if p.answered_at and p.decision != "satisfied"]
    extra: list[AppealPlan] = []
    for _ in range(complaints):
        parent = plans[rng.choice(answered)] if answered else plans[rng.randrange(len(plans))]
        after = parent.answered_at or parent.submitted_at
        day = min(local_day(after) + timedelta(days=rng.randint(1, 30)), today)
        body = pick(rng, body_cum)
        child = _appeal(
            rng, day, "complaint", body, parent.citizen, parent.category, *shared, after=after
        )
        child.extra["parent_plan"] = parent
        extra.append(child)
    for _ in range(repeats):
        parent = plans[rng.randrange(len(plans))]
        day = min(local_day(parent.submitted_at) + timedelta(days=rng.randint(5, 90)), today)
        child = _appeal(
            rng,
            day,
            parent.kind,
            parent.body,
            parent.citizen,
            parent.category,
            *shared,
            after=parent.submitted_at,
        )
        child.extra["parent_plan"] = parent
        child.parent_reason = rng.choice(REPEAT_REASONS)
        extra.append(child)
    plans.extend(extra)
    plans.sort(key=lambda p: p.submitted_at)
    position = {id(p): i for i, p in enumerate(plans)}
    for p in extra:
        p.parent = position[id(p.extra.pop("parent_plan"))]
    return plans


def local_day(moment: datetime) -> date:
    return (moment + ZONE_OFFSET).date()


def at(day: date, hour: int) -> datetime:
    """The hour (UTC) of a day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _submitted_at(rng, day: date, after: datetime | None, now: datetime) -> datetime:
    """A time of day in office hours, after what the appeal follows (`after`) and not past
    `now`: a time drawn past either is drawn again between them."""
    hour = min(23, max(0, int(rng.gauss(13, 3))))
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
    moment = (local - ZONE_OFFSET).replace(tzinfo=UTC)
    if moment > now or (after and moment <= after):
        earliest = (
            after + timedelta(seconds=1)
            if after
            else (datetime.combine(day, time()) - ZONE_OFFSET).replace(tzinfo=UTC)
        )
        earliest = min(earliest, now)
        moment = earliest + (now - earliest) * rng.random()
    return moment


def _appeal(
    rng, day, kind, body, citizen, category, bodies, now, terms, calendar, decision_cum, after=None
) -> AppealPlan:
    """One appeal's steps, in the order they happen, each taken only if its moment has come:
    a forward, the assignment, an extension (or its end: withdrawn, left without
    consideration), the answer, then a rating and an audit of it, or the overdue flag."""
    submitted_at = _submitted_at(rng, day, after, now)
    registered_on = calendar.next_working_day(local_day(submitted_at))
    term, unit = terms[kind]
    due = (
        calendar.add_calendar_days(registered_on, term)
        if unit == "calendar"
        else calendar.add_working_days(registered_on, term)
    )
    plan = AppealPlan(submitted_at, kind, body, citizen, category, registered_on, due)
    if rng.random() < 0.03 and len(bodies) > 1:  # forwarded from another body first
        forwarded_on = calendar.add_working_days(registered_on, rng.randint(1, 6))
        if at(forwarded_on, 11) <= now:
            plan.first_body = (body + 1 + rng.randrange(len(bodies) - 1)) % len(bodies)
            plan.forwarded_on, plan.forwarded_at = forwarded_on, at(forwarded_on, 11)
    # The competent body's head takes it on the day of registration (or of the forward).
    registered_at = at(registered_on, 9)
    taken_at = max(registered_at, submitted_at, plan.forwarded_at or submitted_at)
    taken_at += HALF_AN_HOUR
    roll = rng.random()
    if roll < 0.03:
        ended_at = max(registered_at + timedelta(days=2), taken_at)
        if ended_at <= now:
            plan.status = "withdrawn" if roll < 0.02 else "left_without_consideration"
            plan.ended_at = ended_at
            return plan
    if kind != "complaint" and rng.random() < 0.06:  # extended by the head on the last day
        extended_at = max(at(due, 10), taken_at)
        if extended_at <= now:
            plan.extended_until = calendar.add_working_days(due, 30)
            plan.extended_at = extended_at
    effective_due = plan.extended_until or due
    # The answer: the body's speed times the term, spread; a few never answered in time.
    share = max(0.05, rng.gauss(bodies[body].speed, 0.25))
    if plan.extended_until:
        share += 0.8
    span = max(1, (effective_due - registered_on).days)
    answer_day = calendar.next_working_day(
        registered_on + timedelta(days=max(1, round(share * span)))
    )
    local = datetime.combine(answer_day, time(rng.randint(9, 17), rng.randrange(60)))
    answered_at = max(
        (local - ZONE_OFFSET).replace(tzinfo=UTC),
        (plan.extended_at or taken_at) + AN_HOUR,
    )
    if answered_at <= now:
        plan.assigned_at, plan.answered_at = taken_at, answered_at
        plan.decision = DECISIONS[pick(rng, decision_cum)]
        plan.status = "answered"
        if rng.random() < 0.4 and answered_at + timedelta(days=3) <= now:
            plan.satisfaction = rng.choice(SATISFACTIONS)
            plan.status, plan.rated_at = "closed", answered_at + timedelta(days=3)
        if rng.random() < 0.01 and answered_at + timedelta(days=10) <= now:
            plan.audited_at = answered_at + timedelta(days=10)
        return plan
    if taken_at <= now:
        plan.status = (
            "suspended"
            if rng.random() < 0.03
            else ("in_progress" if rng.random() < 0.85 else "registered")
        )
        if plan.status != "registered":
            plan.assigned_at = taken_at
    if plan.status != "suspended" and effective_due < local_day(now):
        overdue_at = at(effective_due + timedelta(days=1), 1)  # the night sweep's
        if overdue_at <= now:
            plan.is_overdue, plan.overdue_at = True, overdue_at
    return plan
