"""The scores' tables: the monthly snapshots behind the trends, the score cells (the counts
per body and month) with the record of each build of them, and the indexes the measures' queries
need on other areas' tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from appeals.extensions import db
from appeals.intake.models import Appeal, Event
from appeals.timeutil import UTCDateTime, now_utc


class ScoreSnapshot(db.Model):
    """One body's score for one closed month, as computed when the snapshot was taken."""

    __tablename__ = "score_snapshots"
    __table_args__ = (UniqueConstraint("body_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # the first day of the month
    appeals: Mapped[int]
    ranked: Mapped[bool] = mapped_column(default=False)
    timeliness: Mapped[float | None]
    quality: Mapped[float | None]
    score: Mapped[float | None]
    grade: Mapped[str | None] = mapped_column(String(2))
    # The shrunk components by name (timely, satisfaction, audit_clean, ...).
    components: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class ScoreCell(db.Model):
    """The sums of one body's appeals due in one month and answered in another (or not)."""

    __tablename__ = "score_cells"
    # The forwarding rows and the cells with audits are a few of the cells: the pages read
    # them through partial indexes rather than scan every cell again.
    __table_args__ = (
        Index(
            "ix_score_cells_forwardings",
            "forward_month",
            "forward_until",
            sqlite_where=text("forward_month IS NOT NULL"),
            postgresql_where=text("forward_month IS NOT NULL"),
        ),
        Index(
            "ix_score_cells_audits",
            "due_month",
            "answer_month",
            "body_id",
            "audited",
            "audited_lawful",
            sqlite_where=text("audited > 0"),
            postgresql_where=text("audited > 0"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    due_month: Mapped[date | None] = mapped_column(Date)  # first day; None: no due date
    answer_month: Mapped[date | None] = mapped_column(Date)  # first day; None: not answered
    appeals: Mapped[int] = mapped_column(default=0)
    counted: Mapped[int] = mapped_column(default=0)  # counted in timeliness
    late: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    points: Mapped[float] = mapped_column(default=0.0)  # satisfaction points of the rated
    answers: Mapped[int] = mapped_column(default=0)
    extended: Mapped[int] = mapped_column(default=0)
    late_days: Mapped[int] = mapped_column(default=0)  # working days late, summed
    followed: Mapped[int] = mapped_column(default=0)  # answers with a follow-up in 60 days
    complaints_decided: Mapped[int] = mapped_column(default=0)
    complaints_upheld: Mapped[int] = mapped_column(default=0)
    # Working days from receipt to answer -> how many answers (keys are text in JSON).
    days_to_answer: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # The latest audit of each appeal, in the cell of the audited body and the appeal's
    # months: how many, and how many found lawful.
    audited: Mapped[int] = mapped_column(default=0, server_default="0")
    audited_lawful: Mapped[int] = mapped_column(default=0, server_default="0")
    # Forwarding out (cells.py): a row with forward_month set holds the forwardings out of
    # the body in that month and the (body, appeal) pairs forwarded out in it; due_month and
    # answer_month are then the appeal's when it came back to the body, else None. A row
    # with forward_until set too corrects a pair forwarded out in two months (-1 when both
    # are in the period), so that distinct appeals add up over any run of months.
    forward_month: Mapped[date | None] = mapped_column(Date)
    forward_until: Mapped[date | None] = mapped_column(Date)
    forwardings: Mapped[int] = mapped_column(default=0, server_default="0")
    forwarded_in_time: Mapped[int] = mapped_column(default=0, server_default="0")
    forwarded_out: Mapped[int] = mapped_column(default=0, server_default="0")  # distinct
    forwarded_back: Mapped[int] = mapped_column(default=0, server_default="0")


class ScoreCellBuild(db.Model):
    """When the cells were counted, and for which date (the "now" of open appeals)."""

    __tablename__ = "score_cell_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    today: Mapped[date] = mapped_column(Date)
    cells: Mapped[int]
    # "Overdue now" as of the build, per body: [[body id, open overdue, very overdue], ...].
    overdue: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    # The latest audit the cells counted: later verdicts are added per request.
    last_audit_id: Mapped[int | None]
    # The next build counts again only the bodies named around the events after
    # `event_mark` (cell_scope.py), unless every body must be counted: when all were last
    # counted, and the holiday calendar they were counted under.
    event_mark: Mapped[int | None]
    whole_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    calendar: Mapped[str | None] = mapped_column(String(120))


# Indexes for these queries, on other areas' tables (declared here so that create_all and
# Alembic's autogenerate both know them; the migration of the scores creates them):
# - the main scan reads these columns only: SQLite scans this narrow covering index instead
#   of the table (whose rows carry the appeals' texts), and the "overdue now" query is a
#   range on its first two columns with no table lookups;
# - the forwardings of a period are a range of the events' (kind, created_at);
# - the follow-ups and complaints start from the children (the appeals with a parent, a few
#   percent): a partial index over those rows only, holding every column the two queries
#   read of a child, so that neither fetches a child's wide row (measured at 1,000,000
#   appeals: complaints 83 -> 15 ms, follow-ups 88 -> 56 ms). Their "parent_id > 0"
#   implies the index's condition on both databases.
Index(
    "ix_appeals_scores",
    Appeal.status,
    Appeal.due_on,
    Appeal.current_body_id,
    Appeal.extended_until,
    Appeal.answered_at,
    Appeal.received_on,
    Appeal.registered_on,
    Appeal.satisfaction,
    Appeal.policy_id,
)
Index("ix_events_kind_created_at", Event.kind, Event.created_at)
Index(
    "ix_appeals_children_scores",
    Appeal.parent_id,
    Appeal.kind,
    Appeal.status,
    Appeal.answered_at,
    Appeal.submitted_at,
    Appeal.decision,
    sqlite_where=Appeal.parent_id.is_not(None),
    postgresql_where=Appeal.parent_id.is_not(None),
)
