"""The prosecutor's desk's lists: open overdue appeals counted per body, acts of response past
their deadline, and an appeal found by its number. Every list keeps to the prosecutor's scope
(the caller passes the scope's body ids; None: the whole country)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from appeals.accounts.models import User
from appeals.audit.models import Audit, ResponseAct
from appeals.extensions import db
from appeals.intake.access import can_read
from appeals.intake.models import Appeal
from appeals.intake.service import normalize_number
from appeals.reference.models import Body, localized_name, name_choices
from appeals.scores.cells import stored_overdue
from appeals.scores.predicates import open_late


@dataclass(frozen=True)
class OverdueCount:
    body_id: int
    name: str
    open_overdue: int


def overdue_by_body(
    body_ids: Sequence[int] | None, *, kind: str | None = None, today: date, limit: int = 15
) -> list[OverdueCount]:
    """Open appeals past their due date now, per body: the score cells' build's counts while
    it is fresh (a page reads no appeal), else counted in one grouped query; the same
    predicate as the score's "open overdue" figure either way, so each count matches its
    list."""
    stored = stored_overdue(today)
    if stored is not None:
        return _largest(stored, body_ids, kind=kind, limit=limit)
    count = func.count().label("open_overdue")
    query = (
        select(Appeal.current_body_id, count)
        .where(open_late(today), Appeal.current_body_id.is_not(None))
        .group_by(Appeal.current_body_id)
        .order_by(count.desc(), Appeal.current_body_id)
        .limit(limit)
    )
    if body_ids is not None:
        query = query.where(Appeal.current_body_id.in_(body_ids))
    if kind:
        query = query.where(Appeal.current_body_id.in_(select(Body.id).where(Body.kind == kind)))
    counts = db.session.execute(query).all()
    names = dict(name_choices(Body, Body.id.in_([body_id for body_id, _ in counts])))
    return [OverdueCount(body_id, names[body_id], n) for body_id, n in counts]


def _largest(
    overdue: dict[int, tuple[int, int]],
    body_ids: Sequence[int] | None,
    *,
    kind: str | None,
    limit: int,
) -> list[OverdueCount]:
    """The `limit` bodies with the most open overdue appeals among those asked for."""
    wanted = set(overdue) if body_ids is None else set(overdue).intersection(body_ids)
    if kind:
        of_kind = select(Body.id).where(Body.kind == kind)
        wanted &= set(db.session.execute(of_kind).scalars())
    top = sorted(wanted, key=lambda body_id: (-overdue[body_id][0], body_id))[:limit]
    names = dict(name_choices(Body, Body.id.in_(top)))
    return [OverdueCount(body_id, names[body_id], overdue[body_id][0]) for body_id in top]


@dataclass(frozen=True)
class OverdueAct:
    """An act of response past its deadline, as the desk lists it."""

    id: int  # the audit's
    appeal_id: int
    number: str
    body_name: str
    act_due_on: date


def overdue_acts(
    body_ids: Sequence[int] | None, *, today: date, limit: int = 20
) -> list[OverdueAct]:
    """Acts of response past their deadline that the body has not answered, oldest first
    (from the dates, like act_is_overdue: the sweep's flag agrees once it has run). Read as
    plain columns: built as objects with their appeals and bodies, the 20 acts cost the
    dashboard about 1 ms of its 11 (bench/README.md, stop 33)."""
    query = (
        select(Audit.id, Audit.appeal_id, Appeal.number, localized_name(Body), Audit.act_due_on)
        .join(Appeal, Appeal.id == Audit.appeal_id)
        .join(Body, Body.id == Audit.body_id)
        .where(
            Audit.act != ResponseAct.NONE,
            Audit.act_answered_at.is_(None),
            Audit.act_due_on < today,
        )
        .order_by(Audit.act_due_on, Audit.id)
        .limit(limit)
    )
    if body_ids is not None:
        query = query.where(Audit.body_id.in_(body_ids))
    return [OverdueAct(*row) for row in db.session.execute(query)]


def find_appeal_in_scope(number: str, by: User) -> Appeal | None:
    """An appeal by its registration number, if the prosecutor may read it."""
    appeal = db.session.execute(
        select(Appeal).where(Appeal.number == normalize_number(number))
    ).scalar_one_or_none()
    return appeal if appeal is not None and can_read(by, appeal) else None
