"""The appeal's state machine: which status may follow which, and the one function that
changes a status, always together with its event."""

from __future__ import annotations

from appeals.accounts.models import User
from appeals.intake.models import OPEN_STATUSES, Appeal, AppealStatus, Event, EventKind

S = AppealStatus
ALLOWED: dict[AppealStatus, frozenset[AppealStatus]] = {
    S.SUBMITTED: frozenset({S.REGISTERED, S.MANUAL_ROUTING}),
    S.MANUAL_ROUTING: frozenset({S.REGISTERED}),
    # Forwarding registers the appeal afresh at the competent body (registered -> registered).
    S.REGISTERED: frozenset({S.REGISTERED, S.IN_PROGRESS, S.FORWARDED, S.ANSWERED}),
    S.FORWARDED: frozenset({S.REGISTERED}),
    S.IN_PROGRESS: frozenset({S.REGISTERED, S.ANSWERED, S.SUSPENDED, S.FORWARDED}),
    S.SUSPENDED: frozenset({S.IN_PROGRESS}),
    S.ANSWERED: frozenset({S.CLOSED, S.REOPENED}),
    S.REOPENED: frozenset({S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.WITHDRAWN: frozenset(),
    S.LEFT_WITHOUT_CONSIDERATION: frozenset(),
}
# Any open appeal may be withdrawn by its applicant or left without consideration by the head.
for _status in OPEN_STATUSES:
    ALLOWED[_status] = ALLOWED[_status] | {S.WITHDRAWN, S.LEFT_WITHOUT_CONSIDERATION}


class TransitionRefused(ValueError):
    """The change is not allowed in the appeal's present state; the message is for the user."""


def change_status(
    appeal: Appeal, to: AppealStatus, kind: EventKind, actor: User | None, **event_fields
) -> Event:
    """Move the appeal to `to` and write the event for it, or refuse without changing anything."""
    if to not in ALLOWED[AppealStatus(appeal.status)]:
        raise TransitionRefused(
            f"An appeal that is {appeal.status.replace('_', ' ')} cannot become "
            f"{to.replace('_', ' ')}."
        )
    appeal.status = to
    from appeals.intake.service import record_event

    return record_event(appeal, kind, actor, **event_fields)
