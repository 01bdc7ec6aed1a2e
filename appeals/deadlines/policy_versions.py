"""The admin's changes to the deadline policies: new versions from a later date of effect,
edits of a version no appeal keeps yet, and the figures the policies page shows (usage,
versions in force).

Plain functions that take the actor, flush and never commit: the view commits once.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date
from typing import cast

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from appeals.accounts.models import User
from appeals.deadlines.models import DeadlinePolicy
from appeals.deadlines.rules import Terms
from appeals.extensions import db
from appeals.intake.models import Appeal

log = logging.getLogger(__name__)

UNITS = ("working", "calendar")


class PolicyRefused(ValueError):
    """A policy version the table cannot take; `field` names the form field to blame."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


class PolicyInUse(PolicyRefused):
    """Appeals keep this version, so its figures are fixed: a new version is needed."""


@dataclass(frozen=True, kw_only=True)
class PolicyFigures(Terms):
    """The editable figures of a policy version: its terms, its date of effect and its legal
    source (profile and kind are the version's identity)."""

    effective_from: date
    source: str


def policy_usage() -> dict[int, int]:
    """How many appeals keep each policy version (appeals keep the version they were given)."""
    rows = db.session.execute(
        select(Appeal.policy_id, func.count(Appeal.id))
        .where(Appeal.policy_id.is_not(None))
        .group_by(Appeal.policy_id)
    )
    return {policy_id: count for policy_id, count in rows if policy_id is not None}


def versions_in_force(today: date) -> set[int]:
    """The id of the version in force today for each profile and kind."""
    latest = (
        select(
            DeadlinePolicy.profile,
            DeadlinePolicy.kind,
            func.max(DeadlinePolicy.effective_from).label("since"),
        )
        .where(DeadlinePolicy.effective_from <= today)
        .group_by(DeadlinePolicy.profile, DeadlinePolicy.kind)
        .subquery()
    )
    return set(
        db.session.execute(
            select(DeadlinePolicy.id).join(
                latest,
                and_(
                    DeadlinePolicy.profile == latest.c.profile,
                    DeadlinePolicy.kind == latest.c.kind,
                    DeadlinePolicy.effective_from == latest.c.since,
                ),
            )
        ).scalars()
    )


def appeals_using(policy_id: int) -> int:
    """How many appeals keep this policy version."""
    return db.session.execute(
        select(func.count(Appeal.id)).where(Appeal.policy_id == policy_id)
    ).scalar_one()


def _check_figures(figures: PolicyFigures) -> None:
    if not 1 <= figures.term <= 365:
        raise PolicyRefused("term", _("The term must be from 1 to 365 days."))
    if figures.unit not in UNITS:
        raise PolicyRefused("unit", _("The unit must be working or calendar days."))
    if figures.extension_unit not in UNITS:
        raise PolicyRefused("extension_unit", _("The unit must be working or calendar days."))


def _version_exists(profile: str, kind: str, on: date) -> PolicyRefused:
    """The refusal of a second version of a rule taking effect on the same day."""
    return PolicyRefused(
        "effective_from",
        _(
            "A version of the %(profile)s rule for %(kind)s taking effect on %(date)s "
            "exists already.",
            profile=profile,
            kind=kind,
            date=f"{on:%d.%m.%Y}",
        ),
    )


def _check_date(profile: str, kind: str, on: date, today: date, *, excluding: int | None) -> None:
    others = select(DeadlinePolicy.effective_from).where(
        DeadlinePolicy.profile == profile, DeadlinePolicy.kind == kind
    )
    if excluding is not None:
        others = others.where(DeadlinePolicy.id != excluding)
    if db.session.execute(others.where(DeadlinePolicy.effective_from == on)).first():
        raise _version_exists(profile, kind, on)
    in_force = db.session.execute(
        others.where(DeadlinePolicy.effective_from <= today).order_by(
            DeadlinePolicy.effective_from.desc()
        )
    ).scalar()
    if in_force is not None and on < in_force:
        raise PolicyRefused(
            "effective_from",
            _(
                "The date of effect cannot be before %(date)s, "
                "when the version in force took effect.",
                date=f"{in_force:%d.%m.%Y}",
            ),
        )
    # A version in the past would say rules were in force that the appeals registered since
    # were not given: appeals keep the version in force at their registration.
    if on < today:
        raise PolicyRefused(
            "effective_from",
            _("A new version takes effect today (%(date)s) or later.", date=f"{today:%d.%m.%Y}"),
        )


def _flush_or_refuse(profile: str, kind: str, on: date, change) -> None:
    """Run the change in a savepoint: a concurrent duplicate is a form error, not a 500."""
    try:
        with db.session.begin_nested():
            change()
    except IntegrityError:
        raise _version_exists(profile, kind, on) from None


def add_policy_version(
    base: DeadlinePolicy, figures: PolicyFigures, by: User | None, *, today: date
) -> DeadlinePolicy:
    """Add a new version of a policy (same profile and kind) from a later date of effect."""
    _check_figures(figures)
    _check_date(base.profile, base.kind, figures.effective_from, today, excluding=None)
    policy = DeadlinePolicy(profile=base.profile, kind=base.kind, **asdict(figures))
    _flush_or_refuse(
        base.profile, base.kind, figures.effective_from, lambda: db.session.add(policy)
    )
    log.info(
        "Policy %s/%s from %s added by user %s",
        base.profile,
        base.kind,
        figures.effective_from,
        by.id if by else None,
    )
    return policy


def update_policy(
    policy: DeadlinePolicy, figures: PolicyFigures, by: User | None, *, today: date
) -> None:
    """Edit a policy version in place, only while no appeal keeps it."""
    _check_figures(figures)
    if figures.effective_from != policy.effective_from:
        _check_date(policy.profile, policy.kind, figures.effective_from, today, excluding=policy.id)
    profile, kind = policy.profile, policy.kind
    changed = 0

    def change() -> None:
        nonlocal changed
        # One conditional statement, so an appeal registered meanwhile is not left pointing
        # at figures that changed under it.
        result = db.session.execute(
            update(DeadlinePolicy)
            .where(
                DeadlinePolicy.id == policy.id,
                ~exists().where(Appeal.policy_id == policy.id),
            )
            .values(**asdict(figures))
            .execution_options(synchronize_session="fetch")
        )
        changed = cast(CursorResult, result).rowcount

    _flush_or_refuse(profile, kind, figures.effective_from, change)
    if not changed:
        raise PolicyInUse(
            None, _("Appeals keep this version: create a new version instead of editing it.")
        )
    log.info("Policy %s edited by user %s", policy.id, by.id if by else None)
