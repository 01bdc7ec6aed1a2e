"""An answer template: a body's own (its heads keep it) or every body's (the admins keep it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.reference.models import Body, Category
from appeals.timeutil import UTCDateTime, now_utc


class AnswerTemplate(db.Model):
    __tablename__ = "answer_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a template of every body, kept by the admins.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    # None: for appeals of any category.
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    decision: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    body: Mapped[Body | None] = relationship()
    category: Mapped[Category | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
