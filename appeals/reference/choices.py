"""Choices made from the reference tables for the forms on nearly every page: the category and
region trees, the top regions, the kinds of body. Each is kept in the process for as long as
the tables stand: a trigger counts every change of the regions, the bodies and the categories
(models.reference_changes), so a request reads one number once, not the tables, and makes
the choices again only after a change."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar, cast

from sqlalchemy import select

from appeals.extensions import ReadOncePerTransaction, db
from appeals.fragments import kept_in_process
from appeals.reference.models import Body, Category, Region, localized_name, name_columns
from appeals.reference.models import reference_changes as changes

T = TypeVar("T")
Tree = dict[int | None, list[tuple[str, int]]]

# (database, what, name columns, the tables' count of changes) -> the value made then; a
# handful of values a language, so the values of counts gone by soon drop out.
_kept: dict[tuple, Any] = {}
KEPT = 64


def _count_of_changes() -> int:
    return db.session.execute(select(changes.c.version)).scalar_one()


# A form with both trees, or a page with a form and a filter, reads the count once.
_checked_count = ReadOncePerTransaction(_count_of_changes, (Region, Category, Body))


def kept_while_unchanged(what: str, make: Callable[[], T]) -> T:
    """make()'s value, made again only when the reference tables have changed since, for the
    reader's language (names are read in it). The count is read before making: a value made
    while an admin's change commits is at least as new as the count it is kept under. A
    transaction that has written the tables keeps what it makes to itself."""
    key = (str(db.engine.url), what, name_columns(), _checked_count())
    return cast(T, kept_in_process(_checked_count.memo_for(_kept), key, make, limit=KEPT))


def _tree(model: type[Region] | type[Category]) -> Tree:
    """The active rows' children by parent, each list by name in the reader's language."""
    rows = db.session.execute(
        select(model.id, model.parent_id, localized_name(model)).where(model.is_active)
    ).all()
    children: Tree = {}
    for row_id, parent_id, name in rows:
        children.setdefault(parent_id, []).append((name or "", row_id))
    for names in children.values():
        names.sort()
    return children


def tree_choices(
    model: type[Region] | type[Category], shown: Collection[int] | None = None
) -> list[tuple[int, str]]:
    """Active rows as choices, children indented under their parents; with `shown`, only
    those rows (the children of a row not shown move up to its depth)."""
    children = kept_while_unchanged(f"tree:{model.__tablename__}", lambda: _tree(model))
    choices: list[tuple[int, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for name, row_id in children.get(parent_id, []):
            if shown is None or row_id in shown:
                choices.append((row_id, "\u2003" * depth + name))
                walk(row_id, depth + 1)
            else:
                walk(row_id, depth)

    walk(None, 0)
    return choices


def top_region_choices() -> tuple[tuple[int, str], ...]:
    """The active regions just below the top of the tree (oblasts and cities of republican
    significance), by name. A tuple: the kept value is shared by every request."""

    def make() -> tuple[tuple[int, str], ...]:
        children = _tree(Region)
        tops = [pair for _name, root in children.get(None, []) for pair in children.get(root, [])]
        return tuple((row_id, name) for name, row_id in sorted(tops))

    return kept_while_unchanged("top regions", make)


def body_kinds() -> tuple[str, ...]:
    """The kinds of body there are, in order (a tuple, as above)."""
    return kept_while_unchanged(
        "body kinds",
        lambda: tuple(db.session.scalars(select(Body.kind).distinct().order_by(Body.kind))),
    )
