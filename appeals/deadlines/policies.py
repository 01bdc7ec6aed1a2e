"""The deadline profiles seeded into DeadlinePolicy, each figure with its legal source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from appeals.deadlines.rules import Terms


@dataclass(frozen=True, kw_only=True)
class PolicySeed(Terms):
    """A DeadlinePolicy row to seed: the rules' Terms, and which profile and kind of appeal
    they are for, from when, by which law."""

    profile: str
    kind: str
    effective_from: date
    source: str


# The APPK took effect on 1 July 2021.
APPK_FROM = date(2021, 7, 1)
APPK_GENERAL = (
    "APPK (Code of 29 June 2020 No. 350-VI), art. 76: 15 working days from receipt; "
    "extension by a reasoned decision of the head, the whole term at most two months; "
    "day 1 the working day after receipt (the Code does not settle it)"
)
# Art. 99: a complaint is considered within 20 working days of its receipt, and the article
# provides no extension (an earlier seed allowed 10 more working days: corrected by migration
# 0c5f2e7a9b13); art. 100(5): a complaint not decided in time is deemed rejected from the day
# its term expires (Appeal.is_deemed_rejected_on).
APPK_COMPLAINT = (
    "APPK art. 99: 20 working days from receipt, no extension; art. 100(5): not decided in "
    "time, deemed rejected from the day the term expires"
)
FZ59_FROM = date(2006, 11, 2)  # 59-FZ in force 180 days after its publication
FZ59 = (
    "Federal Law of 2 May 2006 No. 59-FZ, art. 12: 30 days from registration, one extension "
    "of at most 30 days; art. 8(3): forwarding within 7 days"
)

# The figures in the order of Terms: term, unit, extensions allowed, extension at most, its
# unit, whole term cap (months), forward within (working days: APPK art. 65), suspension
# allowed; first_day_is_receipt keeps its default (day 1 is the working day after receipt).
POLICIES: list[PolicySeed] = [
    *(
        PolicySeed(
            15, "working", 1, 0, "working", 2, 3, False,
            profile="appk", kind=kind, effective_from=APPK_FROM, source=APPK_GENERAL,
        )
        for kind in ("statement", "report", "proposal", "feedback", "request")
    ),
    PolicySeed(
        20, "working", 0, 0, "working", None, 3, False,
        profile="appk", kind="complaint", effective_from=APPK_FROM, source=APPK_COMPLAINT,
    ),
    *(
        PolicySeed(
            30, "calendar", 1, 30, "calendar", None, 7, False,
            profile="59fz", kind=kind, effective_from=FZ59_FROM, source=FZ59,
        )
        for kind in ("statement", "report", "proposal", "feedback", "request", "complaint")
    ),
]  # fmt: skip
