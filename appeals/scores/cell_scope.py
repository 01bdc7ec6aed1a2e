"""Which cells a build of the score cells counts again (cells.py: build_cells).

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

Of such a body, only the cells of the months such an appeal can have moved are counted: an
appeal's due dates and its answer all fall after its submission, so a change to it moves only
cells with a due or answer month from that of its submission on (predicates.months_from); a
change to a complaint or a repeat moves its parent's cells, from the parent's submission. The
busiest bodies hold years of appeals, and answers reach them between any two builds: counting
one of them whole took 9-20 s at a million appeals, its last months about a tenth of that.
Its forwarding rows, a few, are counted whole.

An event's id is taken when it is written and becomes visible when its transaction commits,
so a build may see an event and not yet one with a smaller id (on PostgreSQL; SQLite commits one
writer at a time). Each build marks the last event written more than
SCORE_CELLS_EVENT_MARGIN_SECONDS before it began: a transaction still open then began after
that (none lasts as long), so its events have greater ids, and the next build looks at the
events after the mark (those of the margin again, at little cost)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Row, func, select, type_coerce, union_all
from sqlalchemy.orm import aliased

from appeals.audit.models import Audit
from appeals.extensions import db
from appeals.intake.models import Appeal, Event
from appeals.reference.models import Body
from appeals.scores.sql_dates import site_timezone
from appeals.timeutil import UTCDateTime, local_date

# The cells a build counts again: for each body, the first month of those counted (its cells
# with a due or answer month from it on, and its forwarding rows).
CellScope = dict[int, date]

# More changed bodies than this share of all bodies: one scan of every appeal costs less
# than finding each body's appeals.
MOST_BODIES_SHARE = 0.25


def cells_to_count(
    previous: Row | None, today: date, calendar: str, counted_at: datetime
) -> CellScope | None:
    """The cells that may have changed since the `previous` build (its event_mark, today,
    calendar, whole_at), or None when every body must be counted (see the module's doc)."""
    if previous is None or previous.event_mark is None:
        return None
    if previous.today != today or previous.calendar != calendar:
        return None
    whole_every = timedelta(seconds=current_app.config["SCORE_CELLS_WHOLE_SECONDS"])
    if previous.whole_at is None or counted_at - previous.whole_at >= whole_every:
        return None
    scope = changed_cells(previous.event_mark)
    if len(scope) > MOST_BODIES_SHARE * db.session.scalar(select(func.count(Body.id))):
        return None
    return scope


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


def changed_cells(after_event_id: int) -> CellScope:
    """The cells the events after `after_event_id` may have changed. For each appeal with such
    an event: the body holding it, every body its timeline names (those it was forwarded out
    of and to) and the bodies its audits were of, from the month of its submission; the body
    holding the appeal it follows up or complains about, from the month of that one's."""
    changed = select(Event.appeal_id).where(Event.id > after_event_id)
    child, parent = aliased(Appeal), aliased(Appeal)
    named = union_all(
        select(Appeal.current_body_id.label("body_id"), Appeal.submitted_at).where(
            Appeal.id.in_(changed)
        ),
        *(
            select(body_id, Appeal.submitted_at)
            .join(Appeal, Appeal.id == Event.appeal_id)
            .where(Event.appeal_id.in_(changed))
            for body_id in (Event.from_body_id, Event.to_body_id)
        ),
        select(Audit.body_id, Appeal.submitted_at)
        .join(Appeal, Appeal.id == Audit.appeal_id)
        .where(Audit.appeal_id.in_(changed)),
        select(parent.current_body_id, parent.submitted_at)
        .join(child, child.parent_id == parent.id)
        .where(child.id.in_(changed)),
    ).subquery("named")
    earliest = type_coerce(func.min(named.c.submitted_at), UTCDateTime())
    rows = db.session.execute(
        select(named.c.body_id, earliest)
        .where(named.c.body_id.is_not(None))
        .group_by(named.c.body_id)
    )
    return {body_id: _first_month(submitted) for body_id, submitted in rows}


def _first_month(submitted: datetime) -> date:
    """The first day of the month of the submission's local date (as the cells' months)."""
    return local_date(submitted, site_timezone()).replace(day=1)
