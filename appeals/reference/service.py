"""The admin's changes to the reference tables: regions, state bodies, categories and routing
rules (created, changed, deactivated; never deleted), and the queries their pages list.

Functions take the actor as an argument and flush; the caller commits once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from appeals.accounts.models import Role, User
from appeals.extensions import db
from appeals.intake.models import OPEN_STATUSES, Appeal
from appeals.reference.models import Body, Category, Region, RoutingRule, ancestor_chain
from appeals.reference.seed_data import BODY_KINDS, REGION_LEVELS

ReferenceRow = Region | Body | Category | RoutingRule

KATO_CODE = re.compile(r"\d{9}")
BODY_CODE = re.compile(r"[a-z0-9][a-z0-9._-]*")
CATEGORY_CODE = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")


class ReferenceRefused(ValueError):
    """A change that would break the reference tables; the message is for the admin, `field`
    names the form field it belongs to (None: the form as a whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _require_admin(by: User) -> None:
    if by.role != Role.ADMIN:
        raise ReferenceRefused("Only an administrator can change the reference tables.")


# --- Trees ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TreeRow:
    """A row of a tree table, with its depth for indentation."""

    item: Region | Body | Category
    depth: int


def tree_rows(model: type[Region] | type[Body] | type[Category]) -> list[TreeRow]:
    """Every row of a tree table (active or not), each parent followed by its children."""
    rows = cast(list[Region | Body | Category], db.session.execute(select(model)).scalars().all())
    ids = {row.id for row in rows}
    children: dict[int | None, list] = {}
    for row in rows:
        # A row whose parent is missing is shown as a root rather than hidden.
        parent = row.parent_id if row.parent_id in ids else None
        children.setdefault(parent, []).append(row)
    ordered: list[TreeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for row in sorted(children.get(parent_id, []), key=lambda r: (r.code, r.id)):
            ordered.append(TreeRow(row, depth))
            walk(row.id, depth + 1)

    walk(None, 0)
    return ordered


# --- What the admin submits ------------------------------------------------------------------


@dataclass(frozen=True)
class RegionFields:
    code: str
    name_ru: str
    name_en: str
    level: str
    parent_id: int | None
    name_kk: str = ""  # optional: Kazakh readers see the Russian name without it


@dataclass(frozen=True)
class BodyFields:
    code: str
    name_ru: str
    name_en: str
    kind: str
    region_id: int | None
    parent_id: int | None
    name_kk: str = ""  # optional: Kazakh readers see the Russian name without it


@dataclass(frozen=True)
class CategoryFields:
    code: str
    name_ru: str
    name_en: str
    parent_id: int | None
    name_kk: str = ""  # optional: Kazakh readers see the Russian name without it


@dataclass(frozen=True)
class RuleFields:
    category_id: int
    region_id: int | None  # None: a national rule
    body_id: int
    priority: int


ReferenceFields = RegionFields | BodyFields | CategoryFields | RuleFields


# --- The checks of each table ----------------------------------------------------------------


def _check_parent(model, parent_id: int | None, own_id: int | None, noun: str) -> None:
    """The parent exists and is neither the row itself nor one of its descendants."""
    if parent_id is None:
        return
    if db.session.get(model, parent_id) is None:
        raise ReferenceRefused(f"There is no such superior {noun}.", "parent_id")
    if own_id is not None and own_id in ancestor_chain(model, parent_id):
        if parent_id == own_id:
            raise ReferenceRefused(f"A {noun} cannot be its own superior.", "parent_id")
        raise ReferenceRefused(
            f"That {noun} is under this one: choosing it would make a loop in the tree.",
            "parent_id",
        )


def _check_code(model, code: str, own_id: int | None, pattern: re.Pattern, rule: str) -> None:
    if not pattern.fullmatch(code):
        raise ReferenceRefused(rule, "code")
    taken = db.session.execute(
        select(model).where(model.code == code, model.id != (own_id or 0))
    ).scalar_one_or_none()
    if taken is not None:
        raise ReferenceRefused(f"Code {code} is already used by {taken.name_en}.", "code")


def _names(name_ru: str, name_en: str) -> tuple[str, str]:
    name_ru, name_en = name_ru.strip(), name_en.strip()
    if not name_ru:
        raise ReferenceRefused("Give the Russian name.", "name_ru")
    if not name_en:
        raise ReferenceRefused("Give the English name.", "name_en")
    return name_ru, name_en


def _check_region(fields: RegionFields) -> None:
    if fields.level not in REGION_LEVELS:
        raise ReferenceRefused("Choose a level from the list.", "level")
    if fields.level == "country" and fields.parent_id is not None:
        raise ReferenceRefused(
            "The country is the root of the tree: it has no parent.", "parent_id"
        )
    if fields.level != "country" and fields.parent_id is None:
        raise ReferenceRefused("Choose the region this one belongs to.", "parent_id")


def _check_body(fields: BodyFields) -> None:
    if fields.kind not in BODY_KINDS:
        raise ReferenceRefused("Choose a kind from the list.", "kind")
    if fields.region_id is not None and db.session.get(Region, fields.region_id) is None:
        raise ReferenceRefused("There is no such region.", "region_id")


@dataclass(frozen=True)
class _TreeTable:
    """How a tree table's rows are checked: the code's pattern, the rule said when it does not
    match, the noun of the messages and the checks of the table's own fields."""

    pattern: re.Pattern
    code_rule: str
    noun: str
    check: Callable[[Any], None]


TREE_TABLES: dict[type, _TreeTable] = {
    Region: _TreeTable(KATO_CODE, "A KATO code is exactly 9 digits.", "region", _check_region),
    Body: _TreeTable(
        BODY_CODE,
        "A body's code is lower-case letters, digits, dots, dashes or underscores "
        "(e.g. health-71).",
        "body",
        _check_body,
    ),
    Category: _TreeTable(
        CATEGORY_CODE,
        "A category's code is lower-case letters, digits and underscores, a child's "
        "prefixed by its parent's (e.g. healthcare.medicines).",
        "category",
        lambda fields: None,
    ),
}


def _checked_tree_row(
    row: Region | Body | Category, fields: RegionFields | BodyFields | CategoryFields
) -> dict[str, Any]:
    """Check a region, body or category's new values; returns the ones cleaned up."""
    model = type(row)
    table = TREE_TABLES[model]
    code = fields.code.strip()
    _check_code(model, code, row.id, table.pattern, table.code_rule)
    name_ru, name_en = _names(fields.name_ru, fields.name_en)
    table.check(fields)
    _check_parent(model, fields.parent_id, row.id, table.noun)
    name_kk = fields.name_kk.strip() or None
    return {"code": code, "name_kk": name_kk, "name_ru": name_ru, "name_en": name_en}


def _referenced(model, row_id: int | None, current_id: int | None, field: str, noun: str):
    """The row a rule points at; an inactive one only when the rule already pointed at it."""
    row = db.session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise ReferenceRefused(f"There is no such {noun}.", field)
    if not row.is_active and row.id != current_id:
        raise ReferenceRefused(f"That {noun} is deactivated: choose an active one.", field)
    return row


def _checked_rule(rule: RoutingRule, fields: RuleFields) -> dict[str, Any]:
    """Check a routing rule's new values (nothing to clean up)."""
    _referenced(Category, fields.category_id, rule.category_id, "category_id", "category")
    if fields.region_id is not None:
        _referenced(Region, fields.region_id, rule.region_id, "region_id", "region")
    _referenced(Body, fields.body_id, rule.body_id, "body_id", "body")
    if not 0 <= fields.priority <= 10_000:
        raise ReferenceRefused("The priority is a whole number from 0 to 10000.", "priority")
    # The database's unique constraint treats every NULL region as different, so national
    # rules are only kept unique by this check.
    region_match = (
        RoutingRule.region_id.is_(None)
        if fields.region_id is None
        else RoutingRule.region_id == fields.region_id
    )
    duplicate = db.session.execute(
        select(RoutingRule.id).where(
            RoutingRule.category_id == fields.category_id,
            region_match,
            RoutingRule.body_id == fields.body_id,
            RoutingRule.id != (rule.id or 0),
        )
    ).scalar_one_or_none()
    if duplicate is not None:
        raise ReferenceRefused(
            f"Rule #{duplicate} already sends this category from this region to this body: "
            "edit or reactivate that one instead.",
            "body_id",
        )
    return {}


# --- Creating and changing rows ---------------------------------------------------------------

MODEL_OF_FIELDS: dict[type, type[ReferenceRow]] = {
    RegionFields: Region,
    BodyFields: Body,
    CategoryFields: Category,
    RuleFields: RoutingRule,
}


def _apply(row: ReferenceRow, values: ReferenceFields) -> ReferenceRow:
    if isinstance(row, RoutingRule):
        cleaned = _checked_rule(row, cast(RuleFields, values))
    else:
        cleaned = _checked_tree_row(row, cast(RegionFields | BodyFields | CategoryFields, values))
    for field in fields(values):
        setattr(row, field.name, cleaned.get(field.name, getattr(values, field.name)))
    db.session.add(row)
    db.session.flush()
    return row


def create_row(values: ReferenceFields, by: User) -> ReferenceRow:
    """Add a region, body, category or routing rule (active) after checking its values."""
    _require_admin(by)
    return _apply(MODEL_OF_FIELDS[type(values)](is_active=True), values)


def update_row(row: ReferenceRow, values: ReferenceFields, by: User) -> ReferenceRow:
    """Change a region, body, category or routing rule; appeals keep pointing at it (and the
    appeals a rule routed before keep their body and their rule id)."""
    _require_admin(by)
    return _apply(row, values)


def rules_query(
    category_id: int | None = None,
    region_id: int | None = None,
    body_id: int | None = None,
    active: bool | None = None,
) -> Select:
    """The routing rules matching the admin's filters, national rules first."""
    query = select(RoutingRule).options(
        joinedload(RoutingRule.category),
        joinedload(RoutingRule.region),
        joinedload(RoutingRule.body),
    )
    if category_id is not None:
        query = query.where(RoutingRule.category_id == category_id)
    if region_id is not None:
        query = query.where(RoutingRule.region_id == region_id)
    if body_id is not None:
        query = query.where(RoutingRule.body_id == body_id)
    if active is not None:
        query = query.where(RoutingRule.is_active.is_(active))
    return query.order_by(
        RoutingRule.region_id.is_not(None), RoutingRule.region_id, RoutingRule.category_id,
        RoutingRule.priority, RoutingRule.id,
    )  # fmt: skip


# --- Deactivation --------------------------------------------------------------------------


def set_active(row: ReferenceRow, active: bool, by: User) -> list[str]:
    """Deactivate or reactivate a reference row (nothing an appeal refers to is ever deleted).
    Returns what the admin should know about the consequences."""
    _require_admin(by)
    if row.is_active == active:
        state = "active" if active else "deactivated"
        raise ReferenceRefused(f"It is already {state}.")
    row.is_active = active
    db.session.flush()
    if active:
        return []
    notes: list[str] = []
    if isinstance(row, Body):
        rules = db.session.execute(
            select(func.count(RoutingRule.id)).where(
                RoutingRule.body_id == row.id, RoutingRule.is_active
            )
        ).scalar_one()
        held = db.session.execute(
            select(func.count(Appeal.id)).where(
                Appeal.current_body_id == row.id,
                Appeal.status.in_([s.value for s in OPEN_STATUSES]),
            )
        ).scalar_one()
        if rules:
            notes.append(
                f"{rules} active routing rule(s) point at it: routing skips them until "
                "they are pointed at another body."
            )
        if held:
            notes.append(f"It still holds {held} open appeal(s); they stay with it.")
    elif isinstance(row, Category | Region):
        noun = "category" if isinstance(row, Category) else "region"
        notes.append(f"Citizens can no longer choose this {noun}; existing appeals keep it.")
    return notes
