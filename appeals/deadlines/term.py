"""Starting a term at a body: the policy in force, the due date from receipt there, and (once
the appeal runs) its reminders and overdue check. Registration, manual routing, complaints and
forwarding all start a term here."""

from __future__ import annotations

from datetime import date

from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.service import due_date, policy_in_force, working_calendar
from appeals.intake.models import Appeal


def start_term(appeal: Appeal, received_on: date, policy: DeadlinePolicy | None = None) -> date:
    """Set the appeal's term at the body that received it: the policy in force at registration
    (or the one it keeps, on a forwarding), the receipt date and the due date counted from it;
    an earlier extension ends. Returns the due date. The caller changes the status, flushes and
    then calls deadlines.schedule.schedule_deadline_jobs."""
    policy = policy or policy_in_force(appeal.kind, appeal.registered_on or received_on)
    appeal.policy_id = policy.id
    appeal.received_on = received_on
    appeal.due_on = due_date(received_on, policy, working_calendar())
    appeal.extended_until = None
    appeal.is_overdue = False
    return appeal.due_on
