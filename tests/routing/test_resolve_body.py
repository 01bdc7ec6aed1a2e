"""Routing against the seeded reference data, and the manual routing queue when no rule fits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus
from appeals.reference.models import Body, RoutingRule
from appeals.routing.rules import resolve_body
from tests.factories import category_id, region_id, submit
from tests.ops.test_request_costs import statements_sent

ASTANA, ALMATY, SHYMKENT = "710000000", "750000000", "790000000"
BOSTANDYK = "751410000"  # Almaty city: its own akimat takes utilities and housing
ENBEKSHIKAZAKH = "194000000"  # Almaty region: no district rule for utilities and housing
NURA = "355200000"  # Karaganda region: no district rule either
YESIL = "711210000"  # Astana


def body_code(body_id: int) -> str:
    return db.session.execute(select(Body.code).where(Body.id == body_id)).scalar_one()


ROUTES = [
    # (category, region, competent body)
    ("utilities_housing", BOSTANDYK, "akimat-751410000"),
    ("utilities_housing", YESIL, "akimat-711210000"),
    ("utilities_housing", ENBEKSHIKAZAKH, "housing-19"),
    ("utilities_housing", NURA, "housing-35"),
    ("utilities_housing", ALMATY, "housing-75"),
    ("utilities_housing.heating", BOSTANDYK, "akimat-751410000"),
    ("utilities_housing.heating", ENBEKSHIKAZAKH, "housing-19"),
    ("corruption", BOSTANDYK, "anticorruption"),
    ("corruption", NURA, "anticorruption"),
    ("corruption", SHYMKENT, "anticorruption"),
    ("corruption", "000000000", "anticorruption"),
    ("healthcare", ALMATY, "health-75"),
    ("healthcare.medicines", ALMATY, "health-75"),
    ("healthcare.medicines", BOSTANDYK, "health-75"),
    ("education.schools", NURA, "education-35"),
    ("labour", ASTANA, "minlabour"),
]


@pytest.mark.parametrize(("category", "region", "body"), ROUTES)
def test_appeal_is_routed_to_the_competent_body(category, region, body):
    decision = resolve_body(category_id(category), region_id(region))
    assert decision is not None
    assert body_code(decision.body_id) == body
    rule = db.session.get(RoutingRule, decision.rule_id)
    assert rule.body_id == decision.body_id and rule.is_active


def test_no_rule_gives_no_decision(no_rules_for):
    no_rules_for("healthcare", YESIL)
    assert resolve_body(category_id("healthcare"), region_id(YESIL)) is None
    # Only that category lost its rules: the others still route.
    assert resolve_body(category_id("education"), region_id(YESIL)) is not None


@pytest.mark.parametrize(
    ("category", "region", "reception"),
    [
        ("healthcare", YESIL, "prosecutor-71"),  # a district: its city's office
        ("healthcare.medicines", ALMATY, "prosecutor-75"),  # a child category, a city
        ("utilities_housing", NURA, "prosecutor-35"),  # both the district and the region
    ],
)
def test_appeal_without_a_rule_waits_in_the_manual_queue_of_the_regional_prosecutor(
    make_user, no_rules_for, category, region, reception
):
    no_rules_for(category, region)
    citizen = make_user()
    appeal, code = submit(citizen, category=category, region=region)

    db.session.expire_all()
    saved = db.session.execute(select(Appeal).where(Appeal.number == appeal.number)).scalar_one()
    assert saved.status == AppealStatus.MANUAL_ROUTING
    assert saved.current_body.code == reception
    assert saved.due_on is None  # the term starts at the competent body
    assert [(e.kind, e.status_after) for e in saved.events] == [
        ("submitted", "submitted"),
        ("routed", "manual_routing"),
    ]
    assert saved.events[-1].to_body.code == reception
    assert saved.applicant_id == citizen.id and code


def test_manually_routed_appeal_is_in_the_applicants_list(client, login, make_user, no_rules_for):
    no_rules_for("healthcare", YESIL)
    citizen = make_user()
    appeal, _ = submit(citizen, category="healthcare", region=YESIL)
    login(citizen)

    page = client.get("/appeals/").get_data(as_text=True)

    assert appeal.number in page
    assert 'data-status="manual_routing"' in page


def test_manually_routed_appeal_is_open_to_the_reception_prosecutor(
    client, login, make_user, no_rules_for
):
    no_rules_for("healthcare", YESIL)
    appeal, _ = submit(make_user(), category="healthcare", region=YESIL)
    login(make_user(Role.PROSECUTOR, body_code="prosecutor-71"))

    response = client.get(f"/appeals/{appeal.id}")

    assert response.status_code == 200
    assert appeal.number in response.get_data(as_text=True)


def test_the_rules_and_both_chains_are_read_in_one_statement():
    heating, district = category_id("utilities_housing.heating"), region_id(BOSTANDYK)
    with statements_sent(lambda statement: True) as sent:
        decision = resolve_body(heating, district)
    assert decision is not None and body_code(decision.body_id) == "akimat-751410000"
    assert len(sent) == 1


def test_the_lower_priority_wins_between_rules_at_one_level():
    chosen = resolve_body(category_id("healthcare"), region_id(ALMATY))
    rule = db.session.get(RoutingRule, chosen.rule_id)
    other = db.session.execute(select(Body).where(Body.code == "health-71")).scalar_one()
    db.session.add(
        RoutingRule(
            category_id=rule.category_id,
            region_id=rule.region_id,
            body_id=other.id,
            priority=rule.priority - 1,
        )
    )
    db.session.flush()
    assert resolve_body(category_id("healthcare"), region_id(ALMATY)).body_id == other.id
