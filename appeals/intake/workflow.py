"""The appeal's lifecycle in one place: the state machine (which status may follow which),
the one function that changes a status, always together with its event, and the timeline's
append-only record_event."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.intake.labels import STATUS_LABELS
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
    return record_event(appeal, kind, actor, **event_fields)


def record_event(
    appeal: Appeal,
    kind: EventKind,
    actor: User | None,
    *,
    note: str | None = None,
    from_body_id: int | None = None,
    to_body_id: int | None = None,
    data: dict | None = None,
) -> Event:
    """Append one step to the appeal's timeline."""
    event = Event(
        appeal=appeal,
        kind=kind,
        actor_id=actor.id if actor else None,
        status_after=appeal.status,
        note=note,
        from_body_id=from_body_id,
        to_body_id=to_body_id,
        data=data,
    )
    db.session.add(event)
    return event


def latest_event(appeal: Appeal, kind: EventKind) -> Event | None:
    """The appeal's latest step of this kind, read alone (not the whole timeline)."""
    return db.session.execute(
        select(Event)
        .where(Event.appeal_id == appeal.id, Event.kind == kind)
        .order_by(Event.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def touch(appeal: Appeal) -> None:
    """Make the flush UPDATE the appeal row even when only an event is written: its version
    moves on, so anyone acting on the version before this is refused."""
    flag_modified(appeal, "status")


def refuse(message: str | None) -> None:
    if message:
        raise TransitionRefused(message)


def transition_refusal(appeal: Appeal, to: AppealStatus) -> str | None:
    """The workflow's own message when `to` may not follow the appeal's status."""
    if to in ALLOWED[AppealStatus(appeal.status)]:
        return None
    return _(
        "An appeal that is %(status)s cannot become %(to)s.",
        status=STATUS_LABELS[AppealStatus(appeal.status)],
        to=STATUS_LABELS[to],
    )
