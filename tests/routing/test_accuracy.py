"""Routing accuracy: of the answered appeals, the share answered by the body they were first
routed to, per body and overall; and the rules whose appeals get forwarded most. Built from
appeals worked through the real services (assign, forward, answer, rate)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from appeals.accounts.models import Role
from appeals.extensions import db
from appeals.intake.applicant import rate_answer
from appeals.intake.models import Decision, Satisfaction
from appeals.reference.models import Body, RoutingRule
from appeals.routing.service import routing_accuracy, rules_causing_forwarding
from appeals.timeutil import local_today
from appeals.work.service import answer_appeal, assign_executor
from appeals.work.terms import forward_appeal
from tests.factories import category_id, region_id, submit
from tests.pages import by_testid, parse

YESIL = "711210000"
ASTANA = "710000000"


def body(code: str) -> Body:
    return db.session.execute(select(Body).where(Body.code == code)).scalar_one()


def rule_of(category: str, body_code: str) -> int:
    return db.session.execute(
        select(RoutingRule.id).where(
            RoutingRule.category_id == category_id(category),
            RoutingRule.region_id == region_id(ASTANA),
            RoutingRule.body_id == body(body_code).id,
        )
    ).scalar_one()


@pytest.fixture
def worked(make_user):
    """Seven appeals from Astana:
    healthcare (routed to health-71 by rule): H1 answered there, H2 answered there and rated
    (closed), H3 forwarded to education-71 and answered there, H4 still open;
    education (routed to education-71 by rule): E1 answered there, E2 forwarded to health-71
    and answered there, E3 forwarded to health-71 and not yet answered.
    """
    citizen = make_user()
    heads = {
        "health": make_user(Role.HEAD, body_code="health-71"),
        "education": make_user(Role.HEAD, body_code="education-71"),
    }
    official = make_user(Role.OFFICIAL, body_code="health-71")
    today = local_today()

    def new(category: str):
        appeal, _ = submit(citizen, category=category, region=YESIL)
        return appeal

    h1, h2, h3, h4 = (new("healthcare") for _ in range(4))
    e1, e2, e3 = (new("education") for _ in range(3))

    assign_executor(h1, official, heads["health"])
    answer_appeal(h1, "Your appointment is booked for Monday.", Decision.SATISFIED, official)
    answer_appeal(h2, "The clinic will register your child.", Decision.SATISFIED, heads["health"])
    rate_answer(h2, Satisfaction.SATISFIED, "Thank you", citizen)
    forward_appeal(
        h3, body("education-71"), "A school nurse: education", heads["health"], today=today
    )
    answer_appeal(
        h3, "The school will hire a nurse.", Decision.PARTLY_SATISFIED, heads["education"]
    )
    answer_appeal(e1, "The school bus runs again.", Decision.SATISFIED, heads["education"])
    forward_appeal(
        e2, body("health-71"), "A matter of a polyclinic", heads["education"], today=today
    )
    answer_appeal(e2, "Explained the vaccination rules.", Decision.EXPLAINED, heads["health"])
    forward_appeal(e3, body("health-71"), "A hospital matter", heads["education"], today=today)
    db.session.commit()
    return {"h": [h1, h2, h3, h4], "e": [e1, e2, e3]}


def test_accuracy_per_body_and_overall(worked):
    per_body, overall = routing_accuracy()
    db.session.commit()
    rows = [(row.body.code, row.answered, row.kept, round(row.share, 4)) for row in per_body]
    # Worst first: education-71 kept 1 of its 2 answered (E3 is not answered yet), health-71
    # kept 2 of 3 (H4 is still open).
    assert rows == [("education-71", 2, 1, 0.5), ("health-71", 3, 2, 0.6667)]
    assert (overall.answered, overall.kept, overall.share) == (5, 3, 0.6)


def test_rules_causing_most_forwarding(worked):
    rows = rules_causing_forwarding()
    summary = [(row.rule.id, row.routed, row.forwarded) for row in rows]
    assert summary == [
        (rule_of("education", "education-71"), 3, 2),
        (rule_of("healthcare", "health-71"), 4, 1),
    ]
    assert rows[0].rule.category.code == "education"
    assert rows[0].rule.region.code == ASTANA
    assert rows[0].rule.body.code == "education-71"
    db.session.commit()


def test_nothing_answered_gives_empty_figures(make_user):
    submit(make_user(), category="healthcare", region=YESIL)
    per_body, overall = routing_accuracy()
    assert per_body == [] and (overall.answered, overall.share) == (0, 0.0)
    assert rules_causing_forwarding() == []
    db.session.commit()


def test_each_figure_is_one_sql_query(app, worked):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        routing_accuracy()
        accuracy_queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        statements.clear()
        rules_causing_forwarding()
        forwarding_queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    finally:
        event.remove(engine, "before_cursor_execute", record)
        db.session.commit()
    assert len(accuracy_queries) == 1 and "GROUP BY" in accuracy_queries[0]
    assert len(forwarding_queries) == 1 and "GROUP BY" in forwarding_queries[0]


def test_the_admin_page_shows_the_figures(client, login, make_user, worked):
    login(make_user(Role.ADMIN))
    page = client.get("/admin/routing/accuracy").get_data(as_text=True)
    overall = by_testid(page, "overall-accuracy").text()
    assert "60.0%" in overall and "3 of 5 answered appeals" in overall
    shares = {
        e.attrs["data-body"]: next(c.text() for c in e.iter() if "data-share" in c.attrs)
        for e in parse(page).iter()
        if e.tag == "tr" and "data-body" in e.attrs
    }
    assert shares == {"education-71": "50.0%", "health-71": "66.7%"}
    forwarding = by_testid(page, "forwarding-rules")
    ranked = [e.attrs["data-rule"] for e in forwarding.iter() if "data-rule" in e.attrs]
    assert ranked == [
        str(rule_of("education", "education-71")),
        str(rule_of("healthcare", "health-71")),
    ]
    db.session.commit()


@pytest.mark.parametrize("role", [Role.PROSECUTOR, Role.HEAD, Role.CITIZEN])
def test_only_admins_see_the_accuracy_page(client, login, make_user, role):
    login(make_user(role, body_code=None if role == Role.CITIZEN else "health-71"))
    assert client.get("/admin/routing/accuracy").status_code == 403
