"""What the generator makes, drawn from a seeded random source (pure: no database).

The shape follows what a country's appeals look like: more appeals in spring and autumn and
on weekdays, bodies of very different sizes (a long tail: a few ministries and akimats get
most appeals), each body with its own answer speed (some slow, a few very slow, so some
appeals are overdue and some very overdue), extensions, forwards, complaints about answers,
repeats by the same citizen, ratings and prosecutors' audits."""

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
    audited: bool = False
    overdue_on: date | None = None
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
    today: date,
    terms: dict[str, tuple[int, str]],
    calendar: WorkingCalendar,
) -> list[AppealPlan]:
    """Every appeal in order of submission (complaints and repeats after what they follow)."""
    starts = month_starts(today, months)
    month_cum = cumulative([SEASON[start.month - 1] for start in starts])
    body_cum = cumulative([b.weight for b in bodies])
    kind_cum = cumulative([w for _, w in KINDS])
    # Citizens with a long tail too: a few write often (repeats are theirs).
    citizen_cum = cumulative([1 / (n + 1) ** 0.6 for n in range(citizens)])
    decision_cum = cumulative(DECISION_WEIGHTS)
    complaints = appeals * 3 // 100
    repeats = appeals * 3 // 100
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
        plans.append(
            _appeal(
                rng,
                day,
                kind,
                pick(rng, body_cum),
                pick(rng, citizen_cum),
                rng.randrange(categories),
                bodies,
                today,
                terms,
                calendar,
                decision_cum,
            )
        )
    plans.sort(key=lambda p: p.submitted_at)
    # Complaints about refused or partly satisfied answers, 1-30 days after the answer, at
    # another body; repeats of a citizen's own earlier appeal, 5-90 days later.
    answered = [i for i, p in enumerate(plans) if p.answered_at and p.decision != "satisfied"]
    extra: list[AppealPlan] = []
    for _ in range(complaints):
        parent = plans[rng.choice(answered)] if answered else plans[rng.randrange(len(plans))]
        day = ((parent.answered_at or parent.submitted_at) + ZONE_OFFSET).date() + timedelta(
            days=rng.randint(1, 30)
        )
        day = min(day, today)
        body = pick(rng, body_cum)
        child = _appeal(
            rng,
            day,
            "complaint",
            body,
            parent.citizen,
            parent.category,
            bodies,
            today,
            terms,
            calendar,
            decision_cum,
        )
        child.extra["parent_plan"] = parent
        extra.append(child)
    for _ in range(repeats):
        parent = plans[rng.randrange(len(plans))]
        day = (parent.submitted_at + ZONE_OFFSET).date() + timedelta(days=rng.randint(5, 90))
        day = min(day, today)
        child = _appeal(
            rng,
            day,
            parent.kind,
            parent.body,
            parent.citizen,
            parent.category,
            bodies,
            today,
            terms,
            calendar,
            decision_cum,
        )
        child.extra["parent_plan"] = parent
        child.parent_reason = rng.choice(REPEAT_REASONS)
        extra.append(child)
    for child in extra:  # strictly after what it follows, even when both fall on today
        parent = child.extra["parent_plan"]
        if child.submitted_at <= parent.submitted_at:
            child.submitted_at = parent.submitted_at + timedelta(minutes=1)
    plans.extend(extra)
    plans.sort(key=lambda p: p.submitted_at)
    position = {id(p): i for i, p in enumerate(plans)}
    for p in extra:
        p.parent = position[id(p.extra.pop("parent_plan"))]
    return plans


def _appeal(
    rng, day, kind, body, citizen, category, bodies, today, terms, calendar, decision_cum
) -> AppealPlan:
    hour = min(23, max(0, int(rng.gauss(13, 3))))
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
    submitted_at = (local - ZONE_OFFSET).replace(tzinfo=UTC)
    registered_on = calendar.next_working_day(day)
    term, unit = terms[kind]
    due = (
        calendar.add_calendar_days(registered_on, term)
        if unit == "calendar"
        else calendar.add_working_days(registered_on, term)
    )
    plan = AppealPlan(submitted_at, kind, body, citizen, category, registered_on, due)
    if kind != "complaint" and rng.random() < 0.06:  # extended by the head
        plan.extended_until = calendar.add_working_days(due, 30)
    if rng.random() < 0.03 and len(bodies) > 1:  # forwarded from another body first
        plan.first_body = (body + 1 + rng.randrange(len(bodies) - 1)) % len(bodies)
        plan.forwarded_on = calendar.add_working_days(registered_on, rng.randint(1, 6))
    effective_due = plan.extended_until or due
    # The answer: the body's speed times the term, spread; a few never answered in time.
    share = max(0.05, rng.gauss(bodies[body].speed, 0.25))
    if plan.extended_until:
        share += 0.8
    span = max(1, (effective_due - registered_on).days)
    answer_day = registered_on + timedelta(days=max(1, round(share * span)))
    roll = rng.random()
    if roll < 0.02:
        plan.status = "withdrawn"
        return plan
    if roll < 0.03:
        plan.status = "left_without_consideration"
        return plan
    if answer_day <= today:
        answer_day = calendar.next_working_day(answer_day)
    if answer_day <= today:
        local = datetime.combine(answer_day, time(rng.randint(9, 17), rng.randrange(60)))
        plan.answered_at = (local - ZONE_OFFSET).replace(tzinfo=UTC)
        plan.decision = DECISIONS[pick(rng, decision_cum)]
        plan.status = "answered"
        if rng.random() < 0.4:
            plan.satisfaction = rng.choice(SATISFACTIONS)
            plan.status = "closed"
        plan.audited = rng.random() < 0.01
    else:
        plan.status = (
            "suspended"
            if rng.random() < 0.03
            else ("in_progress" if rng.random() < 0.85 else "registered")
        )
        if plan.status != "suspended" and today > effective_due:
            plan.is_overdue = True
            plan.overdue_on = effective_due + timedelta(days=1)
    return plan
