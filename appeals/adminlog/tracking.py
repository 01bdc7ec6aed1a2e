"""Every change an admin makes to the reference data (regions, bodies, categories, routing
rules, deadline policies, the holiday calendar) is logged where it is written: one listener on
the ORM's flush, so no screen or service can change them unlogged. Changes outside a signed-in
user's request (the seed, tests' fixtures) are the install's, not an admin's, and not logged."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import g, has_request_context
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from appeals.adminlog.models import LogEntry, SubjectKind
from appeals.deadlines.models import DeadlinePolicy, Holiday
from appeals.reference.models import Body, Category, Region, RoutingRule
from appeals.timeutil import now_utc

TRACKED = {
    Region: SubjectKind.REGION,
    Body: SubjectKind.BODY,
    Category: SubjectKind.CATEGORY,
    RoutingRule: SubjectKind.ROUTING_RULE,
    DeadlinePolicy: SubjectKind.POLICY,
    Holiday: SubjectKind.HOLIDAY,
}


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _fields(obj, *, old: bool = False) -> dict[str, Any]:
    """The row's columns now, or (old) as they were before this flush."""
    state = inspect(obj)
    values = {}
    for column in state.mapper.column_attrs:
        history = state.attrs[column.key].history
        if old and history.deleted:
            value = history.deleted[0]
        elif old and history.added:
            value = None
        else:
            value = getattr(obj, column.key)
        values[column.key] = _plain(value)
    return values


def _label(obj) -> str:
    for name in ("code", "name_en"):
        if value := getattr(obj, name, None):
            return str(value)
    if isinstance(obj, Holiday):
        return obj.day.isoformat()
    if isinstance(obj, DeadlinePolicy):
        return f"{obj.profile}/{obj.kind} from {obj.effective_from}"
    return f"#{obj.id}"


def _body_of(obj) -> int | None:
    if isinstance(obj, Body):
        return obj.id
    if isinstance(obj, RoutingRule):
        return obj.body_id
    return None


def _actor():
    """The signed-in user of this request, if one was loaded (never loaded here: a query
    inside a flush would flush again)."""
    if not has_request_context():
        return None
    user = g.get("_login_user")
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _after_flush(session: Session, _context) -> None:
    actor = _actor()
    if actor is None:
        return
    rows = []
    changes = [
        *(("created", obj) for obj in session.new),
        *(("changed", obj) for obj in session.dirty if session.is_modified(obj)),
        *(("deleted", obj) for obj in session.deleted),
    ]
    for change, obj in changes:
        kind = TRACKED.get(type(obj))
        if kind is None:
            continue
        before = None if change == "created" else _fields(obj, old=True)
        after = None if change == "deleted" else _fields(obj)
        if before == after:
            continue
        rows.append(
            {
                "at": now_utc(),
                "actor_id": actor.id,
                "actor_label": actor.email,
                "action": f"{kind}.{change}",
                "subject_kind": kind,
                "subject_id": obj.id,
                "subject_label": _label(obj)[:300],
                "body_id": _body_of(obj) if change != "deleted" else None,
                "before": before,
                "after": after,
            }
        )
    if rows:
        session.connection().execute(insert(LogEntry.__table__), rows)


def track_reference_changes() -> None:
    """Start logging (once per process, whatever the number of apps)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
