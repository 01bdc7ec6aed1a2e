"""The deadline profiles seeded into DeadlinePolicy, each figure with its legal source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PolicySeed:
    profile: str
    kind: str
    term: int
    unit: str
    extensions_allowed: int
    extension_max: int
    extension_unit: str
    total_cap_months: int | None
    forward_within: int
    suspension_allowed: bool
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

POLICIES: list[PolicySeed] = [
    *(
        PolicySeed(
            "appk", kind, 15, "working", 1, 0, "working", 2, 3, False, APPK_FROM, APPK_GENERAL
        )
        for kind in ("statement", "report", "proposal", "feedback", "request")
    ),
    PolicySeed(
        "appk",
        "complaint",
        20,
        "working",
        1,
        10,
        "working",
        None,
        3,
        False,
        APPK_FROM,
        APPK_COMPLAINT,
    ),
    *(
        PolicySeed("59fz", kind, 30, "calendar", 1, 30, "calendar", None, 7, False, FZ59_FROM, FZ59)
        for kind in ("statement", "report", "proposal", "feedback", "request", "complaint")
    ),
]
