"""The inbox: the appeals an official or a head works, filtered, searched, earliest due first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import joinedload

from appeals.accounts.models import STAFF_ROLES, Role, User
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import (
    OPEN_STATUSES,
    Appeal,
)
from appeals.intake.service import normalize_number
from appeals.reference.models import Category, body_subtree_ids

DUE_SOON_WORKING_DAYS = 3


SEARCH_MAX = 100


@dataclass(frozen=True)
class InboxFilters:
    status: str = "open"  # open | all | an AppealStatus
    kind: str | None = None
    category_id: int | None = None
    executor: str | None = None  # "none" (unassigned) or a user id
    overdue: bool = False
    due_this_week: bool = False
    search: str | None = None


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its own % and _ read as themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def inbox_query(user: User, filters: InboxFilters, today: date, scope_ids: Sequence[int]) -> Select:
    """The appeals a user works, filtered, earliest effective due date first (none last).

    `scope_ids` are the bodies a head sees (body_subtree_ids); an official sees the appeals
    of their own body that are theirs or nobody's."""
    scope: ColumnElement[bool]
    if user.role == Role.HEAD:
        scope = Appeal.current_body_id.in_(scope_ids)
    elif user.role == Role.OFFICIAL and user.body_id is not None:
        scope = and_(
            Appeal.current_body_id == user.body_id,
            or_(Appeal.executor_id == user.id, Appeal.executor_id.is_(None)),
        )
    else:
        scope = false()
    criteria: list[ColumnElement[bool]] = [scope]
    if filters.status == "open":
        criteria.append(Appeal.status.in_(OPEN_STATUSES))
    elif filters.status != "all":
        criteria.append(Appeal.status == filters.status)
    if filters.kind:
        criteria.append(Appeal.kind == filters.kind)
    if filters.category_id:
        tree = (
            select(Category.id)
            .where(Category.id == filters.category_id)
            .cte("category_tree", recursive=True)
        )
        tree = tree.union(select(Category.id).where(Category.parent_id == tree.c.id))
        criteria.append(Appeal.category_id.in_(select(tree.c.id)))
    if filters.executor == "none":
        criteria.append(Appeal.executor_id.is_(None))
    elif filters.executor:
        criteria.append(Appeal.executor_id == int(filters.executor))
    if filters.overdue:
        criteria += [Appeal.status.in_(OPEN_STATUSES), Appeal.effective_due_on < today]
    if filters.due_this_week:
        sunday = today + timedelta(days=6 - today.weekday())
        criteria += [
            Appeal.status.in_(OPEN_STATUSES),
            Appeal.effective_due_on.between(today, sunday),
        ]
    search = (filters.search or "").strip()[:SEARCH_MAX]
    if search:
        # ilike: ILIKE on PostgreSQL; lower() LIKE lower() on SQLite (which folds ASCII only).
        pattern = like_pattern(search)
        criteria.append(
            or_(
                Appeal.number.ilike(pattern, escape="\\"),
                # A number typed with look-alikes ("3-2026-..."), read as the status check does.
                Appeal.number.ilike(like_pattern(normalize_number(search)), escape="\\"),
                Appeal.subject.ilike(pattern, escape="\\"),
                Appeal.text.ilike(pattern, escape="\\"),
            )
        )
    return (
        select(Appeal)
        .where(*criteria)
        .options(
            joinedload(Appeal.executor),
            joinedload(Appeal.current_body),
            joinedload(Appeal.category),
        )
        .order_by(Appeal.effective_due_on.asc().nulls_last(), Appeal.id)
    )


def inbox_scope_ids(user: User) -> list[int]:
    """The bodies whose appeals fill the user's inbox: a head's body and those below it; an
    official's own body."""
    if user.role == Role.HEAD:
        return body_subtree_ids(user.body_id)
    return [user.body_id] if user.body_id is not None else []


def staff_of_bodies(body_ids: Sequence[int | None]) -> list[User]:
    """Active officials and heads of the bodies, by name (the executor filter's choices)."""
    return list(
        db.session.execute(
            select(User)
            .where(User.body_id.in_(body_ids), User.role.in_(STAFF_ROLES), User.is_active)
            .order_by(User.full_name, User.id)
        ).scalars()
    )


def due_soon_until(today: date) -> date:
    """Rows due up to this date (3 working days ahead) are marked as due soon."""

    return working_calendar().add_working_days(today, DUE_SOON_WORKING_DAYS)
