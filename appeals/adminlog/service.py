"""Writing and reading the admin audit log. Functions flush, the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, select

from appeals.accounts.models import User
from appeals.adminlog.models import LogEntry, SubjectKind
from appeals.extensions import db

COMMAND_LINE = "command line"


def record(
    action: str,
    subject_kind: str,
    subject_id: int | None,
    subject_label: str,
    *,
    actor: User | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    body_id: int | None = None,
) -> LogEntry:
    """Append one entry: `actor` None is the command line."""
    entry = LogEntry(
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else COMMAND_LINE,
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        subject_label=subject_label[:300],
        before=before,
        after=after,
        body_id=body_id,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def user_fields(user: User) -> dict[str, Any]:
    """What the log keeps of a user before and after a change."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": str(user.role),
        "body": user.body.code if user.body is not None else None,
        "active": user.is_active,
    }


def record_user_change(
    action: str, user: User, *, actor: User | None, before: dict | None, after: dict | None
) -> LogEntry:
    """An entry about a user, shown on their page and on their body's (before or after)."""
    return record(
        action,
        SubjectKind.USER,
        user.id,
        user.email,
        actor=actor,
        before=before,
        after=after,
        body_id=user.body_id,
    )


@dataclass(frozen=True)
class LogFilter:
    """The admin log page's filters; None is "any"."""

    action: str | None = None
    subject_kind: str | None = None
    subject_id: int | None = None
    actor: str | None = None  # a part of the actor's e-mail
    body_id: int | None = None
    since: date | None = None
    until: date | None = None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))


def entries(log_filter: LogFilter) -> Select:
    """The entries that match, newest first."""
    query = select(LogEntry).order_by(LogEntry.at.desc(), LogEntry.id.desc())
    if log_filter.action:
        query = query.where(LogEntry.action == log_filter.action)
    if log_filter.subject_kind:
        query = query.where(LogEntry.subject_kind == log_filter.subject_kind)
    if log_filter.subject_id is not None:
        query = query.where(LogEntry.subject_id == log_filter.subject_id)
    if log_filter.actor:
        query = query.where(LogEntry.actor_label.contains(log_filter.actor.strip().lower()))
    if log_filter.body_id is not None:
        query = query.where(LogEntry.body_id == log_filter.body_id)
    if log_filter.since:
        query = query.where(LogEntry.at >= _local_midnight(log_filter.since))
    if log_filter.until:
        query = query.where(LogEntry.at < _local_midnight(log_filter.until + timedelta(days=1)))
    return query


def actions() -> list[str]:
    """The actions the log holds, for the filter."""
    return list(
        db.session.execute(select(LogEntry.action).distinct().order_by(LogEntry.action)).scalars()
    )
