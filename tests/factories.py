"""Small builders for tests: appeals submitted through the real service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from appeals.accounts.models import User
from appeals.extensions import db
from appeals.intake.models import Appeal, AppealKind
from appeals.intake.service import NewAppeal, submit_appeal
from appeals.reference.models import Body, Category, Region


def category_id(code: str) -> int:
    return db.session.execute(select(Category.id).where(Category.code == code)).scalar_one()


def region_id(code: str) -> int:
    return db.session.execute(select(Region.id).where(Region.code == code)).scalar_one()


def body_id(code: str) -> int:
    """A body's id by code (the read's transaction ended: a request may write next)."""
    value = db.session.execute(select(Body.id).where(Body.code == code)).scalar_one()
    db.session.commit()
    return value


ASTANA = "710000000"


def submit(
    applicant: User,
    *,
    category: str = "healthcare",
    region: str = ASTANA,
    kind: AppealKind = AppealKind.STATEMENT,
    subject: str = "No appointment with a doctor",
    text: str = "I have been waiting for an appointment for two months. Please help.",
    now: datetime | None = None,
    language: str | None = None,
) -> tuple[Appeal, str]:
    """Submit and commit an appeal through the intake service."""
    appeal, code = submit_appeal(
        applicant,
        NewAppeal(
            kind=kind,
            category_id=category_id(category),
            region_id=region_id(region),
            subject=subject,
            text=text,
            language=language,
        ),
        now=now,
    )
    db.session.commit()
    return appeal, code
