"""Which bodies a build of the score cells counts again (cells.py: build_cells).

Counting every body scans every appeal: 12-20 s of a core at a million appeals, every few
minutes, however little changed. A body's cells change only when one of its appeals does,
and every change to an appeal writes an event on its timeline (intake.workflow.record_event:
registration, forwarding, answer, rating, extension, a due date moved by the calendar, an
audit). So a build counts again only the bodies named around the appeals with events since
an earlier build, and every body when that cannot be trusted:
- no build yet, or the last one was counted for another day (open appeals fall late by the
  day);
- the holiday calendar changed (every figure in working days moves);
- every body was last counted longer ago than SCORE_CELLS_WHOLE_SECONDS (what no event
  records, such as a row changed by hand in the database, is repaired then);
- so many bodies changed that one scan of every appeal costs less.

An event's id is taken when it is written and becomes visible when its transaction commits,
so a build may see an event and not yet one with a smaller id (on PostgreSQL; SQLite commits one
writer at a time). Each build marks the last event written more than
SCORE_CELLS_EVENT_MARGIN_SECONDS before it began: a transaction still open then began after
that (none lasts as long), so its events have greater ids, and the next build looks at the
events after the mark (those of the margin again, at little cost)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Row, func, select, union
from sqlalchemy.orm import aliased

from appeals.audit.models import Audit
from appeals.extensions import db
from appeals.intake.models import Appeal, Event
from appeals.reference.models import Body

# More changed bodies than this share of all bodies: one scan of every appeal costs less
# than finding each body's appeals.
MOST_BODIES_SHARE = 0.25


def bodies_to_count(
    previous: Row | None, today: date, calendar: str, counted_at: datetime
) -> list[int] | None:
    """The bodies whose cells may have changed since the `previous` build (its event_mark,
    today, calendar, whole_at), or None when every body must be counted (see the module's
    doc)."""
    if previous is None or previous.event_mark is None:
        return None
    if previous.today != today or previous.calendar != calendar:
        return None
    whole_every = timedelta(seconds=current_app.config["SCORE_CELLS_WHOLE_SECONDS"])
    if previous.whole_at is None or counted_at - previous.whole_at >= whole_every:
        return None
    bodies = changed_bodies(previous.event_mark)
    if len(bodies) > MOST_BODIES_SHARE * db.session.scalar(select(func.count(Body.id))):
        return None
    return sorted(bodies)


def event_mark(counted_at: datetime, last_event_id: int) -> int:
    """The id after which the next build looks for events: that of the last event (up to
    `last_event_id`) written more than the margin before `counted_at`, found by walking back
    from the newest; 0 when there is none."""
    margin = timedelta(seconds=current_app.config["SCORE_CELLS_EVENT_MARGIN_SECONDS"])
    return (
        db.session.scalar(
            select(Event.id)
            .where(Event.id <= last_event_id, Event.created_at < counted_at - margin)
            .order_by(Event.id.desc())
            .limit(1)
        )
        or 0
    )


def changed_bodies(after_event_id: int) -> set[int]:
    """The bodies whose cells the events after `after_event_id` may have changed. For each
    appeal with such an event: the body holding it, every body its timeline names (those it
    was forwarded out of and to), the bodies its audits were of, and the body holding the
    appeal it follows up or complains about."""
    changed = select(Event.appeal_id).where(Event.id > after_event_id)
    child, parent = aliased(Appeal), aliased(Appeal)
    bodies = union(
        select(Appeal.current_body_id).where(Appeal.id.in_(changed)),
        select(Event.from_body_id).where(Event.appeal_id.in_(changed)),
        select(Event.to_body_id).where(Event.appeal_id.in_(changed)),
        select(Audit.body_id).where(Audit.appeal_id.in_(changed)),
        select(parent.current_body_id)
        .join(child, child.parent_id == parent.id)
        .where(child.id.in_(changed)),
    )
    return {body_id for body_id in db.session.execute(bodies).scalars() if body_id is not None}
