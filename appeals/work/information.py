"""The refusal window of a request for information (Law on access to information, art. 11:
a reasoned refusal within 5 working days of registration; the policy's refusal_within).

A refusal after the window is recorded as late, not refused: the applicant is owed the
reasoned decision all the same (refusing to record it would leave them with no answer at
all), and the law's consequence of lateness is the body's responsibility, not the refusal's
invalidity: the same reading as a late forwarding (deadlines.rules.forwarded_late)."""

from __future__ import annotations

from datetime import date

from appeals.deadlines.rules import refused_late
from appeals.deadlines.service import working_calendar
from appeals.intake.models import Appeal
from appeals.work.standing import policy_terms


def refusal_due_on(appeal: Appeal) -> date | None:
    """The last day of the appeal's refusal window, or None when its kind has none."""
    received = appeal.received_on or appeal.registered_on
    if appeal.policy_id is None or received is None:
        return None
    _policy, terms = policy_terms(appeal)
    if terms.refusal_within is None:
        return None
    return working_calendar().add_working_days(received, terms.refusal_within)


def refusal_would_be_late(appeal: Appeal, on: date) -> bool:
    """Whether refusing the appeal on `on` is past its refusal window."""
    received = appeal.received_on or appeal.registered_on
    if appeal.policy_id is None or received is None:
        return False
    _policy, terms = policy_terms(appeal)
    return refused_late(received, on, terms, working_calendar())
