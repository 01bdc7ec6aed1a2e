"""Routing: which body is competent for an appeal's category in its region.

The walk: the appeal's category, then its parent categories; for each, the appeal's region,
then its parent regions up to the country, then the national rules (region null). The first
level with an active rule wins; between rules at the same level the lowest priority wins.
A rule that sends appeals to a deactivated body is skipped like an inactive rule, so an appeal
is never registered at a body that no longer works (it falls back to a less specific rule or
to the manual routing queue).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from appeals.extensions import db
from appeals.reference.models import Body, Category, Region, RoutingRule, ancestor_chain


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


def choose_rule(
    rules: Iterable[RuleRow],
    category_chain: Sequence[int],
    region_chain: Sequence[int],
) -> RoutingDecision | None:
    """The most specific rule for the chains (each ordered from the item itself upwards)."""
    region_rank = {region_id: rank for rank, region_id in enumerate(region_chain)}
    national_rank = len(region_chain)  # a national rule is the least specific region
    category_rank = {category_id: rank for rank, category_id in enumerate(category_chain)}

    def specificity(rule: RuleRow) -> tuple[int, int, int]:
        region = national_rank if rule.region_id is None else region_rank[rule.region_id]
        return (category_rank[rule.category_id], region, rule.priority)

    candidates = [
        rule
        for rule in rules
        if rule.category_id in category_rank
        and (rule.region_id is None or rule.region_id in region_rank)
    ]
    if not candidates:
        return None
    best = min(candidates, key=specificity)
    return RoutingDecision(body_id=best.body_id, rule_id=best.id)


def resolve_body(category_id: int, region_id: int) -> RoutingDecision | None:
    """The competent body for a category in a region, or None for the manual routing queue."""
    category_chain = ancestor_chain(Category, category_id)
    region_chain = ancestor_chain(Region, region_id)
    rows = db.session.execute(
        select(
            RoutingRule.id,
            RoutingRule.category_id,
            RoutingRule.region_id,
            RoutingRule.body_id,
            RoutingRule.priority,
        )
        .join(Body, Body.id == RoutingRule.body_id)
        .where(
            RoutingRule.is_active,
            Body.is_active,
            RoutingRule.category_id.in_(category_chain),
            (RoutingRule.region_id.in_(region_chain)) | (RoutingRule.region_id.is_(None)),
        )
    ).all()
    return choose_rule((RuleRow(*row) for row in rows), category_chain, region_chain)
