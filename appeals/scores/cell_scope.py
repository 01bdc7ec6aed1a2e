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
so a build may not yet see an event with a smaller id than the last it saw. Each build keeps
the last event id it saw ("marks"); the next one starts after the mark of a build at least
SCORE_CELLS_EVENT_MARGIN_SECONDS older than the last build, so an event whose transaction
was open while a build read (for less than the margin) is seen by a later one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, union
from sqlalchemy.orm import aliased

from appeals.audit.models import Audit
from appeals.extensions import db
from appeals.intake.models import Appeal, Event
from appeals.reference.models import Body
from appeals.scores.models import ScoreCellBuild

# More changed bodies than this share of all bodies: one scan of every appeal costs less
# than finding each body's appeals.
MOST_BODIES_SHARE = 0.25

Marks = list[tuple[datetime, int]]  # (when a build began counting, the last event id it saw)


def bodies_to_count(
    previous: ScoreCellBuild | None, today: date, calendar: str, counted_at: datetime
) -> list[int] | None:
    """The bodies whose cells may have changed since the `previous` build, or None when
    every body must be counted (see the module's doc)."""
    config = current_app.config
    if previous is None or previous.today != today or previous.calendar != calendar:
        return None
    whole_every = timedelta(seconds=config["SCORE_CELLS_WHOLE_SECONDS"])
    if previous.whole_at is None or counted_at - previous.whole_at >= whole_every:
        return None
    margin = timedelta(seconds=config["SCORE_CELLS_EVENT_MARGIN_SECONDS"])
    bound = event_bound(marks_of(previous), previous.counted_at, margin)
    if bound is None:
        return None
    bodies = changed_bodies(bound)
    if len(bodies) > MOST_BODIES_SHARE * db.session.scalar(select(func.count(Body.id))):
        return None
    return sorted(bodies)


def marks_of(build: ScoreCellBuild | None) -> Marks:
    if build is None:
        return []
    return [(datetime.fromisoformat(at), event_id) for at, event_id in build.event_marks or []]


def event_bound(marks: Marks, last_build_at: datetime, margin: timedelta) -> int | None:
    """The last event id seen by the latest build that began at least `margin` before the
    last build: every event not yet visible to the last build has a greater id (None: no
    build that old is known)."""
    old_enough = [event_id for at, event_id in marks if at <= last_build_at - margin]
    return old_enough[-1] if old_enough else None


def next_marks(
    previous: ScoreCellBuild | None, counted_at: datetime, last_event_id: int, margin: timedelta
) -> list[list]:
    """The marks a new build keeps: its own, those of the builds within `margin` before it,
    and the latest one older than that (the next build's bound), oldest first."""
    marks = [*marks_of(previous), (counted_at, last_event_id)]
    cut = counted_at - margin
    kept = [mark for mark in marks if mark[0] <= cut][-1:] + [m for m in marks if m[0] > cut]
    return [[at.isoformat(), event_id] for at, event_id in kept]


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
