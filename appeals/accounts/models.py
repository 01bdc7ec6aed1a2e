"""Users and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from appeals.extensions import db
from appeals.reference.models import Body
from appeals.timeutil import UTCDateTime, now_utc


class Role(StrEnum):
    CITIZEN = "citizen"
    OFFICIAL = "official"  # executor in a body
    HEAD = "head"  # head (or deputy) of a body
    PROSECUTOR = "prosecutor"
    ADMIN = "admin"


STAFF_ROLES = {Role.OFFICIAL, Role.HEAD}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    iin: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[Role] = mapped_column(String(20), default=Role.CITIZEN)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    body: Mapped[Body | None] = relationship()

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN
