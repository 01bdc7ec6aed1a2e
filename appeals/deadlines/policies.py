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
# Art. 64(6)-(7): a statement (and a complaint) lacking the requisites of art. 63 (name, IIN,
# address, signature) is not terminated: the body names the defects and a reasonable time to
# fix them, and returns it if they are not fixed. The Code gives no figure for "reasonable":
# the policy's defect_fix_max, 10 working days, is the project's reading.
DEFECTS = "; art. 64(6)-(7): defects fixed by a set date, at most 10 working days"
APPK_STATEMENT = APPK_GENERAL + DEFECTS
# Art. 99: a complaint is considered within 20 working days of its receipt, and the article
# provides no extension (an earlier seed allowed 10 more working days: corrected by migration
# 0c5f2e7a9b13); art. 100(5): a complaint not decided in time is deemed rejected from the day
# its term expires (Appeal.is_deemed_rejected_on).
APPK_COMPLAINT = (
    "APPK art. 99: 20 working days from receipt, no extension; art. 100(5): not decided in "
    "time, deemed rejected from the day the term expires"
)
APPK_COMPLAINT_DEFECTS = APPK_COMPLAINT + DEFECTS
# The Law of the RK "On access to information" of 16 November 2015 No. 401-V, art. 11: a
# request is answered within 15 calendar days of registration; the term may be extended once
# by at most 15 calendar days, the applicant told within 3 working days (the extension notice
# window, rules.EXTENSION_NOTICE_WORKING_DAYS); a reasoned refusal within 5 working days of
# registration (refusal_within: a later one is recorded as late, rules.refused_late); a
# request sent to the wrong holder is forwarded within 3 working days.
ACCESS_TO_INFORMATION = (
    "Law on access to information (16.11.2015 No. 401-V), art. 11: 15 calendar days from "
    "registration, one extension of at most 15 calendar days (notice within 3 working days), "
    "reasoned refusal within 5 working days, forwarding within 3 working days"
)
# The Law on access to information was in force before any appeal here: the row applies
# from the start of 2016.
ACCESS_TO_INFORMATION_FROM = date(2016, 1, 1)
FZ59_FROM = date(2006, 11, 2)  # 59-FZ in force 180 days after its publication
FZ59 = (
    "Federal Law of 2 May 2006 No. 59-FZ, art. 12: 30 days from registration, one extension "
    "of at most 30 days; art. 8(3): forwarding within 7 days"
)
# The 59-FZ profile has no law of its own for this kind: its general term.
FZ59_INFORMATION = FZ59 + " (the profile's general term for a request for information)"

# The figures in the order of Terms: term, unit, extensions allowed, extension at most, its
# unit, whole term cap (months), forward within (working days: APPK art. 65), suspension
# allowed, day 1 the day of receipt (False: the working day after), refusal within (working
# days), defects fixed within at most (working days).
POLICIES: list[PolicySeed] = [
    PolicySeed(
        15, "working", 1, 0, "working", 2, 3, False, False, None, 10,
        profile="appk", kind="statement", effective_from=APPK_FROM, source=APPK_STATEMENT,
    ),
    *(
        PolicySeed(
            15, "working", 1, 0, "working", 2, 3, False,
            profile="appk", kind=kind, effective_from=APPK_FROM, source=APPK_GENERAL,
        )
        for kind in ("report", "proposal", "feedback", "request")
    ),
    PolicySeed(
        20, "working", 0, 0, "working", None, 3, False, False, None, 10,
        profile="appk", kind="complaint", effective_from=APPK_FROM, source=APPK_COMPLAINT_DEFECTS,
    ),
    PolicySeed(
        15, "calendar", 1, 15, "calendar", None, 3, False, False, 5, None,
        profile="appk", kind="information", effective_from=ACCESS_TO_INFORMATION_FROM,
        source=ACCESS_TO_INFORMATION,
    ),
    *(
        PolicySeed(
            30, "calendar", 1, 30, "calendar", None, 7, False,
            profile="59fz", kind=kind, effective_from=FZ59_FROM, source=FZ59,
        )
        for kind in ("statement", "report", "proposal", "feedback", "request", "complaint")
    ),
    PolicySeed(
        30, "calendar", 1, 30, "calendar", None, 7, False,
        profile="59fz", kind="information", effective_from=FZ59_FROM, source=FZ59_INFORMATION,
    ),
]  # fmt: skip
