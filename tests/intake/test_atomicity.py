"""Nothing half-saved: an appeal whose submission fails after its number was taken leaves no
row behind, no job in Redis, and no gap in the numbers."""

from __future__ import annotations

import pytest
from redis import Redis
from sqlalchemy import select

from appeals.extensions import db
from appeals.intake import service
from appeals.intake.attachments import check_file
from appeals.intake.models import Appeal, AppealKind
from appeals.intake.service import NewAppeal, submit_appeal
from appeals.notifications.models import Notification
from appeals.notifications.service import NOTICE_OUTBOX
from appeals.queues import waiting_in_outbox
from tests.factories import ASTANA, category_id, region_id, submit
from tests.samples import appeal_fields, minimal_png, saved_counts, upload


class Outage(RuntimeError):
    """Stands for whatever can go wrong mid-way: a lost connection, a bug, a full disk."""


def fail_in(monkeypatch, name: str) -> None:
    """Make the service's step `name` do its work and then fail."""
    real = getattr(service, name)

    def failing(*args, **kwargs):
        real(*args, **kwargs)
        raise Outage(f"{name} failed")

    monkeypatch.setattr(service, name, failing)


def new_appeal_with_a_file() -> NewAppeal:
    return NewAppeal(
        kind=AppealKind.STATEMENT,
        category_id=category_id("healthcare"),
        region_id=region_id(ASTANA),
        subject="Clinic refuses a referral",
        text="The clinic refused to give me a referral to a cardiologist without a reason.",
        files=[check_file("referral.png", minimal_png(), 1024 * 1024)],
    )


def notices_in_redis(redis_server) -> set[int]:
    return waiting_in_outbox(NOTICE_OUTBOX, Redis.from_url(redis_server.url))


def notice_ids() -> set[int]:
    return set(db.session.execute(select(Notification.id)).scalars())


@pytest.mark.parametrize("failing_step", ["route_new_appeal", "notify_applicant"])
def test_failed_submission_leaves_nothing_and_no_gap(
    make_user, monkeypatch, redis_server, failing_step
):
    citizen = make_user()
    first, _ = submit(citizen)
    before = saved_counts()
    fail_in(monkeypatch, failing_step)

    with pytest.raises(Outage):
        submit_appeal(citizen, new_appeal_with_a_file())
    db.session.rollback()  # what the request's teardown does with a failed request's session
    monkeypatch.undo()

    assert saved_counts() == before  # no appeal, event, attachment, notice, or number taken
    after, _ = submit(citizen)
    assert first.number.endswith("-00000001")
    assert after.number == first.number.replace("-00000001", "-00000002")
    # Only the committed appeals' notices were handed to Redis.
    assert notices_in_redis(redis_server) == notice_ids()
    assert len(notice_ids()) == 2


def test_failure_inside_the_form_request_leaves_nothing(
    client, make_user, login, monkeypatch, redis_server
):
    login(make_user())
    fail_in(monkeypatch, "notify_applicant")
    form = {**appeal_fields(), "attachments": [upload(minimal_png(), "scan.png")]}

    with pytest.raises(Outage):  # TESTING propagates the error; a user would get a 500 page
        client.post("/appeals/new", data=form, content_type="multipart/form-data")
    db.session.rollback()
    monkeypatch.undo()

    assert saved_counts()["appeals"] == 0
    assert saved_counts()["attachments"] == 0
    assert saved_counts()["numbers taken"] == 0
    response = client.post("/appeals/new", data=appeal_fields())
    assert response.status_code == 302
    appeal = db.session.execute(select(Appeal)).scalar_one()
    assert appeal.number.endswith("-00000001")
    assert notices_in_redis(redis_server) == notice_ids()
