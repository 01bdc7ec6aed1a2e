"""Every step of the API, by someone the page refuses: another citizen's appeal is 404, an
appeal outside an official's scope is 404, a non-staff token on the workspace is 403; and
nothing changes."""

from __future__ import annotations

import pytest

from tests.work.conftest import state

CITIZEN_STEPS = {
    "rate": {"satisfaction": "satisfied"},
    "withdraw": {},
    "complaint": {"reason": "disagrees", "text": "The answer ignores my documents entirely."},
}
WORK_STEPS = {
    "assign": {"executor_id": 999_999},
    "answer": {"decision": "satisfied", "text": "x" * 120},
    "extension": {"until": "2030-01-01", "reason": "r"},
    "extension/approve": None,
    "extension/refuse": {"reason": "r"},
    "suspend": {"reason": "r"},
    "resume": None,
    "forward": {"body_id": 999_999, "reason": "r"},
    "leave": {"ground": "no_matter"},
}


@pytest.mark.parametrize("step", CITIZEN_STEPS)
def test_another_citizens_appeal_is_404_for_every_step(api_as, people, assigned, step):
    api = api_as(people.other_citizen)
    before = state(assigned.id)
    response = api.post(
        f"/api/v1/appeals/{assigned.id}/{step}",
        json=CITIZEN_STEPS[step],
        headers={"If-Match": f'"{assigned.id}-{assigned.version}"'},
    )
    assert response.status_code == 404 and response.get_json()["status"] == 404
    assert api.get(f"/api/v1/appeals/{assigned.id}").status_code == 404
    assert state(assigned.id) == before


@pytest.mark.parametrize("step", WORK_STEPS)
def test_every_workspace_step_outside_the_scope_is_404(api_as, people, assigned, step):
    before = state(assigned.id)
    url = f"/api/v1/work/appeals/{assigned.id}/{step}"
    headers = {"If-Match": f'"{assigned.id}-{assigned.version}"'}
    for user in (people.stranger, people.stranger_head, people.colleague):
        response = api_as(user).post(url, json=WORK_STEPS[step], headers=headers)
        # 404 even with an unknown id in the body: the scope is checked first.
        assert response.status_code == 404, (user, response.get_json())
    for user in (people.citizen, people.prosecutor, people.admin):
        response = api_as(user).post(url, json=WORK_STEPS[step], headers=headers)
        assert response.status_code == 403
    assert state(assigned.id) == before
