"""The score of a body from its aggregate figures (pure: no database, no Flask).

DESIGN.md "Scores": timeliness T and quality Q (the mean of the components that have data),
each rate shrunk toward the national mean, `(n*x + k*mean)/(n + k)`, so that a small body is
not ranked by luck; score = 100 * (wT*T + wQ*Q); a grade from the score; bodies with fewer
than `min_appeals` appeals are shown but "too few to rank".

"Have data" is read through the shrinkage: a component counts when the country has data
for it (its national mean exists); a body with none of its own (n == 0) gets the national
mean there, which is what the formula gives with n == 0. Leaving such a component out of
the body's Q instead would let a first audit with a violation RAISE a body's quality (a new
component near the national mean joining a low average), which DESIGN.md rules out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# The quality components, in the order the pages show them.
QUALITY_COMPONENTS = ("satisfaction", "audit_clean", "no_followup", "complaints_rejected")
# Every shrunk rate of a score: timeliness, then the quality components.
SCORED_RATES = ("timely", *QUALITY_COMPONENTS)

DEFAULT_GRADES: tuple[tuple[float, str], ...] = (
    (85, "A"),
    (70, "B"),
    (55, "C"),
    (45, "D"),
    (0, "E"),
)


@dataclass(frozen=True)
class Rate:
    """`successes` out of `n` counted cases; successes may be fractional (a partly
    satisfied applicant counts 0.5)."""

    successes: float
    n: int

    @property
    def value(self) -> float | None:
        """The raw share, or None with nothing counted."""
        return self.successes / self.n if self.n else None

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.successes + other.successes, self.n + other.n)


NO_DATA = Rate(0, 0)


def shrunk(rate: Rate, national_mean: float, k: float) -> float | None:
    """The rate pulled toward the national mean by k pseudo-cases: (n*x + k*mean)/(n + k).

    With n == 0 the result IS the national mean (no evidence: the best guess is the
    country's). None only when there is nothing at all to go on (n == 0 and k == 0)."""
    if rate.n + k <= 0:
        return None
    # n*x is the successes themselves: no division by n, so n == 0 needs no special case.
    return (rate.successes + k * national_mean) / (rate.n + k)


def wilson_interval(rate: Rate, z: float = 1.96) -> tuple[float, float] | None:
    """The Wilson score interval of the raw rate (95% by default); None when n == 0."""
    n = rate.n
    if n <= 0:
        return None
    p = min(max(rate.successes / n, 0.0), 1.0)
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class BodyMeasures:
    """Everything counted for one body over one period (see measures.py for each criterion)."""

    body_id: int
    appeals: int  # the body's appeals whose due date or answer falls in the period
    timely: Rate  # answered on time, out of answered + open past due
    satisfaction: Rate  # satisfied 1, partly 0.5, not 0; out of rated answers
    audit_clean: Rate  # audited answers without a violation, out of audited answers
    no_followup: Rate  # answers with no complaint/repeat within 60 days, out of answers
    complaints_rejected: Rate  # complaints about its answers not upheld, out of decided ones
    median_days_to_answer: float | None  # working days, receipt to final answer
    mean_days_late: float | None  # working days past the due date, over the late ones
    open_overdue: int  # now: open appeals past their due date
    very_overdue: int  # now: past the due date by a whole term again
    extension_rate: Rate  # appeals with an extended term, out of the appeals
    forwarded_out: Rate  # appeals it forwarded elsewhere, out of appeals it received
    forward_compliance: Rate  # forwardings within the legal window, out of forwardings


@dataclass(frozen=True)
class BodyScore:
    body_id: int
    appeals: int
    ranked: bool  # False: "too few to rank" (or nothing to score)
    timeliness: float | None  # shrunk, 0..1
    quality: float | None  # mean of the shrunk components that have data, 0..1
    # Shrunk rates by name (timely and the quality components); where the body has no data
    # of its own this is the national mean, and its interval is None.
    components: dict[str, float | None] = field(default_factory=dict)
    intervals: dict[str, tuple[float, float] | None] = field(default_factory=dict)  # raw, 95%
    score: float | None = None  # 0..100
    grade: str | None = None


def national_means(measures: Sequence[BodyMeasures]) -> dict[str, float | None]:
    """Each scored rate pooled over all the bodies given: sum of successes / sum of n."""
    means: dict[str, float | None] = {}
    for name in SCORED_RATES:
        pooled = sum((getattr(m, name) for m in measures), NO_DATA)
        means[name] = pooled.value
    return means


def grade_for(
    score: float | None, grades: Sequence[tuple[float, str]] = DEFAULT_GRADES
) -> str | None:
    """The grade of the first bound the score reaches (bounds in descending order)."""
    if score is None:
        return None
    for bound, grade in sorted(grades, key=lambda pair: pair[0], reverse=True):
        if score >= bound:
            return grade
    return None


def score_body(
    m: BodyMeasures,
    means: dict[str, float | None],
    *,
    weights: tuple[float, float] = (0.5, 0.5),
    k: float = 10,
    min_appeals: int = 20,
    grades: Sequence[tuple[float, str]] = DEFAULT_GRADES,
) -> BodyScore:
    """One body's score against given national means (score_bodies computes the means)."""
    components: dict[str, float | None] = {}
    intervals: dict[str, tuple[float, float] | None] = {}
    for name in SCORED_RATES:
        rate: Rate = getattr(m, name)
        mean = means.get(name)
        # No national mean: nobody has data for this rate, so neither has this body.
        components[name] = shrunk(rate, mean, k) if mean is not None else None
        intervals[name] = wilson_interval(rate)
    timeliness = components["timely"]
    quality_parts = [components[c] for c in QUALITY_COMPONENTS if components[c] is not None]
    quality = sum(quality_parts) / len(quality_parts) if quality_parts else None
    score = None
    if timeliness is not None and quality is not None:
        w_t, w_q = weights
        score = 100 * (w_t * timeliness + w_q * quality)
    return BodyScore(
        body_id=m.body_id,
        appeals=m.appeals,
        ranked=score is not None and m.appeals >= min_appeals,
        timeliness=timeliness,
        quality=quality,
        components=components,
        intervals=intervals,
        score=score,
        grade=grade_for(score, grades),
    )


def score_bodies(
    measures: Sequence[BodyMeasures],
    *,
    weights: tuple[float, float] = (0.5, 0.5),
    k: float = 10,
    min_appeals: int = 20,
    grades: Sequence[tuple[float, str]] = DEFAULT_GRADES,
) -> list[BodyScore]:
    """Score every body, shrinking toward the means pooled over ALL the measures given: pass
    the whole country's bodies and filter the result (a region's own mean is not national)."""
    means = national_means(measures)
    return [
        score_body(m, means, weights=weights, k=k, min_appeals=min_appeals, grades=grades)
        for m in measures
    ]


def rank(scores: Sequence[BodyScore]) -> list[tuple[int, BodyScore]]:
    """Positions 1, 2, ... of the ranked bodies: score descending, then more appeals, then id."""
    ranked = sorted(
        (s for s in scores if s.ranked),
        key=lambda s: (-(s.score or 0.0), -s.appeals, s.body_id),
    )
    return list(enumerate(ranked, start=1))


def pool_measures(measures: Sequence[BodyMeasures], body_id: int = 0) -> BodyMeasures:
    """Several bodies' figures added up as one (a region's roll-up). The median cannot be
    pooled from medians, so it is None; the mean lateness is weighted by the late cases."""
    late_weighted = 0.0
    late_cases = 0
    for m in measures:
        late = m.timely.n - round(m.timely.successes)
        if m.mean_days_late is not None and late > 0:
            late_weighted += m.mean_days_late * late
            late_cases += late

    def total(name: str) -> Rate:
        return sum((getattr(m, name) for m in measures), NO_DATA)

    return BodyMeasures(
        body_id=body_id,
        appeals=sum(m.appeals for m in measures),
        timely=total("timely"),
        satisfaction=total("satisfaction"),
        audit_clean=total("audit_clean"),
        no_followup=total("no_followup"),
        complaints_rejected=total("complaints_rejected"),
        median_days_to_answer=None,
        mean_days_late=late_weighted / late_cases if late_cases else None,
        open_overdue=sum(m.open_overdue for m in measures),
        very_overdue=sum(m.very_overdue for m in measures),
        extension_rate=total("extension_rate"),
        forwarded_out=total("forwarded_out"),
        forward_compliance=total("forward_compliance"),
    )


def empty_measures(body_id: int) -> BodyMeasures:
    """A body with nothing in the period."""
    return BodyMeasures(
        body_id=body_id,
        appeals=0,
        timely=NO_DATA,
        satisfaction=NO_DATA,
        audit_clean=NO_DATA,
        no_followup=NO_DATA,
        complaints_rejected=NO_DATA,
        median_days_to_answer=None,
        mean_days_late=None,
        open_overdue=0,
        very_overdue=0,
        extension_rate=NO_DATA,
        forwarded_out=NO_DATA,
        forward_compliance=NO_DATA,
    )
