"""The admin's changes to the reference tables: regions, state bodies, categories and routing
rules (created, changed, deactivated; never deleted), and the queries their pages list.

Functions take the actor as an argument and flush; the caller commits once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
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
        raise ReferenceRefused(_("Only an administrator can change the reference tables."))


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


def _check_parent(model, parent_id: int | None, own_id: int | None, table: _TreeTable) -> None:
    """The parent exists and is neither the row itself nor one of its descendants."""
    if parent_id is None:
        return
    if db.session.get(model, parent_id) is None:
        raise ReferenceRefused(str(table.no_parent), "parent_id")
    if own_id is not None and own_id in ancestor_chain(model, parent_id):
        if parent_id == own_id:
            raise ReferenceRefused(str(table.own_parent), "parent_id")
        raise ReferenceRefused(str(table.loop), "parent_id")


def _check_code(model, code: str, own_id: int | None, pattern: re.Pattern, rule: Any) -> None:
    if not pattern.fullmatch(code):
        raise ReferenceRefused(str(rule), "code")
    taken = db.session.execute(
        select(model).where(model.code == code, model.id != (own_id or 0))
    ).scalar_one_or_none()
    if taken is not None:
        raise ReferenceRefused(
            _("Code %(code)s is already used by %(name)s.", code=code, name=taken.name), "code"
        )


def _names(name_ru: str, name_en: str) -> tuple[str, str]:
    name_ru, name_en = name_ru.strip(), name_en.strip()
    if not name_ru:
        raise ReferenceRefused(_("Give the Russian name."), "name_ru")
    if not name_en:
        raise ReferenceRefused(_("Give the English name."), "name_en")
    return name_ru, name_en


def _check_region(fields: RegionFields) -> None:
    if fields.level not in REGION_LEVELS:
        raise ReferenceRefused(_("Choose a level from the list."), "level")
    if fields.level == "country" and fields.parent_id is not None:
        raise ReferenceRefused(
            _("The country is the root of the tree: it has no parent."), "parent_id"
        )
    if fields.level != "country" and fields.parent_id is None:
        raise ReferenceRefused(_("Choose the region this one belongs to."), "parent_id")


def _check_body(fields: BodyFields) -> None:
    if fields.kind not in BODY_KINDS:
        raise ReferenceRefused(_("Choose a kind from the list."), "kind")
    if fields.region_id is not None and db.session.get(Region, fields.region_id) is None:
        raise ReferenceRefused(_("There is no such region."), "region_id")


@dataclass(frozen=True)
class _TreeTable:
    """How a tree table's rows are checked: the code's pattern, the rule said when it does not
    match, the checks of the table's own fields and what is said of a wrong parent (lazy:
    each in the admin's language)."""

    pattern: re.Pattern
    code_rule: Any
    check: Callable[[Any], None]
    no_parent: Any
    own_parent: Any
    loop: Any


TREE_TABLES: dict[type, _TreeTable] = {
    Region: _TreeTable(
        KATO_CODE,
        _l("A KATO code is exactly 9 digits."),
        _check_region,
        _l("There is no such superior region."),
        _l("A region cannot be its own superior."),
        _l("That region is under this one: choosing it would make a loop in the tree."),
    ),
    Body: _TreeTable(
        BODY_CODE,
        _l(
            "A body's code is lower-case letters, digits, dots, dashes or underscores "
            "(e.g. health-71)."
        ),
        _check_body,
        _l("There is no such superior body."),
        _l("A body cannot be its own superior."),
        _l("That body is under this one: choosing it would make a loop in the tree."),
    ),
    Category: _TreeTable(
        CATEGORY_CODE,
        _l(
            "A category's code is lower-case letters, digits and underscores, a child's "
            "prefixed by its parent's (e.g. healthcare.medicines)."
        ),
        lambda fields: None,
        _l("There is no such superior category."),
        _l("A category cannot be its own superior."),
        _l("That category is under this one: choosing it would make a loop in the tree."),
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
    _check_parent(model, fields.parent_id, row.id, table)
    name_kk = fields.name_kk.strip() or None
    return {"code": code, "name_kk": name_kk, "name_ru": name_ru, "name_en": name_en}


# What a rule's form is told of a category, region or body it may not point at: missing, or
# deactivated (lazy: in the admin's language).
_NOT_REFERABLE = {
    Category: (
        _l("There is no such category."),
        _l("That category is deactivated: choose an active one."),
    ),
    Region: (
        _l("There is no such region."),
        _l("That region is deactivated: choose an active one."),
    ),
    Body: (
        _l("There is no such body."),
        _l("That body is deactivated: choose an active one."),
    ),
}


def _referenced(model, row_id: int | None, current_id: int | None, field: str):
    """The row a rule points at; an inactive one only when the rule already pointed at it."""
    missing, inactive = _NOT_REFERABLE[model]
    row = db.session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise ReferenceRefused(str(missing), field)
    if not row.is_active and row.id != current_id:
        raise ReferenceRefused(str(inactive), field)
    return row


def _checked_rule(rule: RoutingRule, fields: RuleFields) -> dict[str, Any]:
    """Check a routing rule's new values (nothing to clean up)."""
    _referenced(Category, fields.category_id, rule.category_id, "category_id")
    if fields.region_id is not None:
        _referenced(Region, fields.region_id, rule.region_id, "region_id")
    _referenced(Body, fields.body_id, rule.body_id, "body_id")
    if not 0 <= fields.priority <= 10_000:
        raise ReferenceRefused(_("The priority is a whole number from 0 to 10000."), "priority")
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
            _(
                "Rule #%(id)s already sends this category from this region to this body: "
                "edit or reactivate that one instead.",
                id=duplicate,
            ),
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
        raise ReferenceRefused(
            _("It is already active.") if active else _("It is already deactivated.")
        )
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
                ngettext(
                    "%(num)d active routing rule points at it: routing skips it until it is "
                    "pointed at another body.",
                    "%(num)d active routing rules point at it: routing skips them until they "
                    "are pointed at another body.",
                    rules,
                )
            )
        if held:
            notes.append(
                ngettext(
                    "It still holds %(num)d open appeal; it stays with it.",
                    "It still holds %(num)d open appeals; they stay with it.",
                    held,
                )
            )
    elif isinstance(row, Category):
        notes.append(_("Citizens can no longer choose this category; existing appeals keep it."))
    elif isinstance(row, Region):
        notes.append(_("Citizens can no longer choose this region; existing appeals keep it."))
    return notes
