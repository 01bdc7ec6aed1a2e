"""Routing's services: the "test routing" trial, the manual routing queue and the routing
accuracy figures (the reference tables themselves are edited by reference.service).

Functions take the actor as an argument and flush; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import joinedload

from appeals.accounts.models import Role, User
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.labels import STATUS_LABELS
from appeals.intake.models import Appeal, AppealStatus, Event, EventKind
from appeals.intake.service import reception_body_id, register_at_body
from appeals.intake.workflow import TransitionRefused
from appeals.notifications.service import notify_applicant
from appeals.reference.models import Body, Category, Region, RoutingRule, ancestor_chain
from appeals.reference.service import ReferenceRefused
from appeals.routing.rules import resolve_body
from appeals.timeutil import local_today

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
    category = db.session.get(Category, category_id)
    region = db.session.get(Region, region_id)
    if category is None:
        raise ReferenceRefused(_("There is no such category."), "category_id")
    if region is None:
        raise ReferenceRefused(_("There is no such region."), "region_id")
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
            _("Only the prosecutor's reception routes appeals by hand."), status=403
        )
    if by.role == Role.PROSECUTOR and by.body_id != appeal.current_body_id:
        if appeal.current_body is None:
            message = _(
                "This appeal waits in the queue of another office: only its reception routes it."
            )
        else:
            message = _(
                "This appeal waits in the queue of %(office)s: only its reception routes it.",
                office=appeal.current_body.name,
            )
        return ManualRoutingRefused(message, status=403)
    if appeal.status != AppealStatus.MANUAL_ROUTING:
        state = STATUS_LABELS.get(AppealStatus(appeal.status), str(appeal.status))
        return ManualRoutingRefused(
            _("This appeal is %(status)s, not waiting for manual routing.", status=state),
            status=409,
        )
    return None


def manual_queue(by: User) -> Select:
    """The appeals waiting for manual routing at the user's office (every office for admins),
    oldest first."""
    if not may_work_queue(by):
        raise ManualRoutingRefused(
            _("Only the prosecutor's reception routes appeals by hand."), status=403
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
    refusal = why_not_route(appeal, by)
    if refusal is not None:
        raise refusal
    if body is None:
        raise ManualRoutingRefused(_("Choose the competent body."), "body_id")
    if not body.is_active:
        raise ManualRoutingRefused(_("That body is deactivated: choose an active one."), "body_id")
    reason = (reason or "").strip()
    if not reason:
        raise ManualRoutingRefused(_("Say why this body is competent."), "reason")
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
    notify_applicant(
        appeal,
        "appeal_routed",
        {
            "number": appeal.number,
            "body_id": body.id,
            "due_on": appeal.due_on.isoformat() if appeal.due_on else None,
        },
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
    here_label = _("In %(places)s", places=", ".join(by_id[i] for i in chain if i in by_id))
    return {
        # An empty first choice: routing to whatever body happens to be first is a mistake.
        "": [("", _("— choose the competent body —"))],
        here_label: here,
        _("National bodies"): national,
        _("Other regions"): elsewhere,
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
