"""Defects of a statement or a complaint (APPK art. 64(6)-(7)): the body names the missing
requisites and a date; the applicant fixes them by then and the case goes on with its term
unchanged; not fixed, the appeal is returned by a job (and the sweep) with the ground and a
notice. And the anonymous rule by kind (art. 88(1)(2)).

Hand-worked dates (tests/deadlines/test_defect_dates.py): a statement registered Tue
08.12.2026 is due Wed 30.12.2026; asked that day, the latest date is Wed 23.12.2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from redis import Redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from appeals.accounts.models import Role
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.event_text import event_text
from appeals.intake.models import Appeal, AppealKind
from appeals.intake.service import NewAppeal, submit_anonymous_appeal
from appeals.intake.workflow import TransitionRefused
from appeals.notifications.models import Notification
from appeals.notifications.service import render_notice
from appeals.queues import get_queue
from appeals.timeutil import local_today, now_utc
from appeals.work.defect_jobs import return_unfixed_job, sweep_unfixed_defects
from appeals.work.defects import ask_to_fix, fix_defects, return_job_id, return_unfixed
from appeals.work.service import assign_executor, leave_without_consideration
from tests.factories import category_id, region_id, submit
from tests.pages import by_testid, field_error, field_value, page_text
from tests.work.conftest import events_of, flashed, notices_of, post_step, state

# Tue 08.12.2026, 10:00 in Almaty (UTC+5).
TUESDAY = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)
ASKED = date(2026, 12, 8)
FIX_BY = date(2026, 12, 23)
DUE = date(2026, 12, 30)


@pytest.fixture
def statement(people) -> Appeal:
    appeal, _ = submit(people.citizen, now=TUESDAY)
    assign_executor(appeal, people.official, people.head)
    db.session.commit()
    assert appeal.due_on == DUE
    return appeal


@pytest.fixture
def asked(statement, people) -> Appeal:
    ask_to_fix(statement, ["iin", "signature"], FIX_BY, "Sign page 2", people.official, today=ASKED)
    db.session.commit()
    return statement


def scheduled_ids(redis_url: str) -> set[str]:
    connection = Redis.from_url(redis_url)
    return set(ScheduledJobRegistry(queue=Queue("default", connection=connection)).get_job_ids())


# --- Asking ---------------------------------------------------------------------------------


def test_the_executor_names_the_defects_and_the_term_runs_on(asked, people, redis_server):
    assert asked.fix_by == FIX_BY
    assert asked.status == "in_progress" and asked.due_on == DUE and asked.extended_until is None
    noted = events_of(asked.id)[-1]
    assert noted.kind == "defects_noted" and noted.actor_id == people.official.id
    assert noted.data == {"defects": ["iin", "signature"], "fix_by": "2026-12-23"}
    assert noted.note == "Sign page 2"
    assert ("defects_to_fix", people.citizen.email) in notices_of(asked.id)
    notice = db.session.execute(
        select(Notification).where(Notification.template == "defects_to_fix")
    ).scalar_one()
    subject, body = render_notice(notice)
    assert asked.number in subject and "23.12.2026" in subject
    assert "identification number (IIN)" in body and "Sign page 2" in body
    assert "returned to you without consideration" in body
    # The return waits in RQ for the day after the date.
    assert return_job_id(asked.id, FIX_BY) in scheduled_ids(redis_server.url)


@pytest.mark.parametrize(
    ("fix_by", "message"),
    [
        (date(2026, 12, 7), "must be in the future"),  # in the past
        (ASKED, "must be in the future"),
        (date(2026, 12, 24), "at most 10 working days: until 23.12.2026"),
    ],
)
def test_a_date_out_of_bounds_is_refused_and_nothing_saved(statement, people, fix_by, message):
    before = state(statement.id)
    with pytest.raises(TransitionRefused, match=message):
        ask_to_fix(statement, ["iin"], fix_by, None, people.official, today=ASKED)
    db.session.rollback()
    assert state(statement.id) == before
    db.session.refresh(statement)
    assert statement.fix_by is None


def test_a_date_after_the_term_is_refused(statement, people):
    # Asked on Mon 28.12.2026: 10 working days would reach 14.01.2027, past the due 30.12.
    with pytest.raises(TransitionRefused, match="cannot be after the due date, 30.12.2026"):
        ask_to_fix(
            statement, ["iin"], date(2026, 12, 31), None, people.head, today=date(2026, 12, 28)
        )
    db.session.rollback()


def test_who_and_what_may_be_asked(statement, people, asked):
    with pytest.raises(TransitionRefused, match="asked to fix defects already, by 23.12.2026"):
        ask_to_fix(asked, ["iin"], FIX_BY, None, people.head, today=ASKED)
    db.session.rollback()
    report, _ = submit(people.citizen, kind=AppealKind.REPORT, now=TUESDAY)
    with pytest.raises(TransitionRefused, match="only in a statement or a complaint"):
        ask_to_fix(report, ["iin"], FIX_BY, None, people.head, today=ASKED)
    db.session.rollback()
    other, _ = submit(people.citizen, now=TUESDAY)
    with pytest.raises(TransitionRefused, match="Only staff of the body"):
        ask_to_fix(other, ["iin"], FIX_BY, None, people.stranger_head, today=ASKED)
    db.session.rollback()
    with pytest.raises(TransitionRefused, match="from the list"):
        ask_to_fix(other, ["shoe size"], FIX_BY, None, people.head, today=ASKED)
    db.session.rollback()
    with pytest.raises(TransitionRefused, match="from the list"):
        ask_to_fix(other, [], FIX_BY, None, people.head, today=ASKED)
    db.session.rollback()


# --- Fixing ---------------------------------------------------------------------------------


def test_the_applicant_fixes_in_time_and_the_case_goes_on(asked, people, redis_server):
    before_due = asked.effective_due_on
    fix_defects(asked, "IIN 900101300123; signed copy attached.", [], people.citizen, today=FIX_BY)
    db.session.commit()
    assert asked.fix_by is None and asked.status == "in_progress"
    assert asked.effective_due_on == before_due  # the term is not stopped nor restarted
    kinds = [e.kind for e in events_of(asked.id)]
    assert kinds[-2:] == ["supplemented", "defects_fixed"]
    assert ("appeal_supplemented", people.official.email) in notices_of(asked.id)
    assert return_job_id(asked.id, FIX_BY) not in scheduled_ids(redis_server.url)
    # Fixed: the return finds nothing, even after the date.
    assert return_unfixed(date(2026, 12, 24)) == 0
    db.session.refresh(asked)
    assert asked.status == "in_progress"


def test_fixing_after_the_date_is_refused_and_nothing_saved(asked, people):
    before = state(asked.id)
    with pytest.raises(TransitionRefused, match="23.12.2026, has passed"):
        fix_defects(asked, "Too late", [], people.citizen, today=date(2026, 12, 24))
    db.session.rollback()
    assert state(asked.id) == before


def test_only_the_applicant_fixes_and_with_something(asked, people, statement):
    before = state(asked.id)
    with pytest.raises(TransitionRefused, match="Only the applicant"):
        fix_defects(asked, "Mine", [], people.other_citizen, today=ASKED)
    db.session.rollback()
    with pytest.raises(TransitionRefused, match="Write a clarification or attach a document"):
        fix_defects(asked, "  ", [], people.citizen, today=ASKED)
    db.session.rollback()
    assert state(asked.id) == before


def test_nothing_to_fix_when_nothing_was_asked(statement, people):
    with pytest.raises(TransitionRefused, match="has not asked you to fix anything"):
        fix_defects(statement, "Here", [], people.citizen, today=ASKED)
    db.session.rollback()


# --- The return -----------------------------------------------------------------------------


def test_unfixed_it_is_returned_the_day_after_once(asked, people):
    assert return_unfixed(FIX_BY) == 0  # the last day is the applicant's
    assert return_unfixed(date(2026, 12, 24)) == 1
    db.session.commit()
    db.session.refresh(asked)
    assert asked.status == "left_without_consideration" and asked.fix_by is None
    assert asked.closed_at is not None
    returned = events_of(asked.id)[-1]
    assert returned.kind == "left_without_consideration"
    assert returned.data == {
        "code": "left_on_ground",
        "ground": "defects_not_fixed",
        "by_sweep": True,
    }
    assert returned.note is None  # the system's words are a code, read in each reader's language
    assert event_text(returned).startswith("Returned: the defects were not fixed")
    notice = db.session.execute(
        select(Notification).where(Notification.template == "appeal_returned_defects")
    ).scalar_one()
    subject, body = render_notice(notice)
    assert asked.number in subject and "APPK art. 64(7)" in body
    # A second run (the job after the sweep, or the sweep again) changes nothing.
    before = state(asked.id)
    assert return_unfixed(date(2026, 12, 25)) == 0
    db.session.commit()
    assert state(asked.id) == before


def test_an_appeal_answered_meanwhile_is_not_returned(asked, people):
    from appeals.work.service import answer_appeal

    answer_appeal(asked, "A reasoned answer. " * 10, "explained", people.official)
    db.session.commit()
    assert return_unfixed(date(2026, 12, 24)) == 0


@pytest.fixture
def overdue_fix(people) -> Appeal:
    """A statement whose date to fix passed yesterday (asked when it was registered)."""
    appeal, _ = submit(people.citizen, now=now_utc() - timedelta(days=10))
    registered = appeal.registered_on
    fix_by = working_calendar().add_working_days(registered, 2)
    assert fix_by < local_today()
    ask_to_fix(appeal, ["name"], fix_by, None, people.head, today=registered)
    db.session.commit()
    return appeal


def test_the_scheduled_job_returns_it_in_a_real_worker(overdue_fix, run_jobs):
    run_jobs()  # the return was scheduled for a moment already past: it runs now
    db.session.refresh(overdue_fix)
    assert overdue_fix.status == "left_without_consideration"
    assert [e.data for e in events_of(overdue_fix.id)][-1]["by_sweep"] is False
    # The job again, queued by hand, finds nothing to do.
    get_queue().enqueue(return_unfixed_job, overdue_fix.id)
    run_jobs()
    assert [e.kind for e in events_of(overdue_fix.id)].count("left_without_consideration") == 1


def test_the_sweep_returns_what_redis_lost(overdue_fix, run_jobs, redis_server):
    Redis.from_url(redis_server.url).flushdb()  # the scheduled return is lost
    get_queue("sweeps").enqueue(sweep_unfixed_defects)
    run_jobs()
    db.session.refresh(overdue_fix)
    assert overdue_fix.status == "left_without_consideration"
    get_queue("sweeps").enqueue(sweep_unfixed_defects)
    run_jobs()
    assert [e.kind for e in events_of(overdue_fix.id)].count("left_without_consideration") == 1


# --- The anonymous rule by kind -------------------------------------------------------------


def test_the_anonymous_ground_is_refused_for_a_known_applicant(statement, people):
    before = state(statement.id)
    with pytest.raises(TransitionRefused, match="applicant of this appeal is known"):
        leave_without_consideration(statement, "anonymous", people.head)
    db.session.rollback()
    assert state(statement.id) == before


def _anonymous(kind: AppealKind, category: str = "healthcare") -> Appeal:
    appeal, _ = submit_anonymous_appeal(
        NewAppeal(
            kind=kind,
            category_id=category_id(category),
            region_id=region_id("710000000"),
            subject="Anonymous",
            text="Written without a name, on purpose, for this test.",
        ),
        "someone@mail.kz",
    )
    db.session.commit()
    return appeal


def test_an_anonymous_statement_goes_to_the_defects_path_not_the_anonymous_ground(people):
    appeal = _anonymous(AppealKind.STATEMENT)
    assert appeal.status == "registered" and appeal.current_body.code == "health-71"
    with pytest.raises(TransitionRefused, match="not terminated as anonymous"):
        leave_without_consideration(appeal, "anonymous", people.head)
    db.session.rollback()
    ask_to_fix(
        appeal, ["name", "iin", "address", "signature"], FIX_BY, None, people.head, today=ASKED
    )
    db.session.commit()
    # No account to notify: the notice goes to the contact e-mail left.
    assert ("defects_to_fix", "someone@mail.kz") in notices_of(appeal.id)


def test_an_anonymous_crime_report_cannot_be_left_as_anonymous(make_user):
    report = _anonymous(AppealKind.REPORT, "police.crime_report")
    assert report.status == "registered" and report.current_body.code == "police-71"
    police_head = make_user(Role.HEAD, body_code="police-71")
    with pytest.raises(TransitionRefused, match="considered even when anonymous"):
        leave_without_consideration(report, "anonymous", police_head)
    db.session.rollback()


# --- The pages (on an appeal registered today: no dependence on the wall clock) ---------------


def test_the_step_on_the_officials_page(client, login, people, assigned):
    login(people.official)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    form = by_testid(page, "defects-form").text()
    assert "Missing requisites" in form and "IIN" in form

    response = post_step(
        client,
        assigned.id,
        "defects",
        "defects",
        defects=["address", "signature"],
        fix_by=_in_working_days(3).isoformat(),
        note="Page 2",
    )

    assert "asked to fix the defects by" in flashed(client, response)
    page = client.get(f"/work/appeals/{assigned.id}").get_data(as_text=True)
    pending = by_testid(page, "defects-pending").text()
    assert "postal address" in pending and "Page 2" in pending
    assert by_testid(page, "defects-form") is None  # asked once until fixed or returned
    timeline = by_testid(page, "timeline").text()
    assert "Asked to fix defects" in timeline and "to fix by" in timeline


def test_a_form_error_keeps_what_was_typed(client, login, people, assigned):
    login(people.official)
    before = state(assigned.id)

    response = post_step(
        client, assigned.id, "defects", "defects", fix_by="2026-12-20", note="Sign it, please"
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose at least one." in page_text(page)
    assert field_value(page, "defects-fix_by") == "2026-12-20"
    assert "Sign it, please" in page
    assert state(assigned.id) == before


def test_a_refused_date_is_told_and_nothing_saved(client, login, people, assigned):
    login(people.official)
    before = state(assigned.id)
    yesterday = (local_today() - timedelta(days=1)).isoformat()

    response = post_step(
        client, assigned.id, "defects", "defects", defects=["iin"], fix_by=yesterday
    )

    assert "must be in the future" in flashed(client, response)
    assert state(assigned.id) == before


def test_a_report_offers_no_defects_step(client, login, people):
    report, _ = submit(people.citizen, kind=AppealKind.REPORT)
    login(people.head)
    page = client.get(f"/work/appeals/{report.id}").get_data(as_text=True)
    assert by_testid(page, "defects-form") is None


def test_the_applicant_fixes_on_the_appeal_page(client, login, people, assigned):
    fix_by = _in_working_days(3)
    ask_to_fix(assigned, ["iin"], fix_by, None, people.official, today=local_today())
    db.session.commit()
    login(people.citizen)
    page = client.get(f"/appeals/{assigned.id}").get_data(as_text=True)
    assert "identification number (IIN)" in by_testid(page, "defects-to-fix").text()

    version = assigned.version
    response = client.post(
        f"/appeals/{assigned.id}/fix",
        data={"fix-version": version, "fix-text": "My IIN is 900101300123."},
    )

    assert "The fix is added" in flashed(client, response)
    db.session.refresh(assigned)
    assert assigned.fix_by is None
    assert events_of(assigned.id)[-1].kind == "defects_fixed"
    page = client.get(f"/appeals/{assigned.id}").get_data(as_text=True)
    assert by_testid(page, "defects-to-fix") is None


def test_a_fix_form_error_keeps_what_was_typed(client, login, people, assigned, app):
    ask_to_fix(assigned, ["iin"], _in_working_days(3), None, people.official, today=local_today())
    db.session.commit()
    login(people.citizen)
    before = state(assigned.id)
    response = client.post(
        f"/appeals/{assigned.id}/fix",
        data={"fix-version": assigned.version, "fix-text": "x" * 10_001},
    )
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "fix-text")
    assert state(assigned.id) == before


def _in_working_days(n: int) -> date:
    return working_calendar().add_working_days(local_today(), n)
