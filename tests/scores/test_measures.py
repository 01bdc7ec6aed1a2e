"""The measures against a handful of appeals created through the real services, with the
figures worked out by hand; and the drill-down lists against each figure."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from appeals.accounts.models import Role, User
from appeals.audit.models import Violation
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal, Decision
from appeals.reference.models import Body
from appeals.scores.appeals_behind import MEASURES, RATES_WITH_PARTS, appeals_behind
from appeals.scores.formula import Rate
from appeals.scores.measures import body_measures
from appeals.scores.period import Period
from appeals.work.service import answer_appeal
from tests.factories import submit
from tests.scores.conftest import TODAY, audit, period, utc


def measures_of(scenario_body: int, **kw):
    (m,) = body_measures(period(), body_ids=[scenario_body], today=TODAY, **kw)
    return m


def test_the_health_departments_figures(scenario):
    m = measures_of(scenario.health)
    # a1-a4 (a6, a7 are the akimat's now; r3 is due in November at H, counted too).
    assert m.appeals == 5
    # On time: a1, a3 (by its extended date); late: a2 (local date), a4 (open past due);
    # r3 (received 27.10, due 17.11) is open past due too: late.
    assert m.timely == Rate(2, 5)
    assert m.satisfaction == Rate(1.5, 3)  # 1 + 0.5 + 0
    assert m.audit_clean == Rate(2, 3)  # a1 lawful, a2 violation, a3 latest lawful
    assert m.no_followup == Rate(1, 3)  # a2 (complaint) and a3 (repeat) followed
    assert m.complaints_rejected == Rate(1, 2)  # c1 upheld, c2 refused
    assert m.median_days_to_answer == 16  # 7, 16, 18
    # Late: a2 1 working day, a4 45, r3 6 (18-20, 23-25.11): (1 + 45 + 6) / 3.
    assert m.mean_days_late == pytest.approx(52 / 3)
    assert (m.open_overdue, m.very_overdue) == (2, 1)  # a4 and r3; a4 very
    assert m.extension_rate == Rate(1, 5)
    assert m.forwarded_out == Rate(2, 7)  # a6, a7 out of 5 + 2 received
    assert m.forward_compliance == Rate(1, 2)  # a7 went after the 3-day window


def test_the_other_bodies_figures(scenario):
    akimat = measures_of(scenario.akimat)
    # a6 and a7 restarted at the akimat (received 02.09 and 10.09), still registered and
    # past due: late, open, overdue; forwarded by nobody from here.
    assert akimat.appeals == 2 and akimat.timely == Rate(0, 2)
    assert akimat.open_overdue == 2 and akimat.forwarded_out == Rate(0, 2)
    assert akimat.forward_compliance == Rate(0, 0) and akimat.median_days_to_answer is None
    police = measures_of(scenario.police)
    # c1 and c2 are the police's own appeals: answered 20.10 and 23.11, both in time.
    assert police.appeals == 2 and police.timely == Rate(2, 2)
    assert police.complaints_rejected == Rate(0, 0)  # nobody complained about its answers


def test_all_bodies_at_once_match_one_at_a_time(scenario):
    together = {m.body_id: m for m in body_measures(period(), today=TODAY)}
    assert set(together) == {scenario.health, scenario.akimat, scenario.police}
    for body in together:
        assert together[body] == measures_of(body)


def test_a_region_holds_its_bodies_only(scenario):
    astana = db.session.execute(
        select(Body.region_id).where(Body.id == scenario.health)
    ).scalar_one()
    almaty = db.session.execute(select(Body.region_id).where(Body.code == "health-75")).scalar_one()
    in_astana = {m.body_id for m in body_measures(period(), region_id=astana, today=TODAY)}
    assert in_astana == {scenario.health, scenario.akimat, scenario.police}
    assert body_measures(period(), region_id=almaty, today=TODAY) == []


def test_an_open_appeal_not_yet_due_is_not_counted_yet(scenario):
    # On 15.09 a4 is not yet due (22.09): it is among the appeals, not in timeliness.
    september = Period.month(2026, 9)
    early = body_measures(september, body_ids=[scenario.health], today=date(2026, 9, 15))[0]
    late = body_measures(september, body_ids=[scenario.health], today=TODAY)[0]
    assert early.appeals == late.appeals == 4  # r3 is due in November
    assert late.timely == Rate(2, 4)
    assert early.timely == Rate(2, 3)  # a4 is not counted before its due date
    assert early.open_overdue == 0


def test_an_empty_period_has_no_figures(scenario):
    assert body_measures(Period.month(2025, 2), today=TODAY) == []
    (nothing,) = body_measures(Period.month(2025, 2), body_ids=[scenario.health], today=TODAY)
    assert nothing.appeals == 0 and nothing.timely == Rate(0, 0)


def test_an_audit_moves_quality_at_once(scenario):
    before = measures_of(scenario.health).audit_clean
    a1 = db.session.get(Appeal, scenario.appeals["a1"])
    prosecutor = db.session.execute(select(User).where(User.role == Role.PROSECUTOR)).scalar()
    audit(a1, prosecutor, Violation.RED_TAPE)  # a newer verdict replaces the lawful one
    db.session.commit()
    assert before == Rate(2, 3)
    assert measures_of(scenario.health).audit_clean == Rate(1, 3)


def _count(query) -> int:
    return len(db.session.execute(query).scalars().all())


@pytest.mark.parametrize("body", ["health", "akimat", "police"])
def test_every_figure_links_to_as_many_appeals_as_it_counted(scenario, body):
    body_id = getattr(scenario, body)
    m = measures_of(body_id)
    expected: dict[str, int] = {
        "appeals": m.appeals,
        "open_overdue": m.open_overdue,
        "very_overdue": m.very_overdue,
        "median_days_to_answer": m.no_followup.n,  # every answer here has a receipt date
        "mean_days_late": m.timely.n - int(m.timely.successes),
    }
    for name in MEASURES:
        if name in expected:
            continue
        rate: Rate = getattr(m, name)
        expected[name] = rate.n
        if name in RATES_WITH_PARTS:
            expected[f"{name}.successes"] = int(rate.successes)
            expected[f"{name}.failures"] = rate.n - int(rate.successes)
    for measure, figure in expected.items():
        assert _count(appeals_behind(body_id, measure, period(), today=TODAY)) == figure, measure


def test_the_lists_hold_the_right_appeals(scenario):
    ids = scenario.appeals
    h = scenario.health

    def listed(measure: str) -> set[int]:
        query = appeals_behind(h, measure, period(), today=TODAY)
        return {a.id for a in db.session.execute(query).scalars()}

    assert listed("timely.failures") == {ids["a2"], ids["a4"], ids["r3"]}
    assert listed("very_overdue") == {ids["a4"]}
    assert listed("no_followup.failures") == {ids["a2"], ids["a3"]}
    assert listed("complaints_rejected.failures") == {ids["c1"]}
    assert listed("forward_compliance.failures") == {ids["a7"]}
    assert listed("forwarded_out.successes") == {ids["a6"], ids["a7"]}
    assert listed("audit_clean.failures") == {ids["a2"]}


@pytest.mark.parametrize("measure", ["nonsense", "satisfaction.successes", "appeals.failures"])
def test_an_unknown_list_is_refused(scenario, measure):
    with pytest.raises(ValueError, match="no list of appeals"):
        appeals_behind(scenario.health, measure, period())


def test_the_measures_read_with_a_bounded_number_of_queries(scenario):
    # One grouped query per family of measures, whatever the number of appeals: count them.
    from sqlalchemy import event

    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        body_measures(period(), today=TODAY)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    appeals_selects = [s for s in statements if "FROM appeals" in s or "JOIN appeals" in s]
    # The main scan, audits, follow-ups, complaints, forwardings, overdue now.
    assert len(appeals_selects) == 6, statements


def test_an_answer_two_years_after_receipt_is_counted_in_full(make_user, monkeypatch):
    # Received 03.06.2024, answered 15.09.2026: far before the first guess of the working-day
    # index (400 days before the period), so the scan widens it and runs again.
    from appeals.scores import measures

    widened = []
    original = measures._index_range
    monkeypatch.setattr(
        measures, "_index_range", lambda *args: widened.append(args) or original(*args)
    )
    citizen, head = make_user(), make_user(Role.HEAD, body_code="health-71")
    old, _ = submit(citizen, now=utc(2024, 6, 3))
    answer_appeal(old, "At last.", Decision.EXPLAINED, head, at=utc(2026, 9, 15))
    db.session.commit()
    cal = working_calendar()
    (m,) = body_measures(Period.month(2026, 9), body_ids=[old.current_body_id], today=TODAY)
    assert m.appeals == 1 and m.timely == Rate(0, 1)
    assert m.median_days_to_answer == cal.working_days_between(date(2024, 6, 3), date(2026, 9, 15))
    assert m.mean_days_late == cal.working_days_between(old.due_on, date(2026, 9, 15))
    assert len(widened) == 1


def test_a_receipt_dated_after_its_answer_does_not_stop_the_count(make_user):
    """A mistake in the data (found on generated data): received after it was answered, past
    every date the first guess of the working-day index covers. The widened index now reaches
    the latest receipt too; it raised "dates outside the working calendar" before, and with
    it every build of the score cells."""
    citizen, head = make_user(), make_user(Role.HEAD, body_code="health-71")
    appeal, _ = submit(citizen, now=utc(2026, 9, 1))
    answer_appeal(appeal, "Done.", Decision.SATISFIED, head, at=utc(2026, 9, 10))
    appeal.received_on = date(2027, 9, 1)
    db.session.commit()

    (m,) = body_measures(Period.month(2026, 9), body_ids=[appeal.current_body_id], today=TODAY)

    assert m.appeals == 1 and m.timely == Rate(1, 1)


def test_the_local_date_follows_the_zones_history(make_user):
    # Until 01.03.2024 Astana was UTC+6: 18:30 UTC on the due date was already the next day
    # there (late), while at today's +5 it would still be the due date.
    citizen, head = make_user(), make_user(Role.HEAD, body_code="health-71")
    then, _ = submit(citizen, now=utc(2024, 1, 3))
    due = then.due_on
    answer_appeal(
        then, "Done.", Decision.SATISFIED, head, at=utc(due.year, due.month, due.day, 18, 30)
    )
    now, _ = submit(citizen, now=utc(2026, 9, 1))
    answer_appeal(now, "Done.", Decision.SATISFIED, head, at=utc(2026, 9, 22, 18, 30))
    db.session.commit()
    body = then.current_body_id
    (old_month,) = body_measures(Period.month(due.year, due.month), body_ids=[body], today=TODAY)
    (new_month,) = body_measures(Period.month(2026, 9), body_ids=[body], today=TODAY)
    assert old_month.timely == Rate(0, 1)
    assert new_month.timely == Rate(1, 1)  # 23:30 in Astana on the due date: on time
