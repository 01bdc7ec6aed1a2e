"""Routing: which body is competent for an appeal's category in its region.

The walk: the appeal's category, then its parent categories; for each, the appeal's region,
then its parent regions up to the country, then the national rules (region null). The first
level with an active rule wins; between rules at the same level the lowest priority wins.
A rule that sends appeals to a deactivated body is skipped like an inactive rule, so an appeal
is never registered at a body that no longer works (it falls back to a less specific rule or
to the manual routing queue).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, select

from appeals.extensions import db
from appeals.reference.models import LONGEST_CHAIN, Body, Category, Region, RoutingRule, chain_up


@dataclass(frozen=True)
class RuleRow:
    id: int
    category_id: int
    region_id: int | None
    body_id: int
    priority: int


@dataclass(frozen=True)
class RoutingDecision:
    body_id: int
    rule_id: int


# How far up the region's chain a national rule (region null) stands: above every region.
NATIONAL = LONGEST_CHAIN + 1


def choose_rule(
    rules: Iterable[RuleRow],
    category_chain: Sequence[int],
    region_chain: Sequence[int],
) -> RoutingDecision | None:
    """The most specific rule for the chains (each ordered from the item itself upwards)."""
    region_rank = {region_id: rank for rank, region_id in enumerate(region_chain)}
    category_rank = {category_id: rank for rank, category_id in enumerate(category_chain)}
    return most_specific(
        (category_rank[rule.category_id], region_rank.get(rule.region_id, NATIONAL), rule)
        for rule in rules
        if rule.category_id in category_rank
        and (rule.region_id is None or rule.region_id in region_rank)
    )


def most_specific(ranked: Iterable[tuple[int, int, RuleRow]]) -> RoutingDecision | None:
    """Of rules each with how far up the category's and the region's chains it stands, the
    nearest category, then the nearest region (a national rule last), then the lowest
    priority; None when there is none."""
    best = min(ranked, key=lambda row: (row[0], row[1], row[2].priority), default=None)
    return None if best is None else RoutingDecision(body_id=best[2].body_id, rule_id=best[2].id)


@functools.cache
def _rules_up_the_chains() -> Select:
    """The active rules at active bodies for :category_id or a category above it and for
    :region_id, a region above it or the whole country, each with its depths up the two
    chains: one statement, built once (the chains' walks as reference.models.ancestor_chain)."""
    categories = chain_up(Category, bindparam("category_id"), "categories_up")
    regions = chain_up(Region, bindparam("region_id"), "regions_up")
    return (
        select(
            RoutingRule.id,
            RoutingRule.category_id,
            RoutingRule.region_id,
            RoutingRule.body_id,
            RoutingRule.priority,
            categories.c.depth,
            regions.c.depth,
        )
        .join(Body, Body.id == RoutingRule.body_id)
        .join(categories, categories.c.id == RoutingRule.category_id)
        .outerjoin(regions, regions.c.id == RoutingRule.region_id)
        .where(
            RoutingRule.is_active,
            Body.is_active,
            RoutingRule.region_id.is_(None) | regions.c.id.is_not(None),
        )
    )


def resolve_body(category_id: int, region_id: int) -> RoutingDecision | None:
    """The competent body for a category in a region, or None for the manual routing queue."""
    rows = db.session.execute(
        _rules_up_the_chains(), {"category_id": category_id, "region_id": region_id}
    )
    return most_specific(
        (category_depth, NATIONAL if region_depth is None else region_depth, RuleRow(*rule))
        for *rule, category_depth, region_depth in rows
    )
