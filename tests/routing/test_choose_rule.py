"""Table tests of routing's walk-up, on plain values (no app, no database).

A made-up tree: category 10 (utilities) with child 11 (heating); category 20 (corruption).
Regions: 1 the country > 2 a city > 3 a district of it; 4 another city > 5 its district.
Bodies are numbered by what they are: 300 the district akimat, 200 the city's housing
department, 100 a national body, 400 the other city's department.
"""

import pytest

from appeals.routing.rules import RoutingDecision, RuleRow, choose_rule

UTILITIES, HEATING, CORRUPTION = 10, 11, 20
COUNTRY, CITY, DISTRICT, OTHER_CITY, OTHER_DISTRICT = 1, 2, 3, 4, 5

DISTRICT_CHAIN = [DISTRICT, CITY, COUNTRY]
CITY_CHAIN = [CITY, COUNTRY]


def rule(rule_id, category, region, body, priority=100):
    return RuleRow(
        id=rule_id, category_id=category, region_id=region, body_id=body, priority=priority
    )


NATIONAL = rule(1, UTILITIES, None, 100)
CITY_RULE = rule(2, UTILITIES, CITY, 200)
DISTRICT_RULE = rule(3, UTILITIES, DISTRICT, 300)
OTHER_CITY_RULE = rule(4, UTILITIES, OTHER_CITY, 400)
OTHER_DISTRICT_RULE = rule(5, UTILITIES, OTHER_DISTRICT, 500)

CASES = [
    # (why, rules, category chain, region chain, expected body)
    ("district rule beats region and national rules",
     [NATIONAL, CITY_RULE, DISTRICT_RULE], [UTILITIES], DISTRICT_CHAIN, 300),
    ("order of the rules does not matter",
     [DISTRICT_RULE, NATIONAL, CITY_RULE], [UTILITIES], DISTRICT_CHAIN, 300),
    ("no district rule: the city's rule",
     [NATIONAL, CITY_RULE], [UTILITIES], DISTRICT_CHAIN, 200),
    ("region rule beats the national rule",
     [CITY_RULE, NATIONAL], [UTILITIES], CITY_CHAIN, 200),
    ("a district rule does not apply to its city",
     [DISTRICT_RULE, NATIONAL], [UTILITIES], CITY_CHAIN, 100),
    ("only the national rule: it applies everywhere",
     [NATIONAL], [UTILITIES], DISTRICT_CHAIN, 100),
    ("rules of other places are ignored, the national one applies",
     [OTHER_CITY_RULE, OTHER_DISTRICT_RULE, NATIONAL], [UTILITIES], DISTRICT_CHAIN, 100),
    ("child category falls back to its parent's rule",
     [CITY_RULE], [HEATING, UTILITIES], DISTRICT_CHAIN, 200),
    ("child category's own rule beats the parent's, even a more local one",
     [DISTRICT_RULE, rule(6, HEATING, None, 600)], [HEATING, UTILITIES], DISTRICT_CHAIN, 600),
    ("another category's rule is never taken",
     [rule(7, CORRUPTION, DISTRICT, 700), NATIONAL], [UTILITIES], DISTRICT_CHAIN, 100),
    ("lower priority wins between rules at the same level",
     [rule(8, UTILITIES, CITY, 800, priority=50), CITY_RULE], [UTILITIES], CITY_CHAIN, 800),
    ("priority does not beat a more specific level",
     [rule(9, UTILITIES, CITY, 900, priority=1), DISTRICT_RULE], [UTILITIES], DISTRICT_CHAIN,
     300),
]  # fmt: skip


@pytest.mark.parametrize(
    ("why", "rules", "categories", "regions", "body"), CASES, ids=[c[0] for c in CASES]
)
def test_most_specific_rule_wins(why, rules, categories, regions, body):
    decision = choose_rule(rules, categories, regions)
    assert decision is not None, why
    assert decision.body_id == body, why
    chosen = next(r for r in rules if r.body_id == body)
    assert decision == RoutingDecision(body_id=body, rule_id=chosen.id)


@pytest.mark.parametrize(
    ("rules", "categories", "regions"),
    [
        ([], [UTILITIES], DISTRICT_CHAIN),
        ([OTHER_CITY_RULE, OTHER_DISTRICT_RULE], [UTILITIES], DISTRICT_CHAIN),
        ([rule(7, CORRUPTION, None, 700)], [HEATING, UTILITIES], DISTRICT_CHAIN),
        ([rule(6, HEATING, None, 600)], [UTILITIES], CITY_CHAIN),  # a child's rule: not upward
    ],
    ids=["no rules", "only other places", "only other categories", "only a child's rule"],
)
def test_no_candidate_gives_none(rules, categories, regions):
    assert choose_rule(rules, categories, regions) is None


def test_rules_may_be_a_one_shot_iterator():
    # resolve_body hands over a generator: it must be read once, not twice.
    rules = (r for r in [NATIONAL, CITY_RULE, DISTRICT_RULE])
    assert choose_rule(rules, [UTILITIES], DISTRICT_CHAIN).body_id == 300
