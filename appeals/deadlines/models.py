"""The calendar of days off and the deadline policies, both kept as data the admin edits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from appeals.extensions import db
from appeals.timeutil import UTCDateTime, now_utc


class Holiday(db.Model):
    """One exceptional day: a public holiday, an extra day off, or an extra working day."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # calendar.DayKind
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="holidays")  # holidays | admin
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class DeadlinePolicy(db.Model):
    """The term for one kind of appeal under one legal profile, from a date of effect."""

    __tablename__ = "deadline_policies"
    __table_args__ = (UniqueConstraint("profile", "kind", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile: Mapped[str] = mapped_column(String(20), default="appk")
    kind: Mapped[str] = mapped_column(String(20))  # AppealKind
    term: Mapped[int]
    unit: Mapped[str] = mapped_column(String(10), default="working")  # working | calendar
    extensions_allowed: Mapped[int] = mapped_column(default=1)
    extension_max: Mapped[int] = mapped_column(default=0)
    extension_unit: Mapped[str] = mapped_column(String(10), default="working")
    # Cap on the whole term, counted from receipt, in calendar months (APPK: two months).
    total_cap_months: Mapped[int | None]
    forward_within: Mapped[int] = mapped_column(default=3)  # working days to forward
    suspension_allowed: Mapped[bool] = mapped_column(default=False)
    # Day 1 of the term: the day of receipt itself, or (False, the default) the working day
    # after it; rules.Terms says why this is the policy's choice.
    first_day_is_receipt: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Working days: a refusal's window from registration, and the longest time to fix
    # defects; rules.Terms says what each is for (None: the kind has none).
    refusal_within: Mapped[int | None]
    defect_fix_max: Mapped[int | None]
    effective_from: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
