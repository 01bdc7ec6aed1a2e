"""The admin audit log: one row per change to users, roles and reference data, never edited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from appeals.extensions import db
from appeals.integrity import make_append_only
from appeals.timeutil import UTCDateTime, now_utc


class SubjectKind:
    """What a log entry is about."""

    USER = "user"
    REGION = "region"
    BODY = "body"
    CATEGORY = "category"
    ROUTING_RULE = "routing_rule"
    POLICY = "policy"
    HOLIDAY = "holiday"


class LogEntry(db.Model):
    """Who (the admin, or the command line when `actor_id` is null), when, what (`action` on
    a subject), and the subject's fields before and after. Append-only: the ORM refuses to
    update or delete a row, and the database refuses an UPDATE or DELETE (triggers)."""

    __tablename__ = "admin_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The actor as they were (their e-mail, or "command line"): kept if the account changes.
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column()
    subject_label: Mapped[str] = mapped_column(String(300))
    # The body the change concerns (a body's own change, or a user bound to it), for its page.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (db.Index("ix_admin_log_subject", "subject_kind", "subject_id"),)


make_append_only(LogEntry.__table__)


class AppendOnly(Exception):
    """A log entry may not be changed or removed."""


@event.listens_for(LogEntry, "before_update")
def _refuse_update(_mapper, _connection, _target):
    raise AppendOnly("the admin log is append-only")


@event.listens_for(LogEntry, "before_delete")
def _refuse_delete(_mapper, _connection, _target):
    raise AppendOnly("the admin log is append-only")
