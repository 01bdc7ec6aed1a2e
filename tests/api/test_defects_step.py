"""The defects step in the officials' API: the same service and refusals as the page (APPK art.
64(6)): 200 with the appeal, 409 for a date out of bounds or an outsider's standing, 422 for a
requisite off the list; nothing saved on a refusal."""

from __future__ import annotations

from appeals.deadlines.service import working_calendar
from appeals.timeutil import local_today
from tests.work.conftest import events_of, state


def _url(appeal_id: int) -> str:
    return f"/api/v1/work/appeals/{appeal_id}/defects"


def test_the_executor_asks_through_the_api(api_as, people, assigned):
    api = api_as(people.official)
    assert "ask_fix" in api.get(f"/api/v1/work/appeals/{assigned.id}").get_json()["actions"]
    fix_by = working_calendar().add_working_days(local_today(), 3)

    response = api.step(
        _url(assigned.id),
        assigned.id,
        json={"defects": ["iin", "signature"], "fix_by": fix_by.isoformat(), "note": "Page 2"},
    )

    assert response.status_code == 200, response.get_json()
    assert "ask_fix" not in response.get_json()["actions"]
    noted = events_of(assigned.id)[-1]
    assert noted.kind == "defects_noted" and noted.data["fix_by"] == fix_by.isoformat()


def test_refusals_are_409_and_422_with_nothing_saved(api_as, people, assigned):
    api = api_as(people.official)
    before = state(assigned.id)
    past = api.step(
        _url(assigned.id), assigned.id, json={"defects": ["iin"], "fix_by": "2020-01-01"}
    )
    assert past.status_code == 409 and "future" in past.get_json()["message"]
    off_list = api.step(
        _url(assigned.id), assigned.id, json={"defects": ["hat"], "fix_by": "2099-01-01"}
    )
    assert off_list.status_code == 422
    none = api.step(_url(assigned.id), assigned.id, json={"defects": [], "fix_by": "2099-01-01"})
    assert none.status_code == 422
    assert api_as(people.stranger).get(f"/api/v1/work/appeals/{assigned.id}").status_code == 404
    assert state(assigned.id) == before
