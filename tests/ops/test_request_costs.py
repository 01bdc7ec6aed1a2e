"""What a request costs the shared services under load: one Redis connection kept per
process, a submission's appeal written once, its deadline jobs and the sweep's re-queue sent
in pipelines, and the calendar checked once per transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from markupsafe import escape
from redis import Redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import event, func, select

from appeals.accounts.models import Role
from appeals.deadlines.calendar import DayKind
from appeals.deadlines.models import Holiday
from appeals.deadlines.schedule import deadline_job_ids
from appeals.deadlines.service import working_calendar
from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus, Decision
from appeals.queues import PIPELINE_JOBS, PendingJob, cancel_jobs, send_pending_jobs
from appeals.reference.models import Body
from appeals.work.service import answer_appeal, assign_executor
from tests.conftest import redis_round_trips, tables_restored
from tests.factories import ASTANA, submit
from tests.samples import appeal_fields


@contextmanager
def statements_sent(wanted: Callable[[str], bool]) -> Iterator[list[str]]:
    """The statements sent to the database meanwhile that `wanted` accepts."""
    sent: list[str] = []

    def record(conn, cursor, statement, *args):
        if wanted(statement):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def connections_opened(redis_url: str) -> int:
    return int(Redis.from_url(redis_url).info("stats")["total_connections_received"])


def test_pages_reuse_one_redis_connection(app, client, login, make_user):
    login(make_user(email="reader@example.kz"))
    client.get("/ratings/")  # the first request may open the process's connection
    before = connections_opened(app.config["REDIS_URL"])
    for _ in range(10):
        assert client.get("/ratings/").status_code == 200
        assert client.get("/appeals/new").status_code == 200
    # 20 requests that read fragments and rate limits from Redis: no new connection each.
    assert connections_opened(app.config["REDIS_URL"]) - before <= 1


def test_a_submission_writes_its_appeal_once(app, client, login, make_user):
    login(make_user(email="dana@example.kz"))
    writes = re.compile(r"\s*(INSERT INTO|UPDATE) appeals\b")
    with statements_sent(writes.match) as sent:
        response = client.post("/appeals/new", data=appeal_fields())
    written = [statement.split("(")[0].split(" SET")[0].strip() for statement in sent]
    assert response.status_code == 302
    appeal = db.session.execute(select(Appeal)).scalar_one()
    # Registered with its body, policy and due date, in a single INSERT (no UPDATE after it).
    assert appeal.status == AppealStatus.REGISTERED and appeal.due_on and appeal.policy_id
    assert written == ["INSERT INTO appeals"]


def test_a_submission_schedules_its_deadline_jobs(app, client, login, make_user):
    login(make_user(email="dana@example.kz"))
    assert client.post("/appeals/new", data=appeal_fields()).status_code == 302
    appeal = db.session.execute(select(Appeal)).scalar_one()
    registry = ScheduledJobRegistry("default", connection=Redis.from_url(app.config["REDIS_URL"]))
    expected = deadline_job_ids(appeal.id, appeal.due_on)
    assert len(expected) >= 2  # the reminders still to come and the overdue check
    # Sent together in one pipeline, each under its own id at its own time.
    assert set(expected) <= set(registry.get_job_ids())
    times = {registry.get_scheduled_time(job_id) for job_id in expected}
    assert len(times) == len(expected)


def test_the_sweep_sends_more_jobs_than_one_pipeline_holds(app):
    redis = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue("pipeline-test", connection=redis)
    queue.empty()
    count = PIPELINE_JOBS * 2 + 1
    jobs = [
        PendingJob("appeals.ops.health.alive", (), queue="pipeline-test", job_id=f"pipe-{n}")
        for n in range(count)
    ]
    assert send_pending_jobs(jobs) == count
    assert set(queue.get_job_ids()) == {f"pipe-{n}" for n in range(count)}
    queue.empty()


def test_an_appeals_deadline_jobs_are_cancelled_in_a_few_round_trips(app, make_user):
    appeal, _ = submit(make_user())
    ids = deadline_job_ids(appeal.id, appeal.due_on)
    redis = Redis.from_url(app.config["REDIS_URL"])
    registry = ScheduledJobRegistry("default", connection=redis)
    assert set(ids) <= set(registry.get_job_ids())
    with redis_round_trips() as round_trips:
        cancel_jobs([*ids, "overdue-0-20000101"])  # one already gone: fine
    assert not set(ids) & set(registry.get_job_ids())
    assert not any(redis.exists(f"rq:job:{job_id}") for job_id in ids)
    # All read at once, three reads a job inside RQ's delete (its status and its executions),
    # all deleted in one transaction: one by one it took eight round trips a job.
    assert len(round_trips) <= 3 * len(ids) + 2


def test_a_day_off_added_in_this_transaction_moves_the_calendar_before_commit(app):
    day = date(2026, 12, 23)  # a Wednesday, a working day
    assert working_calendar().is_working_day(day)
    db.session.add(
        Holiday(day=day, kind=DayKind.DAY_OFF, name="A day off by decree", source="admin")
    )
    db.session.flush()
    assert not working_calendar().is_working_day(day)
    db.session.rollback()
    assert working_calendar().is_working_day(day)
    assert working_calendar().is_working_day(day + timedelta(days=1))
    kept = select(func.count()).select_from(Holiday).where(Holiday.day == day)
    assert db.session.execute(kept).scalar_one() == 0


def test_a_calendar_made_before_a_rollback_is_not_kept_for_the_next_change(app):
    unity_day, defenders_day = date(2026, 5, 1), date(2026, 5, 7)  # a Friday, a Thursday
    by_day = select(Holiday).where(Holiday.day.in_([unity_day, defenders_day]))
    with tables_restored(("holidays",)):
        unity, defenders = sorted(db.session.scalars(by_day), key=lambda row: row.day)
        db.session.delete(unity)
        db.session.flush()
        assert working_calendar().is_working_day(unity_day)
        db.session.rollback()
        # Another day goes: the table's count, last id and last change are what they were
        # before the rollback.
        db.session.delete(defenders)
        db.session.commit()
        calendar = working_calendar()
        assert not calendar.is_working_day(unity_day) and calendar.is_working_day(defenders_day)


def test_an_officials_appeal_page_reads_the_appeals_policy_once(app, client, login, make_user):
    appeal, _code = submit(make_user(email="dana@example.kz"))
    login(make_user(Role.HEAD, body_code="health-71"))

    def own_policy(statement: str) -> bool:  # the appeal's own policy, by its id
        return "FROM deadline_policies" in statement and "deadline_policies.id = " in statement

    with statements_sent(own_policy) as read:
        response = client.get(f"/work/appeals/{appeal.id}")
    assert response.status_code == 200
    # The page checks each step (extend, suspend, forward, defects...) against the policy
    # (the complaint's policy, for the paragraph on how to complain, is another row).
    assert len(read) == 1, len(read)


def read_alone(sent: list[str], tables: str) -> list[str]:
    """The statements that read one of `tables` on its own (a lazy load as a page shows it)."""
    return [s for s in sent if re.match(rf"SELECT [^()]*\sFROM ({tables})\s+WHERE", s)]


def the_appeals_statement(sent: list[str]) -> str:
    return next(s for s in sent if re.search(r"\sFROM appeals\b.*\bappeals\.id = ", s, re.S))


def test_an_officials_appeal_page_reads_what_it_shows_with_the_appeal(
    app, client, login, make_user
):
    appeal, _code = submit(make_user(email="dana@example.kz"))
    head = make_user(Role.HEAD, body_code="health-71")
    official = make_user(Role.OFFICIAL, body_code="health-71", full_name="Aigerim Executor")
    assign_executor(appeal, official, head)
    db.session.commit()
    login(head)
    appeal_id = appeal.id
    db.session.expunge_all()  # nothing kept from before, as in a request of its own

    with statements_sent(lambda statement: True) as sent:
        page = client.get(f"/work/appeals/{appeal_id}").get_data(as_text=True)
    assert "Aigerim Executor" in page
    assert read_alone(sent, "categories|regions") == []  # they came with the appeal
    the_appeal = the_appeals_statement(sent)
    assert re.search(r"JOIN bodies\b", the_appeal) and re.search(r"JOIN users\b", the_appeal)
    # The timeline's events, which the checks of the extension steps read too.
    assert len([s for s in sent if re.search(r"\sFROM events\b", s)]) == 1


def test_a_citizens_appeal_page_reads_what_it_shows_with_the_appeal(app, client, login, make_user):
    citizen = make_user(email="dana@example.kz")
    appeal_id = submit(citizen)[0].id
    login(citizen)
    db.session.expunge_all()  # nothing kept from before, as in a request of its own

    with statements_sent(lambda statement: True) as sent:
        page = client.get(f"/appeals/{appeal_id}").get_data(as_text=True)
    assert "Healthcare" in page
    assert read_alone(sent, "categories|regions|bodies") == []
    assert re.search(r"JOIN bodies\b", the_appeals_statement(sent))


def test_the_citizens_list_reads_the_bodies_with_its_rows(app, client, login, make_user):
    citizen = make_user(email="dana@example.kz")
    # Three appeals at three bodies: a lazy load would read each body on its own.
    submit(citizen, category="healthcare", region=ASTANA)
    submit(citizen, category="healthcare.medicines", region="750000000")  # Almaty
    submit(citizen, category="labour", region=ASTANA)
    login(citizen)
    db.session.expunge_all()  # nothing kept from before, as in a request of its own

    with statements_sent(lambda statement: True) as sent:
        page = client.get("/appeals/").get_data(as_text=True)
    bodies = db.session.scalars(select(Appeal.current_body_id).distinct()).all()
    assert len(bodies) == 3
    for body in db.session.scalars(select(Body).where(Body.id.in_(bodies))):
        assert str(escape(body.name)) in page
    assert read_alone(sent, "bodies") == []


def test_the_inbox_reads_executors_bodies_and_categories_with_its_rows(
    app, client, login, make_user
):
    head = make_user(Role.HEAD, body_code="health-71")
    official = make_user(Role.OFFICIAL, body_code="health-71", full_name="Aigerim Executor")
    for subject in ("No appointment", "No medicines", "A rude doctor"):
        appeal, _code = submit(make_user(), subject=subject)
        assign_executor(appeal, official, head)
    submit(make_user(), category="healthcare.medicines")  # another category, nobody's yet
    db.session.commit()
    login(head)
    db.session.expire_all()  # read again, as in a request of its own (the signed-in head too)

    with statements_sent(lambda statement: True) as sent:
        page = client.get("/work/").get_data(as_text=True)
    assert page.count("Aigerim Executor") >= 3 and "Medicines" in page
    # Not one more statement per kind of thing the rows name (a lazy or a select-in load).
    # (The filter's choices read the categories and the staff on their own, not by id.)
    by_ids = [s for s in read_alone(sent, "categories|users|bodies") if re.search(r"\.id IN", s)]
    assert by_ids == []


def test_an_appeal_page_builds_only_the_forms_of_the_steps_open_now(app, client, login, make_user):
    appeal, _code = submit(make_user(email="dana@example.kz"))
    head = make_user(Role.HEAD, body_code="health-71")
    login(head)

    def staff_or_bodies(statement: str) -> bool:  # the staff to assign, the bodies to forward to
        return "FROM routing_rules" in statement or bool(
            re.search(r"FROM users\b.*\brole IN", statement)
        )

    with statements_sent(staff_or_bodies) as read:
        page = client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True)
    assert 'id="assign-form"' in page and 'id="forward-form"' in page
    assert read  # the steps open on a new appeal need the staff and the competent bodies
    answer_appeal(appeal, "The clinic will see you on Monday.", Decision.SATISFIED, head)
    db.session.commit()
    with statements_sent(staff_or_bodies) as read:
        page = client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True)
    assert "assign-form" not in page and "forward-form" not in page
    assert read == []  # an answered appeal's page does not build the forms it does not show


def a_lists_count(statement: str) -> bool:
    return statement.startswith("SELECT count(*)")  # not the calendar's count(holidays.id)


def test_a_list_that_fits_its_page_is_not_counted(app, client, login, make_user):
    """A page that is not full is the list's last: its length is the page's, with no count of
    its own (a citizen's few appeals, the last page of a long list). A full page is counted,
    and the pager still leads to every page."""
    few = make_user(email="few@example.kz")
    for n in range(3):
        submit(few, subject=f"Appeal {n}")
    many = make_user(email="many@example.kz")
    for n in range(21):
        submit(many, subject=f"Appeal {n}")

    def listed(path: str) -> tuple[str, list[str]]:
        with statements_sent(a_lists_count) as counts:
            page = client.get(path).get_data(as_text=True)
        return page, counts

    login(few)
    page, counts = listed("/appeals/")
    assert len(re.findall(r'href="/appeals/\d+"', page)) == 3 and counts == []

    login(many)
    first, counts = listed("/appeals/")
    assert len(re.findall(r'href="/appeals/\d+"', first)) == 20 and len(counts) == 1
    assert "page=2" in first
    last, counts = listed("/appeals/?page=2")
    assert len(re.findall(r'href="/appeals/\d+"', last)) == 1 and counts == []
    assert "page=1" in last and "page=3" not in last
    _after_the_last, counts = listed("/appeals/?page=3")  # empty: counted for its pager
    assert len(counts) == 1


def test_a_short_inbox_is_not_counted(app, client, login, make_user):
    """The inbox is a bounded list (its count stops at LIST_COUNT_CAP): a page that is not
    full is not counted either."""
    head = make_user(Role.HEAD, body_code="health-71")
    for subject in ("No appointment", "No medicines"):
        submit(make_user(), subject=subject)
    login(head)
    with statements_sent(a_lists_count) as counts:
        page = client.get("/work/").get_data(as_text=True)
    assert "No appointment" in page and "No medicines" in page
    assert counts == []
