"""Appeals, their append-only timeline, answers and attachments."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.integrity import make_append_only, refuse_insert_when
from appeals.reference.models import Body, Category, Region
from appeals.timeutil import UTCDateTime, now_utc


class AppealKind(StrEnum):
    """The APPK's kinds of appeal."""

    STATEMENT = "statement"
    REPORT = "report"
    PROPOSAL = "proposal"
    FEEDBACK = "feedback"
    REQUEST = "request"
    COMPLAINT = "complaint"
    # A request under the Law of the RK "On access to information" (16.11.2015 No. 401-V),
    # not the APPK: its own calendar-day term and refusal window (deadlines/policies.py).
    INFORMATION = "information"


class AppealStatus(StrEnum):
    SUBMITTED = "submitted"
    MANUAL_ROUTING = "manual_routing"
    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    SUSPENDED = "suspended"
    FORWARDED = "forwarded"
    ANSWERED = "answered"
    REOPENED = "reopened"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    LEFT_WITHOUT_CONSIDERATION = "left_without_consideration"


OPEN_STATUSES = frozenset(
    {
        AppealStatus.SUBMITTED,
        AppealStatus.MANUAL_ROUTING,
        AppealStatus.REGISTERED,
        AppealStatus.IN_PROGRESS,
        AppealStatus.SUSPENDED,
        AppealStatus.FORWARDED,
        AppealStatus.REOPENED,
    }
)
# Open statuses in which the term runs: a suspended appeal's clock is stopped, and one not yet
# at a body (submitted, manual routing) has no term. The overdue sweep, the scores, the
# deadline jobs and is_overdue_on all read this one set.
RUNNING_STATUSES = frozenset(
    {
        AppealStatus.REGISTERED,
        AppealStatus.IN_PROGRESS,
        AppealStatus.REOPENED,
        AppealStatus.FORWARDED,
    }
)


class Decision(StrEnum):
    SATISFIED = "satisfied"
    PARTLY_SATISFIED = "partly_satisfied"
    REFUSED = "refused"
    EXPLAINED = "explained"


# A complaint decided with one of these is upheld: the original appeal is reopened
# (work/reopen.py) and the scores count the complaint against the body that answered.
UPHELD_DECISIONS = frozenset({Decision.SATISFIED, Decision.PARTLY_SATISFIED})


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    PARTLY = "partly"
    NOT_SATISFIED = "not_satisfied"


class EventKind(StrEnum):
    SUBMITTED = "submitted"
    ROUTED = "routed"
    FORWARDED = "forwarded"
    ASSIGNED = "assigned"
    EXTENDED = "extended"
    EXTENSION_REQUESTED = "extension_requested"  # by the executor; the head decides
    EXTENSION_REFUSED = "extension_refused"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    ANSWERED = "answered"
    RATED = "rated"
    COMPLAINED = "complained"
    REOPENED = "reopened"
    OVERDUE = "overdue"
    REMINDED = "reminded"
    AUDITED = "audited"
    WITHDRAWN = "withdrawn"
    LEFT_WITHOUT_CONSIDERATION = "left_without_consideration"
    DUE_DATE_CHANGED = "due_date_changed"
    CLOSED = "closed"
    SUPPLEMENTED = "supplemented"  # the applicant added documents or a clarification
    COSIGNED = "cosigned"  # a co-signatory joined a collective appeal
    GROUPED = "grouped"  # to be answered together with a like appeal of the same body
    # APPK art. 64(6)-(7): the body names the missing requisites and a date to fix them by
    # (Appeal.fix_by); the applicant fixes them; unfixed, the appeal is returned.
    DEFECTS_NOTED = "defects_noted"
    DEFECTS_FIXED = "defects_fixed"


# The steps only a member of staff takes: their events must name who took them (a database
# trigger refuses one without). Routing, leaving without consideration and a due date's
# change are also taken by the system (automatic routing, an anonymous appeal, a calendar
# change from the command line), so they are not in the list; tests/work/test_integrity.py
# checks that every staff step's service records its actor.
STAFF_EVENT_KINDS = (
    EventKind.FORWARDED,
    EventKind.ASSIGNED,
    EventKind.EXTENDED,
    EventKind.EXTENSION_REQUESTED,
    EventKind.EXTENSION_REFUSED,
    EventKind.SUSPENDED,
    EventKind.RESUMED,
    EventKind.ANSWERED,
    EventKind.AUDITED,
)
STAFF_STEP_WITHOUT_ACTOR = (
    "NEW.actor_id IS NULL AND NEW.kind IN ("
    + ", ".join(f"'{kind.value}'" for kind in STAFF_EVENT_KINDS)
    + ")"
)


class RegistrationCounter(db.Model):
    """The last number given per prefix and year; incremented inside the appeal's transaction."""

    __tablename__ = "registration_counters"

    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class Appeal(db.Model):
    __tablename__ = "appeals"
    __table_args__ = (
        Index("ix_appeals_open_due", "status", "due_on"),
        # The inbox, earliest due first: its keys are sorted and paged from this index alone
        # (pages.page_of reads the keys first), so a body with half a million appeals reads
        # 25 rows from the table, not every open one.
        Index(
            "ix_appeals_body_inbox",
            "current_body_id",
            "status",
            "due_on",
            "extended_until",
            "executor_id",
            "id",
        ),
        # The citizen's list, newest first: a range of this index, neither a sort nor a
        # count of every appeal a frequent writer ever sent.
        Index("ix_appeals_applicant_submitted", "applicant_id", "submitted_at", "id"),
        # An appeal's look-alikes, the body's newest running ones (work/together.py): read
        # newest first until enough are found, not every running appeal of a big body sorted.
        # With the status, the group and the id (PostgreSQL's indexes do not hold it) in the
        # index, from the index alone: no table row is read to learn that an appeal is
        # answered or grouped (a big body's 300: 3.3-4.1 against 0.24 ms, bench/README.md,
        # "Stop 40").
        Index(
            "ix_appeals_body_submitted",
            "current_body_id",
            "submitted_at",
            "status",
            "group_lead_id",
            "id",
        ),
        # Open311's listing, newest first over the last 90 days, of some services or all.
        Index("ix_appeals_submitted", "submitted_at"),
        Index("ix_appeals_category_submitted", "category_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    access_code_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[AppealKind] = mapped_column(String(20))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="ru")

    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))

    current_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    first_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    routing_rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rules.id"))
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("deadline_policies.id"))
    status: Mapped[AppealStatus] = mapped_column(String(30), default=AppealStatus.SUBMITTED)
    is_overdue: Mapped[bool] = mapped_column(default=False)

    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    registered_on: Mapped[date | None] = mapped_column(Date)
    # Receipt at the body that holds it now: the term restarts there after a forwarding.
    received_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    extended_until: Mapped[date | None] = mapped_column(Date)
    # The applicant must be told of an extension within 3 working days of the decision: the
    # last such day, and when the notice was found late (sent after it, or still unsent).
    extension_notice_due_on: Mapped[date | None] = mapped_column(Date)
    extension_notified_late_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The date by which the applicant is to fix the defects the body named (APPK art.
    # 64(6)); set while the body waits, cleared when fixed or returned. The term runs on.
    fix_by: Mapped[date | None] = mapped_column(Date, index=True)
    # Working days that were left when the clock was stopped; set only while suspended.
    suspended_remaining: Mapped[int | None]
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[Decision | None] = mapped_column(String(20))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(String(20))
    satisfaction_comment: Mapped[str | None] = mapped_column(Text)

    parent_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    parent_reason: Mapped[str | None] = mapped_column(String(30))
    # Answered together with this appeal (the group's lead): the head grouped look-alikes of
    # one body, and the lead's answer goes to each in its own case (work/together.py).
    group_lead_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    # Optimistic locking: a concurrent update of the same appeal fails instead of being lost.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    category: Mapped[Category] = relationship()
    region: Mapped[Region] = relationship()
    applicant: Mapped[User | None] = relationship(foreign_keys=[applicant_id])
    executor: Mapped[User | None] = relationship(foreign_keys=[executor_id])
    current_body: Mapped[Body | None] = relationship(foreign_keys=[current_body_id])
    parent: Mapped[Appeal | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    events: Mapped[list[Event]] = relationship(
        back_populates="appeal", order_by="Event.id", passive_deletes=True
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="appeal", order_by="Attachment.id"
    )
    answers: Mapped[list[Answer]] = relationship(back_populates="appeal", order_by="Answer.id")
    cosignatories: Mapped[list[CoSignatory]] = relationship(
        back_populates="appeal", order_by="CoSignatory.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @hybrid_property
    def effective_due_on(self) -> date | None:
        """The due date in force: the extended one when the term was extended."""
        return self.extended_until or self.due_on

    @effective_due_on.inplace.expression
    @classmethod
    def _effective_due_on_expression(cls) -> ColumnElement[date]:
        return func.coalesce(cls.extended_until, cls.due_on)

    def is_overdue_on(self, today: date) -> bool:
        """Overdue from the day after the due date, while its term runs (a suspended appeal's
        clock is stopped: the sweep and the scores read the same RUNNING_STATUSES)."""
        due = self.effective_due_on
        return self.status in RUNNING_STATUSES and due is not None and today > due

    def is_deemed_rejected_on(self, today: date) -> bool:
        """A complaint not decided by the end of its term is deemed rejected from then (APPK
        art. 100(5)): the applicant may go to court without waiting for the decision."""
        return self.kind == AppealKind.COMPLAINT and self.is_overdue_on(today)


class Event(db.Model):
    """One step on an appeal's timeline. Rows are only ever inserted."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status_after: Mapped[str | None] = mapped_column(String(30))
    from_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    to_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    appeal: Mapped[Appeal] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    from_body: Mapped[Body | None] = relationship(foreign_keys=[from_body_id])
    to_body: Mapped[Body | None] = relationship(foreign_keys=[to_body_id])


# Below the ORM too: no UPDATE or DELETE of an event, no staff step without its actor.
make_append_only(Event.__table__)
refuse_insert_when(
    Event.__table__,
    "events_staff_actor",
    STAFF_STEP_WITHOUT_ACTOR,
    "a staff step must name its actor",
)


class CoSignatory(db.Model):
    """A co-author of a collective appeal: one number, every co-signatory told of each step,
    counted once in the scores (the appeal is one row). A signed-in citizen is linked by
    their account and may read the appeal; one named with a contact is told by e-mail."""

    __tablename__ = "cosignatories"
    __table_args__ = (UniqueConstraint("appeal_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    appeal: Mapped[Appeal] = relationship(back_populates="cosignatories")


class Answer(db.Model):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    decision: Mapped[Decision] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    # The paragraph on how to complain, written by the system in the appeal's language when the
    # answer is given (replies.service.how_to_complain): no answer can leave it out.
    how_to_complain: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    appeal: Mapped[Appeal] = relationship(back_populates="answers")
    author: Mapped[User] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="answer")


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    # Indexed: an answer's files are read by it on every page that shows the answer.
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    appeal: Mapped[Appeal] = relationship(back_populates="attachments")
    answer: Mapped[Answer | None] = relationship(back_populates="attachments")


# The sweep's condition, indexed as written: is_overdue and status first (equalities), then
# the effective due date (a range). A plain (status, due_on) index cannot serve it, because
# coalesce() hides due_on: measured in bench/deadlines.py.
Index(
    "ix_appeals_overdue_sweep",
    Appeal.is_overdue,
    Appeal.status,
    Appeal.effective_due_on,
)
# The open data's statistics count the appeals received in a run of months: read by the
# date of receipt as the scores write it (scores/predicates.py: received_on), not a scan.
Index("ix_appeals_received", func.coalesce(Appeal.received_on, Appeal.registered_on))
