"""Prosecutor scope, one definition: the region of the prosecutor's office and every region
below it; an office with no region (the General Prosecutor's Office) covers the whole country.

It decides what a prosecutor may read (intake.access), what the desk shows (audit, desk) and
who is told of an overdue appeal (deadlines.jobs: the regional offices covering the appeal's
region; the national office gets a daily digest instead of a notice per appeal).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, Subquery, literal, select

from appeals.accounts.models import Role, User
from appeals.extensions import db
from appeals.reference.models import Body, Region, ancestor_chain


@dataclass(frozen=True)
class Scope:
    """The part of the country a prosecutor oversees; region_id None is the whole country."""

    region_id: int | None

    @property
    def is_national(self) -> bool:
        return self.region_id is None

    def contains_region(self, region_id: int) -> bool:
        """Whether a region lies inside the scope (the office's region is one of its own or
        its ancestors')."""
        return self.is_national or self.region_id in ancestor_chain(Region, region_id)

    def region_ids(self) -> Select:
        """The scope's regions as a subquery: the region and all regions below it."""
        return region_subtree(self.region_id) if self.region_id is not None else select(Region.id)

    def bodies(self) -> Select:
        """Ids of the bodies in scope: of the scope's regions (every body for the national
        office)."""
        if self.region_id is None:
            return select(Body.id)
        return select(Body.id).where(Body.region_id.in_(self.region_ids()))

    def body_ids(self) -> list[int] | None:
        """The ids of the bodies in scope, or None for the whole country (every body)."""
        if self.is_national:
            return None
        return list(db.session.execute(self.bodies()).scalars())

    def has_body(self, body_id: int) -> bool:
        """Whether the body is one the scope's prosecutor oversees."""
        found = db.session.execute(self.bodies().where(Body.id == body_id).limit(1)).first()
        return found is not None


def prosecutor_scope(user: User) -> Scope | None:
    """The scope of an active prosecutor (their office's region), or None for anyone else."""
    if not user.is_authenticated or not user.is_active or user.role != Role.PROSECUTOR:
        return None
    region_id = db.session.execute(
        select(Body.region_id).where(Body.id == user.body_id)
    ).scalar_one_or_none()
    return Scope(region_id)


def region_subtree(region_id: int) -> Select:
    """Ids of a region and every region below it, as one recursive query."""
    tree = select(literal(region_id).label("id")).cte("region_tree", recursive=True)
    tree = tree.union_all(select(Region.id).where(Region.parent_id == tree.c.id))
    return select(tree.c.id)


def regional_prosecutors_for(items: Subquery) -> Select:
    """(item key, user id, e-mail) of the active prosecutors of every regional office whose
    scope holds the item's region, for `items` with the columns `key` and `region_id`: the
    offices of the region and of each region above it. The national office is left out: it
    reads the daily digest instead of a notice per item."""
    ancestry = select(
        Region.id.label("region_id"), Region.id.label("ancestor_id"), Region.parent_id
    ).cte("region_ancestry", recursive=True)
    ancestry = ancestry.union_all(
        select(ancestry.c.region_id, Region.id, Region.parent_id).where(
            Region.id == ancestry.c.parent_id
        )
    )
    return (
        select(items.c.key, User.id, User.email)
        .join(ancestry, ancestry.c.region_id == items.c.region_id)
        .join(Body, Body.region_id == ancestry.c.ancestor_id)
        .join(User, User.body_id == Body.id)
        .where(User.role == Role.PROSECUTOR, User.is_active)
    )


def national_prosecutors() -> list[User]:
    """The active prosecutors of the national office (an office with no region)."""
    return list(
        db.session.execute(
            select(User)
            .join(Body, Body.id == User.body_id)
            .where(User.role == Role.PROSECUTOR, User.is_active, Body.region_id.is_(None))
            .order_by(User.id)
        ).scalars()
    )
