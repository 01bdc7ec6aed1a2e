"""A prosecutor's verdict on an answered appeal and the act of response it may carry."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.intake.models import Appeal
from appeals.reference.models import Body
from appeals.timeutil import UTCDateTime, now_utc


class Violation(StrEnum):
    """What a prosecutor can find wrong with an answer (DESIGN.md, the domain: Audit)."""

    MISSED_DEADLINE = "missed_deadline"
    FORMAL_REPLY = "formal_reply"  # a formal reply without substance
    UNLAWFUL_REFUSAL = "unlawful_refusal"
    RED_TAPE = "red_tape"
    NOT_COMPETENT = "not_competent"


class ResponseAct(StrEnum):
    """The prosecutor's act of response to a violation."""

    NONE = "none"
    WARNING = "warning"
    REPRESENTATION = "representation"  # a representation (demand) the body must answer


PENDING_ACT = "act_answered_at IS NULL AND act_overdue_at IS NULL AND act_due_on IS NOT NULL"
# Every act the body has not answered, flagged overdue or not: the desk's list of overdue acts.
UNANSWERED_ACT = "act_answered_at IS NULL AND act_due_on IS NOT NULL"
UNANSWERED_ACT_INDEXES = {
    "ix_audits_unanswered_acts": ("act_due_on", "id"),
    "ix_audits_unanswered_acts_by_body": ("body_id", "act_due_on", "id"),
}


class Audit(db.Model):
    """One verdict. The latest audit of an appeal is the one the quality score counts."""

    __tablename__ = "audits"
    # The acts the sweep and the reminder repair look at: unanswered and not yet flagged. A
    # partial index stays as small as the acts still pending, however many audits pile up.
    __table_args__ = (
        Index(
            "ix_audits_pending_acts",
            "act_due_on",
            sqlite_where=text(PENDING_ACT),
            postgresql_where=text(PENDING_ACT),
        ),
        # The desk's oldest overdue acts, of the whole country (in order, the first 20) or of
        # some bodies: read from the acts still unanswered (only they are in these indexes),
        # not from every audit ever made.
        *(
            Index(
                name,
                *columns,
                sqlite_where=text(UNANSWERED_ACT),
                postgresql_where=text(UNANSWERED_ACT),
            )
            for name, columns in UNANSWERED_ACT_INDEXES.items()
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    # The body audited: the one that gave the answer (the appeal's current body at the time).
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    prosecutor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lawful: Mapped[bool]
    # Violation values; empty when the answer is lawful.
    violations: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    act: Mapped[ResponseAct] = mapped_column(String(20), default=ResponseAct.NONE)
    # The deadline for the body to respond to the act (none when there is no act).
    act_due_on: Mapped[date | None] = mapped_column(Date)
    act_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the sweep found the act unanswered past its due date; never cleared, so a late
    # reply keeps the fact that it was late.
    act_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The act demands that the appeal be considered again: it was reopened at its body.
    reopens_case: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Times the act's term was extended (audit/act_terms.py caps it).
    act_extensions: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    appeal: Mapped[Appeal] = relationship()
    body: Mapped[Body] = relationship()
    prosecutor: Mapped[User] = relationship()
