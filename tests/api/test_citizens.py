"""The applicant's API: the same services and the same refusals as the pages."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import select

from appeals.extensions import db
from appeals.intake.models import Appeal, AppealStatus, Decision
from appeals.work.service import answer_appeal
from tests.factories import submit
from tests.samples import NOTHING_SAVED, appeal_fields, minimal_pdf, minimal_png, saved_counts
from tests.work.conftest import state

ANSWER = "We have checked your appeal and arranged an appointment for you next week. " * 3


def test_submit_with_attachments_registers_a_real_appeal(api_as, people):
    api = api_as(people.citizen)
    data = appeal_fields() | {
        "attachments": [
            (BytesIO(minimal_png()), "photo.png"),
            (BytesIO(minimal_pdf()), "letter.pdf"),
        ]
    }
    response = api.post("/api/v1/appeals", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["access_code"] and body["appeal"]["number"]
    appeal = db.session.get(Appeal, body["appeal"]["id"])
    assert appeal.applicant_id == people.citizen.id
    assert appeal.status == AppealStatus.REGISTERED and appeal.current_body.code == "health-71"
    assert sorted(a.filename for a in appeal.attachments) == ["letter.pdf", "photo.png"]
    assert [e["kind"] for e in body["appeal"]["events"]][0] == "submitted"
    png = next(a for a in body["appeal"]["attachments"] if a["filename"] == "photo.png")
    download = api.get(f"/api/v1/appeals/{appeal.id}/attachments/{png['id']}")
    assert download.status_code == 200 and download.data == minimal_png()
    assert "photo.png" in download.headers["Content-Disposition"]
    other = api_as(people.other_citizen)
    assert other.get(f"/api/v1/appeals/{appeal.id}/attachments/{png['id']}").status_code == 404
    assert api.get(f"/api/v1/appeals/{appeal.id}/attachments/999999").status_code == 404


def test_submit_as_json_without_files(api_as, people):
    api = api_as(people.citizen)
    fields = appeal_fields()
    fields["category_id"] = int(fields["category_id"])
    response = api.post("/api/v1/appeals", json=fields)
    assert response.status_code == 201, response.get_json()


def test_bad_input_is_422_with_the_fields_and_nothing_saved(api_as, people):
    api = api_as(people.citizen)
    db.session.commit()
    response = api.post(
        "/api/v1/appeals",
        data=appeal_fields(subject="x", category_id="999999")
        | {"attachments": [(BytesIO(b"%PDF fake"), "fake.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "subject" in response.get_json()["fields"]
    wrong_place = api.post("/api/v1/appeals", data=appeal_fields(category_id="999999"))
    assert wrong_place.status_code == 422 and "category_id" in wrong_place.get_json()["fields"]
    fake = api.post(
        "/api/v1/appeals",
        data=appeal_fields() | {"attachments": [(BytesIO(b"%PDF"), "a.png")]},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 422 and "attachments" in fake.get_json()["fields"]
    assert saved_counts() == NOTHING_SAVED


def test_an_oversized_upload_is_413_json(app, api_as, people, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    api = api_as(people.citizen)
    response = api.post(
        "/api/v1/appeals",
        data=appeal_fields() | {"attachments": [(BytesIO(b"a" * 5000), "big.txt")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and response.get_json()["status"] == 413
    assert saved_counts() == NOTHING_SAVED


def test_the_list_and_the_reading_are_the_applicants_own(api_as, people):
    mine, _code = submit(people.citizen)
    theirs, _code = submit(people.other_citizen)
    api = api_as(people.citizen)
    listed = api.get("/api/v1/appeals").get_json()["items"]
    assert [item["id"] for item in listed] == [mine.id]
    assert api.get(f"/api/v1/appeals/{theirs.id}").status_code == 404
    read = api.get(f"/api/v1/appeals/{mine.id}")
    assert read.status_code == 200
    assert read.headers["ETag"] == f'"{mine.id}-{mine.version}"'
    assert read.get_json()["events"] and read.get_json()["text"] == mine.text
    assert api.get("/api/v1/appeals/99999999").status_code == 404


def test_withdraw_needs_if_match_and_refuses_a_stale_one(api_as, people, appeal):
    api = api_as(people.citizen)
    before = state(appeal.id)
    url = f"/api/v1/appeals/{appeal.id}/withdraw"
    assert api.post(url, json={}).status_code == 428
    stale = api.post(url, json={}, headers={"If-Match": f'"{appeal.id}-0"'})
    assert stale.status_code == 412 and stale.get_json()["status"] == 412
    assert state(appeal.id) == before
    done = api.step(url, appeal.id, json={"reason": "solved"})
    assert done.status_code == 200 and done.get_json()["status"] == "withdrawn"
    assert done.headers["ETag"] != f'"{appeal.id}-1"'


def test_another_persons_appeal_cannot_be_withdrawn(api_as, people, appeal):
    api = api_as(people.other_citizen)
    before = state(appeal.id)
    response = api.post(f"/api/v1/appeals/{appeal.id}/withdraw", json={}, headers={"If-Match": "*"})
    assert response.status_code == 404
    assert state(appeal.id) == before


def test_rate_before_an_answer_is_409_then_rate_and_complain(api_as, people, assigned):
    api = api_as(people.citizen)
    url = f"/api/v1/appeals/{assigned.id}/rate"
    refused = api.step(url, assigned.id, json={"satisfaction": "satisfied"})
    assert refused.status_code == 409 and refused.get_json()["message"]
    bad = api.step(url, assigned.id, json={"satisfaction": "ecstatic"})
    assert bad.status_code == 422 and "satisfaction" in bad.get_json()["fields"]

    answer_appeal(assigned, ANSWER, Decision.REFUSED, people.official)
    db.session.commit()
    complained = api.step(
        f"/api/v1/appeals/{assigned.id}/complaint",
        assigned.id,
        json={"reason": "disagrees", "text": "The refusal ignores my medical records."},
    )
    assert complained.status_code == 201, complained.get_json()
    complaint = complained.get_json()["appeal"]
    assert complaint["kind"] == "complaint" and complained.get_json()["access_code"]
    rated = api.step(url, assigned.id, json={"satisfaction": "not_satisfied"})
    assert rated.status_code == 200 and rated.get_json()["status"] == "closed"
    ids = db.session.execute(select(Appeal.id).order_by(Appeal.id)).scalars().all()
    assert complaint["id"] in ids
