"""Routing's services: the admin's reference tables (regions, bodies, categories, rules), the
"test routing" trial, the manual routing queue and the routing accuracy figures.

Functions take the actor as an argument and flush; the caller commits once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import joinedload

from appeals.accounts.models import Role, User
from appeals.extensions import db
from appeals.intake.models import OPEN_STATUSES, Appeal, AppealStatus, Event, EventKind
from appeals.intake.workflow import TransitionRefused
from appeals.notifications.service import queue_notice
from appeals.reference.models import Body, Category, Region, RoutingRule, ancestor_chain
from appeals.reference.seed_data import BODY_KINDS, REGION_LEVELS
from appeals.routing.rules import resolve_body

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


# --- Regions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionFields:
    code: str
    name_ru: str
    name_en: str
    level: str
    parent_id: int | None


def _apply_region(region: Region, fields: RegionFields) -> Region:
    code = fields.code.strip()
    _check_code(Region, code, region.id, KATO_CODE, "A KATO code is exactly 9 digits.")
    name_ru, name_en = _names(fields.name_ru, fields.name_en)
    if fields.level not in REGION_LEVELS:
        raise ReferenceRefused("Choose a level from the list.", "level")
    if fields.level == "country" and fields.parent_id is not None:
        raise ReferenceRefused(
            "The country is the root of the tree: it has no parent.", "parent_id"
        )
    if fields.level != "country" and fields.parent_id is None:
        raise ReferenceRefused("Choose the region this one belongs to.", "parent_id")
    _check_parent(Region, fields.parent_id, region.id, "region")
    region.code, region.name_ru, region.name_en = code, name_ru, name_en
    region.level, region.parent_id = fields.level, fields.parent_id
    db.session.add(region)
    db.session.flush()
    return region


def create_region(fields: RegionFields, by: User) -> Region:
    """Add a region (KATO code, names, level, parent) to the tree."""
    _require_admin(by)
    return _apply_region(Region(is_active=True), fields)


def update_region(region: Region, fields: RegionFields, by: User) -> Region:
    """Change a region's code, names, level or parent; appeals keep pointing at it."""
    _require_admin(by)
    return _apply_region(region, fields)


# --- Bodies --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyFields:
    code: str
    name_ru: str
    name_en: str
    kind: str
    region_id: int | None
    parent_id: int | None


def _apply_body(body: Body, fields: BodyFields) -> Body:
    code = fields.code.strip()
    _check_code(
        Body,
        code,
        body.id,
        BODY_CODE,
        "A body's code is lower-case letters, digits, dots, dashes or underscores "
        "(e.g. health-71).",
    )
    name_ru, name_en = _names(fields.name_ru, fields.name_en)
    if fields.kind not in BODY_KINDS:
        raise ReferenceRefused("Choose a kind from the list.", "kind")
    if fields.region_id is not None and db.session.get(Region, fields.region_id) is None:
        raise ReferenceRefused("There is no such region.", "region_id")
    _check_parent(Body, fields.parent_id, body.id, "body")
    body.code, body.name_ru, body.name_en, body.kind = code, name_ru, name_en, fields.kind
    body.region_id, body.parent_id = fields.region_id, fields.parent_id
    db.session.add(body)
    db.session.flush()
    return body


def create_body(fields: BodyFields, by: User) -> Body:
    """Add a state body under its superior body."""
    _require_admin(by)
    return _apply_body(Body(is_active=True), fields)


def update_body(body: Body, fields: BodyFields, by: User) -> Body:
    """Change a body's code, names, kind, region or superior body."""
    _require_admin(by)
    return _apply_body(body, fields)


# --- Categories ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryFields:
    code: str
    name_ru: str
    name_en: str
    parent_id: int | None


def _apply_category(category: Category, fields: CategoryFields) -> Category:
    code = fields.code.strip()
    _check_code(
        Category,
        code,
        category.id,
        CATEGORY_CODE,
        "A category's code is lower-case letters, digits and underscores, a child's "
        "prefixed by its parent's (e.g. healthcare.medicines).",
    )
    name_ru, name_en = _names(fields.name_ru, fields.name_en)
    _check_parent(Category, fields.parent_id, category.id, "category")
    category.code, category.name_ru, category.name_en = code, name_ru, name_en
    category.parent_id = fields.parent_id
    db.session.add(category)
    db.session.flush()
    return category


def create_category(fields: CategoryFields, by: User) -> Category:
    """Add a category of appeals (under a parent category, or at the top)."""
    _require_admin(by)
    return _apply_category(Category(is_active=True), fields)


def update_category(category: Category, fields: CategoryFields, by: User) -> Category:
    """Change a category's code, names or parent."""
    _require_admin(by)
    return _apply_category(category, fields)


# --- Routing rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFields:
    category_id: int
    region_id: int | None  # None: a national rule
    body_id: int
    priority: int


def _referenced(model, row_id: int | None, current_id: int | None, field: str, noun: str):
    """The row a rule points at; an inactive one only when the rule already pointed at it."""
    row = db.session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise ReferenceRefused(f"There is no such {noun}.", field)
    if not row.is_active and row.id != current_id:
        raise ReferenceRefused(f"That {noun} is deactivated: choose an active one.", field)
    return row


def _apply_rule(rule: RoutingRule, fields: RuleFields) -> RoutingRule:
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
    rule.category_id, rule.region_id, rule.body_id = (
        fields.category_id,
        fields.region_id,
        fields.body_id,
    )
    rule.priority = fields.priority
    db.session.add(rule)
    db.session.flush()
    return rule


def create_rule(fields: RuleFields, by: User) -> RoutingRule:
    """Add a routing rule: appeals of a category from a region (or anywhere) go to a body."""
    _require_admin(by)
    return _apply_rule(RoutingRule(is_active=True), fields)


def update_rule(rule: RoutingRule, fields: RuleFields, by: User) -> RoutingRule:
    """Change a routing rule; appeals it routed before keep their body and their rule id."""
    _require_admin(by)
    return _apply_rule(rule, fields)


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


# --- The "test routing" box ------------------------------------------------------------------


@dataclass(frozen=True)
class RoutingTrial:
    """Where an appeal of a category from a region would go, and why."""

    category: Category
    region: Region
    body: Body | None  # None: no rule, the manual routing queue
    rule: RoutingRule | None
    reception: Body | None  # the prosecutor's office keeping the manual routing queue


def try_routing(category_id: int, region_id: int) -> RoutingTrial:
    """Resolve a category and a region as the intake would, without registering anything."""
    from appeals.intake.service import reception_body_id

    category = db.session.get(Category, category_id)
    region = db.session.get(Region, region_id)
    if category is None:
        raise ReferenceRefused("There is no such category.", "category_id")
    if region is None:
        raise ReferenceRefused("There is no such region.", "region_id")
    decision = resolve_body(category_id, region_id)
    if decision is None:
        reception_id = reception_body_id(region_id)
        reception = db.session.get(Body, reception_id) if reception_id else None
        return RoutingTrial(category, region, None, None, reception)
    return RoutingTrial(
        category,
        region,
        db.session.get(Body, decision.body_id),
        db.session.get(RoutingRule, decision.rule_id),
        None,
    )


# --- The manual routing queue ----------------------------------------------------------------


class ManualRoutingRefused(TransitionRefused):
    """Routing by hand is not allowed here; the message is for the user. `field` names the
    form field it belongs to (None: the appeal or the user); `status` is the HTTP status a
    page shows it with (403: not yours to route, 409: not in the queue, 422: fix the form)."""

    def __init__(self, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


def may_work_queue(user: User) -> bool:
    """Prosecutors (their office's queue) and admins (every office's) work the manual queue."""
    return user.role in (Role.PROSECUTOR, Role.ADMIN)


def why_not_route(appeal: Appeal, by: User) -> ManualRoutingRefused | None:
    """Why this user may not route this appeal by hand now, or None when they may."""
    if not may_work_queue(by):
        return ManualRoutingRefused(
            "Only the prosecutor's reception routes appeals by hand.", status=403
        )
    if by.role == Role.PROSECUTOR and by.body_id != appeal.current_body_id:
        office = appeal.current_body.name if appeal.current_body else "another office"
        return ManualRoutingRefused(
            f"This appeal waits in the queue of {office}: only its reception routes it.",
            status=403,
        )
    if appeal.status != AppealStatus.MANUAL_ROUTING:
        state = str(appeal.status).replace("_", " ")
        return ManualRoutingRefused(
            f"This appeal is {state}, not waiting for manual routing.", status=409
        )
    return None


def manual_queue(by: User) -> Select:
    """The appeals waiting for manual routing at the user's office (every office for admins),
    oldest first."""
    if not may_work_queue(by):
        raise ManualRoutingRefused(
            "Only the prosecutor's reception routes appeals by hand.", status=403
        )
    query = select(Appeal).where(Appeal.status == AppealStatus.MANUAL_ROUTING)
    if by.role != Role.ADMIN:
        query = query.where(Appeal.current_body_id == by.body_id)
    return query.order_by(Appeal.submitted_at, Appeal.id)


def route_manually(
    appeal: Appeal, body: Body | None, reason: str, by: User, *, today: date | None = None
) -> None:
    """The prosecutor's reception sends an appeal that no rule routed to the competent body:
    the term starts on receipt there, the deadline jobs are scheduled, the applicant is told."""
    from appeals.deadlines.service import working_calendar
    from appeals.intake.service import register_at_body
    from appeals.timeutil import local_today

    refusal = why_not_route(appeal, by)
    if refusal is not None:
        raise refusal
    if body is None:
        raise ManualRoutingRefused("Choose the competent body.", "body_id")
    if not body.is_active:
        raise ManualRoutingRefused("That body is deactivated: choose an active one.", "body_id")
    reason = (reason or "").strip()
    if not reason:
        raise ManualRoutingRefused("Say why this body is competent.", "reason")
    received = working_calendar().next_working_day(today or local_today())
    register_at_body(
        appeal,
        body.id,
        received,
        actor=by,
        note=reason,
        from_body_id=appeal.current_body_id,  # the reception that held it
        data={"manual": True},
    )
    address = appeal.applicant.email if appeal.applicant else appeal.contact_email
    if address:
        queue_notice(
            "appeal_routed",
            address,
            {
                "number": appeal.number,
                "body": body.name_en,
                "due_on": appeal.due_on.strftime("%d.%m.%Y"),
            },
            user_id=appeal.applicant_id,
            appeal_id=appeal.id,
            dedup_key=f"routed:{appeal.id}",
        )


def body_choices_for(appeal: Appeal) -> dict[str, list[tuple[int | str, str]]]:
    """Active bodies grouped for the routing form: the appeal's region (and the regions it
    belongs to) first, then national bodies, then the rest."""
    chain = ancestor_chain(Region, appeal.region_id)
    bodies = db.session.execute(
        select(Body).where(Body.is_active).order_by(Body.name_en, Body.id)
    ).scalars()
    here: list[tuple[int | str, str]] = []
    national: list[tuple[int | str, str]] = []
    elsewhere: list[tuple[int | str, str]] = []
    for body in bodies:
        choice = (body.id, f"{body.name} ({body.code})")
        if body.region_id is None:
            national.append(choice)
        elif body.region_id in chain:
            here.append(choice)
        else:
            elsewhere.append(choice)
    places = db.session.execute(
        select(Region).where(Region.id.in_(chain), Region.level != "country")
    ).scalars()
    by_id = {region.id: region.name for region in places}
    here_label = "In " + ", ".join(by_id[i] for i in chain if i in by_id)
    return {
        # An empty first choice: routing to whatever body happens to be first is a mistake.
        "": [("", "— choose the competent body —")],
        here_label: here,
        "National bodies": national,
        "Other regions": elsewhere,
    }


# --- Routing accuracy ----------------------------------------------------------------------

ANSWERED_STATUSES = (AppealStatus.ANSWERED, AppealStatus.CLOSED)


@dataclass(frozen=True)
class BodyAccuracy:
    """Of the answered appeals first routed to a body, how many that body answered itself."""

    body: Body | None  # None: the overall row
    answered: int
    kept: int

    @property
    def share(self) -> float:
        return self.kept / self.answered if self.answered else 0.0

    @property
    def forwarded(self) -> int:
        return self.answered - self.kept


def routing_accuracy() -> tuple[list[BodyAccuracy], BodyAccuracy]:
    """Per first body (worst share first) and overall: the share of answered appeals that the
    body they were first routed to answered. One grouped query; the overall row adds up the
    per-body counts, which is the same as counting all appeals at once."""
    # An answered or closed appeal is still at the body that answered it: nothing moves it
    # after the answer (a complaint is a new appeal), so current_body_id is the answerer.
    kept = func.sum(case((Appeal.current_body_id == Appeal.first_body_id, 1), else_=0))
    counts = (
        select(
            Appeal.first_body_id.label("body_id"),
            func.count(Appeal.id).label("answered"),
            kept.label("kept"),
        )
        .where(
            Appeal.status.in_([s.value for s in ANSWERED_STATUSES]),
            Appeal.answered_at.is_not(None),
            Appeal.first_body_id.is_not(None),
        )
        .group_by(Appeal.first_body_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Body, counts.c.answered, counts.c.kept)
        .join(counts, counts.c.body_id == Body.id)
        .order_by((counts.c.kept * 1.0 / counts.c.answered), counts.c.answered.desc(), Body.id)
    ).all()
    per_body = [BodyAccuracy(body, answered, kept) for body, answered, kept in rows]
    overall = BodyAccuracy(
        None, sum(row.answered for row in per_body), sum(row.kept for row in per_body)
    )
    return per_body, overall


@dataclass(frozen=True)
class ForwardingRule:
    """A routing rule, how many appeals it routed and how many of those were forwarded."""

    rule: RoutingRule
    routed: int
    forwarded: int

    @property
    def share(self) -> float:
        return self.forwarded / self.routed if self.routed else 0.0


def rules_causing_forwarding(limit: int = 10) -> list[ForwardingRule]:
    """The rules whose appeals were most often forwarded elsewhere, most first."""
    was_forwarded = exists().where(
        and_(Event.appeal_id == Appeal.id, Event.kind == EventKind.FORWARDED)
    )
    counts = (
        select(
            Appeal.routing_rule_id.label("rule_id"),
            func.count(Appeal.id).label("routed"),
            func.sum(case((was_forwarded, 1), else_=0)).label("forwarded"),
        )
        .where(Appeal.routing_rule_id.is_not(None))
        .group_by(Appeal.routing_rule_id)
        .subquery()
    )
    rows = db.session.execute(
        select(RoutingRule, counts.c.routed, counts.c.forwarded)
        .join(counts, counts.c.rule_id == RoutingRule.id)
        .options(
            joinedload(RoutingRule.category),
            joinedload(RoutingRule.region),
            joinedload(RoutingRule.body),
        )
        .where(counts.c.forwarded > 0)
        .order_by(counts.c.forwarded.desc(), counts.c.routed.desc(), RoutingRule.id)
        .limit(limit)
    ).all()
    return [ForwardingRule(rule, routed, forwarded) for rule, routed, forwarded in rows]
