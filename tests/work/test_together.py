"""Look-alikes and appeals answered together: the official sees the open appeals of the body
that read like this one; the head groups them; the lead's answer reaches each applicant in
their own case, and a group of two bodies, or of closed appeals, is refused."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Answer, Appeal
from appeals.intake.workflow import TransitionRefused
from appeals.timeutil import now_utc
from appeals.work.service import answer_appeal, assign_executor
from appeals.work.together import group_appeals, look_alikes
from tests.conftest import PASSWORD
from tests.factories import submit
from tests.ops.test_lazy_sklearn import in_a_fresh_process
from tests.pages import by_testid
from tests.work.conftest import post_step, state

GARBAGE = (
    "Во дворе дома {n} по улице Абая не вывозят мусор уже две недели, контейнеры переполнены, "
    "вокруг бегают крысы."
)
ANSWER = (
    "The contractor's schedule for Abay street was checked: collection resumed on 3 December "
    "and the yards are cleaned; the contractor was fined under the municipal contract."
)


@pytest.fixture
def garbage(people, make_user):
    """Three residents write about the same uncollected garbage; a fourth about a kindergarten."""
    neighbours = [people.other_citizen, make_user(full_name="Dana Esova")]
    first, _ = submit(people.citizen, subject="Мусор на Абая", text=GARBAGE.format(n=12))
    like = [
        submit(person, subject="Не вывозят мусор", text=GARBAGE.format(n=14 + i))[0]
        for i, person in enumerate(neighbours)
    ]
    other, _ = submit(
        people.citizen,
        subject="Детский сад",
        text="Мой ребёнок третий год в очереди в детский сад.",
    )
    assign_executor(first, people.official, people.head)
    db.session.commit()
    return first, like, other


def look_alikes_card(client, appeal: Appeal):
    """The look-alikes' card on the official's page of `appeal` (the signed-in user's view)."""
    return by_testid(client.get(f"/work/appeals/{appeal.id}").get_data(as_text=True), "look-alikes")


def test_the_official_sees_the_look_alikes_of_the_body_once_the_worker_found_them(
    client, login, people, garbage, run_jobs
):
    first, like, other = garbage
    login(people.official)

    page = client.get(f"/work/appeals/{first.id}").get_data(as_text=True)

    # Not worked out on the page: the worker is asked, and the page says so.
    assert "being looked for" in by_testid(page, "look-alikes-pending").text()
    assert by_testid(page, "look-alikes") is None
    assert look_alikes(first).pending

    run_jobs()

    found = look_alikes(first)
    assert {item.appeal.id for item in found.shown} == {a.id for a in like}
    assert all(item.similarity > 0.5 for item in found.shown) and not found.pending
    page = client.get(f"/work/appeals/{first.id}").get_data(as_text=True)
    card = by_testid(page, "look-alikes").text()
    assert all(a.number in card for a in like) and other.number not in card
    assert "Answer them together" not in card  # the official may not group: the head may
    assert by_testid(page, "look-alikes-pending") is None


def test_old_or_other_bodies_appeals_are_not_look_alikes(people, garbage, make_user, run_jobs):
    first, like, _ = garbage
    like[0].submitted_at = now_utc() - timedelta(days=61)
    db.session.commit()
    almaty, _ = submit(people.other_citizen, region="750000000", text=GARBAGE.format(n=1))
    look_alikes(first)  # asks the worker

    run_jobs()

    found = {item.appeal.id for item in look_alikes(first).shown}
    assert like[0].id not in found and almaty.id not in found and like[1].id in found


def test_the_head_groups_them_and_one_answer_reaches_each_applicant(
    client, login, people, garbage, run_jobs
):
    first, like, _ = garbage
    login(people.head)
    look_alikes_card(client, first)  # the first view asks the worker for them
    run_jobs()
    assert "Answer them together" in look_alikes_card(client, first).text()

    response = post_step(client, first.id, "group", "group", members=[a.id for a in like])

    assert response.status_code == 302
    for member in like:
        db.session.refresh(member)
        assert member.group_lead_id == first.id and member.executor_id == people.official.id
    login(people.official)
    page = client.get(f"/work/appeals/{first.id}").get_data(as_text=True)
    assert all(a.number in by_testid(page, "group-members").text() for a in like)

    post_step(client, first.id, "answer", "answer", text=ANSWER, decision="satisfied")

    answers = db.session.scalars(select(Answer).order_by(Answer.appeal_id)).all()
    assert [a.appeal_id for a in answers] == [first.id, *(a.id for a in like)]
    assert {a.text for a in answers} == {ANSWER}
    for member in like:
        db.session.refresh(member)
        assert member.status == "answered" and member.decision == "satisfied"
    # Each applicant reads the answer in their own case, and only their own.
    login(like[0].applicant)
    own = client.get(f"/appeals/{like[0].id}").get_data(as_text=True)
    assert "collection resumed on 3 December" in by_testid(own, "answer").text()
    assert client.get(f"/appeals/{first.id}").status_code == 404


def test_grouping_appeals_of_two_bodies_or_a_closed_one_is_refused(people, garbage):
    first, like, _ = garbage
    almaty, _ = submit(people.other_citizen, region="750000000", text=GARBAGE.format(n=1))
    before = [state(a.id) for a in (first, *like, almaty)]

    with pytest.raises(TransitionRefused, match="at another body"):
        group_appeals(first, [like[0], almaty], people.head)
    db.session.rollback()
    answer_appeal(like[1], ANSWER, "satisfied", people.head)
    db.session.commit()
    with pytest.raises(TransitionRefused, match="not open any more"):
        group_appeals(first, [like[0], like[1]], people.head)
    db.session.rollback()
    with pytest.raises(TransitionRefused, match="this step is its head's"):
        group_appeals(first, [like[0]], people.official)
    db.session.rollback()

    assert state(first.id) == before[0] and state(like[0].id) == before[1]
    assert db.session.get(Appeal, like[0].id).group_lead_id is None


def test_an_appeal_cannot_join_two_groups(people, garbage):
    first, like, _ = garbage
    group_appeals(first, [like[0]], people.head)
    db.session.commit()

    with pytest.raises(TransitionRefused, match="in a group already"):
        group_appeals(like[1], [like[0]], people.head)


def test_kept_look_alikes_follow_new_and_answered_appeals(
    client, login, people, garbage, make_user, app, run_jobs
):
    """The scores are kept in Redis with the candidates they were computed from. When those
    change, the next view shows the kept ones still open (an answered one is gone at once) and
    the worker works them out again: the new look-alike shows once its job has run."""
    first, like, _ = garbage
    login(people.official)
    page = lambda: look_alikes_card(client, first).text()  # noqa: E731
    client.get(f"/work/appeals/{first.id}")
    run_jobs()
    assert all(a.number in page() for a in like)

    later, _ = submit(
        make_user(full_name="Erlan Nurov"), subject="Мусор", text=GARBAGE.format(n=30)
    )
    answer_appeal(like[0], ANSWER, "satisfied", people.head)
    db.session.commit()

    shown = page()
    assert like[0].number not in shown and like[1].number in shown
    assert later.number not in shown  # not worked out on the page
    page()  # a second view before the worker ran asks for the work once only
    queued = Queue("default", connection=Redis.from_url(app.config["REDIS_URL"])).get_job_ids()
    assert queued.count(f"lookalikes-{first.id}") == 1

    run_jobs()

    shown = page()
    assert later.number in shown and like[0].number not in shown and like[1].number in shown


def test_an_answered_look_alike_leaves_the_page_without_asking_the_worker_again(
    client, login, people, garbage, app, run_jobs
):
    """Only a candidate that came since asks for the work again: one that left (answered) is
    just no longer shown, from the kept scores."""
    first, like, _ = garbage
    login(people.official)
    client.get(f"/work/appeals/{first.id}")
    run_jobs()
    answer_appeal(like[0], ANSWER, "satisfied", people.head)
    db.session.commit()

    shown = look_alikes_card(client, first).text()
    assert like[0].number not in shown and like[1].number in shown
    queued = Queue("default", connection=Redis.from_url(app.config["REDIS_URL"])).get_job_ids()
    assert f"lookalikes-{first.id}" not in queued


def test_with_redis_down_the_page_opens_without_look_alikes(
    client, login, people, garbage, app, monkeypatch
):
    first, like, _ = garbage
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    login(people.official)

    response = client.get(f"/work/appeals/{first.id}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert first.number in page
    # Nothing kept, and the worker cannot be asked: the page promises nothing.
    assert by_testid(page, "look-alikes") is None
    assert by_testid(page, "look-alikes-pending") is None


OPEN_AN_OFFICIALS_APPEAL = """
import json, sys
from appeals import create_app
app = create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=sys.argv[1], REDIS_URL=sys.argv[2])
client = app.test_client()
client.post("/login", data={"email": sys.argv[3], "password": sys.argv[4]})
page = client.get(sys.argv[5]).get_data(as_text=True)
heavy = sorted(name for name in ("sklearn", "scipy", "joblib") if name in sys.modules)
shown = [number for number in sys.argv[6:] if number in page]
print(json.dumps({"pending": "look-alikes-pending" in page, "shown": shown, "heavy": heavy}))
"""


def test_an_officials_page_with_look_alikes_leaves_scikit_learn_unimported(
    app, people, garbage, run_jobs
):
    """The comparison runs in the worker: a web process asking for look-alikes, and one
    showing them, never imports the machine-learning stack."""
    first, like, _ = garbage
    page, email = f"/work/appeals/{first.id}", people.official.email
    numbers = [a.number for a in like]
    db.session.commit()  # the write lock is free for the other process (read nothing after)

    def view() -> dict:
        result = in_a_fresh_process(
            OPEN_AN_OFFICIALS_APPEAL,
            app.config["SQLALCHEMY_DATABASE_URI"],
            app.config["REDIS_URL"],
            email,
            PASSWORD,
            page,
            *numbers,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert view() == {"pending": True, "shown": [], "heavy": []}
    run_jobs()
    assert view() == {"pending": False, "shown": numbers, "heavy": []}
