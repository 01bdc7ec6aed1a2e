"""The prosecutor's API: the desk's scope (404 outside the region, 403 for anyone else), the
scores, a body's figures, the appeals behind a figure, audits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from appeals.audit.models import Audit
from appeals.extensions import db
from appeals.intake.models import Decision
from appeals.reference.models import Body
from appeals.work.service import answer_appeal
from tests.factories import submit

ANSWER = "We have checked your appeal and arranged an appointment for you next week. " * 3


@pytest.fixture
def answered(assigned, people):
    answer_appeal(assigned, ANSWER, Decision.REFUSED, people.official)
    db.session.commit()
    return assigned


def body_id(code: str) -> int:
    value = db.session.execute(select(Body.id).where(Body.code == code)).scalar_one()
    db.session.commit()
    return value


def test_only_prosecutors(api_as, people):
    for user in (people.citizen, people.official, people.head, people.admin):
        assert api_as(user).get("/api/v1/prosecutor/scores").status_code == 403


def test_scores_figures_and_the_appeals_behind_a_figure(api_as, people, answered):
    api = api_as(people.prosecutor)
    scores = api.get("/api/v1/prosecutor/scores")
    assert scores.status_code == 200, scores.get_json()
    rows = {row["body_id"]: row for row in scores.get_json()["rows"]}
    health = body_id("health-71")
    assert rows[health]["appeals"] == 1

    figures = api.get(f"/api/v1/prosecutor/bodies/{health}")
    assert figures.status_code == 200, figures.get_json()
    assert figures.get_json()["measures"]["appeals"] == 1
    assert figures.get_json()["measures"]["timely"] == {"successes": 1, "n": 1}

    behind = api.get(f"/api/v1/prosecutor/bodies/{health}/appeals?measure=timely.successes")
    assert [item["id"] for item in behind.get_json()["items"]] == [answered.id]
    unknown = api.get(f"/api/v1/prosecutor/bodies/{health}/appeals?measure=nonsense")
    assert unknown.status_code == 422 and "measure" in unknown.get_json()["fields"]
    assert api.get(f"/api/v1/prosecutor/bodies/{body_id('health-75')}").status_code == 404
    backwards = api.get(f"/api/v1/prosecutor/bodies/{health}?start=2026-05-01&end=2026-04-01")
    assert backwards.status_code == 422
    # Without an end, the period runs to the end of the start's month (a leap February here).
    february = api.get(f"/api/v1/prosecutor/bodies/{health}?start=2024-02-10").get_json()
    assert (february["start"], february["end"]) == ("2024-02-10", "2024-02-29")


def test_audit_through_the_api(api_as, people, answered):
    api = api_as(people.prosecutor)
    url = f"/api/v1/prosecutor/appeals/{answered.id}/audit"
    etag = api.get(f"/api/v1/prosecutor/appeals/{answered.id}").headers["ETag"]
    wrong = api.post(
        url, json={"lawful": True, "violations": ["red_tape"]}, headers={"If-Match": etag}
    )
    assert wrong.status_code == 422 and "violations" in wrong.get_json()["fields"]
    assert db.session.execute(select(Audit)).first() is None
    done = api.post(
        url,
        json={
            "lawful": False,
            "violations": ["formal_reply"],
            "note": "No substance",
            "act": "warning",
        },
        headers={"If-Match": etag},
    )
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["act_due_on"]
    listed = api.get("/api/v1/prosecutor/audits").get_json()
    assert [item["appeal_id"] for item in listed["items"]] == [answered.id]


def test_an_appeal_outside_the_region_is_404(api_as, people, make_user):
    almaty, _code = submit(people.citizen, region="750000000")
    api = api_as(people.prosecutor)
    assert api.get(f"/api/v1/prosecutor/appeals/{almaty.id}").status_code == 404
    response = api.post(
        f"/api/v1/prosecutor/appeals/{almaty.id}/audit",
        json={"lawful": True},
        headers={"If-Match": "*"},
    )
    assert response.status_code == 404
