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
    "extension by a reasoned decision of the head, the whole term at most two months"
)
APPK_COMPLAINT = (
    "APPK, chapter on complaints (art. 100, to verify): 20 working days, "
    "extension at most 10 working days"
)
FZ59_FROM = date(2006, 11, 2)  # 59-FZ in force 180 days after its publication
FZ59 = (
    "Federal Law of 2 May 2006 No. 59-FZ, art. 12: 30 days from registration, one extension "
    "of at most 30 days; art. 8(3): forwarding within 7 days"
)

# The figures in the order of Terms: term, unit, extensions allowed, extension at most, its
# unit, whole term cap (months), forward within (working days), suspension allowed.
POLICIES: list[PolicySeed] = [
    *(
        PolicySeed(
            15, "working", 1, 0, "working", 2, 3, False,
            profile="appk", kind=kind, effective_from=APPK_FROM, source=APPK_GENERAL,
        )
        for kind in ("statement", "report", "proposal", "feedback", "request")
    ),
    PolicySeed(
        20, "working", 1, 10, "working", None, 3, False,
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
