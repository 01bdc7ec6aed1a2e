"""The officials' API mirrors the workspace: scope (404 outside), role (403 for non-staff),
standing (409 for a step the page refuses), If-Match (412 when stale), nothing half-saved."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus
from appeals.reference.models import Body
from tests.samples import minimal_pdf
from tests.work.conftest import state

ANSWER = "We have checked your appeal and arranged an appointment for you next week. " * 3


def test_the_inbox_has_the_pages_filters_and_scope(api_as, people, appeal):
    official = api_as(people.official)
    items = official.get("/api/v1/work/inbox").get_json()["items"]
    assert [item["id"] for item in items] == [appeal.id]
    none = official.get("/api/v1/work/inbox?status=answered").get_json()
    assert none["total"] == 0
    searched = official.get(f"/api/v1/work/inbox?search={appeal.number}&executor=none")
    assert searched.get_json()["total"] == 1
    assert "executor=none" in searched.get_json()["links"]["self"]
    stranger = api_as(people.stranger)
    assert stranger.get("/api/v1/work/inbox").get_json()["total"] == 0
    assert stranger.get(f"/api/v1/work/appeals/{appeal.id}").status_code == 404
    bad = official.get("/api/v1/work/inbox?status=nonsense")
    assert bad.status_code == 422 and "status" in bad.get_json()["fields"]


def test_the_workspace_is_for_staff_only(api_as, people, appeal):
    for user in (people.citizen, people.prosecutor, people.admin):
        response = api_as(user).get("/api/v1/work/inbox")
        assert response.status_code == 403 and response.get_json()["status"] == 403


def test_assign_answer_with_a_file(api_as, people, appeal):
    head = api_as(people.head)
    read = head.get(f"/api/v1/work/appeals/{appeal.id}")
    assert "assign" in read.get_json()["actions"]
    assigned = head.step(
        f"/api/v1/work/appeals/{appeal.id}/assign",
        appeal.id,
        json={"executor_id": people.official.id},
    )
    assert assigned.status_code == 200, assigned.get_json()
    assert assigned.get_json()["executor"]["id"] == people.official.id
    official = api_as(people.official)
    answered = official.step(
        f"/api/v1/work/appeals/{appeal.id}/answer",
        appeal.id,
        data={
            "decision": "satisfied",
            "text": ANSWER,
            "attachments": [(BytesIO(minimal_pdf()), "answer.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert answered.status_code == 200, answered.get_json()
    body = answered.get_json()
    assert body["status"] == AppealStatus.ANSWERED
    assert [a["filename"] for a in body["answers"][0]["attachments"]] == ["answer.pdf"]


def test_an_official_cannot_do_what_the_page_refuses(api_as, people, assigned):
    official = api_as(people.official)
    before = state(assigned.id)
    leave = official.step(
        f"/api/v1/work/appeals/{assigned.id}/leave", assigned.id, json={"ground": "anonymous"}
    )
    assert leave.status_code == 409 and leave.get_json()["message"]
    other_body = db.session.query(Body).filter(Body.code == "health-75").one()
    forward = official.step(
        f"/api/v1/work/appeals/{assigned.id}/forward",
        assigned.id,
        json={"body_id": other_body.id, "reason": "Not ours"},
    )
    assert forward.status_code == 409
    short = official.step(
        f"/api/v1/work/appeals/{assigned.id}/answer",
        assigned.id,
        json={"decision": "satisfied", "text": "too short"},
    )
    assert short.status_code == 422 and "text" in short.get_json()["fields"]
    colleague = api_as(people.colleague)
    assert colleague.get(f"/api/v1/work/appeals/{assigned.id}").status_code == 404
    assert state(assigned.id) == before


def test_a_stale_if_match_is_412_and_nothing_is_saved(api_as, people, assigned):
    head = api_as(people.head)
    etag = head.get(f"/api/v1/work/appeals/{assigned.id}").headers["ETag"]
    official = api_as(people.official)
    asked = official.step(
        f"/api/v1/work/appeals/{assigned.id}/extension",
        assigned.id,
        json={"until": str(assigned.due_on + timedelta(days=10)), "reason": "Expert opinion"},
    )
    assert asked.status_code == 200, asked.get_json()
    before = state(assigned.id)
    stale = head.post(
        f"/api/v1/work/appeals/{assigned.id}/extension/approve", headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert state(assigned.id) == before
    approved = head.step(f"/api/v1/work/appeals/{assigned.id}/extension/approve", assigned.id)
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["extended_until"]


def test_an_empty_if_match_is_412(api_as, people, assigned):
    before = state(assigned.id)
    empty = api_as(people.official).post(
        f"/api/v1/work/appeals/{assigned.id}/answer",
        headers={"If-Match": '""'},
        json={"decision": "refused", "text": "A reasoned refusal. " * 6},
    )
    assert empty.status_code == 412 and empty.get_json()["status"] == 412
    assert state(assigned.id) == before


def test_the_head_forwards_and_leaves(api_as, people, appeal, make_user):
    head = api_as(people.head)
    other_body = db.session.query(Body).filter(Body.code == "health-75").one()
    unknown = head.step(
        f"/api/v1/work/appeals/{appeal.id}/forward",
        appeal.id,
        json={"body_id": 99999999, "reason": "Not ours"},
    )
    assert unknown.status_code == 422 and "body_id" in unknown.get_json()["fields"]
    forwarded = head.step(
        f"/api/v1/work/appeals/{appeal.id}/forward",
        appeal.id,
        json={"body_id": other_body.id, "reason": "Not ours"},
    )
    assert forwarded.status_code == 200, forwarded.get_json()
    assert db.session.get(Appeal, appeal.id).current_body_id == other_body.id
    db.session.commit()
    assert head.get(f"/api/v1/work/appeals/{appeal.id}").status_code == 404
    there = api_as(people.stranger_head)
    left = there.step(
        f"/api/v1/work/appeals/{appeal.id}/leave",
        appeal.id,
        json={"ground": "no_matter", "note": "nothing to consider"},
    )
    assert left.status_code == 200, left.get_json()
    assert left.get_json()["status"] == "left_without_consideration"
